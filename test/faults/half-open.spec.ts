/**
 * Fault 5: a half-open link: the SMSC goes silent (the TCP connections stay open, nothing is
 * answered or sent). Each bind must find out within enquireLinkMs + responseTimeoutMs (an idle link
 * by its enquire_link, a busy one by the first unanswered request), drop the dead connection and
 * bind again once the SMSC answers. Three rounds: idle, then twice mid-stream.
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

const ENQUIRE_LINK_MS = 500;
const RESPONSE_TIMEOUT_MS = 500;
/** Timer slack on a shared 2-core machine. */
const SLACK_MS = 250;
const ROUNDS = 3;
const PER_ROUND = 350;

describe('fault 5: half-open link (the SMSC goes silent)', () => {
  let sim: SmscSimulator;
  let t: FaultApp;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 20 } });
    t = await createFaultApp({
      simulator: sim,
      account: {
        binds: { transceivers: 2 },
        enquireLinkMs: ENQUIRE_LINK_MS,
        responseTimeoutMs: RESPONSE_TIMEOUT_MS,
        connectTimeoutMs: 1_000,
      },
    });
  });
  afterAll(async () => {
    sim?.goSilent(false);
    await t?.close();
    await sim?.stop();
  });

  it(`detected within enquireLinkMs + responseTimeoutMs (${ENQUIRE_LINK_MS} + ${RESPONSE_TIMEOUT_MS} ms)`, async () => {
    const messages = markedMessages('f5', ROUNDS * PER_ROUND);
    const detections: Array<{ round: number; idle: boolean; ms: number }> = [];
    const sending: Array<Promise<unknown>> = [];

    for (let round = 0; round < ROUNDS; round++) {
      const batch = messages.slice(round * PER_ROUND, (round + 1) * PER_ROUND);
      const idle = round === 0;
      if (idle) {
        // Everything sent and answered: the link is quiet when the SMSC goes silent.
        await sendPaced(t.smpp, batch, 500);
        await waitUntilSettled(t.db, 20_000);
        await sleep(100);
      } else {
        sending.push(sendPaced(t.smpp, batch, 300));
        await sleep(400);
      }
      const silentAt = Date.now();
      sim.goSilent(true);
      const downs = await waitFor(
        () => {
          const d = t.events.filter((e) => e.name === 'smpp.bind.down' && e.at >= silentAt);
          return d.length >= 2 ? d : null;
        },
        `round ${round + 1}: both binds to notice the silence`,
        10_000,
        5,
      );
      detections.push({
        round: round + 1,
        idle,
        ms: Math.max(...downs.slice(0, 2).map((d) => d.at - silentAt)),
      });
      // Still silent a while: bind attempts time out and back off.
      await sleep(1_000);
      sim.goSilent(false);
      await waitFor(
        () => t.smpp.bindStatus()[0].bound.transceiver === 2,
        'both binds back',
        10_000,
      );
    }
    await Promise.all(sending);
    await waitUntilSettled(t.db, 30_000);
    const verdict = await waitFor(
      async () => {
        const v = await checkEveryMessage(t.db, sim.submits);
        return (v.byStatus.submitted ?? 0) === 0 ? v : null;
      },
      'every accepted message delivered',
      30_000,
      250,
    );

    await recordResult('5-half-open', {
      scenario: `half-open link: SMSC silent 3 times (idle once, mid-stream twice), 2 binds, enquireLinkMs ${ENQUIRE_LINK_MS}, responseTimeoutMs ${RESPONSE_TIMEOUT_MS}`,
      messages: verdict.messages,
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      unknown: verdict.unknown,
      resolvedUnknown: verdict.resolvedUnknown,
      detection:
        detections.map((d) => `${d.ms} ms (${d.idle ? 'idle' : 'mid-stream'})`).join(', ') +
        ` to detect, bound ${ENQUIRE_LINK_MS + RESPONSE_TIMEOUT_MS} ms`,
      byStatus: verdict.byStatus,
    });

    for (const d of detections)
      expect(d.ms).toBeLessThanOrEqual(ENQUIRE_LINK_MS + RESPONSE_TIMEOUT_MS + SLACK_MS);
    expect(verdict.problems).toEqual([]);
    expect(verdict.messages).toBe(messages.length);
    expect(verdict.lost).toBe(0);
    expect(verdict.duplicated).toBe(0);
    for (const s of Object.keys(verdict.byStatus)) expect(['delivered', 'unknown']).toContain(s);
  }, 300_000);
});
