import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import {
  createSmppTestApp,
  eventually,
  type SmppTestApp,
  startSimulator,
} from '../support/smpp-app.js';

describe('two accounts of one process on the same system_id', () => {
  let sim: SmscSimulator;
  let t: SmppTestApp;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 10, target: 'round-robin' } });
    t = await createSmppTestApp({
      simulator: sim,
      accounts: [
        { name: 'otp', binds: { transceivers: 2 } },
        { name: 'marketing', binds: { transceivers: 2 } },
      ],
    });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('matches receipts that the SMSC delivers to the other account’s binds', async () => {
    await eventually(
      () => t.smpp.bindStatus().every((a) => a.bound.transceiver === 2),
      'all 4 binds',
    );
    const sent = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.smpp.send({ account: 'otp', to: `+659123600${i}`, text: `shared ${i}` }),
      ),
    );
    for (const m of sent) {
      await eventually(
        async () => (await t.smpp.getMessage(m.id))?.status === 'delivered',
        `${m.id} delivered`,
      );
    }
    const accounts: Array<{ account: string }> = await t.db.dataSource.query(
      `SELECT DISTINCT account FROM smpp_receipts`,
    );
    expect(accounts.map((a) => a.account).sort()).toEqual(['marketing', 'otp']);
    const parked: Array<{ n: string }> = await t.db.dataSource.query(
      `SELECT count(*) AS n FROM smpp_receipts WHERE part_id IS NULL`,
    );
    expect(Number(parked[0].n)).toBe(0);
  });
});
