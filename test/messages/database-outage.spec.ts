import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator, SmscSimulatorOptions } from '../../src/simulator/index.js';
import {
  MessageNotCancellableError,
  MessageNotFoundError,
  MessageStoreError,
  SmppError,
  SmppStoreUnavailableError,
  SmppValidationError,
} from '../../src/smpp/errors.js';
import { DISPATCH_LEASE_MS } from '../../src/smpp/store/outbox/outbox-queries.js';
import { isTransientDatabaseError } from '../../src/smpp/store/transient-error.js';
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

describe('calls while the database is away', () => {
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

  // Reads, cancel, purge and stats, on the same app.
  it('reject with a typed SmppStoreUnavailableError naming the operation, and work again once the database is back', async () => {
    const delivered = await t.smpp.send({
      to: '+6591232200',
      text: 'read me later',
      clientRef: 'outage-read-1',
    });
    await eventually(
      async () => (await t.smpp.getMessage(delivered.id))?.status === 'delivered',
      'delivered before the cut',
    );
    // Scheduled an hour ahead: it stays cancellable through the cut.
    const scheduled = await t.smpp.send({
      to: '+6591232201',
      text: 'cancel me later',
      clientRef: 'outage-cancel-1',
      sendAt: new Date(Date.now() + 3_600_000),
    });
    expect(scheduled.status).toBe('scheduled');

    proxy.disconnect();
    const calls: Array<[string, RegExp, () => Promise<unknown>]> = [
      [
        'getMessage',
        new RegExp(`^Could not read message ${delivered.id}: `),
        () => t.smpp.getMessage(delivered.id),
      ],
      [
        'findByClientRef',
        /^Could not find the message with clientRef "outage-read-1" on account "default": /,
        () => t.smpp.findByClientRef('default', 'outage-read-1'),
      ],
      [
        'account handle findByClientRef',
        /^Could not find the message with clientRef "outage-read-1" on account "default": /,
        () => t.smpp.account('default').findByClientRef('outage-read-1'),
      ],
      [
        'cancel',
        new RegExp(
          `^Could not cancel message ${scheduled.id}: .*The message was not cancelled and may still be sent`,
        ),
        () => t.smpp.cancel(scheduled.id),
      ],
      [
        'account handle cancel',
        new RegExp(`^Could not cancel message ${scheduled.id}: `),
        () => t.smpp.account('default').cancel(scheduled.id),
      ],
      ['purge', /^Could not purge: .*The purge stopped/, () => t.smpp.purge()],
      ['stats', /^Could not read the store statistics: /, () => t.smpp.stats()],
    ];
    for (const [what, message, call] of calls) {
      const error = await call().then(
        (value) => ({ resolved: value }),
        (e: unknown) => e,
      );
      expect(error, what).toBeInstanceOf(SmppStoreUnavailableError);
      const e = error as SmppStoreUnavailableError;
      expect(e.code, what).toBe('SMPP_STORE_UNAVAILABLE');
      expect(e.message, what).toMatch(message);
      expect(e.message, what).toMatch(/the database is unreachable or failing \(.+\)\./);
      expect(e.message, what).toMatch(/Check the database connection and try again\.$/);
      expect(isTransientDatabaseError(e.cause), what).toBe(true);
    }
    // What needs no database still answers, and a bad id is still a validation error.
    await expect(t.smpp.getMessage('not-a-uuid')).rejects.toBeInstanceOf(SmppValidationError);
    await expect(t.smpp.cancel('not-a-uuid')).rejects.toBeInstanceOf(SmppValidationError);
    expect(t.smpp.estimate({ text: 'still here' }).parts).toBe(1);
    expect(t.smpp.bindStatus()).toHaveLength(1);

    proxy.restore();
    const read = await eventually(
      () => t.smpp.getMessage(delivered.id).catch(() => null),
      'getMessage to work again',
    );
    expect(read.status).toBe('delivered');
    expect((await t.smpp.findByClientRef('default', 'outage-read-1'))?.id).toBe(delivered.id);
    expect((await t.smpp.account('default').findByClientRef('outage-read-1'))?.id).toBe(
      delivered.id,
    );
    // Nothing was cancelled during the cut: the message is still scheduled, and cancels now.
    expect((await t.smpp.getMessage(scheduled.id))?.status).toBe('scheduled');
    expect((await t.smpp.cancel(scheduled.id)).status).toBe('cancelled');
    expect((await t.smpp.getMessage(scheduled.id))?.status).toBe('cancelled');
    expect(await t.smpp.purge()).toMatchObject({ ran: true, interrupted: false });
    const stats = await t.smpp.stats();
    expect(stats.tables.map((x) => x.table)).toContain('smpp_messages');
    // And the pipeline still sends.
    const after = await t.smpp.send({ to: '+6591232202', text: 'after the cut' });
    await eventually(
      async () => (await t.smpp.getMessage(after.id))?.status === 'delivered',
      'a message sent after the cut delivered',
    );
    expect(sim.submits.filter((x) => x.destinationAddr === '6591232201')).toHaveLength(0);
  }, 60_000);

  it('passes domain errors and statements the database refuses for good through unchanged', async () => {
    proxy.restore(); // (already, unless the test above failed during its cut)
    const sent = await t.smpp.send({ to: '+6591232210', text: 'final', waitFor: 'submitted' });
    await eventually(
      async () => (await t.smpp.getMessage(sent.id))?.status === 'delivered',
      'delivered',
    );
    await expect(t.smpp.cancel(sent.id)).rejects.toBeInstanceOf(MessageNotCancellableError);
    await expect(t.smpp.cancel('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      MessageNotFoundError,
    );
    // What send() would refuse is refused before the database: Postgres text takes no U+0000.
    await expect(t.smpp.findByClientRef('default', 'nul\u0000ref')).rejects.toBeInstanceOf(
      SmppValidationError,
    );
    // A statement the database refuses for good (here a host's trigger) is not "unavailable".
    const scheduled = await t.smpp.send({
      to: '+6591232211',
      text: 'refused cancel',
      sendAt: new Date(Date.now() + 3_600_000),
    });
    await t.db.dataSource.query(`
      CREATE FUNCTION outage_spec_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by policy' USING ERRCODE = 'P0001'; END $$`);
    await t.db.dataSource.query(
      `CREATE TRIGGER outage_spec_refuse BEFORE UPDATE ON smpp_messages
         FOR EACH ROW WHEN (OLD.id = '${scheduled.id}') EXECUTE FUNCTION outage_spec_refuse()`,
    );
    try {
      const refused = await t.smpp.cancel(scheduled.id).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Error);
      expect(refused).toMatchObject({ code: 'P0001' }); // raise_exception
      expect(refused).not.toBeInstanceOf(SmppError);
      expect(isTransientDatabaseError(refused)).toBe(false);
    } finally {
      await t.db.dataSource.query(`DROP TRIGGER outage_spec_refuse ON smpp_messages`);
      await t.db.dataSource.query(`DROP FUNCTION outage_spec_refuse()`);
    }
    expect((await t.smpp.cancel(scheduled.id)).status).toBe('cancelled');
  });
});
