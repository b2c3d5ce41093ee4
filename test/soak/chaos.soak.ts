/**
 * Soak: 15,000 messages over ~100 s on 4 binds against the simulator's real 50/s-per-bind
 * throttle, with a fault every 4-6 s picked at random (SMSC killed and restarted, every connection
 * dropped, the SMSC silent, a malformed PDU, temporary submit errors, connections dropped right
 * after a submit, receipts before their submit_sm_resp, receipts twice). Every message ends
 * delivered, unknown or failed, none is stuck, none is accepted twice, no unhandled rejection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { CommandStatus } from '../../src/smpp/protocol/command-status.js';
import { startSimulator } from '../support/smpp-app.js';
import { malformedVariants } from '../faults/malformed-variants.js';
import { SmppProxy } from '../faults/smpp-proxy.js';
import {
  checkEveryMessage,
  createFaultApp,
  type FaultApp,
  markedMessages,
  recordResult,
  sendPaced,
  sleep,
  trapProcessErrors,
  waitFor,
  waitUntilSettled,
} from '../faults/support.js';

const MESSAGES = 15_000;
const PER_SECOND = 150;

describe('soak: 15,000 messages through random faults', () => {
  let sim: SmscSimulator;
  let proxy: SmppProxy;
  let t: FaultApp;
  let trap: ReturnType<typeof trapProcessErrors>;

  beforeAll(async () => {
    trap = trapProcessErrors();
    sim = await startSimulator({
      submitsPerSecondPerBind: 50,
      receipts: { delayMs: 200, target: 'random' },
    });
    proxy = new SmppProxy(sim.port);
    await proxy.start();
    t = await createFaultApp({
      simulator: sim,
      account: {
        port: proxy.port,
        binds: { transceivers: 4 },
        enquireLinkMs: 1_000,
        responseTimeoutMs: 1_000,
      },
      module: { bindAllocator: 'postgres' },
    });
  });
  afterAll(async () => {
    sim?.goSilent(false);
    await t?.close();
    await proxy?.stop();
    await sim?.stop();
    trap?.dispose();
  });

  it('every message delivered, unknown or failed; none stuck, none twice', async () => {
    const variants = malformedVariants();
    const faults: Array<[string, () => Promise<void>]> = [
      [
        'SMSC killed, back after 500 ms',
        async () => {
          await sim.stop();
          await sleep(500);
          await sim.start();
        },
      ],
      ['every connection dropped', async () => void sim.dropAllConnections()],
      [
        'SMSC silent for 1.5 s',
        async () => {
          sim.goSilent(true);
          await sleep(1_500);
          sim.goSilent(false);
        },
      ],
      [
        'a malformed PDU',
        async () => {
          const open = proxy.open;
          if (open.length === 0) return;
          open[Math.floor(Math.random() * open.length)].inject(
            variants[Math.floor(Math.random() * variants.length)].bytes,
          );
        },
      ],
      [
        '10 submits answered ESME_RSYSERR',
        async () => sim.failNextSubmits(10, CommandStatus.ESME_RSYSERR),
      ],
      ['2 submits accepted, then the connection dropped', async () => sim.dropAfterSubmit(2)],
      [
        'receipts before their submit_sm_resp for 3 s',
        async () => {
          sim.receiptBeforeResponse(true);
          await sleep(3_000);
          sim.receiptBeforeResponse(false);
        },
      ],
      [
        'every receipt twice for 3 s',
        async () => {
          sim.duplicateReceipts(true);
          await sleep(3_000);
          sim.duplicateReceipts(false);
        },
      ],
    ];
    const messages = markedMessages('soak', MESSAGES);
    const started = Date.now();
    let sendingDone = false;
    const sending = sendPaced(t.smpp, messages, PER_SECOND).finally(() => (sendingDone = true));
    const injected = new Map<string, number>();
    while (!sendingDone) {
      await sleep(4_000 + Math.random() * 2_000);
      const [name, run] = faults[Math.floor(Math.random() * faults.length)];
      injected.set(name, (injected.get(name) ?? 0) + 1);
      await run();
    }
    await sending;
    await waitUntilSettled(t.db, 300_000);
    const verdict = await waitFor(
      async () => {
        const v = await checkEveryMessage(t.db, sim.submits);
        return (v.byStatus.submitted ?? 0) === 0 ? v : null;
      },
      'every accepted message delivered',
      120_000,
      500,
    );

    await recordResult('9-chaos-soak', {
      scenario: `soak: ${MESSAGES} messages at ${PER_SECOND}/s on 4 binds (50/s each), a random fault every 4-6 s`,
      messages: verdict.messages,
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      unknown: verdict.unknown,
      resolvedUnknown: verdict.resolvedUnknown,
      detection: `all settled ${((Date.now() - started) / 1000).toFixed(0)} s after the first send; ${trap.errors.length} unhandled rejections`,
      notes: [...injected].map(([k, v]) => `${k} x${v}`).join('; '),
      byStatus: verdict.byStatus,
    });
    expect(trap.errors).toEqual([]);
    expect(verdict.problems).toEqual([]);
    expect(verdict.messages).toBe(MESSAGES);
    expect(verdict.lost).toBe(0);
    expect(verdict.duplicated).toBe(0);
    for (const s of Object.keys(verdict.byStatus))
      expect(['delivered', 'unknown', 'failed']).toContain(s);
  }, 600_000);
});
