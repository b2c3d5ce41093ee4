/**
 * Two replicas on one database and one system_id: replica A's bind drops with a submit in flight
 * (the simulator accepted it and never answered), so A marks the part `unknown`; the receipt
 * lands on replica B's bind, matches no SMSC id and is parked or resolves the part, whichever
 * comes first. The part is resolved once and each event is emitted once across both replicas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import type { ReceiptEvent } from '../../src/simulator/simulator.types.js';
import { BindManager } from '../../src/smpp/binds/bind-manager.js';
import { CommandStatus } from '../../src/smpp/protocol/command-status.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { undispatchedEvents } from '../support/outbox.js';
import {
  createSmppTestApp,
  eventually,
  type RecordedEvent,
  type SmppTestApp,
  startSimulator,
} from '../support/smpp-app.js';

function bound(t: SmppTestApp): number {
  return t.app.get(BindManager).status()[0].bound.transceiver;
}

const messageIdOf = (e: RecordedEvent) => (e.payload as { messageId?: string }).messageId;

describe('an unknown part resolved from a receipt that lands on the other replica', () => {
  let sim: SmscSimulator;
  let db: TestDatabase;
  let a: SmppTestApp;
  let b: SmppTestApp;
  const owner = new Map<number, 'a' | 'b'>();

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 50, responseTimeoutMs: 20_000 } });
    db = await createTestDatabase();
    const start = async (name: 'a' | 'b') => {
      const onBind = (info: { bindId: number }) => owner.set(info.bindId, name);
      sim.on('bind', onBind);
      const t = await createSmppTestApp({
        simulator: sim,
        db,
        account: { binds: { transceivers: 1 }, maxBinds: 4 },
        module: {
          bindAllocator: 'postgres',
          bindLease: { leaseMs: 5_000 },
          instanceId: `replica-${name}`,
        },
      });
      await eventually(() => bound(t) === 1, `replica ${name} bound`);
      sim.off('bind', onBind);
      return t;
    };
    a = await start('a');
    b = await start('b');
  }, 60_000);
  afterAll(async () => {
    sim?.refuseBinds(null);
    await a?.close();
    await b?.close();
    await sim?.stop();
    await db?.drop();
  });

  it('resolves it once, with one unknown-resolved and one delivered event across both', async () => {
    const receipts: ReceiptEvent[] = [];
    sim.on('receipt-sent', (e) => receipts.push(e));
    // A cannot bind again until the receipt went out: it can only land on B.
    sim.refuseBinds(CommandStatus.ESME_RBINDFAIL);
    sim.dropAfterSubmit(1);
    const { id } = await a.smpp.send({ to: '+6591230001', text: 'Your code is 987654' });
    await eventually(() => receipts.length > 0, 'the receipt sent', 20_000);
    sim.refuseBinds(null);
    expect(owner.get(receipts[0].bindId)).toBe('b');

    const message = await eventually(
      async () => {
        const m = await b.smpp.getMessage(id);
        return m?.status === 'delivered' ? m : null;
      },
      'the message delivered',
      30_000,
    );
    expect(message.parts[0].smscMessageId).toBe(receipts[0].messageId);
    const [part] = (await db.dataSource.query(
      `SELECT unknown_resolved_at IS NOT NULL AS resolved FROM smpp_message_parts WHERE message_id = $1`,
      [id],
    )) as Array<{ resolved: boolean }>;
    expect(part.resolved).toBe(true);
    await eventually(
      async () => (await undispatchedEvents(db.dataSource)) === 0,
      'the outbox drained',
      30_000,
    );
    const all = [...a.events, ...b.events].filter((e) => messageIdOf(e) === id);
    const named = (n: string) => all.filter((e) => e.name === n);
    expect(named('smpp.message.unknown-resolved')).toHaveLength(1);
    expect(named('smpp.message.delivered')).toHaveLength(1);
    expect(named('smpp.message.failed')).toHaveLength(0);
    const [{ parked }] = (await db.dataSource.query(
      `SELECT count(*)::int AS parked FROM smpp_receipts WHERE part_id IS NULL`,
    )) as Array<{ parked: number }>;
    expect(parked).toBe(0);
  }, 90_000);
});
