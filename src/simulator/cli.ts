#!/usr/bin/env node
// `npm run simulator`: an 8x8-like SMSC on SIM_PORT (see cli-env.ts for the variables).
import { simulatorOptionsFromEnv } from './cli-env.js';
import { SmscSimulator } from './smsc-simulator.js';
import type { SimulatorLogger } from './simulator.types.js';

const stamp = () => new Date().toISOString();
const logger: SimulatorLogger = {
  log: (m) => console.log(`${stamp()} [smsc-simulator] ${m}`),
  warn: (m) => console.warn(`${stamp()} [smsc-simulator] WARN ${m}`),
  error: (m) => console.error(`${stamp()} [smsc-simulator] ERROR ${m}`),
  debug: process.env.SIM_DEBUG ? (m) => console.log(`${stamp()} [smsc-simulator] ${m}`) : undefined,
};

async function main(): Promise<void> {
  let sim: SmscSimulator;
  try {
    sim = new SmscSimulator({ ...simulatorOptionsFromEnv(process.env), logger });
  } catch (e) {
    logger.error((e as Error).message);
    process.exitCode = 2;
    return;
  }
  sim.on('bind', (b) => logger.log(`bind #${b.bindId} ${b.mode} as ${b.systemId}`));
  sim.on('unbind', (b) => logger.log(`bind #${b.bindId} (${b.systemId}) closed: ${b.reason}`));

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: stopping`);
    sim.stop().then(
      () => process.exit(0),
      (e: Error) => {
        logger.error(`stop failed: ${e.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await sim.start();
  const accounts = (process.env.SIM_ACCOUNTS ?? 'smppuser:secret')
    .split(',')
    .map((a) => a.split(':')[0].trim())
    .filter(Boolean);
  logger.log(`accounts: ${accounts.join(', ')}`);
}

main().catch((e: Error) => {
  logger.error(`cannot start: ${e.message}`);
  process.exit(1);
});
