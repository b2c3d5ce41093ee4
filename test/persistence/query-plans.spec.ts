/**
 * The hot queries keep to indexes whose working set is the live rows, whatever the history: on
 * tables holding a large generated history (ANALYZEd), each hot operation of the store is run for
 * real, every statement it sent is captured (TypeORM's query logger) and EXPLAINed with its own
 * parameters, and no plan may read a history table sequentially. The statements are the ones the
 * store runs, so a later change of a query is checked as it is.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { generateHistory, uuidV7 } from '../../bench/history-data.js';
import { SMPP_ENTITIES } from '../../src/smpp/entities/index.js';
import { DEFAULT_EVENT_RETRY, EventOutbox } from '../../src/smpp/store/outbox/event-outbox.js';
import { writeOutbox } from '../../src/smpp/store/outbox/outbox-queries.js';
import type { PendingEvent } from '../../src/smpp/store/message-state-writer.js';
import { SmppEvents } from '../../src/smpp/events/smpp-events.js';
import type { SmppEventPublisher } from '../../src/smpp/events/smpp-event-publisher.js';
import { parseReceipt } from '../../src/smpp/receipts/receipt-parser.js';
import { resolveRetention } from '../../src/smpp/retention/retention-options.js';
import { emptyCounts, RetentionRunner } from '../../src/smpp/retention/retention-runner.js';
import { readStoreStats } from '../../src/smpp/retention/store-stats.js';
import type { InboundDeliverSm } from '../../src/smpp/session/session.types.js';
import type { IncomingReceipt } from '../../src/smpp/store/part-rows.js';
import { InboundStore } from '../../src/smpp/store/inbound-store.js';
import { CancelStore } from '../../src/smpp/store/cancel-store.js';
import { ExpiryStore } from '../../src/smpp/store/expiry-store.js';
import { MessageStore } from '../../src/smpp/store/message-store.js';
import { ClaimRecovery } from '../../src/smpp/store/claim-recovery.js';
import { partWriteContext } from '../../src/smpp/store/part-write-context.js';
import { partOutcomes } from '../support/part-outcomes.js';
import { QueueDepth } from '../../src/smpp/store/queue-depth.js';
import { ScheduleStore } from '../../src/smpp/store/schedule-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Messages of history; each brings a part, a receipt and 3 events: 6 rows (300 000 by default). */
const HISTORY = Number(process.env.QUERY_PLANS_HISTORY ?? 50_000);
/** Ids of the live rows, UUIDs v7 as the module makes them: above every id of the history. */
const LIVE_ID = uuidV7('clock_timestamp()');
/** The tables that grow with traffic: none of them may be read whole by a hot query. */
const HISTORY_TABLES = new Set([
  'smpp_messages',
  'smpp_message_parts',
  'smpp_receipts',
  'smpp_outbox_events',
  'smpp_inbound_messages',
]);

interface Captured {
  sql: string;
  params: unknown[];
}

class CapturingLogger implements TypeOrmLogger {
  captured: Captured[] = [];
  logQuery(query: string, parameters?: unknown[]) {
    this.captured.push({ sql: query, params: parameters ?? [] });
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

const INDEX_SCANS = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Index Scan']);

function deliver(text: string, tlvs = new Map<number, Buffer>()): InboundDeliverSm {
  return {
    sequenceNumber: 1,
    sourceAddr: '6591234567',
    sourceAddrTon: 1,
    sourceAddrNpi: 1,
    destinationAddr: 'BenchBrand',
    destAddrTon: 5,
    destAddrNpi: 0,
    esmClass: text.startsWith('id:') ? 0x04 : 0,
    dataCoding: 0,
    shortMessage: Buffer.from(text, 'latin1'),
    tlvs,
  };
}

/** A receipt as the bind hands it to the store. */
function incoming(d: InboundDeliverSm): IncomingReceipt {
  return {
    id: randomUUID(),
    account: 'default',
    bindLabel: 'plans#0',
    parsed: parseReceipt(d)!,
    deliver: d,
  };
}

describe(`hot query plans on a history of ${HISTORY} finished messages`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let explainer: pg.Client;
  const logger = new CapturingLogger();
  const plans = new Map<string, PlanNode[][]>();

  /** Runs `op` for real; returns the statements it sent to the smpp_ tables. */
  async function statementsOf(op: () => Promise<unknown>): Promise<Captured[]> {
    logger.captured = [];
    await op();
    return logger.captured.filter(
      (c) => /smpp_/.test(c.sql) && !/^\s*(EXPLAIN|ANALYZE|SET)\b/i.test(c.sql),
    );
  }

  /** Runs `op` for real, then EXPLAINs every statement it sent to the smpp_ tables. */
  async function capture(name: string, op: () => Promise<unknown>): Promise<PlanNode[][]> {
    const statements = await statementsOf(op);
    expect(statements.length, `${name}: statements captured`).toBeGreaterThan(0);
    const out: PlanNode[][] = [];
    for (const s of statements) {
      const res = await explainer.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
        `EXPLAIN (FORMAT JSON) ${s.sql}`,
        s.params as unknown[],
      );
      const all = nodes(res.rows[0]['QUERY PLAN'][0].Plan);
      const seq = all.filter(
        (n) => n['Node Type'] === 'Seq Scan' && HISTORY_TABLES.has(n['Relation Name'] ?? ''),
      );
      expect(
        seq.map((n) => n['Relation Name']),
        `${name}: sequential scan in the plan of\n${s.sql}\n${JSON.stringify(res.rows[0]['QUERY PLAN'], null, 1)}`,
      ).toEqual([]);
      out.push(all);
    }
    plans.set(name, out);
    return out;
  }

  /** The operation read `table` through `index` (by name) somewhere in its statements. */
  function expectIndex(
    plansOf: PlanNode[][],
    table: string,
    index: string | RegExp | Array<string | RegExp>,
  ): void {
    const wanted = [index].flat();
    const matches = (name = '') =>
      wanted.some((w) => (typeof w === 'string' ? w === name : w.test(name)));
    const used = plansOf
      .flat()
      .filter((n) => INDEX_SCANS.has(n['Node Type']) && matches(n['Index Name']));
    expect(
      used.length,
      `${table} read through ${index}; plans used: ${plansOf
        .flat()
        .filter((n) => INDEX_SCANS.has(n['Node Type']))
        .map((n) => n['Index Name'])
        .join(', ')}`,
    ).toBeGreaterThan(0);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    // Ids made as the module makes them (UUID v7, by time): the planner's statistics are those of real data.
    await generateHistory(db.dataSource, { messages: HISTORY, spreadDays: 30, chunk: 50_000 });
    // Live rows, as a busy system has them: queued parts, parts claimed by a dead process,
    // parts waiting for their receipt, parked receipts, undispatched events.
    await db.dataSource.query(
      `WITH m AS (
         INSERT INTO smpp_messages (id, account, destination, source, source_ton, source_npi, text, encoding,
                                    data_coding, status, parts_total, registered_delivery)
         SELECT ${LIVE_ID}, 'default', '6591234567', 'Brand', 5, 0, 'live ' || g, 'gsm7', 0,
                CASE WHEN g <= 50 THEN 'queued' WHEN g <= 70 THEN 'submitting' ELSE 'submitted' END, 1, 1
           FROM generate_series(1, 100) g
         RETURNING id, status, text)
       INSERT INTO smpp_message_parts (id, message_id, account, seq, total, status, body, esm_class,
                                       smsc_message_id, claimed_by, claimed_until)
       SELECT ${LIVE_ID}, m.id, 'default', 1, 1, m.status, '\\x41', 0,
              CASE WHEN m.status = 'submitted' THEN 'LIVE' || replace(m.text, ' ', '') END,
              CASE WHEN m.status = 'submitting' THEN 'dead-process' END,
              CASE WHEN m.status = 'submitting' THEN now() - interval '1 minute' END
         FROM m`,
    );
    // Lanes and time: queued parts in every lane (some past their expiry), scheduled ones (half due).
    await db.dataSource.query(
      `WITH m AS (
         INSERT INTO smpp_messages (id, account, destination, source, source_ton, source_npi, text, encoding,
                                    data_coding, status, parts_total, registered_delivery, priority, send_at, expires_at)
         SELECT ${LIVE_ID}, 'default', '6591234567', 'Brand', 5, 0, 'lane ' || g, 'gsm7', 0,
                CASE WHEN g <= 60 THEN 'queued' ELSE 'scheduled' END, 1, 1, g % 3,
                CASE WHEN g > 60 THEN now() + (g - 80) * interval '1 minute' END,
                CASE WHEN g <= 10 THEN now() - interval '1 minute' WHEN g <= 30 THEN now() + interval '1 hour' END
           FROM generate_series(1, 100) g
         RETURNING id, status, priority, send_at, expires_at)
       INSERT INTO smpp_message_parts (id, message_id, account, seq, total, status, body, esm_class, priority,
                                       expires_at, next_attempt_at)
       SELECT ${LIVE_ID}, m.id, 'default', 1, 1, m.status, '\\x41', 0, m.priority, m.expires_at,
              COALESCE(m.send_at, now())
         FROM m`,
    );
    await db.dataSource.query(
      `INSERT INTO smpp_receipts (id, account, smsc_message_id, stat, final, raw_text, tlvs, source_addr, destination_addr)
       SELECT ${LIVE_ID}, 'default', 'PARKED' || g, 'DELIVRD', true, 'x', '{}', '1', '2'
         FROM generate_series(1, 30) g`,
    );
    // Unknown parts: old ones never resolved, and one that left a minute ago (resolved below).
    await db.dataSource.query(
      `WITH m AS (
         INSERT INTO smpp_messages (id, account, destination, source, source_ton, source_npi, text, encoding,
                                    data_coding, status, parts_total, registered_delivery)
         SELECT ${LIVE_ID}, 'default', CASE WHEN g = 0 THEN '6597777777' ELSE '6591234567' END,
                'Brand', 5, 0, 'plans unknown ' || g, 'gsm7', 0, 'unknown', 1, 1
           FROM generate_series(0, 200) g
         RETURNING id, text)
       INSERT INTO smpp_message_parts (id, message_id, account, seq, total, status, body, esm_class,
                                       error_status, written_at, updated_at, created_at)
       SELECT ${LIVE_ID}, m.id, 'default', 1, 1, 'unknown', convert_to(m.text, 'UTF8'), 0, 'NO_RESPONSE',
              now() - CASE WHEN m.text = 'plans unknown 0' THEN interval '1 minute' ELSE interval '10 days' END,
              now() - CASE WHEN m.text = 'plans unknown 0' THEN interval '30 seconds' ELSE interval '10 days' END,
              now() - CASE WHEN m.text = 'plans unknown 0' THEN interval '1 minute' ELSE interval '10 days' END
         FROM m`,
    );
    await db.dataSource.query(
      `INSERT INTO smpp_outbox_events (id, name, payload, created_at)
       SELECT ${LIVE_ID}, 'smpp.message.delivered', '{}', now() - interval '1 hour'
         FROM generate_series(1, 100) g`,
    );
    // MO history: messages received over the last 30 days, 8x8's MO id on each.
    await db.dataSource.query(
      `INSERT INTO smpp_inbound_messages (id, account, source, destination, text, data_coding, parts_total,
                                          vendor_message_id, received_at, completed_at)
       SELECT ${LIVE_ID}, 'default', '6591234567', 'BenchBrand', 'STOP', 0, 1, gen_random_uuid()::text,
              now() - (30.0 * g / $1) * interval '1 day', now() - (30.0 * g / $1) * interval '1 day'
         FROM generate_series(1, $1::int) g`,
      [Math.max(1_000, HISTORY / 5)],
    );
    await db.dataSource.query('ANALYZE');
    ds = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: SMPP_ENTITIES,
      logging: ['query'],
      logger,
      poolSize: 2,
    });
    await ds.initialize();
    explainer = new pg.Client({ connectionString: db.url });
    await explainer.connect();
  }, 300_000);

  afterAll(async () => {
    await explainer?.end();
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
  });

  it('claim of queued parts, and the idle check', async () => {
    const store = new MessageStore(ds);
    expectIndex(
      await capture('claim', () => store.claim('default', 10, 'plans', 60_000)),
      'smpp_message_parts',
      // The claim index, partial on queued parts, by account, lane and time.
      'ix_smpp_message_parts_claim_lanes',
    );
    // With the bulk share: the bulk lane's range of the same index first.
    expectIndex(
      await capture('claim with bulk share', () => store.claim('default', 10, 'plans', 60_000, 3)),
      'smpp_message_parts',
      'ix_smpp_message_parts_claim_lanes',
    );
    await capture('hasDue', () => store.hasDue('default'));
  });

  it('due scheduled parts, the expiry sweep, cancel and the queue depth', async () => {
    const schedule = new ScheduleStore(ds, () => true, null);
    const promote = await capture('promote due', async () => {
      const { moved } = await schedule.promoteDue('default', 500);
      expect(moved).toBeGreaterThan(0);
    });
    expectIndex(promote, 'smpp_message_parts', 'ix_smpp_message_parts_scheduled');
    expectIndex(
      await capture('next due', () => schedule.nextDue('default')),
      'smpp_message_parts',
      'ix_smpp_message_parts_scheduled',
    );
    expectIndex(
      await capture('expiry sweep', async () => {
        const { expired } = await new ExpiryStore(ds, () => true, null).expireDue(500);
        expect(expired).toBeGreaterThan(0);
      }),
      'smpp_message_parts',
      'ix_smpp_message_parts_expiry',
    );
    const [scheduled]: Array<{ id: string }> = await ds.query(
      `SELECT message_id AS id FROM smpp_message_parts WHERE status = 'scheduled' LIMIT 1`,
    );
    const cancel = await capture('cancel', () =>
      new CancelStore(ds, new MessageStore(ds), () => true, null).cancel(scheduled.id),
    );
    expectIndex(cancel, 'smpp_message_parts', 'uq_smpp_message_parts_message_seq');
    expectIndex(cancel, 'smpp_messages', 'pk_smpp_messages');
    expectIndex(
      await capture('queue depth', () => new QueueDepth(ds).admit('default', 1_000)),
      'smpp_messages',
      'ix_smpp_messages_status_pending',
    );
  });

  it('lookup by clientRef and by id', async () => {
    const store = new MessageStore(ds);
    const found = await store.findByClientRef('default', `hist-${HISTORY - 2}`);
    expect(found?.status).toBe('delivered');
    expectIndex(
      await capture('clientRef', () => store.findByClientRef('default', 'hist-2')),
      'smpp_messages',
      'uq_smpp_messages_account_client_ref',
    );
    expectIndex(
      await capture('get', () => store.get(found!.id)),
      'smpp_messages',
      'pk_smpp_messages',
    );
  });

  it('a receipt matched by SMSC id and its other spellings, and parked when nobody knows it', async () => {
    const receipts = partOutcomes(partWriteContext(ds, () => true));
    const [{ smsc_message_id: known }]: Array<{ smsc_message_id: string }> = await ds.query(
      `SELECT smsc_message_id FROM smpp_message_parts WHERE status = 'delivered' LIMIT 1`,
    );
    const receipt = (smscId: string) =>
      incoming(
        deliver(
          `id:${smscId} sub:001 dlvrd:001 submit date:2512011200 done date:2512011200 stat:DELIVRD err:000 text:x`,
        ),
      );
    // Lower case: found by a second spelling (a duplicate of a delivered part).
    const match = await capture('receipt match', () =>
      receipts.recordReceipts([receipt(known.toLowerCase()), receipt('12345')]),
    );
    expectIndex(match, 'smpp_message_parts', 'ix_smpp_message_parts_receipt_match');
  });

  it('a submit result that finds its parked receipt', async () => {
    const results = partOutcomes(partWriteContext(ds, () => true));
    const [part]: Array<{ id: string }> = await ds.query(
      `SELECT id FROM smpp_message_parts WHERE status = 'submitting' LIMIT 1`,
    );
    const plansOf = await capture('submit result + parked receipts', () =>
      results.recordSubmitResults([
        {
          partId: part.id,
          account: 'default',
          outcome: { kind: 'submitted', smscMessageId: 'PARKED7' },
        },
      ]),
    );
    // Either partial index on parked receipts (part_id IS NULL): both hold the parked ones only.
    expectIndex(plansOf, 'smpp_receipts', [
      'ix_smpp_receipts_parked',
      'ix_smpp_receipts_parked_age',
    ]);
    expectIndex(plansOf, 'smpp_message_parts', 'pk_smpp_message_parts');
  });

  it('recovery of parts claimed by a dead process', async () => {
    const recovery = new ClaimRecovery(partWriteContext(ds, () => true));
    expectIndex(
      await capture('recovery', () => recovery.recoverExpiredClaims('default', false)),
      'smpp_message_parts',
      'ix_smpp_message_parts_recovery',
    );
  });

  it('a receipt that matches no SMSC id, tried against unknown parts', async () => {
    const receipts = partOutcomes(partWriteContext(ds, () => true));
    const now = new Date();
    const date = now.toISOString().replace(/\D/g, '').slice(2, 12);
    const d = {
      ...deliver(
        `id:NOSUCH1 sub:001 dlvrd:001 submit date:${date} done date:${date} stat:DELIVRD err:000 text:plans unknown 0`,
      ),
      sourceAddr: '6597777777',
    };
    const plansOf = await capture('unknown resolution (receipt)', () =>
      receipts.recordReceipts([incoming(d)]),
    );
    expectIndex(plansOf, 'smpp_message_parts', 'ix_smpp_message_parts_unknown');
    expectIndex(plansOf, 'smpp_receipts', [
      'ix_smpp_receipts_parked_source',
      'ix_smpp_receipts_parked_age',
    ]);
    const [part]: Array<{ status: string }> = await ds.query(
      `SELECT status FROM smpp_message_parts WHERE smsc_message_id = 'NOSUCH1'`,
    );
    expect(part?.status).toBe('delivered');
  });

  it('parts becoming unknown, tried against parked receipts', async () => {
    const context = partWriteContext(ds, () => true);
    const receipts = partOutcomes(context);
    const recovery = new ClaimRecovery(context);
    const [{ id }]: Array<{ id: string }> = await ds.query(
      `WITH m AS (
         INSERT INTO smpp_messages (id, account, destination, source, source_ton, source_npi, text, encoding,
                                    data_coding, status, parts_total, registered_delivery)
         VALUES (${LIVE_ID}, 'default', '6598888888', 'Brand', 5, 0, 'plans recovery', 'gsm7', 0,
                 'submitting', 1, 1)
         RETURNING id)
       INSERT INTO smpp_message_parts (id, message_id, account, seq, total, status, body, esm_class,
                                       claimed_by, claimed_until, written_at)
       SELECT ${LIVE_ID}, m.id, 'default', 1, 1, 'submitting', convert_to('plans recovery', 'UTF8'), 0,
              'dead-process', now() - interval '1 second', now() - interval '1 minute'
         FROM m RETURNING id`,
    );
    const date = new Date().toISOString().replace(/\D/g, '').slice(2, 12);
    const d = {
      ...deliver(
        `id:NOSUCH2 sub:001 dlvrd:001 submit date:${date} done date:${date} stat:DELIVRD err:000 text:plans recovery`,
      ),
      sourceAddr: '6598888888',
    };
    await receipts.recordReceipts([incoming(d)]);
    const plansOf = await capture('unknown resolution (recovery)', () =>
      recovery.recoverExpiredClaims('default', false),
    );
    expectIndex(plansOf, 'smpp_receipts', [
      'ix_smpp_receipts_parked_source',
      'ix_smpp_receipts_parked_age',
    ]);
    expectIndex(plansOf, 'smpp_message_parts', 'ix_smpp_message_parts_unknown');
    const [part]: Array<{ status: string; smsc_message_id: string }> = await ds.query(
      `SELECT status, smsc_message_id FROM smpp_message_parts WHERE id = $1`,
      [id],
    );
    expect(part).toEqual({ status: 'delivered', smsc_message_id: 'NOSUCH2' });
  });

  it('outbox dispatch of events left over', async () => {
    const publisher = { enabled: true, emit: () => Promise.resolve() };
    const outbox = new EventOutbox(ds, publisher as unknown as SmppEventPublisher, {
      ...DEFAULT_EVENT_RETRY,
      instanceId: 'plans',
    });
    expectIndex(
      await capture('outbox dispatch', () => outbox.dispatchDue()),
      'smpp_outbox_events',
      'ix_smpp_outbox_events_pending',
    );
  });

  it("a live publish checks the order against its message's pending events only", async () => {
    // Between two VACUUMs (or while a long transaction, a backup say, holds them) the pending
    // indexes hold every event dispatched since, dead: a check that walked the pending events by
    // seq instead of its message's read them all, for each event published.
    const publisher = { enabled: true, emit: () => Promise.resolve() };
    const messageId = randomUUID();
    const events = [SmppEvents.MessageSubmitted, SmppEvents.MessageDelivered].map((name) => ({
      name,
      payload: { eventId: randomUUID(), messageId },
    })) as unknown as PendingEvent[];
    await writeOutbox(ds, events, 'plans');
    for (const deadAfterMs of [undefined, 30_000]) {
      const outbox = new EventOutbox(ds, publisher as unknown as SmppEventPublisher, {
        ...DEFAULT_EVENT_RETRY,
        instanceId: 'plans',
        deadAfterMs,
      });
      expectIndex(
        await capture(`publish (heartbeats: ${deadAfterMs !== undefined})`, () =>
          outbox.publish(events),
        ),
        'smpp_outbox_events',
        'ix_smpp_outbox_events_pending_message',
      );
    }
  });

  it('an MO the SMSC sends again', async () => {
    const inbound = new InboundStore(ds, () => true);
    const vendorId = new Map([[0x1502, Buffer.from(randomUUID(), 'latin1')]]);
    expectIndex(
      await capture('inbound', () => inbound.record('default', deliver('hello', vendorId))),
      'smpp_inbound_messages',
      'ix_smpp_inbound_messages_vendor_id',
    );
  });

  it('retention batches and the stats read the indexes too', async () => {
    const issues: string[] = [];
    // Periods longer than the history: every step looks, none deletes.
    const retention = resolveRetention(
      {
        finishedMessagesDays: 365,
        unknownMessagesDays: 365,
        submittedMessagesDays: 365,
        dispatchedEventsHours: 365 * 24,
        unmatchedReceiptsDays: 365,
        inboundMessagesDays: 365,
      },
      issues,
    );
    expect(issues).toEqual([]);
    const purge = await capture('retention', async () => {
      const result = await new RetentionRunner(ds, retention || (undefined as never)).run(
        new AbortController().signal,
      );
      expect(result.ran).toBe(true);
    });
    expectIndex(purge, 'smpp_messages', 'ix_smpp_messages_finished');
    expectIndex(purge, 'smpp_messages', 'ix_smpp_messages_unknown');
    expectIndex(purge, 'smpp_messages', 'ix_smpp_messages_submitted');
    expectIndex(purge, 'smpp_outbox_events', 'ix_smpp_outbox_events_dispatched');
    expectIndex(purge, 'smpp_receipts', 'ix_smpp_receipts_parked_age');
    expectIndex(purge, 'smpp_outbox_events', 'ix_smpp_outbox_events_dead_lettered');
    await capture('stats', () => readStoreStats(ds, emptyCounts()));
  });

  // Last: it deletes the oldest part of the history. A join of two tables on ids had the planner
  // cost a merge join, which reads the ends of both id indexes; after a purge (UUID v7 ids: the
  // oldest are the lowest) and before its VACUUM, those ends are dead entries, and every plan
  // walked them (7 ms and about 700 pages per plan of the message refresh in a reproduction).
  it('after a purge, before its VACUUM, planning the claim, a submit result and the receipt batches reads a few pages', async () => {
    for (const table of ['smpp_messages', 'smpp_message_parts', 'smpp_receipts'])
      await ds.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
    const issues: string[] = [];
    const retention = resolveRetention(
      { finishedMessagesDays: 20, vacuumAfterRows: false },
      issues,
    );
    expect(issues).toEqual([]);
    const result = await new RetentionRunner(ds, retention || (undefined as never)).run(
      new AbortController().signal,
    );
    expect(result.purged.smpp_messages).toBeGreaterThan(HISTORY / 5);

    const statements = await statementsOf(() =>
      new MessageStore(ds).claim('default', 10, 'plans', 60_000),
    );
    const receipts = partOutcomes(partWriteContext(ds, () => true));
    const [claimed]: Array<{ id: string }> = await ds.query(
      `SELECT id FROM smpp_message_parts WHERE status = 'submitting' AND claimed_by = 'plans' LIMIT 1`,
    );
    statements.push(
      ...(await statementsOf(() =>
        receipts.recordSubmitResults([
          {
            partId: claimed.id,
            account: 'default',
            outcome: { kind: 'submitted', smscMessageId: 'AFTERPURGE1' },
          },
        ]),
      )),
    );
    const [{ smsc_message_id: smscId }]: Array<{ smsc_message_id: string }> = await ds.query(
      `SELECT smsc_message_id FROM smpp_message_parts WHERE status = 'submitted' LIMIT 1`,
    );
    const d = deliver(
      `id:${smscId} sub:001 dlvrd:001 submit date:2512011200 done date:2512011200 stat:DELIVRD err:000 text:x`,
    );
    statements.push(...(await statementsOf(() => receipts.recordReceipts([incoming(d)]))));
    // A receipt nobody knows: tried against the unknown parts, by destination and time.
    const date = new Date().toISOString().replace(/\D/g, '').slice(2, 12);
    const unknown = {
      ...deliver(
        `id:NOSUCH3 sub:001 dlvrd:001 submit date:${date} done date:${date} stat:DELIVRD err:000 text:x`,
      ),
      sourceAddr: '6591234567',
    };
    statements.push(...(await statementsOf(() => receipts.recordReceipts([incoming(unknown)]))));
    expect(statements.some((s) => /array_agg/.test(s.sql))).toBe(true);
    expect(statements.some((s) => /AS k\(key, account, destination/.test(s.sql))).toBe(true);
    for (const s of statements) {
      let pages = 0;
      // The second plan: the first also reads the catalogs.
      for (let i = 0; i < 2; i++) {
        const res = await explainer.query<{
          'QUERY PLAN': Array<{ Planning: Record<string, number> }>;
        }>(`EXPLAIN (BUFFERS, SUMMARY, FORMAT JSON) ${s.sql}`, s.params as unknown[]);
        const planning = res.rows[0]['QUERY PLAN'][0].Planning;
        pages = planning['Shared Hit Blocks'] + planning['Shared Read Blocks'];
      }
      expect(pages, `pages read to plan\n${s.sql}`).toBeLessThan(50);
    }
  });
});
