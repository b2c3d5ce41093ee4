/**
 * Fault 3: Postgres is cut away (a TCP proxy between the application and Postgres drops every
 * connection and refuses new ones) for 10 s while receipts flow. Every receipt that arrives while
 * the store is away is answered with an error (ESME_RX_T_APPN), so the SMSC sends it again; once
 * Postgres is back, every receipt is stored and matched exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startSimulator } from '../support/smpp-app.js';
import { proxyInFrontOf, type TcpProxy } from '../support/tcp-proxy.js';
import {
  checkEveryMessage,
  createFaultApp,
  type FaultApp,
  forEachBounded,
  markedMessages,
  recordResult,
  sleep,
  waitFor,
} from './support.js';

const MESSAGES = 1_000;
const CUT_MS = 10_000;

describe('fault 3: Postgres cut for 10 s while receipts flow', () => {
  let sim: SmscSimulator;
  let db: TestDatabase;
  let proxy: TcpProxy;
  let t: FaultApp;

  beforeAll(async () => {
    // Receipts come 1 to 4 s after their submit: they keep arriving through the cut.
    sim = await startSimulator({
      receipts: {
        delayMs: 1_000,
        rules: [
          { destination: /[02468]$/, stat: 'DELIVRD', delayMs: 2_500 },
          { destination: /[37]$/, stat: 'DELIVRD', delayMs: 4_000 },
        ],
        redeliverDelayMs: 300,
        responseTimeoutMs: 2_000,
      },
    });
    db = await createTestDatabase();
    let url: string;
    ({ proxy, url } = await proxyInFrontOf(db.url));
    t = await createFaultApp({
      simulator: sim,
      db,
      databaseUrl: url,
      account: { binds: { transceivers: 2 } },
      // The default allocator: its leases (30 s) outlive a 10 s cut.
      module: { bindAllocator: 'postgres' },
    });
  });
  afterAll(async () => {
    proxy?.restore();
    await t?.close();
    await proxy?.stop();
    await db?.drop();
    await sim?.stop();
  });

  it('receipts refused while the store is away are re-sent and matched exactly once', async () => {
    const messages = markedMessages('f3', MESSAGES);
    await forEachBounded(messages, 100, (m) =>
      t.smpp.send({ to: m.to, text: m.text, clientRef: m.clientRef }),
    );
    // Everything submitted (results stored) before the cut; receipts are still to come.
    await waitFor(
      () => t.events.filter((e) => e.name === 'smpp.message.submitted').length >= MESSAGES,
      'every message submitted',
      30_000,
    );
    const receivedBefore = sim.stats.receiptsSent;

    proxy.disconnect();
    const cutAt = Date.now();
    // Whatever was being written when the cut came has settled after a moment.
    await sleep(1_000);
    const ackedAtCut = sim.stats.receiptsAcked;
    const sentAtCut = sim.stats.receiptsSent;
    await sleep(CUT_MS - (Date.now() - cutAt));
    const ackedDuringCut = sim.stats.receiptsAcked - ackedAtCut;
    const refusedDuringCut = sim.stats.receiptsSent - sentAtCut;
    proxy.restore();
    const restoredAt = Date.now();

    await waitFor(
      async () => {
        const [row] = (await db.dataSource.query(
          `SELECT count(*)::int AS n FROM smpp_messages WHERE status <> 'delivered'`,
        )) as Array<{ n: number }>;
        return row.n === 0;
      },
      'every message delivered',
      60_000,
      200,
    );
    const matchedAfterMs = Date.now() - restoredAt;
    await waitFor(() => sim.pendingReceipts === 0, 'every receipt acknowledged', 30_000);

    const verdict = await checkEveryMessage(db, sim.submits);
    const perPart = (await db.dataSource.query(
      `SELECT p.id, count(r.id) FILTER (WHERE NOT r.duplicate)::int AS matched,
              count(r.id) FILTER (WHERE r.duplicate)::int AS duplicates
         FROM smpp_message_parts p LEFT JOIN smpp_receipts r ON r.part_id = p.id
        GROUP BY p.id`,
    )) as Array<{ id: string; matched: number; duplicates: number }>;
    const notOnce = perPart.filter((p) => p.matched !== 1);
    const storedTwice = perPart.reduce((n, p) => n + p.duplicates, 0);
    const [{ n: unmatched }] = (await db.dataSource.query(
      `SELECT count(*)::int AS n FROM smpp_receipts WHERE part_id IS NULL`,
    )) as Array<{ n: number }>;
    // A delivered event trails its state when the cut caught the publish of an earlier event of
    // the same message: that one waits out its dispatch lease (30 s), and order holds this one back.
    const deliveredCount = () =>
      new Set(
        t.events.filter((e) => e.name === 'smpp.message.delivered').map((e) => e.payload.messageId),
      ).size;
    await waitFor(() => deliveredCount() === MESSAGES, 'every delivered event', 90_000, 250);
    const deliveredEvents = new Map<string, number>();
    for (const e of t.events.filter((e) => e.name === 'smpp.message.delivered')) {
      const id = e.payload.messageId as string;
      deliveredEvents.set(id, (deliveredEvents.get(id) ?? 0) + 1);
    }

    await recordResult('3-postgres-cut', {
      scenario: `Postgres cut for ${CUT_MS / 1000} s (TCP proxy) while receipts flow (2 binds)`,
      messages: verdict.messages,
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      unknown: verdict.unknown,
      resolvedUnknown: verdict.resolvedUnknown,
      detection: `every receipt matched ${(matchedAfterMs / 1000).toFixed(1)} s after Postgres was back`,
      notes: `${refusedDuringCut} deliver_sm refused (ESME_RX_T_APPN) and re-sent during the cut, ${ackedDuringCut} acknowledged; ${perPart.length - notOnce.length}/${perPart.length} parts matched exactly once; ${storedTwice} receipts stored twice (flagged duplicate); ${unmatched} unmatched`,
      byStatus: verdict.byStatus,
    });

    expect(sim.stats.receiptsSent).toBeGreaterThan(receivedBefore);
    expect(refusedDuringCut).toBeGreaterThan(100);
    expect(ackedDuringCut).toBe(0);
    expect(sim.stats.receiptsRedelivered).toBeGreaterThan(0);
    expect(verdict.problems).toEqual([]);
    expect(verdict.messages).toBe(MESSAGES);
    expect(verdict.lost).toBe(0);
    expect(verdict.duplicated).toBe(0);
    expect(verdict.byStatus).toEqual({ delivered: MESSAGES });
    expect(notOnce).toEqual([]);
    expect(unmatched).toBe(0);
    expect([...deliveredEvents.values()].every((n) => n === 1)).toBe(true);
    expect(deliveredEvents.size).toBe(MESSAGES);
  }, 300_000);
});
