/**
 * Priority lanes: parts queued while no bind is up leave highest lane first once a bind comes up,
 * and bulk keeps its minimum share while higher lanes have a backlog. One transceiver with a
 * window of 1 makes the order of submits the order of claims.
 */
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import {
  createSmppTestApp,
  eventually,
  type SmppTestApp,
  startSimulator,
} from '../support/smpp-app.js';
import { allowBinds, FAST_RECONNECT, refuseBinds, until } from './support.js';

describe('priority lanes', () => {
  let sim: SmscSimulator;
  let t: SmppTestApp | undefined;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 10 } });
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    allowBinds(sim);
    sim.clearSubmits();
  });
  afterAll(async () => {
    await sim?.stop();
  });

  async function app(bulkMinShare?: number): Promise<SmppTestApp> {
    refuseBinds(sim);
    return createSmppTestApp({
      simulator: sim,
      account: {
        binds: { transceivers: 1 },
        window: 1,
        ...(bulkMinShare === undefined ? {} : { lanes: { bulkMinShare } }),
      },
      // Started with every bind refused: no startup wait for a bind.
      module: { ...FAST_RECONNECT, waitForBindMs: undefined },
    });
  }

  /** The lane of each submit, in the order the simulator accepted them. */
  function lanesInOrder(): string[] {
    return sim.submits.map((s) => s.text.split(' ')[0]);
  }

  it('sends a high message queued after bulk ones first (default lanes)', async () => {
    t = await app();
    const bulk = [];
    for (let i = 0; i < 5; i++)
      bulk.push(await t.smpp.send({ to: `+659130000${i}`, text: `bulk ${i}`, priority: 'bulk' }));
    const normal = await t.smpp.send({ to: '+6591300010', text: 'normal 0' });
    const high = await t.smpp.send({ to: '+6591300011', text: 'high 0', priority: 'high' });
    expect(high).toMatchObject({ status: 'queued', priority: 'high' });
    expect(bulk[0].priority).toBe('bulk');
    expect(normal.priority).toBe('normal');

    allowBinds(sim);
    for (const m of [...bulk, normal, high]) await until(t, m.id, ['submitted', 'delivered']);
    const order = lanesInOrder();
    expect(order).toHaveLength(7);
    expect(order[0]).toBe('high');
    expect(order[1]).toBe('normal');
  });

  it('keeps bulkMinShare of the claims for bulk while high has a backlog', async () => {
    t = await app(0.25);
    const sent = [];
    for (let i = 0; i < 20; i++)
      sent.push(
        await t.smpp.send({ to: `+65913010${pad(i)}`, text: `bulk ${i}`, priority: 'bulk' }),
      );
    for (let i = 0; i < 40; i++)
      sent.push(
        await t.smpp.send({ to: `+65913011${pad(i)}`, text: `high ${i}`, priority: 'high' }),
      );

    allowBinds(sim);
    await eventually(() => sim.submits.length >= 30, '30 submits', 30_000);
    // While 40 high parts were waiting, a quarter of the claims (about 7 of 30) went to bulk.
    const first30 = lanesInOrder().slice(0, 30);
    expect(first30.filter((l) => l === 'bulk').length).toBeGreaterThanOrEqual(5);
    expect(first30.filter((l) => l === 'high').length).toBeGreaterThanOrEqual(20);
    for (const m of sent) await until(t, m.id, ['submitted', 'delivered']);
  });

  it('with bulkMinShare 0, bulk waits until no higher lane has parts', async () => {
    t = await app(0);
    const sent = [];
    for (let i = 0; i < 10; i++)
      sent.push(
        await t.smpp.send({ to: `+65913020${pad(i)}`, text: `bulk ${i}`, priority: 'bulk' }),
      );
    for (let i = 0; i < 40; i++)
      sent.push(
        await t.smpp.send({ to: `+65913021${pad(i)}`, text: `high ${i}`, priority: 'high' }),
      );

    allowBinds(sim);
    for (const m of sent) await until(t, m.id, ['submitted', 'delivered'], 30_000);
    // The boundary claim may mix the last high parts and the first bulk ones: look before it.
    expect(
      lanesInOrder()
        .slice(0, 30)
        .every((l) => l === 'high'),
    ).toBe(true);
  });
});

function pad(i: number): string {
  return String(i).padStart(2, '0');
}
