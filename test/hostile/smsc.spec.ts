/**
 * A hostile SMSC, against the real module and real Postgres: the simulator behind a proxy that
 * slips in bad deliver_sm (MO and receipts with values no column takes, PDUs that cannot be
 * parsed in a sound frame), commands and responses nobody asked for, broken frames, and turns
 * chosen submit_sm_resp bad, while good messages, receipts and MOs flow on two binds.
 * Every good one is matched or stored; every bad deliver_sm is acknowledged (stored or
 * quarantined); nothing is answered ESME_RX_T_APPN more than a few times; the process stays up;
 * the bind drops only for broken frames.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { CommandStatus } from '../../src/smpp/protocol/command-status.js';
import {
  ANSWER_FLOOR,
  PROBE_FLOOR,
  probePdu,
  type ProxiedConnection,
  SmppProxy,
} from '../faults/smpp-proxy.js';
import {
  createFaultApp,
  type FaultApp,
  forEachBounded,
  trapProcessErrors,
  waitFor,
} from '../faults/support.js';
import { startSimulator } from '../support/smpp-app.js';
import { badSubmitResponses, hostilePdus } from './smsc-variants.js';

const GOOD_MESSAGES = 60;
const GOOD_MOS = 20;

describe('a hostile SMSC', () => {
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
      account: { port: proxy.port, binds: { transceivers: 2 } },
    });
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.stop();
    await sim?.stop();
    trap?.dispose();
  });

  const bothBound = () =>
    waitFor(
      () => t.smpp.bindStatus()[0]?.bound.transceiver === 2 && proxy.open.length === 2,
      'both binds up',
      15_000,
    );

  it('acknowledges or quarantines every bad PDU, stores every good one, drops the bind only for broken frames', async () => {
    await bothBound();
    const kinds = hostilePdus();
    const badResponses = badSubmitResponses();
    expect(kinds.length + badResponses.length).toBeGreaterThanOrEqual(30);

    // Good traffic all along: messages (with their receipts) and MOs.
    const good = Array.from({ length: GOOD_MESSAGES }, (_, i) => ({
      to: `+65912${String(i).padStart(5, '0')}`,
      text: `good [hs-${i}]`,
    }));
    const goodSends = forEachBounded(good, 4, async (m) => {
      await new Promise((r) => setTimeout(r, 30));
      return t.smpp.send(m);
    });
    const moResults: Array<{ parts: Array<{ status: number }> }> = [];
    const goodMos = forEachBounded(
      Array.from({ length: GOOD_MOS }, (_, i) => i),
      2,
      async (i) => {
        await new Promise((r) => setTimeout(r, 60));
        const result = await sim.injectMo({
          systemId: 'smppuser',
          from: `659800${String(i).padStart(4, '0')}`,
          to: '12345',
          text: `good MO [hs-mo-${i}]`,
        });
        moResults.push(result);
      },
    );

    const wrong: string[] = [];
    const dropsExpected = kinds.filter((k) => k.expect === 'drop').length;
    const connections = new Set<ProxiedConnection>();
    const answeredBad: Array<{ name: string; status: number }> = [];
    for (const [i, kind] of kinds.entries()) {
      await bothBound();
      const target = proxy.open[0]!;
      connections.add(target);
      const sequence = ANSWER_FLOOR + 0x10000 + i;
      target.inject(kind.bytes(sequence));
      if (kind.expect === 'drop') {
        await waitFor(() => target.closed, `${kind.name}: the session to drop`, 5_000).catch(() =>
          wrong.push(`${kind.name}: the session did not drop`),
        );
        continue;
      }
      const probe = PROBE_FLOOR + i;
      target.inject(probePdu(probe));
      const ok = await waitFor(
        () =>
          target.closed ||
          (target.answered.has(probe) &&
            (kind.expect === 'ignore' || target.answered.has(sequence))),
        `${kind.name}: answered, and the session read on`,
        10_000,
      ).catch(() => false);
      if (!ok || target.closed) {
        wrong.push(`${kind.name}: ${target.closed ? 'the session dropped' : 'not answered'}`);
        continue;
      }
      const answer = target.answered.get(sequence);
      if (kind.expect === 'ignore') {
        if (answer) wrong.push(`${kind.name}: answered 0x${answer.commandId.toString(16)}`);
      } else if (kind.expect === 'nack') {
        if (answer?.commandId !== 0x80000000 || answer.status !== CommandStatus.ESME_RINVCMDID)
          wrong.push(
            `${kind.name}: expected generic_nack ESME_RINVCMDID, got ${JSON.stringify(answer)}`,
          );
      } else {
        answeredBad.push({ name: kind.name, status: answer!.status });
        if (answer?.commandId !== 0x80000005 || answer.status !== CommandStatus.ESME_ROK)
          wrong.push(
            `${kind.name}: expected deliver_sm_resp ESME_ROK, got ${JSON.stringify(answer)}`,
          );
      }
    }

    // Bad submit responses, one message each.
    const badSent: Array<{ name: string; id: string; ends: readonly string[] }> = [];
    for (const [i, bad] of badResponses.entries()) {
      await bothBound();
      let used = false;
      proxy.rewrite = (pdu) => {
        if (used || pdu.readUInt32BE(4) !== 0x80000004) return undefined;
        used = true;
        return bad.rewrite(pdu);
      };
      const sent = await t.smpp.send({
        to: `+6597700${String(i).padStart(3, '0')}`,
        text: `bad resp ${i}`,
      });
      await waitFor(() => used, `${bad.name}: the response rewritten`, 10_000);
      proxy.rewrite = undefined;
      badSent.push({ name: bad.name, id: sent.id, ends: bad.ends });
    }

    await goodSends;
    await goodMos;

    // Every good message delivered (its receipt matched), every good MO stored once.
    await waitFor(
      async () => {
        const [row] = (await t.db.dataSource.query(
          `SELECT count(*)::int AS n FROM smpp_messages WHERE status = 'delivered' AND text LIKE 'good [hs-%'`,
        )) as Array<{ n: number }>;
        return row.n === GOOD_MESSAGES;
      },
      'every good message delivered',
      60_000,
      200,
    );
    for (const r of moResults) expect(r.parts.map((p) => p.status)).toEqual([0]);
    const [{ n: mosStored }] = (await t.db.dataSource.query(
      `SELECT count(DISTINCT text)::int AS n FROM smpp_inbound_messages WHERE text LIKE 'good MO [hs-mo-%'`,
    )) as Array<{ n: number }>;
    expect(mosStored).toBe(GOOD_MOS);

    // Bad submit responses: each message reached an outcome (none left submitting).
    for (const b of badSent) {
      const m = await waitFor(
        async () => {
          const v = await t.smpp.getMessage(b.id);
          return v && b.ends.includes(v.status) ? v : null;
        },
        `${b.name}: the message to end ${b.ends.join('/')}`,
        30_000,
        100,
      ).catch(async () => {
        wrong.push(`${b.name}: ended ${(await t.smpp.getMessage(b.id))?.status}`);
        return null;
      });
      void m;
    }

    // The unreadable deliver_sm are kept raw in the quarantine.
    const quarantined = (await t.db.dataSource.query(
      `SELECT sequence_number::bigint AS seq FROM smpp_quarantined_pdus WHERE reason LIKE 'unreadable deliver_sm%'`,
    )) as Array<{ seq: string }>;
    const quarantinedSeqs = new Set(quarantined.map((q) => Number(q.seq)));
    for (const [i, kind] of kinds.entries()) {
      if (kind.quarantined && !quarantinedSeqs.has(ANSWER_FLOOR + 0x10000 + i))
        wrong.push(`${kind.name}: not in the quarantine`);
    }

    // ESME_RX_T_APPN: the database never went away, so (almost) never.
    let tempRefusals = 0;
    for (const c of proxy.connections)
      tempRefusals += c.deliverAnswers.get(CommandStatus.ESME_RX_T_APPN) ?? 0;
    // The bind dropped exactly once per broken frame.
    const drops = proxy.connections.filter((c) => c.closed).length;

    expect(wrong).toEqual([]);
    expect(tempRefusals).toBeLessThanOrEqual(3);
    expect(drops).toBe(dropsExpected);
    expect(trap.errors).toEqual([]);
    expect(answeredBad.length).toBeGreaterThanOrEqual(30);
  });
});
