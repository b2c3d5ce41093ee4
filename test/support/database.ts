/**
 * One fresh database per test file (or per test) on the server from the global setup, so test
 * files never see each other's rows and can run in parallel.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { inject } from 'vitest';
import { SMPP_MIGRATIONS } from '../../migrations/index.js';
import { SMPP_ENTITIES } from '../../src/smpp/entities/index.js';

export interface TestDatabase {
  /** URL of the new database. */
  readonly url: string;
  /** Its name, `smpp_t_<random>`. */
  readonly name: string;
  /** Initialised, entities registered, migrations run (unless `migrate: false`). */
  readonly dataSource: DataSource;
  /** Destroys the data source and drops the database (WITH (FORCE)). Idempotent. */
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Run SMPP_MIGRATIONS during initialize(). Default true. */
  migrate?: boolean;
  /** TypeORM query logging. Default false. */
  logging?: boolean;
  /** Pool size of the data source. Default 10. */
  poolSize?: number;
}

/** The server URL provided by test/global-setup.ts. */
export function serverUrl(): string {
  return inject('databaseUrl');
}

/** The URL of another database on the same server. */
export function databaseUrl(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

/** Runs one statement on the server's admin database (the one in `databaseUrl`). */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(
  options: CreateTestDatabaseOptions = {},
): Promise<TestDatabase> {
  const name = `smpp_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = databaseUrl(name);
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: SMPP_ENTITIES,
    migrations: SMPP_MIGRATIONS,
    migrationsRun: options.migrate ?? true,
    synchronize: false,
    logging: options.logging ?? false,
    poolSize: options.poolSize ?? 10,
    applicationName: 'smpp-tests',
  });
  let dropped: Promise<void> | undefined;
  const drop = (): Promise<void> =>
    (dropped ??= (async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    })());
  try {
    await dataSource.initialize();
  } catch (err) {
    await drop().catch(() => undefined);
    throw err;
  }
  return { url, name, dataSource, drop };
}

/**
 * A connection to `database` as a new login role that is no superuser and owns nothing, granted
 * `grants` on its tables (e.g. "SELECT, DELETE"). `drop()` (before the database's) closes it and
 * drops the role.
 */
export async function connectAsNewRole(
  database: TestDatabase,
  grants?: string,
): Promise<{ dataSource: DataSource; drop: () => Promise<void> }> {
  const role = `smpp_role_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await adminQuery(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' NOSUPERUSER`);
  const url = new URL(database.url);
  url.username = role;
  url.password = password;
  const dataSource = new DataSource({ type: 'postgres', url: url.toString(), poolSize: 1 });
  const drop = async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
    // A role with privileges on a table cannot be dropped.
    if (grants)
      await database.dataSource.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);
    await adminQuery(`DROP ROLE IF EXISTS ${role}`);
  };
  try {
    if (grants)
      await database.dataSource.query(`GRANT ${grants} ON ALL TABLES IN SCHEMA public TO ${role}`);
    await dataSource.initialize();
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
  return { dataSource, drop };
}
