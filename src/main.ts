#!/usr/bin/env node
/**
 * The reference service (`npm start`): REST + /health + /metrics over SmppModule. With no
 * configuration it runs on an embedded Postgres (.data/pg) and an in-process SMSC simulator;
 * see .env.example for the variables. A .env file in the working directory is read first.
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { EnvValidationError } from './app/config/service-env.js';
import { createServiceApp } from './app/service-app.js';

async function main(): Promise<void> {
  // Variables already set in the environment win over the file.
  if (existsSync('.env')) process.loadEnvFile('.env');
  await createServiceApp({ env: process.env, shutdownHooks: true });
}

main().catch((error: unknown) => {
  const logger = new Logger('Service');
  if (error instanceof EnvValidationError) logger.error(error.message);
  else
    logger.error(
      `Could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  process.exit(1);
});
