import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource, QueryRunner } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Inserts `count` one-part messages; parts get the given status and an SMSC id unless queued. */
async function seedParts(
  ds: DataSource,
  count: number,
  status: 'queued' | 'submitted',
  accounts = 50,
): Promise<void> {
  await ds.query(
    `WITH m AS (
       INSERT INTO smpp_messages (id, account, destination, source, source_ton, source_npi, text,
                                  encoding, data_coding, status, parts_total, registered_delivery)
       SELECT gen_random_uuid(), 'acct-' || (g % $2), '6591234567', 'MyBrand', 5, 0, 'hi', 'gsm7',
              0, $3, 1, 1
         FROM generate_series(1, $1) AS g
       RETURNING id, account)
     INSERT INTO smpp_message_parts (id, message_id, account, seq, total, status, body, esm_class,
                                     smsc_message_id, next_attempt_at)
     SELECT gen_random_uuid(), m.id, m.account, 1, 1, $3, '\\x6869', 0,
            CASE WHEN $3 = 'queued' THEN NULL ELSE gen_random_uuid()::text END,
            now() - random() * interval '1 minute'
       FROM m`,
    [count, accounts, status],
  );
}

type PlanNode = { 'Node Type': string; 'Index Name'?: string; Plans?: PlanNode[] };

/** EXPLAIN (FORMAT JSON) with bind parameters: the planner sees what the application sends. */
async function planOf(ds: DataSource, sql: string, params: unknown[]): Promise<PlanNode> {
  const [row] = (await ds.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)) as {
    'QUERY PLAN': [{ Plan: PlanNode }];
  }[];
  return row!['QUERY PLAN'][0].Plan;
}

function scans(plan: PlanNode): string[] {
  const here = plan['Index Name']
    ? [`${plan['Node Type']} ${plan['Index Name']}`]
    : plan['Node Type'].includes('Scan')
      ? [plan['Node Type']]
      : [];
  return [...here, ...(plan.Plans ?? []).flatMap(scans)];
}

describe('the hot queries use their indexes', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    await seedParts(ds, 20_000, 'submitted');
    await seedParts(ds, 200, 'queued');
    // Receipts: most matched, 2,000 parked (their part not known yet): with only a handful parked,
    // the planner may as well read them through any partial index on parked receipts.
    await ds.query(
      `INSERT INTO smpp_receipts (id, account, smsc_message_id, part_id, stat, final, raw_text, tlvs,
                                  source_addr, destination_addr, matched_at)
       SELECT gen_random_uuid(), account, smsc_message_id, id, 'DELIVRD', true, '', '{}',
              '6591234567', 'MyBrand', now()
         FROM smpp_message_parts WHERE smsc_message_id IS NOT NULL`,
    );
    await ds.query(
      `INSERT INTO smpp_receipts (id, account, smsc_message_id, stat, final, raw_text, tlvs,
                                  source_addr, destination_addr)
       SELECT gen_random_uuid(), 'acct-7', 'parked-' || g, 'DELIVRD', true, '', '{}', '659', 'B'
         FROM generate_series(1, 2000) AS g`,
    );
    await ds.query('ANALYZE');
  });
  afterAll(() => db?.drop());

  it('matches a receipt to its part with one hit on ix_smpp_message_parts_receipt_match', async () => {
    const [target] = (await db.dataSource.query(
      `SELECT id, account, smsc_message_id FROM smpp_message_parts
        WHERE account = 'acct-7' AND smsc_message_id IS NOT NULL LIMIT 1`,
    )) as { id: string; account: string; smsc_message_id: string }[];
    const sql = `SELECT id, message_id, status FROM smpp_message_parts
                  WHERE account = $1 AND smsc_message_id = $2`;
    const params = [target!.account, target!.smsc_message_id];

    // No enable_seqscan tricks: 20k rows, fresh statistics, the planner's own choice.
    const plan = await planOf(db.dataSource, sql, params);
    expect(scans(plan)).toEqual(['Index Scan ix_smpp_message_parts_receipt_match']);
    const rows = (await db.dataSource.query(sql, params)) as { id: string }[];
    expect(rows.map((r) => r.id)).toEqual([target!.id]);
  });

  it('finds parked receipts through ix_smpp_receipts_parked', async () => {
    const sql = `SELECT id FROM smpp_receipts
                  WHERE account = $1 AND smsc_message_id = $2 AND part_id IS NULL`;
    const plan = await planOf(db.dataSource, sql, ['acct-7', 'parked-3']);
    expect(scans(plan)).toEqual(['Index Scan ix_smpp_receipts_parked']);
    expect(await db.dataSource.query(sql, ['acct-7', 'parked-3'])).toHaveLength(1);
  });

  it('claims due queued parts of an account, highest lane first, through ix_smpp_message_parts_claim_lanes', async () => {
    const sql = `SELECT id FROM smpp_message_parts
                  WHERE status = 'queued' AND account = $2 AND next_attempt_at <= now()
                  ORDER BY priority, next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED`;
    const plan = await planOf(db.dataSource, sql, [50, 'acct-7']);
    // A handful of queued parts per account here: an index scan, or a bitmap scan of the same index.
    expect(
      scans(plan).filter((s) => s.endsWith(' ix_smpp_message_parts_claim_lanes')),
    ).toHaveLength(1);
    expect(scans(plan)).not.toContain('Seq Scan');
  });
});

describe('claiming queued parts with FOR UPDATE SKIP LOCKED', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  const CLAIM = `
    UPDATE smpp_message_parts
       SET status = 'submitting', claimed_by = $1, claimed_until = now() + interval '30 seconds',
           attempts = attempts + 1
     WHERE id IN (SELECT id FROM smpp_message_parts
                   WHERE status = 'queued' AND next_attempt_at <= now()
                   ORDER BY next_attempt_at LIMIT $2
                   FOR UPDATE SKIP LOCKED)
    RETURNING id`;

  async function claim(runner: QueryRunner, worker: string, limit: number): Promise<string[]> {
    // Structured result: for UPDATE ... RETURNING, TypeORM's plain query() gives [rows, count].
    const result = await runner.query(CLAIM, [worker, limit], true);
    return (result.records as { id: string }[]).map((r) => r.id);
  }

  it('never gives the same part to two open transactions', async () => {
    await seedParts(db.dataSource, 100, 'queued');
    const a = db.dataSource.createQueryRunner();
    const b = db.dataSource.createQueryRunner();
    try {
      await a.startTransaction();
      await b.startTransaction();
      const claimedByA = await claim(a, 'A', 30); // A holds its row locks...
      const claimedByB = await claim(b, 'B', 30); // ...while B claims: it must skip them.
      expect(claimedByA).toHaveLength(30);
      expect(claimedByB).toHaveLength(30);
      expect(claimedByA.filter((id) => claimedByB.includes(id))).toEqual([]);
      await a.commitTransaction();
      await b.commitTransaction();
    } finally {
      await a.release();
      await b.release();
    }
    const counts = (await db.dataSource.query(
      `SELECT coalesce(claimed_by, '-') AS who, count(*)::int AS n FROM smpp_message_parts
        GROUP BY 1 ORDER BY 1`,
    )) as { who: string; n: number }[];
    expect(counts).toEqual([
      { who: '-', n: 40 },
      { who: 'A', n: 30 },
      { who: 'B', n: 30 },
    ]);
  });

  it('hands every part to exactly one of several racing workers', async () => {
    await db.dataSource.query(`DELETE FROM smpp_messages`);
    await seedParts(db.dataSource, 600, 'queued');
    const worker = async (name: string): Promise<string[]> => {
      const runner = db.dataSource.createQueryRunner();
      const mine: string[] = [];
      try {
        for (;;) {
          const batch = await claim(runner, name, 7);
          if (batch.length === 0) return mine;
          mine.push(...batch);
        }
      } finally {
        await runner.release();
      }
    };
    const results = await Promise.all(['w1', 'w2', 'w3', 'w4'].map(worker));
    const all = results.flat();
    expect(all).toHaveLength(600);
    expect(new Set(all).size).toBe(600);
    // More than one worker got work (they really raced), and the database agrees.
    expect(results.filter((r) => r.length > 0).length).toBeGreaterThan(1);
    const [row] = (await db.dataSource.query(
      `SELECT count(*)::int AS n, max(attempts) AS max_attempts FROM smpp_message_parts
        WHERE status = 'submitting'`,
    )) as { n: number; max_attempts: number }[];
    expect(row).toEqual({ n: 600, max_attempts: 1 });
  });
});
