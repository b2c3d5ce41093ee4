import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { MessageDeliveredEvent } from '../../src/smpp/events/message-events.js';
import { createSmppTestApp, eventually, startSimulator } from '../support/smpp-app.js';

describe('events', () => {
  let sim: SmscSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 10 } });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('are emitted after the commit: a listener sees the state the event announces', async () => {
    const t = await createSmppTestApp({ simulator: sim });
    try {
      const seen: string[] = [];
      const { EventEmitter2 } = await import('@nestjs/event-emitter');
      t.app.get(EventEmitter2).on('smpp.message.delivered', async (e: MessageDeliveredEvent) => {
        const stored = await t.smpp.getMessage(e.messageId);
        seen.push(stored?.status ?? 'missing');
      });
      const sent = await t.smpp.send({ to: '+6591233000', text: 'after commit' });
      await eventually(() => seen.length > 0, 'listener');
      expect(seen).toEqual(['delivered']);
      const delivered = t.events.find((e) => e.name === 'smpp.message.delivered')!;
      expect(delivered.payload).toBeInstanceOf(MessageDeliveredEvent);
      expect(delivered.payload).toMatchObject({
        messageId: sent.id,
        account: 'default',
        to: '6591233000',
      });
      expect(typeof (delivered.payload as { eventId: string }).eventId).toBe('string');
      const [row]: Array<{ n: string }> = await t.db.dataSource.query(
        `SELECT count(*) AS n FROM smpp_outbox_events WHERE dispatched_at IS NULL`,
      );
      await eventually(async () => {
        const [r]: Array<{ n: string }> = await t.db.dataSource.query(
          `SELECT count(*) AS n FROM smpp_outbox_events WHERE dispatched_at IS NULL`,
        );
        return Number(r.n) === 0;
      }, 'all events marked dispatched');
      expect(Number(row.n)).toBeGreaterThanOrEqual(0);
    } finally {
      await t.close();
    }
  });

  it('a listener that throws does not break the pipeline', async () => {
    const t = await createSmppTestApp({ simulator: sim });
    try {
      const { EventEmitter2 } = await import('@nestjs/event-emitter');
      t.app.get(EventEmitter2).on('smpp.message.submitted', () => {
        throw new Error('listener bug');
      });
      const sent = await t.smpp.send({ to: '+6591233100', text: 'throwing listener' });
      await eventually(
        async () => (await t.smpp.getMessage(sent.id))?.status === 'delivered',
        'delivered despite the listener',
      );
    } finally {
      await t.close();
    }
  });

  it('events left undispatched by a stopped process are dispatched after the restart, with the same eventId', async () => {
    const t = await createSmppTestApp({ simulator: sim });
    const eventId = '11111111-1111-4111-8111-111111111111';
    await t.db.dataSource.query(
      `INSERT INTO smpp_outbox_events (id, name, payload, created_at) VALUES ($1, 'smpp.message.delivered', $2, now() - interval '1 minute')`,
      [
        eventId,
        JSON.stringify({
          eventId,
          messageId: '22222222-2222-4222-8222-222222222222',
          account: 'default',
          to: '6591233200',
          clientRef: null,
          doneAt: new Date().toISOString(),
          at: new Date().toISOString(),
        }),
      ],
    );
    const t2 = await createSmppTestApp({ simulator: sim, db: t.db });
    try {
      const replayed = await eventually(
        () => t2.events.find((e) => (e.payload as { eventId?: string }).eventId === eventId),
        'replayed event',
        15_000,
      );
      expect(replayed.name).toBe('smpp.message.delivered');
      expect(replayed.payload).toBeInstanceOf(MessageDeliveredEvent);
      expect((replayed.payload as unknown as MessageDeliveredEvent).doneAt).toBeInstanceOf(Date);
    } finally {
      await t2.close();
      await t.close();
    }
  });

  it('the module works without EventEmitterModule in the host: nothing is recorded for events', async () => {
    const t = await createSmppTestApp({ simulator: sim, noEvents: true });
    try {
      const sent = await t.smpp.send({ to: '+6591233300', text: 'no emitter' });
      await eventually(
        async () => (await t.smpp.getMessage(sent.id))?.status === 'delivered',
        'delivered',
      );
      const [r]: Array<{ n: string }> = await t.db.dataSource.query(
        `SELECT count(*) AS n FROM smpp_outbox_events`,
      );
      expect(Number(r.n)).toBe(0);
    } finally {
      await t.close();
    }
  });
});
