/**
 * Scheduling: sendAt keeps a message `scheduled` (durable, counted by maxQueued) until due. Due
 * is reached by moving the parts' send time to now ("the hour passed"), so no test waits on the
 * clock; restarts and two replicas on one database send a due message once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { QueueFullError } from '../../src/smpp/errors.js';
import { createTestDatabase } from '../support/database.js';
import { createSmppTestApp, type SmppTestApp, startSimulator } from '../support/smpp-app.js';
import { fastForward, submitsTo, until } from './support.js';

const HOUR = 3_600_000;

describe('scheduling', () => {
  let sim: SmscSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 10 } });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('keeps a message scheduled until due, then sends it once', async () => {
    const t = await createSmppTestApp({ simulator: sim });
    try {
      const sendAt = new Date(Date.now() + HOUR);
      const sent = await t.smpp.send({ to: '+6591500000', text: 'in an hour', sendAt });
      expect(sent).toMatchObject({ status: 'scheduled', sendAt });
      expect(sent.parts[0].status).toBe('scheduled');
      // A later, unscheduled message overtakes it.
      const now = await t.smpp.send({ to: '+6591500001', text: 'now' });
      await until(t, now.id, ['delivered']);
      expect((await t.smpp.getMessage(sent.id))?.status).toBe('scheduled');
      expect(submitsTo(sim, '+6591500000')).toBe(0);

      await fastForward(t, [sent.id]);
      const done = await until(t, sent.id, ['delivered']);
      expect(done.sendAt).toEqual(sendAt);
      expect(submitsTo(sim, '+6591500000')).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('takes a sendAt in the past as now, and accepts an ISO string', async () => {
    const t = await createSmppTestApp({ simulator: sim });
    try {
      const past = await t.smpp.send({
        to: '+6591500010',
        text: 'late',
        sendAt: new Date(Date.now() - 60_000).toISOString(),
      });
      expect(past).toMatchObject({ status: 'queued', sendAt: null });
      await until(t, past.id, ['delivered']);
      const iso = new Date(Date.now() + HOUR).toISOString();
      const later = await t.smpp.send({ to: '+6591500011', text: 'iso', sendAt: iso });
      expect(later.sendAt?.toISOString()).toBe(iso);
    } finally {
      await t.close();
    }
  });

  it('survives a restart: counted by maxQueued, sent once by the next process when due', async () => {
    const db = await createTestDatabase();
    try {
      const first = await createSmppTestApp({ simulator: sim, db, account: { maxQueued: 1 } });
      const sent = await first.smpp.send({
        to: '+6591500020',
        text: 'across a restart',
        sendAt: new Date(Date.now() + HOUR),
      });
      await first.close();

      const second = await createSmppTestApp({ simulator: sim, db, account: { maxQueued: 1 } });
      try {
        expect((await second.smpp.getMessage(sent.id))?.status).toBe('scheduled');
        // The scheduled message fills the queue of one.
        await expect(second.smpp.send({ to: '+6591500021', text: 'no room' })).rejects.toThrow(
          QueueFullError,
        );
        await fastForward(second, [sent.id]);
        await until(second, sent.id, ['delivered']);
        expect(submitsTo(sim, '+6591500020')).toBe(1);
      } finally {
        await second.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('two replicas on one database send each due message once', async () => {
    const db = await createTestDatabase();
    const replicas: SmppTestApp[] = [];
    try {
      for (const name of ['replica-a', 'replica-b'])
        replicas.push(
          await createSmppTestApp({
            simulator: sim,
            db,
            account: { binds: { transceivers: 1 }, maxBinds: 4 },
            module: { bindAllocator: 'postgres', instanceId: name },
          }),
        );
      const [a, b] = replicas;
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const via = i % 2 === 0 ? a : b;
        const m = await via.smpp.send({
          to: `+65915001${String(i).padStart(2, '0')}`,
          text: `scheduled ${i}`,
          sendAt: new Date(Date.now() + HOUR),
        });
        ids.push(m.id);
      }
      await fastForward(a, ids);
      for (const id of ids) await until(a, id, ['delivered'], 30_000);
      for (let i = 0; i < 30; i++)
        expect(submitsTo(sim, `+65915001${String(i).padStart(2, '0')}`)).toBe(1);
      expect(sim.duplicateSubmits()).toEqual([]);
    } finally {
      for (const r of replicas) await r.close();
      await db.drop();
    }
  });
});
