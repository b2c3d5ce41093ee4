import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { registerStoreGauges } from '../../src/app/metrics/store-gauges.js';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { resolveRetention } from '../../src/smpp/retention/retention-options.js';
import { emptyCounts, RetentionRunner } from '../../src/smpp/retention/retention-runner.js';
import { RETENTION_STEPS, type RetentionStep } from '../../src/smpp/retention/retention-steps.js';
import { readStoreStats } from '../../src/smpp/retention/store-stats.js';
import { connectAsNewRole, createTestDatabase, type TestDatabase } from '../support/database.js';
import { createSmppTestApp, eventually, startSimulator } from '../support/smpp-app.js';

/** Inserts `n` messages of one part with a receipt each, last updated (and finished, if final) `daysAgo` days ago. */
async function messages(
  db: TestDatabase,
  n: number,
  status: string,
  daysAgo: number,
  account = 'default',
): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  const final = ['delivered', 'undeliverable', 'expired', 'rejected', 'failed'].includes(status);
  await db.dataSource.query(
    `WITH m AS (
       INSERT INTO smpp_messages (id, account, destination, source, source_ton, source_npi, text, encoding,
                                  data_coding, status, parts_total, registered_delivery, created_at, updated_at, done_at)
       SELECT id, $2, '6591230000', 'Brand', 5, 0, 'old text', 'gsm7', 0, $3, 1, 1,
              now() - ($4::int * interval '1 day') - interval '1 minute',
              now() - ($4::int * interval '1 day'),
              CASE WHEN $5 THEN now() - ($4::int * interval '1 day') END
         FROM unnest($1::uuid[]) AS id
       RETURNING id, account),
     p AS (
       INSERT INTO smpp_message_parts (id, message_id, account, seq, total, status, body, esm_class, smsc_message_id)
       SELECT gen_random_uuid(), m.id, m.account, 1, 1, $3, '\\x41', 0, replace(m.id::text, '-', '')
         FROM m RETURNING id, account, smsc_message_id)
     INSERT INTO smpp_receipts (id, account, smsc_message_id, part_id, stat, final, raw_text, tlvs, source_addr, destination_addr)
     SELECT gen_random_uuid(), p.account, p.smsc_message_id, p.id, 'DELIVRD', true, 'id:x stat:DELIVRD', '{}', '6591230000', 'Brand'
       FROM p`,
    [ids, account, status, daysAgo, final],
  );
  return ids;
}

async function count(db: TestDatabase, sql: string): Promise<number> {
  const [row]: Array<{ n: number }> = await db.dataSource.query(
    `SELECT count(*)::int AS n FROM ${sql}`,
  );
  return row.n;
}

/** A retention step that records, at each batch, the row `sql` gives on the purge's session. */
function settingsProbe(sql: string): { step: RetentionStep; seen: Array<Record<string, string>> } {
  const seen: Array<Record<string, string>> = [];
  const step: RetentionStep = {
    name: 'settings probe',
    period: 'finishedMessagesDays',
    available: () => Promise.resolve(true),
    async batch(qr) {
      const [row] = (await qr.query(sql)) as Array<Record<string, string>>;
      seen.push(row);
      return { picked: 0, deleted: {} };
    },
  };
  return { step, seen };
}

/** What wal_compression is on a session that has not set it. */
async function serverWalCompression(db: TestDatabase): Promise<string> {
  const [{ server }] = (await db.dataSource.query(
    `SELECT reset_val AS server FROM pg_settings WHERE name = 'wal_compression'`,
  )) as Array<{ server: string }>;
  return server;
}

function options(overrides: Parameters<typeof resolveRetention>[0] = {}) {
  const issues: string[] = [];
  const resolved = resolveRetention({ batchSize: 7, pauseMs: 0, ...overrides }, issues);
  expect(issues).toEqual([]);
  if (!resolved) throw new Error('retention resolved to false');
  return resolved;
}

describe('retention', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it('deletes finished messages with their parts and receipts after the period, in batches, and nothing live', async () => {
    const oldDelivered = await messages(db, 20, 'delivered', 31);
    const oldFailed = await messages(db, 5, 'undeliverable', 40);
    const recent = await messages(db, 6, 'delivered', 29);
    // Submitted and never receipted (registeredDelivery 0, or the SMSC sent none).
    const oldSubmitted = await messages(db, 4, 'submitted', 60);
    const recentSubmitted = await messages(db, 2, 'submitted', 29);
    const oldUnknown = await messages(db, 3, 'unknown', 60);
    const recentUnknown = await messages(db, 2, 'unknown', 29);
    // A receipt that never matched, old and recent; MO fragments and messages; events; leases.
    await db.dataSource.query(
      `INSERT INTO smpp_receipts (id, account, smsc_message_id, stat, final, raw_text, tlvs, source_addr, destination_addr, received_at)
       SELECT gen_random_uuid(), 'default', 'nobody-' || g, 'DELIVRD', true, 'x', '{}', '1', '2',
              now() - CASE WHEN g <= 9 THEN interval '8 days' ELSE interval '6 days' END
         FROM generate_series(1, 12) g`,
    );
    await db.dataSource.query(
      `INSERT INTO smpp_outbox_events (id, name, payload, created_at, dispatched_at)
       SELECT gen_random_uuid(), 'smpp.message.delivered', '{}', now() - interval '3 days',
              CASE WHEN g <= 10 THEN now() - interval '25 hours'
                   WHEN g <= 13 THEN now() - interval '23 hours' END
         FROM generate_series(1, 15) g`,
    );
    await db.dataSource.query(
      `INSERT INTO smpp_inbound_fragments (id, account, source, destination, concat_ref, total, seq, data_coding, body, received_at)
       SELECT gen_random_uuid(), 'default', '6591230000', 'Brand', g, 2, 1, 0, '\\x41',
              now() - CASE WHEN g <= 2 THEN interval '25 hours' ELSE interval '1 hour' END
         FROM generate_series(1, 3) g`,
    );
    await db.dataSource.query(
      `INSERT INTO smpp_inbound_messages (id, account, source, destination, text, data_coding, parts_total, received_at)
       SELECT gen_random_uuid(), 'default', '6591230000', 'Brand', 'mo', 0, 1,
              now() - CASE WHEN g <= 1 THEN interval '31 days' ELSE interval '1 day' END
         FROM generate_series(1, 2) g`,
    );
    await db.dataSource.query(
      `INSERT INTO smpp_bind_leases (system_key, slot, holder, expires_at)
       VALUES ('k', 0, 'dead', now() - interval '2 hours'), ('k', 1, 'late', now() - interval '1 minute'),
              ('k', 2, 'alive', now() + interval '30 seconds')`,
    );

    const batches: number[] = [];
    const runner = new RetentionRunner(db.dataSource, options(), (deleted) =>
      batches.push(deleted.smpp_messages ?? 0),
    );
    const result = await runner.run(new AbortController().signal);

    expect(result.ran).toBe(true);
    expect(result.interrupted).toBe(false);
    expect(result.purged).toMatchObject({
      smpp_messages: 25 + 3 + 4,
      smpp_message_parts: 25 + 3 + 4,
      smpp_receipts: 25 + 3 + 4 + 9,
      smpp_outbox_events: 10,
      smpp_inbound_fragments: 2,
      smpp_inbound_messages: 1,
      smpp_bind_leases: 1,
    });
    // Batches of at most 7 messages: 7, 7, 7, 4, then 3 and 4.
    expect(Math.max(...batches)).toBeLessThanOrEqual(7);
    const left: Array<{ id: string }> = await db.dataSource.query(`SELECT id FROM smpp_messages`);
    // `submitted` and `unknown` wait for a receipt until their period is over.
    expect(left.map((r) => r.id).sort()).toEqual(
      [...recent, ...recentSubmitted, ...recentUnknown].sort(),
    );
    for (const id of [...oldDelivered, ...oldFailed, ...oldUnknown, ...oldSubmitted])
      expect(left.map((r) => r.id)).not.toContain(id);
    expect(await count(db, `smpp_message_parts`)).toBe(10);
    expect(await count(db, `smpp_receipts WHERE part_id IS NOT NULL`)).toBe(10);
    expect(await count(db, `smpp_receipts WHERE part_id IS NULL`)).toBe(3);
    expect(await count(db, `smpp_outbox_events`)).toBe(5);
    expect(await count(db, `smpp_bind_leases`)).toBe(2);

    const again = await runner.run(new AbortController().signal);
    expect(Object.values(again.purged).every((n) => n === 0)).toBe(true);
  });

  it('runs in one process at a time: a second one skips while the purge lock is held', async () => {
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('smpp:retention'))`);
      const result = await new RetentionRunner(db.dataSource, options()).run(
        new AbortController().signal,
      );
      expect(result).toMatchObject({ ran: false, skipped: 'running-elsewhere' });
    } finally {
      await holder.end();
    }
  });

  it("runs with the purge session's settings (VACUUM throttled by vacuumCostDelayMs) and resets them after", async () => {
    const settingsQuery = `SELECT current_setting('vacuum_cost_delay') AS delay,
                                  current_setting('max_parallel_maintenance_workers') AS workers,
                                  current_setting('lock_timeout') AS lock_timeout,
                                  current_setting('wal_compression') AS wal_compression,
                                  pg_backend_pid()::text AS pid`;
    const server = await serverWalCompression(db);
    const { step: probe, seen } = settingsProbe(settingsQuery);
    const runner = new RetentionRunner(
      db.dataSource,
      options({ vacuumCostDelayMs: 7 }),
      undefined,
      [probe],
    );
    expect((await runner.run(new AbortController().signal)).ran).toBe(true);
    expect(seen).toEqual([
      expect.objectContaining({ delay: '7ms', workers: '0', lock_timeout: '2s' }),
    ]);
    // The tests' role is a superuser: the purge compresses its full-page images (on: pglz), or
    // leaves the server's own compression as it is.
    if (server === 'off') expect(seen[0].wal_compression).toMatch(/^(on|pglz)$/);
    else expect(seen[0].wal_compression).toBe(server);
    // The same connection (the pool hands out the last one released), has the server's defaults again.
    const qr = db.dataSource.createQueryRunner();
    await qr.connect();
    try {
      const [after] = (await qr.query(settingsQuery)) as Array<Record<string, string>>;
      expect(after).toMatchObject({
        pid: seen[0].pid,
        delay: '0',
        lock_timeout: '0',
        wal_compression: server,
      });
    } finally {
      await qr.release();
    }
  });

  it("purges as a role that may not set wal_compression, with the server's setting", async () => {
    const asRole = await connectAsNewRole(db);
    try {
      const { step: probe, seen } = settingsProbe(
        `SELECT current_setting('wal_compression') AS wal_compression`,
      );
      const result = await new RetentionRunner(asRole.dataSource, options(), undefined, [
        probe,
      ]).run(new AbortController().signal);
      expect(result.ran).toBe(true);
      expect(seen).toEqual([{ wal_compression: await serverWalCompression(db) }]);
    } finally {
      await asRole.drop();
    }
  });

  it('keeps what a period set to false keeps', async () => {
    await messages(db, 3, 'delivered', 45);
    const result = await new RetentionRunner(
      db.dataSource,
      options({ finishedMessagesDays: false }),
    ).run(new AbortController().signal);
    expect(result.purged.smpp_messages).toBe(0);
    expect(await count(db, `smpp_messages WHERE done_at < now() - interval '44 days'`)).toBe(3);
  });

  it('purges dead letters and quarantined PDUs after their periods', async () => {
    const scratch = await createTestDatabase();
    try {
      await scratch.dataSource.query(
        `INSERT INTO smpp_outbox_events (id, name, payload, created_at, dead_lettered_at)
         SELECT gen_random_uuid(), 'smpp.message.delivered', '{}', now() - interval '40 days',
                CASE WHEN g <= 2 THEN now() - interval '31 days' WHEN g = 3 THEN now() - interval '1 day' END
           FROM generate_series(1, 4) g`,
      );
      await scratch.dataSource.query(
        `INSERT INTO smpp_quarantined_pdus (received_at, account, command_id, sequence_number, reason, raw)
         SELECT now() - CASE WHEN g <= 3 THEN interval '31 days' ELSE interval '1 day' END,
                'default', 5, g, 'test', '\\x00'
           FROM generate_series(1, 5) g`,
      );
      const result = await new RetentionRunner(scratch.dataSource, options()).run(
        new AbortController().signal,
      );
      expect(result.purged.smpp_outbox_events).toBe(2);
      expect(result.purged.smpp_quarantined_pdus).toBe(3);
      // The backlog (never dispatched, not dead) stays whatever its age; so does a young dead letter.
      expect(await count(scratch, `smpp_outbox_events WHERE dead_lettered_at IS NULL`)).toBe(1);
      expect(await count(scratch, `smpp_outbox_events WHERE dead_lettered_at IS NOT NULL`)).toBe(1);
      expect(await count(scratch, `smpp_quarantined_pdus`)).toBe(2);
      const stats = await readStoreStats(scratch.dataSource, emptyCounts());
      expect(stats.deadLetters).toBe(1);
      expect(stats.outboxBacklog).toBe(1);
      expect(stats.quarantined).toBe(2);
    } finally {
      await scratch.drop();
    }
  });

  it('vacuums the tables it deleted many rows from, so that new rows reuse their space', async () => {
    const scratch = await createTestDatabase();
    try {
      await messages(scratch, 2_500, 'delivered', 31);
      await messages(scratch, 100, 'delivered', 1);
      const heap = async () => {
        const [row]: Array<{ bytes: string }> = await scratch.dataSource.query(
          `SELECT pg_relation_size('smpp_messages') AS bytes`,
        );
        return Number(row.bytes);
      };
      const before = await heap();
      const result = await new RetentionRunner(
        scratch.dataSource,
        options({ batchSize: 500, vacuumAfterRows: 1_000 }),
      ).run(new AbortController().signal);
      expect(result.purged.smpp_messages).toBe(2_500);
      // At 1,000 and 2,000 rows; the last 500 (below the end-of-run minimum) are autovacuum's.
      expect(result.vacuums).toEqual({
        smpp_messages: 2,
        smpp_message_parts: 2,
        smpp_receipts: 2,
      });
      const [vacuumed]: Array<{ at: Date | null }> = await scratch.dataSource.query(
        `SELECT last_vacuum AS at FROM pg_stat_user_tables WHERE relname = 'smpp_messages'`,
      );
      expect(vacuumed.at).not.toBeNull();
      // As many new rows as were purged fit in the space the purge freed.
      await messages(scratch, 2_000, 'delivered', 0);
      expect(await heap()).toBeLessThanOrEqual(before);
    } finally {
      await scratch.drop();
    }
  });

  it('vacuums at the end of a run what it deleted since the last VACUUM, and never with vacuumAfterRows: false', async () => {
    const scratch = await createTestDatabase();
    try {
      await messages(scratch, 1_200, 'delivered', 31);
      const result = await new RetentionRunner(
        scratch.dataSource,
        options({ batchSize: 500, vacuumAfterRows: 5_000 }),
      ).run(new AbortController().signal);
      expect(result.vacuums).toEqual({
        smpp_messages: 1,
        smpp_message_parts: 1,
        smpp_receipts: 1,
      });
      await messages(scratch, 1_200, 'delivered', 31);
      const off = await new RetentionRunner(
        scratch.dataSource,
        options({ batchSize: 500, vacuumAfterRows: false }),
      ).run(new AbortController().signal);
      expect(off.purged.smpp_messages).toBe(1_200);
      expect(off.vacuums).toEqual({});
    } finally {
      await scratch.drop();
    }
  });

  it('leaves out its VACUUM of a table that another VACUUM, started after its last deletion from it, has done', async () => {
    const scratch = await createTestDatabase();
    try {
      // As autovacuum would, between the message step and the end of the run: another session.
      const otherVacuum: RetentionStep = {
        name: 'another session vacuums',
        period: 'finishedMessagesDays',
        available: () => Promise.resolve(true),
        async batch() {
          await scratch.dataSource.query(`VACUUM smpp_messages, smpp_receipts`);
          return { picked: 0, deleted: {} };
        },
      };
      await messages(scratch, 1_200, 'delivered', 31);
      const result = await new RetentionRunner(
        scratch.dataSource,
        options({ batchSize: 500, vacuumAfterRows: 5_000 }),
        undefined,
        [RETENTION_STEPS[0], otherVacuum],
      ).run(new AbortController().signal);
      expect(result.purged.smpp_messages).toBe(1_200);
      expect(result.vacuums).toEqual({ smpp_message_parts: 1 });
      expect(result.vacuumedElsewhere).toEqual({ smpp_messages: 1, smpp_receipts: 1 });

      // A VACUUM that ran before the purge's last deletion did not see it: the purge vacuums.
      await messages(scratch, 1_200, 'delivered', 31);
      let batches = 0;
      const vacuumMidway: RetentionStep = {
        ...RETENTION_STEPS[0],
        async batch(qr, cutoff, size) {
          if (batches++ === 1) await scratch.dataSource.query(`VACUUM smpp_messages`);
          return RETENTION_STEPS[0].batch(qr, cutoff, size);
        },
      };
      const midway = await new RetentionRunner(
        scratch.dataSource,
        options({ batchSize: 500, vacuumAfterRows: 5_000 }),
        undefined,
        [vacuumMidway],
      ).run(new AbortController().signal);
      expect(midway.vacuums).toEqual({
        smpp_messages: 1,
        smpp_message_parts: 1,
        smpp_receipts: 1,
      });
      expect(midway.vacuumedElsewhere).toEqual({});
    } finally {
      await scratch.drop();
    }
  });

  it('does not count a VACUUM that SKIP_LOCKED left out (another session holds the table)', async () => {
    const scratch = await createTestDatabase();
    const holder = new pg.Client({ connectionString: scratch.url });
    await holder.connect();
    try {
      await messages(scratch, 1_200, 'delivered', 31);
      // What a running VACUUM holds; the purge's deletes do not wait for it.
      await holder.query(`BEGIN; LOCK TABLE smpp_receipts IN SHARE UPDATE EXCLUSIVE MODE`);
      const result = await new RetentionRunner(
        scratch.dataSource,
        options({ batchSize: 500, vacuumAfterRows: 5_000 }),
      ).run(new AbortController().signal);
      expect(result.purged.smpp_receipts).toBe(1_200);
      expect(result.vacuums).toEqual({ smpp_messages: 1, smpp_message_parts: 1 });
      expect(result.vacuumedElsewhere).toEqual({ smpp_receipts: 1 });
    } finally {
      await holder.end();
      await scratch.drop();
    }
  });

  it('purges as a role that does not own the tables: its VACUUMs are left to autovacuum, and said so', async () => {
    const scratch = await createTestDatabase();
    try {
      await messages(scratch, 1_200, 'delivered', 31);
      const asRole = await connectAsNewRole(scratch, 'SELECT, UPDATE, DELETE');
      try {
        const result = await new RetentionRunner(
          asRole.dataSource,
          options({ batchSize: 500, vacuumAfterRows: 5_000 }),
        ).run(new AbortController().signal);
        expect(result.purged.smpp_messages).toBe(1_200);
        // Postgres skips a VACUUM of a table the role does not own, with a warning.
        expect(result.vacuums).toEqual({});
        expect(result.vacuumedElsewhere).toEqual({
          smpp_messages: 1,
          smpp_message_parts: 1,
          smpp_receipts: 1,
        });
      } finally {
        await asRole.drop();
      }
    } finally {
      await scratch.drop();
    }
  });

  it('stats() counts the queue per account and state, the backlog and the oldest rows', async () => {
    const scratch = await createTestDatabase();
    try {
      await messages(scratch, 4, 'queued', 0, 'alpha');
      await messages(scratch, 2, 'submitting', 0, 'alpha');
      await messages(scratch, 1, 'queued', 0, 'beta');
      await messages(scratch, 2, 'delivered', 3, 'beta');
      await messages(scratch, 1, 'submitted', 2, 'beta');
      await scratch.dataSource.query(
        `INSERT INTO smpp_outbox_events (id, name, payload, created_at)
         SELECT gen_random_uuid(), 'smpp.message.delivered', '{}', now() - interval '1 minute'
           FROM generate_series(1, 3)`,
      );
      const stats = await readStoreStats(scratch.dataSource, emptyCounts());
      expect(stats.queue).toEqual([
        { account: 'alpha', status: 'queued', parts: 4 },
        { account: 'alpha', status: 'submitting', parts: 2 },
        { account: 'beta', status: 'queued', parts: 1 },
      ]);
      expect(stats.outboxBacklog).toBe(3);
      expect(stats.outboxBacklogAgeSeconds).toBeGreaterThanOrEqual(59);
      expect(stats.oldestAgeSeconds.smpp_messages).toBeGreaterThan(3 * 86_400 - 60);
      expect(stats.oldestAgeSeconds.smpp_receipts).toBeNull();
      expect(stats.oldestUnsettledAgeSeconds.submitted).toBeGreaterThan(2 * 86_400 - 60);
      expect(stats.oldestUnsettledAgeSeconds.submitted).toBeLessThan(3 * 86_400);
      expect(stats.oldestUnsettledAgeSeconds.unknown).toBeNull();
      expect(stats.quarantined).toBe(0);
      // A schema whose SubmittedRetention migration has not run yet: no age rather than a scan.
      await scratch.dataSource.query(`DROP INDEX ix_smpp_messages_submitted`);
      const older = await readStoreStats(scratch.dataSource, emptyCounts());
      expect(older.oldestUnsettledAgeSeconds.submitted).toBeNull();
      expect(older.oldestAgeSeconds.smpp_messages).toBeGreaterThan(3 * 86_400 - 60);
    } finally {
      await scratch.drop();
    }
  });

  it('rejects bad options with what to write instead', () => {
    const issues: string[] = [];
    resolveRetention(
      {
        finishedMessagesDays: -1,
        batchSize: 0,
        everyDay: 1,
        busyShare: 0,
        vacuumAfterRows: 10,
        vacuumCostDelayMs: 101,
      } as unknown as Parameters<typeof resolveRetention>[0],
      issues,
    );
    expect(issues).toEqual([
      expect.stringContaining('retention.everyDay: unknown option'),
      expect.stringContaining('retention.finishedMessagesDays: expected a number above 0'),
      expect.stringContaining('retention.batchSize: expected a whole number from 1 to 50000'),
      expect.stringContaining('retention.vacuumCostDelayMs: expected a whole number from 0 to 100'),
      expect.stringContaining('retention.busyShare: expected a number from 0.05 to 1'),
      expect.stringContaining('retention.vacuumAfterRows: expected a whole number from 1000'),
    ]);
    expect(resolveRetention(false, issues)).toBe(false);
  });
});

describe('SmppService.purge() and stats()', () => {
  let sim: SmscSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 10 } });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('purges on demand what is past its period and reports the store', async () => {
    const t = await createSmppTestApp({ simulator: sim });
    try {
      const sent = await Promise.all(
        [1, 2, 3].map((i) => t.smpp.send({ to: `+659123400${i}`, text: `purge me ${i}` })),
      );
      await eventually(
        async () =>
          (await Promise.all(sent.map((m) => t.smpp.getMessage(m.id)))).every(
            (m) => m?.status === 'delivered',
          ),
        'delivered',
      );
      await eventually(async () => (await t.smpp.stats()).outboxBacklog === 0, 'events dispatched');
      const kept = await t.smpp.send({ to: '+6591234009', text: 'still young' });
      await eventually(
        async () => (await t.smpp.getMessage(kept.id))?.status === 'delivered',
        'kept delivered',
      );
      await t.db.dataSource.query(
        `UPDATE smpp_messages SET done_at = now() - interval '31 days' WHERE id = ANY($1::uuid[])`,
        [sent.map((m) => m.id)],
      );

      const before = await t.smpp.stats();
      expect(before.oldestAgeSeconds.smpp_messages).toBeGreaterThan(30 * 86_400);
      expect(before.deadLetters).toBe(0);
      expect(before.tables.map((x) => x.table)).toContain('smpp_messages');

      const result = await t.smpp.purge();
      expect(result.ran).toBe(true);
      expect(result.purged.smpp_messages).toBe(3);
      expect(result.purged.smpp_message_parts).toBe(3);
      expect(result.purged.smpp_receipts).toBe(3);
      for (const m of sent) expect(await t.smpp.getMessage(m.id)).toBeNull();
      expect((await t.smpp.getMessage(kept.id))?.status).toBe('delivered');

      const after = await t.smpp.stats();
      expect(after.oldestAgeSeconds.smpp_messages).toBeLessThan(86_400);
      expect(after.purgedTotal.smpp_messages).toBe(3);

      // The reference service's gauges read the same figures.
      const registry = new Registry();
      registerStoreGauges(registry, t.smpp);
      const text = await registry.metrics();
      expect(text).toContain('smpp_store_stats_up 1');
      expect(text).toContain('smpp_retention_purged_rows_total{table="smpp_messages"} 3');
      expect(text).toContain('smpp_retention_purged_rows_total{table="smpp_receipts"} 3');
      expect(text).toContain('smpp_outbox_backlog 0');
      expect(text).toContain('smpp_outbox_dead_letters 0');
      expect(text).toMatch(/smpp_table_bytes\{table="smpp_messages"\} [1-9]/);
      expect(text).toMatch(/smpp_oldest_row_age_seconds\{table="smpp_messages"\} \d/);
    } finally {
      await t.close();
    }
  });

  it('with retention: false keeps everything and says so', async () => {
    const t = await createSmppTestApp({ simulator: sim, module: { retention: false } });
    try {
      expect(await t.smpp.purge()).toMatchObject({ ran: false, skipped: 'disabled' });
    } finally {
      await t.close();
    }
  });
});
