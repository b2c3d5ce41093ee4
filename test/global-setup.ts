/**
 * Vitest global setup: one Postgres server for the whole run, provided as `databaseUrl`.
 * - DATABASE_URL set (CI): use that server (checked reachable first).
 * - otherwise: start embedded Postgres in a fresh temporary folder, remove it in the teardown.
 * Each test file then creates its own database on that server (test/support/database.ts).
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/app/database/embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the Postgres server the tests create their databases on. */
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) {
    await assertReachable(fromEnv);
    project.provide('databaseUrl', fromEnv);
    return async () => {};
  }

  const dataDir = join(
    tmpdir(),
    `smpp-test-pg-${process.pid}-${randomBytes(4).toString('hex')}`,
    'data',
  );
  const started = Date.now();
  const server = await startEmbeddedPostgres({
    dataDir,
    persistent: false,
    database: 'smpp_test_admin',
    logger: { log: () => {}, warn: (m) => console.warn(`[global-setup] ${m}`) },
  });
  console.log(
    `[global-setup] embedded Postgres on 127.0.0.1:${server.port} ready in ${Date.now() - started} ms ` +
      '(set DATABASE_URL to use an existing server)',
  );
  project.provide('databaseUrl', server.url);
  return async () => {
    await server.stop();
    await rm(dirname(dataDir), { recursive: true, force: true });
  };
}

async function assertReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    const safe = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    throw new Error(
      `DATABASE_URL (${safe}) is not reachable: ${(err as Error).message}. ` +
        'Fix it, or unset it to let the tests start an embedded Postgres.',
      { cause: err },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
