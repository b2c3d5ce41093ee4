import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator, SmscSimulatorOptions } from '../../src/simulator/index.js';
import { MessageStoreError } from '../../src/smpp/errors.js';
import { DISPATCH_LEASE_MS } from '../../src/smpp/store/outbox/outbox-queries.js';
import { createTestDatabase } from '../support/database.js';
import {
  createSmppTestApp,
  eventually,
  type SmppTestApp,
  startSimulator,
} from '../support/smpp-app.js';
import { proxyInFrontOf, type TcpProxy } from '../support/tcp-proxy.js';

/** The app's Postgres connections go through a proxy the test can cut. */
async function appBehindDatabaseProxy(simulatorOptions: SmscSimulatorOptions) {
  const sim = await startSimulator(simulatorOptions);
  const db = await createTestDatabase();
  const { proxy, url } = await proxyInFrontOf(db.url);
  const t = await createSmppTestApp({ simulator: sim, db: { ...db, url } });
  const done = async () => {
    proxy.restore();
    await t.close();
    await proxy.stop();
    await db.drop();
    await sim.stop();
  };
  return { sim, db, proxy, t, done };
}

describe('database cut while a receipt arrives', () => {
  let sim: SmscSimulator;
  let proxy: TcpProxy;
  let t: SmppTestApp;
  let done: () => Promise<void>;

  beforeAll(async () => {
    ({ sim, proxy, t, done } = await appBehindDatabaseProxy({
      receipts: { delayMs: 300, redeliverDelayMs: 200, responseTimeoutMs: 1000 },
    }));
  });
  afterAll(() => done?.());

  it('answers ESME_RX_T_APPN while the store is away; the re-sent receipt is matched once afterwards', async () => {
    const sent = await t.smpp.send({ to: '+6591232000', text: 'db outage', waitFor: 'submitted' });
    proxy.disconnect();
    const ackedBefore = sim.stats.receiptsAcked;
    await eventually(
      () => sim.stats.receiptsRedelivered >= 1,
      'the SMSC re-sending the refused receipt',
      10_000,
    );
    expect(sim.stats.receiptsAcked).toBe(ackedBefore);
    proxy.restore();
    const done = await eventually(
      async () => {
        const m = await t.smpp.getMessage(sent.id).catch(() => null);
        return m?.status === 'delivered' ? m : null;
      },
      'delivered after the database is back',
      20_000,
    );
    expect(done.parts[0].receiptStat).toBe('DELIVRD');
    const receipts: Array<{ n: string }> = await t.db.dataSource.query(
      `SELECT count(*) AS n FROM smpp_receipts WHERE smsc_message_id = $1`,
      [done.parts[0].smscMessageId],
    );
    expect(Number(receipts[0].n)).toBe(1);
    await eventually(() => sim.pendingReceipts === 0, 'every receipt acknowledged');
    // The event trails the state it announces: when the cut caught the writer's own publish of
    // an earlier event of this message (`submitted`), that one waits for its dispatch lease
    // (DISPATCH_LEASE_MS) to run out, and `delivered` is published after it, in order.
    const delivered = () =>
      t.events.filter(
        (e) =>
          e.name === 'smpp.message.delivered' &&
          (e.payload as { messageId: string }).messageId === sent.id,
      );
    await eventually(
      () => delivered().length > 0,
      'the delivered event published',
      DISPATCH_LEASE_MS + 15_000,
    );
    expect(delivered()).toHaveLength(1);
  }, 90_000);
});

describe('send() while the database is away', () => {
  let sim: SmscSimulator;
  let proxy: TcpProxy;
  let t: SmppTestApp;
  let done: () => Promise<void>;

  beforeAll(async () => {
    ({ sim, proxy, t, done } = await appBehindDatabaseProxy({ receipts: { delayMs: 10 } }));
  });
  afterAll(() => done?.());

  it('rejects with a typed MessageStoreError, sends nothing, and works again once the database is back', async () => {
    proxy.disconnect();
    const submitsBefore = sim.submits.length;
    const error = await t.smpp
      .send({ to: '+6591232100', text: 'no database', clientRef: 'db-down-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageStoreError);
    expect((error as MessageStoreError).code).toBe('SMPP_STORE_FAILED');
    expect((error as Error).message).toMatch(/nothing was queued or sent/);
    expect(sim.submits.length).toBe(submitsBefore);
    proxy.restore();
    const sent = await eventually(
      () =>
        t.smpp
          .send({ to: '+6591232100', text: 'no database', clientRef: 'db-down-1' })
          .catch(() => null),
      'send to work again',
    );
    await eventually(
      async () => (await t.smpp.getMessage(sent.id))?.status === 'delivered',
      'delivered',
    );
    expect(sim.submits.filter((s) => s.destinationAddr === '6591232100')).toHaveLength(1);
  });
});
