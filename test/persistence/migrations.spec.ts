import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { SMPP_MIGRATIONS } from '../../migrations/index.js';
import { SMPP_ENTITIES } from '../../src/smpp/entities/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const MIGRATION_NAMES = [
  'InitialSchema1764100000000',
  'HostileInputBounds1764200000000',
  'OutboxRetries1764300000000',
  'ReplicaHandOver1764400000000',
  'RetentionIndexes1764500000000',
  'LanesAndTime1764600000000',
  'SmartEncoding1764610000000',
  'UnknownResolution1764620000000',
  'RetentionVacuum1764630000000',
  'SubmittedRetention1764640000000',
  'OutboxOrderIndex1764650000000',
];

const SMPP_TABLES = [
  'smpp_bind_leases',
  'smpp_inbound_fragments',
  'smpp_inbound_messages',
  'smpp_message_parts',
  'smpp_messages',
  'smpp_outbox_events',
  'smpp_quarantined_pdus',
  'smpp_receipts',
  'smpp_replicas',
];

async function tables(ds: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await ds.query(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_name LIKE 'smpp\\_%' ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

/** Everything about the smpp_ tables that matters, as Postgres itself describes it. */
async function catalog(ds: DataSource): Promise<Record<string, string[]>> {
  const columns: { d: string }[] = await ds.query(
    `SELECT concat_ws(' ', table_name, column_name, data_type, character_maximum_length,
                      is_nullable, column_default) AS d
       FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name LIKE 'smpp\\_%'
      ORDER BY table_name, column_name`,
  );
  const indexes: { d: string }[] = await ds.query(
    `SELECT indexdef AS d FROM pg_indexes
      WHERE schemaname = 'public' AND tablename LIKE 'smpp\\_%' ORDER BY indexname`,
  );
  const constraints: { d: string }[] = await ds.query(
    `SELECT c.conrelid::regclass || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) AS d
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE n.nspname = 'public' AND c.conrelid::regclass::text LIKE 'smpp\\_%'
        AND c.contype <> 'n' -- Postgres 18 also lists NOT NULLs here (covered by the columns)
      ORDER BY c.conname`,
  );
  return {
    columns: columns.map((r) => r.d),
    indexes: indexes.map((r) => r.d),
    constraints: constraints.map((r) => r.d),
  };
}

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(() => db?.drop());

  it('are explicit classes, one entity per smpp_ table', () => {
    expect(SMPP_MIGRATIONS.map((m) => m.name)).toEqual(MIGRATION_NAMES);
    const names = SMPP_ENTITIES.map((e) => db.dataSource.getMetadata(e).tableName).sort();
    expect(names).toEqual(SMPP_TABLES);
  });

  it('run on an empty database and leave no schema diff against the entities', async () => {
    expect(await tables(db.dataSource)).toEqual([]);
    const ran = await db.dataSource.runMigrations();
    expect(ran.map((m) => m.name)).toEqual(MIGRATION_NAMES);
    expect(await tables(db.dataSource)).toEqual(SMPP_TABLES);

    const diff = await db.dataSource.driver.createSchemaBuilder().log();
    expect(diff.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('build exactly the schema TypeORM derives from the entities (index predicates too)', async () => {
    // TypeORM's diff ignores partial-index WHERE clauses, and compares defaults loosely: compare the
    // catalogs of a migrated database and of one synchronized from the entities.
    const synced = await createTestDatabase({ migrate: false });
    try {
      await synced.dataSource.synchronize();
      const expected = await catalog(synced.dataSource);
      const actual = await catalog(db.dataSource);
      // Not vacuous: 125 columns, 35 indexes (9 primary keys, 2 unique constraints, 24 plain),
      // 19 constraints (9 primary keys, 2 unique, 6 checks, 2 foreign keys).
      expect([actual.columns.length, actual.indexes.length, actual.constraints.length]).toEqual([
        125, 35, 19,
      ]);
      expect(actual.columns).toEqual(expected.columns);
      expect(actual.indexes).toEqual(expected.indexes);
      expect(actual.constraints).toEqual(expected.constraints);
      // The partial indexes really are partial.
      expect(actual.indexes.filter((d) => d.includes(' WHERE '))).toHaveLength(19);
    } finally {
      await synced.drop();
    }
  });

  it('down removes everything up created, and up runs again after it', async () => {
    for (let i = 0; i < SMPP_MIGRATIONS.length; i++) await db.dataSource.undoLastMigration();
    expect(await tables(db.dataSource)).toEqual([]);
    const leftovers: unknown[] = await db.dataSource.query(
      `SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND relname LIKE ANY (ARRAY['smpp\\_%', '%\\_smpp\\_%'])`,
    );
    expect(leftovers).toEqual([]);
    expect(await db.dataSource.query(`SELECT name FROM migrations`)).toEqual([]);

    await db.dataSource.runMigrations();
    expect(await tables(db.dataSource)).toEqual(SMPP_TABLES);
    expect((await db.dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
  });
});
