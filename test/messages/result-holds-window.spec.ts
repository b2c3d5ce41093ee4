/**
 * A part keeps its bind's window slot until its submit result is stored: while result writes are
 * stuck, at most binds x window parts are marked written without a stored result (what becomes
 * `unknown` if the process dies then), and nothing more is sent until the results are stored.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { bindBudgetKey } from '../../src/smpp/config/resolve-options.js';
import {
  createSmppTestApp,
  eventually,
  type SmppTestApp,
  startSimulator,
  testAccount,
} from '../support/smpp-app.js';

const BINDS = 2;
const WINDOW = 4;
const MESSAGES = 40;

describe('dispatch: a window slot is held until the result is stored', () => {
  let sim: SmscSimulator;
  let t: SmppTestApp;
  let blocker: pg.Client | undefined;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { enabled: false } });
    t = await createSmppTestApp({
      simulator: sim,
      account: testAccount(sim, {
        binds: { transceivers: BINDS },
        window: WINDOW,
        submitsPerSecond: 1_000,
        submitBurst: 50,
      }),
    });
  }, 60_000);
  afterAll(async () => {
    await blocker?.end().catch(() => undefined);
    await t?.close();
    await sim?.stop();
  });

  async function writtenWithoutResult(): Promise<number> {
    const [row] = (await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM smpp_message_parts
        WHERE status = 'submitting' AND written_at IS NOT NULL`,
    )) as Array<{ n: number }>;
    return row.n;
  }

  it('sends at most binds x window while result writes wait, then everything once', async () => {
    await eventually(
      () => t.smpp.bindStatus()[0]?.binds.filter((b) => b.state === 'bound').length === BINDS,
      'both binds bound',
      30_000,
    );
    // Result writes take the account's advisory lock (see lockAccounts): held here, every result
    // write waits on it (claims and written_at marks do not take it).
    blocker = new pg.Client({ connectionString: t.db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    const key = bindBudgetKey({ systemId: 'smppuser', host: '127.0.0.1', port: sim.port });
    await blocker.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
      `smpp:receipt-match:${key}`,
    ]);

    const sent = await Promise.all(
      Array.from({ length: MESSAGES }, (_, i) =>
        t.smpp.send({ to: `+659200${String(i).padStart(4, '0')}`, text: `held ${i}` }),
      ),
    );

    // The windows fill up, and a result write is seen waiting on the lock.
    await eventually(() => sim.submits.length >= BINDS * WINDOW, 'the windows filled', 30_000);
    await eventually(
      async () => {
        const [row] = (await t.db.dataSource.query(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
        )) as Array<{ n: number }>;
        return row.n > 0;
      },
      'a result write waiting on the lock',
      30_000,
    );
    // Whenever looked at while results cannot be stored: no more than the windows went out.
    const seen: Array<{ written: number; atSmsc: number }> = [];
    for (let i = 0; i < 10; i++) {
      seen.push({ written: await writtenWithoutResult(), atSmsc: sim.submits.length });
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const s of seen) {
      expect(s.written).toBeLessThanOrEqual(BINDS * WINDOW);
      expect(s.atSmsc).toBe(BINDS * WINDOW);
    }

    await blocker.query('COMMIT');
    await eventually(
      async () => {
        const views = await Promise.all(sent.map((s) => t.smpp.getMessage(s.id)));
        return views.every((m) => m?.status === 'submitted');
      },
      'every message submitted once the results could be stored',
      60_000,
    );
    const perDestination = new Map<string, number>();
    for (const s of sim.submits)
      perDestination.set(s.destinationAddr, (perDestination.get(s.destinationAddr) ?? 0) + 1);
    expect(perDestination.size).toBe(MESSAGES);
    expect([...perDestination.values()].every((n) => n === 1)).toBe(true);
    expect(await writtenWithoutResult()).toBe(0);
  }, 120_000);
});
