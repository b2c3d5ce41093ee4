/**
 * Fault 1: the SMSC is killed mid-stream three times (every connection gone, the port closed) and
 * restarted on the same port. Every message ends delivered or `unknown` (its submit_sm left but
 * the answer died with the SMSC), none is stuck, none is accepted twice.
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
  statusSummary,
  waitFor,
  waitUntilSettled,
} from './support.js';

const MESSAGES = 1_200;

describe('fault 1: SMSC killed mid-stream three times and restarted', () => {
  let sim: SmscSimulator;
  let t: FaultApp;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 50 } });
    // Answers take 20 ms: a kill always finds submits in flight.
    sim.setSubmitResponseDelay(20);
    t = await createFaultApp({ simulator: sim, account: { binds: { transceivers: 2 } } });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('every message delivered or unknown, none lost, none accepted twice', async () => {
    const messages = markedMessages('f1', MESSAGES);
    const started = Date.now();
    // 200/s for 6 s; the SMSC dies at 1.2 s, 2.6 s and 4.0 s, for 300 ms each.
    const sending = sendPaced(t.smpp, messages, 200);
    const rebindMs: number[] = [];
    for (const at of [1_200, 2_600, 4_000]) {
      await sleep(started + at - Date.now());
      await sim.stop();
      await waitFor(() => !t.smpp.bindStatus()[0].canSend, 'the binds noticed', 5_000);
      await sleep(300);
      await sim.start();
      const back = Date.now();
      await waitFor(() => t.smpp.bindStatus()[0].bound.transceiver === 2, 're-bound', 10_000);
      rebindMs.push(Date.now() - back);
    }
    const ids = await sending;
    expect(ids.filter(Boolean)).toHaveLength(MESSAGES);

    await waitUntilSettled(t.db, 60_000);
    // Receipts of everything the SMSC accepted (kept across its restarts) come in.
    const verdict = await waitFor(
      async () => {
        const v = await checkEveryMessage(t.db, sim.submits);
        return (v.byStatus.submitted ?? 0) === 0 ? v : null;
      },
      'every accepted message delivered',
      60_000,
      250,
    );

    await recordResult('1-smsc-restart', {
      scenario: 'SMSC killed mid-stream 3 times, restarted after 300 ms (2 binds)',
      messages: verdict.messages,
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      unknown: verdict.unknown,
      resolvedUnknown: verdict.resolvedUnknown,
      detection: `loss seen at once (TCP close); re-bound ${Math.max(...rebindMs)} ms (max of 3) after the SMSC was back`,
      byStatus: verdict.byStatus,
    });
    expect(verdict.problems).toEqual([]);
    expect(verdict.messages).toBe(MESSAGES);
    expect(verdict.lost).toBe(0);
    expect(verdict.duplicated).toBe(0);
    expect(statusSummary(verdict.byStatus)).toMatch(/^delivered/);
    // Only parts in flight at a kill can be unknown: at most the windows, 3 times.
    expect(verdict.unknown).toBeLessThanOrEqual(3 * 2 * 10);
    for (const s of Object.keys(verdict.byStatus)) expect(['delivered', 'unknown']).toContain(s);
  }, 300_000);
});
