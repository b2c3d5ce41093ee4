/**
 * Fault 7: the bind budget under churn. 4 binds (8x8's budget for a system_id), every connection
 * dropped 50 times, sometimes while the binds are still coming back. The SMSC must never see more
 * than 4 binds at once, nor a 5th attempt (it would refuse it with ESME_RBINDFAIL): a slot is
 * released only after its old socket closed. Messages flow throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { startSimulator } from '../support/smpp-app.js';
import {
  checkEveryMessage,
  createFaultApp,
  type FaultApp,
  markedMessages,
  recordResult,
  sendPaced,
  sleep,
  waitFor,
  waitUntilSettled,
} from './support.js';

const DROPS = 50;
const BINDS = 4;

describe('fault 7: bind budget under churn', () => {
  let sim: SmscSimulator;
  let t: FaultApp;

  beforeAll(async () => {
    sim = await startSimulator({ maxBindsPerSystemId: BINDS, receipts: { delayMs: 20 } });
    t = await createFaultApp({
      simulator: sim,
      account: { binds: { transceivers: BINDS }, maxBinds: BINDS },
      // The default allocator (leases in Postgres), as in production.
      module: { bindAllocator: 'postgres' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it(`never more than ${BINDS} binds nor a ${BINDS + 1}th attempt through ${DROPS} drops`, async () => {
    sim.resetStats();
    const refused: number[] = [];
    sim.on('bind-refused', (e) => refused.push(e.status));
    const messages = markedMessages('f7', 1_000);
    const sending = sendPaced(t.smpp, messages, 120);
    const rebindMs: number[] = [];
    const bound = () => sim.stats.bindsNow.bySystemId.smppuser ?? 0;

    const droppedConnections: number[] = [];
    let lastDropAt = 0;
    for (let k = 0; k < DROPS; k++) {
      if (k % 3 === 0) {
        // Mid-recovery: drop as soon as one bind is back, the others still connecting.
        await waitFor(() => bound() >= 1, 'a bind back', 10_000, 1);
      } else {
        await waitFor(() => bound() === BINDS, 'all binds back', 10_000, 2);
        if (k > 0) rebindMs.push(Date.now() - lastDropAt);
        await sleep(Math.floor(Math.random() * 100));
      }
      const before = new Set(sim.binds.map((b) => b.bindId));
      droppedConnections.push(sim.dropAllConnections());
      lastDropAt = Date.now();
      await waitFor(
        () => !sim.binds.some((b) => before.has(b.bindId)),
        'the drop seen by the SMSC',
        5_000,
        1,
      );
    }
    await sending;
    await waitFor(() => bound() === BINDS, 'all binds back', 10_000);
    await waitUntilSettled(t.db, 60_000);
    const verdict = await waitFor(
      async () => {
        const v = await checkEveryMessage(t.db, sim.submits);
        return (v.byStatus.submitted ?? 0) === 0 ? v : null;
      },
      'every accepted message delivered',
      30_000,
      250,
    );
    const stats = sim.stats;
    rebindMs.sort((a, b) => a - b);

    await recordResult('7-bind-churn', {
      scenario: `bind budget under churn: ${BINDS} binds, every connection dropped ${DROPS} times (a third of them mid-recovery)`,
      messages: verdict.messages,
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      unknown: verdict.unknown,
      resolvedUnknown: verdict.resolvedUnknown,
      detection: `all ${BINDS} re-bound in ${rebindMs[Math.floor(rebindMs.length / 2)]} ms (median, max ${rebindMs[rebindMs.length - 1]} ms) after a drop; ${droppedConnections.reduce((a, b) => a + b, 0)} connections dropped in all; most binds at once ${stats.maxConcurrentBinds.smppuser}; ${stats.bindAttempts} bind attempts, ${refused.length} refused`,
      byStatus: verdict.byStatus,
    });

    expect(stats.maxConcurrentBinds.smppuser).toBeLessThanOrEqual(BINDS);
    expect(refused).toEqual([]);
    expect(stats.refusedBinds).toBe(0);
    expect(verdict.problems).toEqual([]);
    expect(verdict.messages).toBe(messages.length);
    expect(verdict.lost).toBe(0);
    expect(verdict.duplicated).toBe(0);
    for (const s of Object.keys(verdict.byStatus)) expect(['delivered', 'unknown']).toContain(s);
  });
});
