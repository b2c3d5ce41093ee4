#!/usr/bin/env node
// `npm run simulator`: an 8x8-like SMSC on SIM_PORT (see cli-env.ts for the variables).
import { simulatorOptionsFromEnv } from './cli-env.js';
import { SmscSimulator } from './smsc-simulator.js';
import type { SmscSimulatorOptions } from './simulator.options.js';
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
  let options: SmscSimulatorOptions;
  try {
    options = simulatorOptionsFromEnv(process.env);
    sim = new SmscSimulator({ ...options, logger });
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
  logger.log(`accounts: ${(options.accounts ?? []).map((a) => a.systemId).join(', ')}`);
}

main().catch((e: Error) => {
  logger.error(`cannot start: ${e.message}`);
  process.exit(1);
});
