/**
 * Fault 2: the application process is killed with SIGKILL mid-stream (while it is still queueing
 * messages and dispatching them), then started again on the same database. Every message that was
 * queued is sent after the restart; the parts the dead process had claimed (in flight or about to
 * be) become `unknown` once their claim lease ran out; nothing is accepted twice; the messages whose
 * send() had not resolved are sent again with the same clientRef and exist once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startSimulator } from '../support/smpp-app.js';
import { buildChildApp, ChildApp } from './child-app.js';
import {
  checkEveryMessage,
  markedMessages,
  recordResult,
  sleep,
  waitFor,
  waitUntilSettled,
} from './support.js';

const MESSAGES = 1_200;
const CLAIM_LEASE_MS = 3_000;
const BIND_LEASE_MS = 3_000;

describe('fault 2: the application process SIGKILLed mid-stream, then restarted', () => {
  let sim: SmscSimulator;
  let db: TestDatabase;
  let build: Awaited<ReturnType<typeof buildChildApp>>;
  const children: ChildApp[] = [];

  beforeAll(async () => {
    [build, sim, db] = await Promise.all([
      buildChildApp(),
      // 2 binds x 100/s: the queue builds up while the app still queues at 400/s.
      startSimulator({ submitsPerSecondPerBind: 100, receipts: { delayMs: 50 } }),
      createTestDatabase(),
    ]);
    sim.setSubmitResponseDelay(20);
  }, 120_000);
  afterAll(async () => {
    for (const c of children) await c.stop().catch(() => undefined);
    await sim?.stop();
    await db?.drop();
    await build?.remove();
  });

  it('queued messages are sent after the restart, claimed ones become unknown, none twice', async () => {
    const messages = markedMessages('f2', MESSAGES);
    const config = (instanceId: string) => ({
      databaseUrl: db.url,
      simPort: sim.port,
      instanceId,
      claimLeaseMs: CLAIM_LEASE_MS,
      bindLeaseMs: BIND_LEASE_MS,
      transceivers: 2,
      // The whole budget: the restarted process must wait for the dead one's leases to expire.
      maxBinds: 2,
    });

    const first = await ChildApp.start(build.script, config('fault-app-1'));
    children.push(first);
    first.send(messages, 400);
    // Mid-stream: about 600 queued by then, 200-300 of them submitted.
    await waitFor(() => first.sent.size >= 600, '600 messages queued by the first process', 20_000);
    await first.kill();
    const killedAt = Date.now();
    const atKill = (await db.dataSource.query(
      `SELECT p.id, p.status FROM smpp_message_parts p`,
    )) as Array<{ id: string; status: string }>;
    const queuedAtKill = atKill.filter((p) => p.status === 'queued').map((p) => p.id);
    const claimedAtKill = atKill.filter((p) => p.status === 'submitting').map((p) => p.id);
    expect(queuedAtKill.length).toBeGreaterThan(0);
    expect(claimedAtKill.length).toBeGreaterThan(0);
    expect(first.sent.size).toBeLessThan(MESSAGES);

    // The restart: a new process on the same database sends what the first did not confirm
    // (again with the same clientRef: a send() that committed just before the kill is not doubled).
    await sleep(200);
    const restartedAt = Date.now();
    const second = await ChildApp.start(build.script, config('fault-app-2'));
    children.push(second);
    second.send(
      messages.filter((m) => !first.sent.has(m.i)),
      400,
    );
    await waitFor(() => second.done, 'the second process queued the rest', 30_000);
    expect(second.failed).toEqual([]);

    // The dead process's claims are recovered after their lease (plus one recovery period).
    const recoveredAfterMs = await waitFor(
      async () => {
        const [row] = (await db.dataSource.query(
          `SELECT count(*)::int AS n FROM smpp_message_parts WHERE id = ANY($1::uuid[]) AND status = 'submitting'`,
          [claimedAtKill],
        )) as Array<{ n: number }>;
        return row.n === 0 ? Date.now() - killedAt : null;
      },
      "the dead process's claims recovered",
      CLAIM_LEASE_MS + 15_000,
      100,
    );
    await waitUntilSettled(db, 60_000);
    const verdict = await waitFor(
      async () => {
        const v = await checkEveryMessage(db, sim.submits);
        return (v.byStatus.submitted ?? 0) === 0 ? v : null;
      },
      'every accepted message delivered',
      60_000,
      250,
    );

    const after = new Map(
      (
        (await db.dataSource.query(`SELECT id, status FROM smpp_message_parts`)) as Array<{
          id: string;
          status: string;
        }>
      ).map((p) => [p.id, p.status]),
    );
    const firstSubmitAfterRestart = Math.min(
      Infinity,
      ...sim.submits.map((r) => r.at.getTime()).filter((at) => at >= restartedAt),
    );
    const queuedNotDelivered = queuedAtKill.filter((id) => after.get(id) !== 'delivered');
    const claimedOutcomes = new Set(claimedAtKill.map((id) => after.get(id)));
    const [{ n: distinctRefs }] = (await db.dataSource.query(
      `SELECT count(DISTINCT client_ref)::int AS n FROM smpp_messages`,
    )) as Array<{ n: number }>;

    await recordResult('2-app-sigkill', {
      scenario: `app process SIGKILLed mid-stream (${queuedAtKill.length} parts queued, ${claimedAtKill.length} claimed), restarted on the same database`,
      messages: verdict.messages,
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      unknown: verdict.unknown,
      resolvedUnknown: verdict.resolvedUnknown,
      detection: `the restarted process submitted again ${((firstSubmitAfterRestart - killedAt) / 1000).toFixed(1)} s after the kill (it waits for the dead one's bind leases, the whole budget of 2, to expire: ${BIND_LEASE_MS / 1000} s after their last renewal); the dead one's claims recovered ${(recoveredAfterMs / 1000).toFixed(1)} s after the kill (claimLeaseMs ${CLAIM_LEASE_MS / 1000} s + recovery every 5 s)`,
      notes: `queued at the kill: ${queuedAtKill.length - queuedNotDelivered.length}/${queuedAtKill.length} delivered after the restart; claimed at the kill: ${[...claimedOutcomes].join('/')}`,
      byStatus: verdict.byStatus,
    });
    expect(verdict.problems).toEqual([]);
    expect(verdict.messages).toBe(MESSAGES);
    expect(distinctRefs).toBe(MESSAGES);
    expect(verdict.lost).toBe(0);
    expect(verdict.duplicated).toBe(0);
    expect(queuedNotDelivered).toEqual([]);
    for (const s of claimedOutcomes) expect(['unknown', 'delivered']).toContain(s);
    // Only what the dead process had claimed can be unknown.
    expect(verdict.unknown).toBeLessThanOrEqual(claimedAtKill.length);
  });
});
