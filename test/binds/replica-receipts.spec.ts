/**
 * Receipts land on any bind of the system_id (8x8 and the simulator), so a message sent by one
 * replica is often reported on another's bind: it must still be matched, and every event emitted
 * once across the replicas (the receipt on the replica that received it).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReceiptEvent } from '../../src/simulator/simulator.types.js';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { BindManager } from '../../src/smpp/binds/bind-manager.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { undispatchedEvents } from '../support/outbox.js';
import {
  createSmppTestApp,
  eventually,
  type RecordedEvent,
  type SmppTestApp,
  startSimulator,
} from '../support/smpp-app.js';

const SYSTEM_ID = 'smppuser';

function bound(t: SmppTestApp): number {
  return t.app.get(BindManager).status()[0].bound.transceiver;
}

function payloadOf(e: RecordedEvent): {
  eventId?: string;
  messageId?: string | null;
  smscMessageId?: string;
} {
  return e.payload as { eventId?: string; messageId?: string | null; smscMessageId?: string };
}

describe('receipts on the other replica', () => {
  let sim: SmscSimulator;
  let db: TestDatabase;
  let a: SmppTestApp;
  let b: SmppTestApp;
  /** Simulator bind id -> the replica that holds it. */
  const owner = new Map<number, 'a' | 'b'>();
  const receiptsSent: ReceiptEvent[] = [];

  beforeAll(async () => {
    // A receipt is re-sent only after 20 s without its deliver_sm_resp: on a loaded machine the
    // default 2 s re-sends receipts whose answer came late, and each copy is a receipt of its own.
    sim = await startSimulator({ receipts: { delayMs: 20, responseTimeoutMs: 20_000 } });
    db = await createTestDatabase();
    const start = async (name: 'a' | 'b') => {
      const onBind = (info: { bindId: number }) => owner.set(info.bindId, name);
      sim.on('bind', onBind);
      const t = await createSmppTestApp({
        simulator: sim,
        db,
        account: { binds: { transceivers: 2 }, maxBinds: 4 },
        module: {
          bindAllocator: 'postgres',
          // Long enough that a loaded machine does not drop a bind (its lease fence) mid-test:
          // every bind must be one of those attributed to its replica below.
          bindLease: { leaseMs: 5_000 },
          instanceId: `replica-${name}`,
        },
      });
      await eventually(() => bound(t) === 2, `replica ${name} bound twice`);
      sim.off('bind', onBind);
      return t;
    };
    a = await start('a');
    b = await start('b');
    expect(sim.stats.bindsNow.bySystemId[SYSTEM_ID]).toBe(4);
    sim.on('receipt-sent', (e) => receiptsSent.push(e));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await sim?.stop();
    await db?.drop();
  });
  beforeEach(() => {
    receiptsSent.length = 0;
  });

  async function sendAndCheck(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(
        (await a.smpp.send({ to: `+659100${String(i).padStart(4, '0')}`, text: `hello ${i}` })).id,
      );
    }
    const messages = await eventually(
      async () => {
        const all = await Promise.all(ids.map((id) => a.smpp.getMessage(id)));
        return all.every((m) => m?.status === 'delivered') ? all : null;
      },
      `all ${count} delivered`,
      15_000,
    );
    // Every event is in the outbox; wait until both replicas have emitted all of them (a
    // message's later events wait for its earlier ones, which may be the other replica's).
    const smscIds = new Map(messages.map((m) => [m!.parts[0].smscMessageId!, m!.id]));
    const received = () =>
      [...a.events.map((e) => ['a', e] as const), ...b.events.map((e) => ['b', e] as const)].filter(
        ([, e]) => e.name === 'smpp.receipt.received' && smscIds.has(payloadOf(e).smscMessageId!),
      );
    await eventually(
      async () => received().length >= count && (await undispatchedEvents(db.dataSource)) === 0,
      'every receipt event, and the outbox drained',
    );
    expect(sim.stats.receiptsRedelivered).toBe(0);
    // no event published twice, on one replica or across both
    const eventIds = [...a.events, ...b.events]
      .map((e) => payloadOf(e).eventId)
      .filter((id) => id !== undefined);
    expect(eventIds.filter((id, k) => eventIds.indexOf(id) !== k)).toEqual([]);

    // the receipts really came on both replicas' binds
    const firstTries = receiptsSent.filter((r) => smscIds.has(r.messageId) && r.attempt === 1);
    expect(firstTries).toHaveLength(count);
    const cameOn = new Map(firstTries.map((r) => [r.messageId, owner.get(r.bindId)]));
    expect(new Set(cameOn.values())).toEqual(new Set(['a', 'b']));

    // each receipt emitted once, by the replica whose bind received it
    const receipts = received();
    expect(receipts).toHaveLength(count);
    for (const [where, e] of receipts) {
      expect(where, `receipt ${payloadOf(e).smscMessageId}`).toBe(
        cameOn.get(payloadOf(e).smscMessageId!),
      );
    }

    // each message: delivered once, submitted at most once, across both replicas
    const all = [...a.events, ...b.events];
    for (const id of ids) {
      const names = all.filter((e) => payloadOf(e).messageId === id).map((e) => e.name);
      expect(
        names.filter((n) => n === 'smpp.message.delivered'),
        `message ${id}`,
      ).toHaveLength(1);
      expect(names.filter((n) => n === 'smpp.message.submitted').length).toBeLessThanOrEqual(1);
      expect(names.filter((n) => n === 'smpp.message.failed')).toHaveLength(0);
    }
    // matched: no receipt left parked
    const [{ parked }] = await db.dataSource.query(
      `SELECT count(*)::int AS parked FROM smpp_receipts WHERE part_id IS NULL`,
    );
    expect(parked).toBe(0);
    return ids;
  }

  it('matches every receipt, whichever replica it lands on', async () => {
    await sendAndCheck(24);
  });

  it('matches receipts that arrive before the sender stored the submit_sm_resp', async () => {
    sim.receiptBeforeResponse(true);
    try {
      const ids = await sendAndCheck(24);
      // they really were stored first (parked), and matched when the submit_sm_resp was stored
      const [{ early }] = await db.dataSource.query(
        `SELECT count(*)::int AS early
           FROM smpp_receipts r JOIN smpp_message_parts p ON p.id = r.part_id
          WHERE p.message_id = ANY($1::uuid[]) AND r.received_at < p.submitted_at`,
        [ids],
      );
      expect(early).toBeGreaterThan(0);
    } finally {
      sim.receiptBeforeResponse(false);
    }
  });
});
