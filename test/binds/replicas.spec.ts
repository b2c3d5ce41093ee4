/**
 * Several replicas of one application: two Nest apps on one database and one simulator account
 * share the 4-bind budget through Postgres leases, and receipts that land on the other replica's
 * binds are matched and emitted once.
 */
import { Test } from '@nestjs/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BindRefusedEvent } from '../../src/simulator/simulator.types.js';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { InProcessBindAllocator } from '../../src/smpp/binds/bind-allocator.js';
import { BindManager } from '../../src/smpp/binds/bind-manager.js';
import { PostgresBindAllocator } from '../../src/smpp/binds/postgres-bind-allocator.js';
import type { SmppModuleOptions } from '../../src/smpp/config/smpp-options.interface.js';
import { CommandStatus } from '../../src/smpp/protocol/command-status.js';
import { SMPP_BIND_ALLOCATOR } from '../../src/smpp/smpp.constants.js';
import { SmppModule } from '../../src/smpp/smpp.module.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  createSmppTestApp,
  eventually,
  type SmppTestApp,
  startSimulator,
  testAccount,
} from '../support/smpp-app.js';

const LEASE_MS = 1_000;
const SYSTEM_ID = 'smppuser';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function replica(
  sim: SmscSimulator,
  db: TestDatabase,
  name: string,
  transceivers: number,
  module: Partial<SmppModuleOptions> = {},
): Promise<SmppTestApp> {
  return createSmppTestApp({
    simulator: sim,
    db,
    account: { binds: { transceivers }, maxBinds: 4 },
    module: {
      bindAllocator: 'postgres',
      bindLease: { leaseMs: LEASE_MS },
      instanceId: name,
      ...module,
    },
  });
}

function boundCount(t: SmppTestApp): number {
  return t.app
    .get(BindManager)
    .status()
    .reduce((n, a) => n + a.binds.filter((b) => b.state === 'bound').length, 0);
}

/** Refusals because the system_id already held its maximum of binds. */
function watchLimitRefusals(sim: SmscSimulator): BindRefusedEvent[] {
  const refused: BindRefusedEvent[] = [];
  sim.on('bind-refused', (e) => {
    if (e.status === CommandStatus.ESME_RBINDFAIL || e.status === CommandStatus.ESME_RALYBND) {
      refused.push(e);
    }
  });
  return refused;
}

async function leaseRows(db: TestDatabase): Promise<Array<{ slot: number; holder: string }>> {
  return db.dataSource.query(`SELECT slot, holder FROM smpp_bind_leases ORDER BY slot`);
}

describe('the bind allocator the module uses', () => {
  let sim: SmscSimulator;
  let db: TestDatabase;
  beforeAll(async () => {
    sim = await startSimulator();
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await sim?.stop();
    await db?.drop();
  });

  it("is 'postgres' by default: the bind holds a lease row, released on close", async () => {
    const t = await createSmppTestApp({ simulator: sim, db, module: { instanceId: 'solo' } });
    try {
      expect(t.app.get(SMPP_BIND_ALLOCATOR)).toBeInstanceOf(PostgresBindAllocator);
      const rows = await eventually(async () => {
        const r = await leaseRows(db);
        return r.length === 1 ? r : null;
      }, 'one lease row');
      expect(rows[0]).toMatchObject({ slot: 0, holder: expect.stringMatching(/^solo#/) });
    } finally {
      await t.close();
    }
    expect(await leaseRows(db)).toEqual([]);
  });

  it("is counted in this process with 'in-process', or is the instance given", async () => {
    const t = await createSmppTestApp({
      simulator: sim,
      db,
      module: { bindAllocator: 'in-process' },
    });
    try {
      expect(t.app.get(SMPP_BIND_ALLOCATOR)).toBeInstanceOf(InProcessBindAllocator);
      expect(await leaseRows(db)).toEqual([]);
    } finally {
      await t.close();
    }
    const mine = new InProcessBindAllocator();
    const u = await createSmppTestApp({ simulator: sim, db, module: { bindAllocator: mine } });
    try {
      expect(u.app.get(SMPP_BIND_ALLOCATOR)).toBe(mine);
    } finally {
      await u.close();
    }
  });

  it('refuses an unknown bindAllocator and bad lease timing at startup', async () => {
    // Without TypeORM: the allocator's provider fails while the module compiles.
    const compile = (module: Partial<SmppModuleOptions>) =>
      Test.createTestingModule({
        imports: [SmppModule.forRoot({ accounts: [testAccount(sim)], ...module })],
      }).compile();
    await expect(compile({ bindAllocator: 'redis' as unknown as 'postgres' })).rejects.toThrow(
      /bindAllocator: expected 'postgres', 'in-process' or a BindAllocator, got "redis"/,
    );
    await expect(compile({ bindLease: { leaseMs: 5 } })).rejects.toThrow(/bindLease.leaseMs/);
  });
});

describe('two replicas share one 4-bind budget', () => {
  let sim: SmscSimulator;
  let db: TestDatabase;
  let refused: BindRefusedEvent[];
  const apps: SmppTestApp[] = [];

  beforeEach(async () => {
    sim = await startSimulator();
    refused = watchLimitRefusals(sim);
    db = await createTestDatabase();
  });
  afterEach(async () => {
    for (const t of apps.splice(0)) await t.close().catch(() => undefined);
    await sim?.stop();
    await db?.drop();
  });

  it('never exceed 4 binds, share them fairly, and the survivor takes the freed slots when one replica stops', async () => {
    const a = await replica(sim, db, 'replica-a', 3);
    apps.push(a);
    await eventually(() => boundCount(a) === 3, 'replica A bound 3');
    const b = await replica(sim, db, 'replica-b', 3);
    apps.push(b);
    // Fair shares of 4 over two replicas wanting 3 each: 2/2. A hands one over (graceful unbind,
    // lease released) and only then does B take it.
    await eventually(() => boundCount(a) === 2 && boundCount(b) === 2, '2 + 2 binds');
    const statesOfB = () =>
      b.app
        .get(BindManager)
        .status()[0]
        .binds.map((s) => s.state)
        .sort()
        .join();
    expect(statesOfB()).toBe('bound,bound,waiting-for-slot');
    // stable over several lease periods: renewals keep the leases, nobody churns
    const attempts = sim.stats.bindAttempts;
    await sleep(3 * LEASE_MS);
    expect(sim.stats.bindAttempts).toBe(attempts);
    expect(sim.stats.bindsNow.bySystemId[SYSTEM_ID]).toBe(4);
    expect(await leaseRows(db)).toHaveLength(4);

    const stoppedAt = Date.now();
    await a.close();
    apps.splice(apps.indexOf(a), 1);
    await eventually(() => boundCount(b) === 3, 'replica B bound 3', 3 * LEASE_MS);
    expect(Date.now() - stoppedAt).toBeLessThan(3 * LEASE_MS);
    expect(sim.stats.bindsNow.bySystemId[SYSTEM_ID]).toBe(3);
    expect(sim.stats.maxConcurrentBinds[SYSTEM_ID]).toBe(4);
    expect(refused).toEqual([]);
    expect((await leaseRows(db)).every((r) => r.holder.startsWith('replica-b#'))).toBe(true);
  });

  it('takes over the slots of a replica that died without releasing them, once they expire', async () => {
    // A crashed replica left two live leases behind (no renewal will come).
    await db.dataSource.query(
      `INSERT INTO smpp_bind_leases (system_key, slot, holder, expires_at)
       VALUES ('${SYSTEM_ID}@127.0.0.1', 0, 'crashed#aaaaaaaaaaaa', now() + interval '${LEASE_MS} milliseconds'),
              ('${SYSTEM_ID}@127.0.0.1', 1, 'crashed#bbbbbbbbbbbb', now() + interval '${LEASE_MS} milliseconds')`,
    );
    const startedAt = Date.now();
    const b = await replica(sim, db, 'replica-b', 4);
    apps.push(b);
    expect(boundCount(b)).toBeLessThanOrEqual(2);
    await eventually(() => boundCount(b) === 4, 'replica B bound 4', 4 * LEASE_MS);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(LEASE_MS - 100);
    expect(sim.stats.maxConcurrentBinds[SYSTEM_ID]).toBe(4);
    expect(refused).toEqual([]);
  });

  it('stay within 4 binds through 20 drops of every connection', async () => {
    const a = await replica(sim, db, 'replica-a', 2);
    apps.push(a);
    const b = await replica(sim, db, 'replica-b', 2);
    apps.push(b);
    const allBound = () => boundCount(a) === 2 && boundCount(b) === 2;
    await eventually(allBound, '2 + 2 binds');
    let maxSeen = 0;
    sim.on('bind', () => {
      maxSeen = Math.max(maxSeen, sim.stats.bindsNow.bySystemId[SYSTEM_ID] ?? 0);
    });
    let dropped = 0;
    for (let i = 0; i < 20; i++) {
      dropped += sim.dropAllConnections();
      await sleep(50 + Math.random() * 200);
    }
    await eventually(allBound, '2 + 2 binds again', 5_000);
    expect(dropped).toBeGreaterThan(20);
    expect(maxSeen).toBe(4);
    expect(sim.stats.maxConcurrentBinds[SYSTEM_ID]).toBe(4);
    expect(refused).toEqual([]);
    const rows = await leaseRows(db);
    expect(rows.map((r) => r.slot)).toEqual([0, 1, 2, 3]);
    expect(rows.filter((r) => r.holder.startsWith('replica-a#'))).toHaveLength(2);
  });

  it('a replica whose lease was taken over drops that bind at once and re-binds on a free slot', async () => {
    const a = await replica(sim, db, 'replica-a', 1);
    apps.push(a);
    await eventually(() => boundCount(a) === 1, 'A bound');
    const [first] = sim.binds;
    const unbinds: string[] = [];
    sim.on('unbind', (e) => unbinds.push(`${e.bindId}:${e.reason}`));
    // As if A had stalled past its lease and another process had taken the row meanwhile.
    await db.dataSource.query(
      `UPDATE smpp_bind_leases SET holder = 'thief#cccccccccccc', expires_at = now() + interval '1 minute'`,
    );
    // At its next renewal (every leaseMs / 3) A finds the row gone and closes the socket.
    await eventually(
      () => !sim.binds.some((x) => x.bindId === first.bindId),
      'the old bind closed',
      2 * LEASE_MS,
    );
    await eventually(() => boundCount(a) === 1 && sim.binds.length === 1, 'A bound again');
    expect(unbinds).toEqual([`${first.bindId}:client-closed`]);
    const rows = await leaseRows(db);
    expect(rows).toEqual([
      { slot: 0, holder: 'thief#cccccccccccc' },
      { slot: 1, holder: expect.stringMatching(/^replica-a#/) },
    ]);
    expect(refused).toEqual([]);
  });
});
