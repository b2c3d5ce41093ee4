/**
 * Fault 4: 100 kinds of malformed or unexpected PDUs from the SMSC (random bytes, bad
 * command_length, truncated bodies and TLVs, unknown command ids, responses to nothing, requests an
 * SMSC must not send), slipped between two whole PDUs of one bind's stream by a proxy, while
 * messages flow on two binds. The process stays up; a soundly framed PDU, whatever its body, is
 * answered in place (or ignored, for a response) and the session reads on; only a broken frame
 * (command_length out of range) drops that session, which re-binds; the other bind is untouched,
 * no promise is left rejected unhandled, and every message still ends delivered or unknown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { startSimulator } from '../support/smpp-app.js';
import { malformedVariants } from './malformed-variants.js';
import { PROBE_FLOOR, probePdu, SmppProxy } from './smpp-proxy.js';
import {
  checkEveryMessage,
  createFaultApp,
  type FaultApp,
  markedMessages,
  recordResult,
  sleep,
  trapProcessErrors,
  waitFor,
  waitUntilSettled,
} from './support.js';

const PER_VARIANT = 10;

describe('fault 4: 100 kinds of malformed PDUs from the SMSC', () => {
  let sim: SmscSimulator;
  let proxy: SmppProxy;
  let t: FaultApp;
  let trap: ReturnType<typeof trapProcessErrors>;

  beforeAll(async () => {
    trap = trapProcessErrors();
    sim = await startSimulator({ receipts: { delayMs: 20 } });
    proxy = new SmppProxy(sim.port);
    await proxy.start();
    t = await createFaultApp({
      simulator: sim,
      account: { port: proxy.port, binds: { transceivers: 2 }, responseTimeoutMs: 1_000 },
    });
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.stop();
    await sim?.stop();
    trap?.dispose();
  });

  it('only the affected session drops and re-binds; the process and the other bind carry on', async () => {
    const variants = malformedVariants();
    expect(variants).toHaveLength(100);
    const messages = markedMessages('f4', variants.length * PER_VARIANT);
    const sends: Array<Promise<unknown>> = [];
    const outcomes: Array<{ name: string; expect: string; dropped: boolean; rebindMs?: number }> =
      [];
    const wrong: string[] = [];

    const bothBound = () =>
      waitFor(
        () => t.smpp.bindStatus()[0].bound.transceiver === 2 && proxy.open.length === 2,
        'both binds up',
        10_000,
      );

    for (const [k, variant] of variants.entries()) {
      await bothBound();
      const [target, other] = proxy.open;
      // Traffic on both binds around the bad bytes.
      for (const m of messages.slice(k * PER_VARIANT, (k + 1) * PER_VARIANT)) {
        sends.push(t.smpp.send({ to: m.to, text: m.text, clientRef: m.clientRef }));
      }
      await sleep(20);
      const injectedAt = Date.now();
      target.inject(variant.bytes);
      let dropped: boolean;
      if (variant.expect === 'drop') {
        dropped = await waitFor(
          () => target.closed,
          `${variant.name}: the session to drop`,
          5_000,
        ).catch(() => false);
      } else {
        // A probe right behind the bytes: its answer shows the session read past them and is
        // still in step (or the session dropped, which only 'either' allows).
        const probe = PROBE_FLOOR + k;
        target.inject(probePdu(probe));
        await waitFor(
          () => target.closed || target.answered.has(probe),
          `${variant.name}: the probe answered or the session dropped`,
          10_000,
        ).catch(() => false);
        dropped = !target.answered.has(probe);
        const sequence = variant.bytes.length >= 16 ? variant.bytes.readUInt32BE(12) : 0;
        // alert_notification (0x102) is the one request SMPP 3.4 gives no response.
        const commandId = variant.bytes.length >= 16 ? variant.bytes.readUInt32BE(4) : 0;
        const isRequest =
          variant.bytes.length >= 16 && (commandId & 0x80000000) === 0 && commandId !== 0x102;
        if (variant.expect === 'stay' && isRequest && !dropped) {
          await waitFor(
            () => target.answered.has(sequence),
            `${variant.name}: an answer to the injected request`,
            5_000,
          ).catch(() => wrong.push(`${variant.name}: the request was never answered`));
        }
      }
      if (variant.expect === 'drop' && !dropped) wrong.push(`${variant.name}: expected a drop`);
      if (variant.expect === 'stay' && dropped)
        wrong.push(`${variant.name}: dropped a healthy session`);
      if (other.closed) wrong.push(`${variant.name}: the OTHER bind dropped`);
      let rebindMs: number | undefined;
      if (dropped) {
        await bothBound();
        rebindMs = Date.now() - injectedAt;
      }
      outcomes.push({ name: variant.name, expect: variant.expect, dropped, rebindMs });
    }
    await Promise.all(sends);
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

    const drops = outcomes.filter((o) => o.dropped);
    const rebinds = drops.map((o) => o.rebindMs ?? 0).sort((a, b) => a - b);
    await recordResult('4-malformed-pdus', {
      scenario: '100 kinds of malformed / unexpected PDUs injected into one of 2 binds',
      messages: verdict.messages,
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      unknown: verdict.unknown,
      detection: `${drops.length} sessions dropped and re-bound (median ${rebinds[Math.floor(rebinds.length / 2)]} ms, max ${rebinds[rebinds.length - 1]} ms from the bad bytes to both binds up), ${outcomes.length - drops.length} answered or ignored in place; other bind never dropped; ${trap.errors.length} unhandled rejections`,
      notes: outcomes
        .filter((o) => o.expect === 'either')
        .map((o) => `${o.name}: ${o.dropped ? 'dropped' : 'kept'}`)
        .join('; '),
      byStatus: verdict.byStatus,
    });

    expect(wrong).toEqual([]);
    expect(trap.errors).toEqual([]);
    expect(verdict.problems).toEqual([]);
    expect(verdict.messages).toBe(messages.length);
    expect(verdict.lost).toBe(0);
    expect(verdict.duplicated).toBe(0);
    for (const s of Object.keys(verdict.byStatus)) expect(['delivered', 'unknown']).toContain(s);
  }, 300_000);
});
