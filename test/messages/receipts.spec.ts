import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import type { SmppMessageView } from '../../src/smpp/messages/message-view.js';
import {
  createSmppTestApp,
  eventually,
  type SmppTestApp,
  startSimulator,
} from '../support/smpp-app.js';

async function until(
  t: SmppTestApp,
  id: string,
  statuses: string[],
  what = statuses.join('/'),
): Promise<SmppMessageView> {
  return eventually(async () => {
    const m = await t.smpp.getMessage(id);
    return m && statuses.includes(m.status) ? m : null;
  }, `message ${id} to be ${what}`);
}

function eventsFor(t: SmppTestApp, id: string, name: string) {
  return t.events.filter(
    (e) => e.name === name && (e.payload as { messageId?: string }).messageId === id,
  );
}

describe('receipts: any bind, early, duplicated, intermediate', () => {
  let sim: SmscSimulator;
  let t: SmppTestApp;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 10, target: 'round-robin' } });
    t = await createSmppTestApp({
      simulator: sim,
      account: { binds: { transmitters: 1, receivers: 2 } },
    });
  });
  afterEach(() => {
    sim.receiptBeforeResponse(false);
    sim.duplicateReceipts(false);
    sim.setReceiptRules([]);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('matches receipts that arrive on a receiver bind other than the transmitter that submitted', async () => {
    // The SMSC hands receipts round-robin to the receivers bound at the time: with one still
    // binding (a loaded machine), every receipt would go to the other one.
    await eventually(() => t.smpp.bindStatus()[0]?.bound.receiver === 2, 'both receivers bound');
    const sent = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        t.smpp.send({ to: `+6591230${100 + i}`, text: `rx ${i}` }),
      ),
    );
    const done = await Promise.all(sent.map((m) => until(t, m.id, ['delivered'])));
    const smscIds = new Set(done.map((m) => m.parts[0].smscMessageId));
    // One smpp.receipt.received per receipt, on arrival (its messageId is null when it was parked).
    const receiptEvents = await eventually(() => {
      const r = t.events.filter(
        (e) =>
          e.name === 'smpp.receipt.received' &&
          smscIds.has((e.payload as { smscMessageId: string }).smscMessageId),
      );
      return r.length >= 6 ? r : null;
    }, 'receipt events');
    expect(receiptEvents).toHaveLength(6);
    const rows: Array<{ bind_label: string }> = await t.db.dataSource.query(
      `SELECT DISTINCT bind_label FROM smpp_receipts WHERE part_id IN (SELECT id FROM smpp_message_parts WHERE message_id = ANY($1::uuid[]))`,
      [sent.map((m) => m.id)],
    );
    expect(rows.map((r) => r.bind_label.split('@')[0]).sort()).toEqual([
      'default/receiver#2',
      'default/receiver#3',
    ]);
  });

  it('parks a receipt that arrives before its submit_sm_resp and matches it when the id is stored', async () => {
    sim.receiptBeforeResponse(true);
    const sent = await t.smpp.send({ to: '+6591230200', text: 'early receipt' });
    const done = await until(t, sent.id, ['delivered']);
    expect(done.parts[0].receiptStat).toBe('DELIVRD');
    const [receipt]: Array<{ matched_at: Date; received_at: Date }> = await t.db.dataSource.query(
      `SELECT matched_at, received_at FROM smpp_receipts WHERE smsc_message_id = $1`,
      [done.parts[0].smscMessageId],
    );
    expect(receipt.matched_at).toBeTruthy();
    // The event is published after the commit that made the message delivered.
    await eventually(
      () => eventsFor(t, sent.id, 'smpp.message.delivered').length > 0,
      'delivered event',
    );
    expect(eventsFor(t, sent.id, 'smpp.message.delivered')).toHaveLength(1);
  });

  it('records a duplicate receipt without changing anything or emitting twice', async () => {
    sim.duplicateReceipts(true);
    const sent = await t.smpp.send({ to: '+6591230300', text: 'dup receipt' });
    const done = await until(t, sent.id, ['delivered']);
    const receipts: Array<{ duplicate: boolean }> = await eventually(async () => {
      const r: Array<{ duplicate: boolean }> = await t.db.dataSource.query(
        `SELECT duplicate FROM smpp_receipts WHERE smsc_message_id = $1 ORDER BY received_at`,
        [done.parts[0].smscMessageId],
      );
      return r.length === 2 ? r : null;
    }, 'both receipts stored');
    expect(receipts.map((r) => r.duplicate)).toEqual([false, true]);
    // The duplicate's transaction changed no message, so it wrote no event of its own.
    await eventually(
      () => eventsFor(t, sent.id, 'smpp.message.delivered').length > 0,
      'delivered event',
    );
    expect(eventsFor(t, sent.id, 'smpp.message.delivered')).toHaveLength(1);
  });

  it('records intermediate ENROUTE without ending the message, then the final state', async () => {
    await sim.stop();
    const sim2 = await startSimulator({
      port: sim.port,
      receipts: { delayMs: 100, enroute: true },
    });
    try {
      const sent = await eventually(
        () =>
          t.smpp
            .send({ to: '+6591230400', text: 'enroute', waitFor: 'submitted' })
            .catch(() => null),
        'rebound',
      );
      const stats: Array<{ stat: string; final: boolean }> = await eventually(async () => {
        const r: Array<{ stat: string; final: boolean }> = await t.db.dataSource.query(
          `SELECT stat, final FROM smpp_receipts WHERE smsc_message_id = $1 ORDER BY received_at`,
          [sent.parts[0].smscMessageId],
        );
        return r.length === 2 ? r : null;
      }, 'both receipts');
      expect(stats).toEqual([
        { stat: 'ENROUTE', final: false },
        { stat: 'DELIVRD', final: true },
      ]);
      expect((await until(t, sent.id, ['delivered'])).status).toBe('delivered');
    } finally {
      await sim2.stop();
      sim = await startSimulator({ port: sim.port, receipts: { delayMs: 10 } });
      await eventually(() => t.smpp.bindStatus()[0].canSend, 'rebind');
    }
  });

  it('ends a message undeliverable with the receipt err code and the provider reason', async () => {
    sim.setReceiptRules([{ destinationPrefix: '6591239', stat: 'UNDELIV', err: 1 }]);
    const sent = await t.smpp.send({ to: '+6591239999', text: 'absent' });
    const done = await until(t, sent.id, ['undeliverable']);
    expect(done).toMatchObject({ errorCode: 1, errorStatus: 'UNDELIV' });
    expect(done.errorReason).toMatch(/absent subscriber/i);
    const failed = await eventually(
      () => eventsFor(t, sent.id, 'smpp.message.failed')[0],
      'failed event',
    );
    expect(failed.payload).toMatchObject({ status: 'undeliverable', errorCode: 1 });
  });
});

describe('receipts with ids in another form: hex in the response, decimal in the receipt', () => {
  let sim: SmscSimulator;
  let t: SmppTestApp;
  beforeAll(async () => {
    sim = await startSimulator({
      messageIdStyle: 'hex',
      receiptIdStyle: 'decimal',
      receipts: { delayMs: 10 },
    });
    t = await createSmppTestApp({ simulator: sim });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('matches on the normalised form', async () => {
    const sent = await t.smpp.send({ to: '+6591230500', text: 'hex vs decimal' });
    const done = await until(t, sent.id, ['delivered']);
    expect(done.parts[0].smscMessageId).toMatch(/^[0-9a-f]+$/i);
    const [receipt]: Array<{ smsc_message_id: string }> = await t.db.dataSource.query(
      `SELECT smsc_message_id FROM smpp_receipts WHERE part_id IS NOT NULL`,
    );
    expect(receipt.smsc_message_id).toBe(BigInt(`0x${done.parts[0].smscMessageId}`).toString(10));
  });
});
