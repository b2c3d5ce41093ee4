/**
 * The event outbox under failing host listeners: retried with backoff, then dead-lettered; takeover
 * only of events whose owner's lease ran out; listeners never run under a row lock; a message's
 * events in the order of its states.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { claimDue, renewOwn } from '../../src/smpp/store/outbox/outbox-queries.js';
import { SmppEvents } from '../../src/smpp/events/smpp-events.js';
import {
  SmppTelemetry,
  type EventDispatchObservation,
} from '../../src/smpp/telemetry/smpp-telemetry.js';
import { createTestDatabase } from '../support/database.js';
import {
  createSmppTestApp,
  eventually,
  RecordingLogger,
  startSimulator,
} from '../support/smpp-app.js';

interface OutboxRow {
  id: string;
  name: string;
  attempts: number;
  dispatched: boolean;
  dead: boolean;
  last_error: string | null;
}

function deliveredPayload(eventId: string, messageId = randomUUID()) {
  return JSON.stringify({
    eventId,
    messageId,
    account: 'default',
    to: '6591234000',
    clientRef: null,
    doneAt: new Date().toISOString(),
    at: new Date().toISOString(),
  });
}

describe('event outbox', () => {
  let sim: SmscSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 5 } });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  async function outboxRows(
    t: { db: { dataSource: { query: (q: string, p?: unknown[]) => Promise<unknown> } } },
    where: string,
    params: unknown[] = [],
  ): Promise<OutboxRow[]> {
    return (await t.db.dataSource.query(
      `SELECT id, name, attempts, dispatched_at IS NOT NULL AS dispatched,
              dead_lettered_at IS NOT NULL AS dead, last_error
         FROM smpp_outbox_events WHERE ${where} ORDER BY seq`,
      params,
    )) as OutboxRow[];
  }

  it('dispatches an event again after its listener threw, until it succeeds (same eventId)', async () => {
    const t = await createSmppTestApp({ simulator: sim });
    try {
      const calls: string[] = [];
      let failures = 2;
      t.app.get(EventEmitter2).on(SmppEvents.MessageSubmitted, (e: { eventId: string }) => {
        calls.push(e.eventId);
        if (failures-- > 0) throw new Error('listener not ready yet');
      });
      const sent = await t.smpp.send({ to: '+6591234001', text: 'retried event' });
      const [row] = await eventually(async () => {
        const found = await outboxRows(
          t,
          `name = $1 AND payload->>'messageId' = $2 AND dispatched_at IS NOT NULL`,
          [SmppEvents.MessageSubmitted, sent.id],
        );
        return found.length > 0 ? found : undefined;
      }, 'the submitted event dispatched after two failures');
      expect(calls).toHaveLength(3);
      expect(new Set(calls)).toEqual(new Set([row.id]));
      expect(row.attempts).toBe(3);
      expect(row.last_error).toBe('listener not ready yet');
      expect(row.dead).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('dead-letters an event whose listener keeps failing: kept with its error, observed, logged once', async () => {
    const logger = new RecordingLogger();
    const t = await createSmppTestApp({
      simulator: sim,
      logger,
      module: { eventMaxAttempts: 2 },
    });
    try {
      const observed: EventDispatchObservation[] = [];
      t.app.get(SmppTelemetry).on('event', (o) => observed.push(o));
      t.app.get(EventEmitter2).on(SmppEvents.MessageDelivered, () => {
        throw new Error('listener\u0000 always fails');
      });
      const sent = await t.smpp.send({ to: '+6591234002', text: 'dead letter' });
      const [row] = await eventually(async () => {
        const found = await outboxRows(
          t,
          `name = $1 AND payload->>'messageId' = $2 AND dead_lettered_at IS NOT NULL`,
          [SmppEvents.MessageDelivered, sent.id],
        );
        return found.length > 0 ? found : undefined;
      }, 'the delivered event dead-lettered');
      expect(row).toMatchObject({ attempts: 2, dispatched: false, dead: true });
      // The NUL is stored as a space (the column is text).
      expect(row.last_error).toBe('listener  always fails');
      expect(observed).toEqual([
        { name: SmppEvents.MessageDelivered, result: 'retry', attempts: 1 },
        { name: SmppEvents.MessageDelivered, result: 'dead-lettered', attempts: 2 },
      ]);
      expect(logger.lines.filter((l) => /dead-lettered/.test(l.message))).toHaveLength(1);
      // The pipeline is untouched: the message is delivered, and the next message's events flow.
      expect((await t.smpp.getMessage(sent.id))?.status).toBe('delivered');
    } finally {
      await t.close();
    }
  });

  it("publishes a message's events in the order of its states, even when an earlier one failed", async () => {
    const t = await createSmppTestApp({ simulator: sim });
    try {
      const order: string[] = [];
      const emitter = t.app.get(EventEmitter2);
      let failSubmitted = true;
      emitter.on(SmppEvents.MessageSubmitted, () => {
        if (failSubmitted) {
          failSubmitted = false;
          order.push('submitted:failed');
          throw new Error('first dispatch fails');
        }
        order.push('submitted');
      });
      emitter.on(SmppEvents.MessageDelivered, () => order.push('delivered'));
      await t.smpp.send({ to: '+6591234003', text: 'ordered events' });
      await eventually(() => order.includes('delivered'), 'the delivered event');
      expect(order).toEqual(['submitted:failed', 'submitted', 'delivered']);
    } finally {
      await t.close();
    }
  });

  it("takes over only events whose owner's lease ran out, and runs their listeners with no row locked", async () => {
    const t = await createSmppTestApp({ simulator: sim });
    try {
      const live = randomUUID();
      const orphan = randomUUID();
      // A live process's event (its lease runs for an hour) written before a dead one's.
      await t.db.dataSource.query(
        `INSERT INTO smpp_outbox_events (id, name, payload, claimed_by, claimed_until)
         VALUES ($1, $3, $4, 'another-live-process', now() + interval '1 hour'),
                ($2, $3, $5, 'a-stopped-process', now() - interval '1 second')`,
        [
          live,
          orphan,
          SmppEvents.MessageDelivered,
          deliveredPayload(live),
          deliveredPayload(orphan),
        ],
      );
      const lockFree: boolean[] = [];
      t.app.get(EventEmitter2).on(SmppEvents.MessageDelivered, async (e: { eventId: string }) => {
        // Fails at once if the dispatcher still holds the row's lock.
        const got = (await t.db.dataSource.query(
          `SELECT id FROM smpp_outbox_events WHERE id = $1 FOR UPDATE NOWAIT`,
          [e.eventId],
        )) as unknown[];
        lockFree.push(got.length === 1);
      });
      await eventually(
        async () => (await outboxRows(t, `id = $1 AND dispatched_at IS NOT NULL`, [orphan]))[0],
        'the stopped process event taken over',
      );
      expect(lockFree).toEqual([true]);
      // The same claim would have taken the live one (written first): it was not due.
      const [stillLive] = await outboxRows(t, `id = $1`, [live]);
      expect(stillLive).toMatchObject({ dispatched: false, attempts: 0 });
    } finally {
      await t.close();
    }
  });

  it('takes over a replica’s events once its heartbeat lapsed, not while it lives', async () => {
    const db = await createTestDatabase();
    try {
      const [ofDead, ofLive, fresh] = [randomUUID(), randomUUID(), randomUUID()];
      // All still within their 30 s lease; the first two held for 5 s, the third just written.
      await db.dataSource.query(
        `INSERT INTO smpp_outbox_events (id, name, payload, claimed_by, claimed_until)
         VALUES ($1, $4, $5, 'dead#1', now() + interval '25 seconds'),
                ($2, $4, $6, 'live#1', now() + interval '25 seconds'),
                ($3, $4, $7, 'dead#1', now() + interval '30 seconds')`,
        [
          ofDead,
          ofLive,
          fresh,
          SmppEvents.MessageDelivered,
          deliveredPayload(ofDead),
          deliveredPayload(ofLive),
          deliveredPayload(fresh),
        ],
      );
      await db.dataSource.query(
        `INSERT INTO smpp_replicas (system_key, replica, wanted, expires_at)
         VALUES ('k', 'live#1', 1, now() + interval '1 minute'),
                ('k', 'dead#1', 1, now() - interval '1 second')`,
      );
      // Without heartbeats, only the lease counts: nothing is due.
      expect(await claimDue(db.dataSource, 'me#1', 10)).toEqual([]);
      const taken = await claimDue(db.dataSource, 'me#1', 10, 2_000);
      expect(taken.map((r) => [r.id, r.previous_owner])).toEqual([[ofDead, 'dead#1']]);
      // The dead one's own live dispatch (had it been slow) no longer finds it its own.
      expect((await renewOwn(db.dataSource, 'dead#1', [ofDead, fresh])).own).toEqual(
        new Set([fresh]),
      );
    } finally {
      await db.drop();
    }
  });
});
