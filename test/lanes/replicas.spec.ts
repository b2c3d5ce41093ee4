/**
 * Expiry and cancel with two replicas on one database: the sweep runs on both, a message expires
 * once (one outbox event); a message sent through one replica is cancelled through the other.
 * Binds are refused throughout, so nothing can be sent and nothing races the outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createSmppTestApp, type SmppTestApp, startSimulator } from '../support/smpp-app.js';
import { FAST_RECONNECT, refuseBinds, until } from './support.js';

describe('expiry and cancel across two replicas', () => {
  let sim: SmscSimulator;
  let db: TestDatabase;
  const replicas: SmppTestApp[] = [];

  beforeAll(async () => {
    sim = await startSimulator();
    refuseBinds(sim);
    db = await createTestDatabase();
    for (const name of ['replica-a', 'replica-b'])
      replicas.push(
        await createSmppTestApp({
          simulator: sim,
          db,
          module: {
            ...FAST_RECONNECT,
            waitForBindMs: undefined,
            bindAllocator: 'postgres',
            instanceId: name,
          },
        }),
      );
  });
  afterAll(async () => {
    for (const r of replicas) await r.close();
    await db?.drop();
    await sim?.stop();
  });

  async function outboxNames(id: string): Promise<string[]> {
    const found: Array<{ name: string }> = await db.dataSource.query(
      `SELECT name FROM smpp_outbox_events WHERE message_id = $1 ORDER BY seq`,
      [id],
    );
    return found.map((r) => r.name);
  }

  it('expires each message once while both replicas sweep', async () => {
    const [a, b] = replicas;
    const sent = [];
    for (let i = 0; i < 10; i++)
      sent.push(
        await (i % 2 ? a : b).smpp.send({ to: `+659170000${i}`, text: `otp ${i}`, ttlMs: 1_000 }),
      );
    for (const m of sent) {
      await until(a, m.id, ['expired']);
      expect(await outboxNames(m.id)).toEqual(['smpp.message.expired']);
    }
    expect(sim.submits).toHaveLength(0);
  });

  it('cancels through one replica what the other queued or scheduled', async () => {
    const [a, b] = replicas;
    const queued = await a.smpp.send({ to: '+6591700100', text: 'queued on a' });
    const scheduled = await a.smpp.send({
      to: '+6591700101',
      text: 'scheduled on a',
      sendAt: new Date(Date.now() + 3_600_000),
    });
    expect((await b.smpp.cancel(queued.id)).status).toBe('cancelled');
    expect((await b.smpp.cancel(scheduled.id)).status).toBe('cancelled');
    expect((await a.smpp.getMessage(queued.id))?.status).toBe('cancelled');
    expect(await outboxNames(queued.id)).toEqual(['smpp.message.cancelled']);
    expect(await outboxNames(scheduled.id)).toEqual(['smpp.message.cancelled']);
  });
});
