/**
 * Expiry: a part not submitted by expiresAt is never submitted; the message ends `expired` locally
 * with smpp.message.expired. Expiring happens while no bind is up (nothing races it); the check
 * right before a submit is exercised on the store with a claimed part.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { secondsLeft, toSmppValidity } from '../../src/smpp/messages/validity-period.js';
import { ExpiryStore } from '../../src/smpp/store/expiry-store.js';
import { MessageStore } from '../../src/smpp/store/message-store.js';
import { WrittenMarks } from '../../src/smpp/store/written-marks.js';
import { partWriteContext } from '../../src/smpp/store/part-write-context.js';
import { partOutcomes } from '../support/part-outcomes.js';
import { parseReceipt } from '../../src/smpp/receipts/receipt-parser.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  createSmppTestApp,
  eventually,
  type SmppTestApp,
  startSimulator,
} from '../support/smpp-app.js';
import {
  allowBinds,
  eventsFor,
  FAST_RECONNECT,
  refuseBinds,
  isBound,
  submitsTo,
  until,
} from './support.js';

describe('expiry', () => {
  let sim: SmscSimulator;
  let t: SmppTestApp;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 10 } });
    t = await createSmppTestApp({ simulator: sim, module: FAST_RECONNECT });
  });
  afterEach(() => allowBinds(sim));
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('expires a message that was not sent by its expiresAt (no bind up), never submits it, emits expired', async () => {
    refuseBinds(sim);
    sim.dropAllConnections();
    await eventually(() => !isBound(t), 'the binds to be down');
    const sent = await t.smpp.send({ to: '+6591400001', text: 'code 123456', ttlMs: 1_500 });
    expect(sent.expiresAt).toBeInstanceOf(Date);

    const done = await until(t, sent.id, ['expired']);
    expect(done.parts[0]).toMatchObject({ status: 'expired', errorStatus: 'EXPIRED_LOCALLY' });
    expect(done).toMatchObject({ errorStatus: 'EXPIRED_LOCALLY', submittedAt: null });
    expect(done.doneAt).toBeInstanceOf(Date);
    const [expired] = await eventuallyOne(t, 'smpp.message.expired', sent.id);
    expect(expired.payload).toMatchObject({ messageId: sent.id, partsSent: 0 });
    expect(eventsFor(t, 'smpp.message.failed', sent.id)).toHaveLength(0);

    // Binds again: a later message goes out, the expired one never does.
    allowBinds(sim);
    const later = await t.smpp.send({ to: '+6591400002', text: 'after the expiry' });
    await until(t, later.id, ['delivered']);
    expect(submitsTo(sim, '+6591400001')).toBe(0);
    expect((await t.smpp.getMessage(sent.id))?.status).toBe('expired');
  });

  it('sends the time left as a relative validity_period (or the configured one when shorter)', async () => {
    const ttl = await t.smpp.send({ to: '+6591400010', text: 'ten minutes', ttlMs: 600_000 });
    await until(t, ttl.id, ['delivered']);
    const [submit] = sim.submits.filter((s) => s.destinationAddr === '6591400010');
    expect(submit.validityPeriod).toMatch(/^\d{12}000R$/);
    const left = secondsLeft(submit.validityPeriod)!;
    expect(left).toBeLessThanOrEqual(600);
    expect(left).toBeGreaterThan(400);

    const shorter = await t.smpp.send({
      to: '+6591400011',
      text: 'one minute',
      ttlMs: 600_000,
      validityPeriod: 60,
    });
    await until(t, shorter.id, ['delivered']);
    const [second] = sim.submits.filter((s) => s.destinationAddr === '6591400011');
    expect(second.validityPeriod).toBe(toSmppValidity(60));
  });
});

describe('expiry right before the submit (store)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it('does not mark a claimed part whose expires_at passed, and expires it with its message', async () => {
    const store = new MessageStore(db.dataSource);
    const id = await insertTwoParts(store, '6591400020');
    const claimed = await store.claim('default', 10, 'me#1', 60_000);
    expect(claimed.map((p) => p.messageId)).toEqual([id, id]);
    // The hour passed while the parts waited for a window slot.
    await db.dataSource.query(
      `UPDATE smpp_message_parts SET expires_at = now() - interval '1 second' WHERE message_id = $1`,
      [id],
    );
    const marked = await new WrittenMarks(db.dataSource).mark(
      claimed.map((p) => p.id),
      'me#1',
    );
    expect(marked.size).toBe(0);

    const expiry = new ExpiryStore(db.dataSource, () => true, null);
    // Another holder's claim is left alone.
    expect((await expiry.expireClaimed('default', [claimed[0].id], 'other#2')).expired.size).toBe(
      0,
    );
    const { expired, events } = await expiry.expireClaimed(
      'default',
      claimed.map((p) => p.id),
      'me#1',
    );
    expect(expired.size).toBe(2);
    expect(events.map((e) => e.name)).toEqual(['smpp.message.expired']);
    const view = await store.get(id);
    expect(view).toMatchObject({ status: 'expired', priority: 'high' });
    expect(view?.parts.map((p) => p.status)).toEqual(['expired', 'expired']);
    const outbox: Array<{ name: string }> = await db.dataSource.query(
      `SELECT name FROM smpp_outbox_events WHERE message_id = $1`,
      [id],
    );
    expect(outbox.map((o) => o.name)).toEqual(['smpp.message.expired']);
  });

  it('a message partly sent and partly expired ends expired, and stays so when the sent part fails later', async () => {
    const store = new MessageStore(db.dataSource);
    const id = await insertTwoParts(store, '6591400030');
    const [first, second] = await store.claim('default', 10, 'me#1', 60_000);
    const context = partWriteContext(db.dataSource, () => true);
    const outcomes = partOutcomes(context);
    await new WrittenMarks(db.dataSource).mark([first.id], 'me#1');
    await outcomes.recordSubmitResults([
      {
        partId: first.id,
        account: 'default',
        outcome: { kind: 'submitted', smscMessageId: 'SMSC-30' },
      },
    ]);
    await db.dataSource.query(
      `UPDATE smpp_message_parts SET expires_at = now() - interval '1 second' WHERE message_id = $1`,
      [id],
    );
    const { events } = await new ExpiryStore(db.dataSource, () => true, null).expireClaimed(
      'default',
      [second.id],
      'me#1',
    );
    expect(events.map((e) => [e.name, (e.payload as { partsSent?: number }).partsSent])).toEqual([
      ['smpp.message.expired', 1],
    ]);
    expect((await store.get(id))?.parts.map((p) => p.status)).toEqual(['submitted', 'expired']);

    // The part that left is undeliverable after all: the part records it, the message stays expired.
    const text =
      'id:SMSC-30 sub:001 dlvrd:000 submit date:2512011200 done date:2512011201 stat:UNDELIV err:001 text:x';
    const deliver = {
      sequenceNumber: 1,
      sourceAddr: '6591400030',
      sourceAddrTon: 1,
      sourceAddrNpi: 1,
      destinationAddr: 'TestBrand',
      destAddrTon: 5,
      destAddrNpi: 0,
      esmClass: 0x04,
      dataCoding: 0,
      shortMessage: Buffer.from(text, 'latin1'),
      tlvs: new Map<number, Buffer>(),
    };
    await outcomes.recordReceipts([
      {
        id: randomUUID(),
        account: 'default',
        bindLabel: 'test#0',
        parsed: parseReceipt(deliver)!,
        deliver,
      },
    ]);
    const view = await store.get(id);
    expect(view?.status).toBe('expired');
    expect(view?.parts.map((p) => p.status)).toEqual(['undeliverable', 'expired']);
  });
});

async function insertTwoParts(store: MessageStore, destination: string): Promise<string> {
  const id = randomUUID();
  await store.insert([
    {
      id,
      account: 'default',
      destination,
      source: 'TestBrand',
      sourceTon: 5,
      sourceNpi: 0,
      text: 'two parts',
      encoding: 'gsm7',
      dataCoding: 0,
      clientRef: null,
      validityPeriod: null,
      registeredDelivery: 1,
      smartReplacements: null,
      priority: 0,
      sendAt: null,
      expiresAt: new Date(Date.now() + 3_600_000),
      parts: [1, 2].map((seq) => ({
        id: randomUUID(),
        seq,
        body: Buffer.from('x'),
        udh: null,
        esmClass: 0x40,
        messagePayload: null,
      })),
    },
  ]);
  return id;
}

async function eventuallyOne(t: SmppTestApp, name: string, id: string) {
  return eventually(() => {
    const found = eventsFor(t, name, id);
    return found.length > 0 ? found : null;
  }, `${name} of ${id}`);
}
