/**
 * Fault 8: a receipts storm. 10,000 messages on 4 binds, receipts on random binds; for a third of
 * them the SMSC sends the receipt before the submit_sm_resp (the receipt must be parked and
 * matched when the id is stored), for another third every receipt twice. Every message delivered,
 * every part matched by exactly one receipt, duplicates recognised as such, no event twice. (How
 * many duplicates arrive depends on timing: a receipt answered late is re-sent by the SMSC.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { SmppTelemetry } from '../../src/smpp/telemetry/smpp-telemetry.js';
import { startSimulator } from '../support/smpp-app.js';
import {
  checkEveryMessage,
  createFaultApp,
  type FaultApp,
  forEachBounded,
  markedMessages,
  recordResult,
  waitFor,
} from './support.js';

const MESSAGES = 10_000;

describe('fault 8: receipts storm (10,000; a third before their submit_sm_resp, a third twice)', () => {
  let sim: SmscSimulator;
  let t: FaultApp;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 5, target: 'random' } });
    t = await createFaultApp({
      simulator: sim,
      account: { binds: { transceivers: 4 }, submitsPerSecond: 1_000 },
      poolSize: 12,
    });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('100 % matched, 0 double-counted', async () => {
    const observed = { matched: 0, parked: 0, matchedLate: 0, duplicates: 0 };
    t.app.get(SmppTelemetry).on('receipt', (o) => {
      if (o.duplicate) observed.duplicates++;
      if (o.match === 'matched') observed.matched++;
      else if (o.match === 'parked') observed.parked++;
      else observed.matchedLate++;
    });
    // Short texts: one part per message, so parts and receipts are 10,000 each.
    const messages = markedMessages('f8', MESSAGES).map((m) => ({
      ...m,
      text: `Code ${m.i} [f8-${m.i}]`,
    }));
    const third = Math.ceil(MESSAGES / 3);
    const phases: Array<{
      name: string;
      from: number;
      to: number;
      on: () => void;
      off: () => void;
    }> = [
      {
        name: 'receipt before submit_sm_resp',
        from: 0,
        to: third,
        on: () => sim.receiptBeforeResponse(true),
        off: () => sim.receiptBeforeResponse(false),
      },
      {
        name: 'every receipt twice',
        from: third,
        to: 2 * third,
        on: () => sim.duplicateReceipts(true),
        off: () => sim.duplicateReceipts(false),
      },
      { name: 'plain', from: 2 * third, to: MESSAGES, on: () => undefined, off: () => undefined },
    ];
    const started = Date.now();
    for (const phase of phases) {
      phase.on();
      await forEachBounded(messages.slice(phase.from, phase.to), 200, (m) =>
        t.smpp.send({ to: m.to, text: m.text, clientRef: m.clientRef }),
      );
      // The toggles act on what the SMSC accepts: keep them until this phase was accepted.
      await waitFor(() => sim.submits.length >= phase.to, `${phase.name}: accepted`, 120_000, 20);
      phase.off();
    }
    await waitFor(
      async () => {
        const [row] = (await t.db.dataSource.query(
          `SELECT count(*)::int AS n FROM smpp_messages WHERE status = 'delivered'`,
        )) as Array<{ n: number }>;
        return row.n === MESSAGES;
      },
      'every message delivered',
      120_000,
      250,
    );
    const doneMs = Date.now() - started;
    await waitFor(() => sim.pendingReceipts === 0, 'every receipt acknowledged', 30_000);

    const verdict = await checkEveryMessage(t.db, sim.submits);
    const perPart = (await t.db.dataSource.query(
      `SELECT count(*) FILTER (WHERE matched <> 1)::int AS not_once, sum(duplicates)::int AS duplicates,
              count(*)::int AS parts
         FROM (SELECT p.id, count(r.id) FILTER (WHERE NOT r.duplicate) AS matched,
                      count(r.id) FILTER (WHERE r.duplicate) AS duplicates
                 FROM smpp_message_parts p LEFT JOIN smpp_receipts r ON r.part_id = p.id
                GROUP BY p.id) x`,
    )) as Array<{ not_once: number; duplicates: number; parts: number }>;
    const [{ n: unmatched }] = (await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM smpp_receipts WHERE part_id IS NULL`,
    )) as Array<{ n: number }>;
    const delivered = new Map<string, number>();
    for (const e of t.events) {
      if (e.name !== 'smpp.message.delivered') continue;
      const id = e.payload.messageId as string;
      delivered.set(id, (delivered.get(id) ?? 0) + 1);
    }
    const doubleCounted = [...delivered.values()].filter((n) => n > 1).length;
    const receiptEvents = t.events.filter((e) => e.name === 'smpp.receipt.received').length;

    await recordResult('8-receipts-storm', {
      scenario: `receipts storm: ${MESSAGES} on 4 binds, receipts on random binds; a third before their submit_sm_resp, a third sent twice`,
      messages: verdict.messages,
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      unknown: verdict.unknown,
      detection: `all ${MESSAGES} delivered ${(doneMs / 1000).toFixed(1)} s after the first send`,
      notes: `receipts: ${observed.matched} matched at once, ${observed.parked} parked then ${observed.matchedLate} matched when the id was stored, ${observed.duplicates} recognised duplicates (${perPart[0].duplicates} stored as duplicate); ${perPart[0].parts - perPart[0].not_once}/${perPart[0].parts} parts matched exactly once; ${unmatched} unmatched; delivered events ${delivered.size}, ${doubleCounted} twice; ${receiptEvents} receipt events`,
      byStatus: verdict.byStatus,
    });

    expect(verdict.problems).toEqual([]);
    expect(verdict.lost).toBe(0);
    expect(verdict.duplicated).toBe(0);
    expect(verdict.byStatus).toEqual({ delivered: MESSAGES });
    expect(perPart[0]).toMatchObject({ parts: MESSAGES, not_once: 0 });
    expect(unmatched).toBe(0);
    expect(observed.parked).toBeGreaterThan(0);
    expect(observed.matchedLate).toBe(observed.parked);
    expect(observed.duplicates).toBeGreaterThan(0);
    // Every extra copy of the second third is recognised (in the store and in the telemetry).
    // On a loaded machine the SMSC also re-sends receipts whose answer came late: those are
    // duplicates too, so the count is at least the copies sent on purpose and at most every
    // deliver_sm beyond the first of each part; never a receipt counted twice.
    expect(perPart[0].duplicates).toBeGreaterThanOrEqual(phases[1].to - phases[1].from);
    expect(perPart[0].duplicates).toBeLessThanOrEqual(sim.stats.receiptsSent - MESSAGES);
    expect(observed.duplicates).toBe(perPart[0].duplicates);
    expect(delivered.size).toBe(MESSAGES);
    expect(doubleCounted).toBe(0);
  }, 300_000);
});
