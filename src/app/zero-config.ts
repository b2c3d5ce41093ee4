/**
 * Zero-config pieces: an embedded Postgres when DATABASE_URL is not set, and the SMSC simulator
 * in-process when neither SMPP_HOST nor SMPP_SYSTEM_ID is set.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { SmscSimulator } from '../simulator/index.js';
import {
  type EmbeddedPostgresHandle,
  startEmbeddedPostgres,
} from './database/embedded-postgres.js';

/** The simulator's account: the password is random per start (nothing outside this process needs it). */
export const SIMULATOR_SYSTEM_ID = 'smppuser';
/** Sender used with the simulator when SMPP_DEFAULT_SENDER is not set. */
export const SIMULATOR_DEFAULT_SENDER = 'NestSMPP';

/** Starts (initialising it the first time) the embedded Postgres kept in `dataDir`. */
export async function startZeroConfigDatabase(dataDir: string): Promise<EmbeddedPostgresHandle> {
  const logger = new Logger('EmbeddedPostgres');
  logger.log(`DATABASE_URL is not set: starting embedded Postgres in ${resolve(dataDir)}`);
  return startEmbeddedPostgres({
    dataDir,
    persistent: true,
    database: 'smpp',
    logger: { log: (m) => logger.log(m), warn: (m) => logger.warn(m) },
  });
}

export interface ZeroConfigSimulator {
  simulator: SmscSimulator;
  systemId: string;
  password: string;
}

/** Starts an 8x8-like SMSC simulator on a free port of 127.0.0.1 (plain TCP). */
export async function startZeroConfigSimulator(): Promise<ZeroConfigSimulator> {
  const logger = new Logger('SmscSimulator');
  const password = randomBytes(4).toString('hex');
  const simulator = new SmscSimulator({
    host: '127.0.0.1',
    port: 0,
    accounts: [{ systemId: SIMULATOR_SYSTEM_ID, password }],
    logger: {
      log: (m) => logger.log(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    },
  });
  await simulator.start();
  return { simulator, systemId: SIMULATOR_SYSTEM_ID, password };
}
