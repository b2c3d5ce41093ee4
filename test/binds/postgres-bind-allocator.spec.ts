import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BindLease } from '../../src/smpp/binds/bind-allocator.js';
import { PostgresBindAllocator } from '../../src/smpp/binds/postgres-bind-allocator.js';
import { SmppConfigError } from '../../src/smpp/errors.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const KEY = 'smppuser@smpp.example';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LeaseRow {
  slot: number;
  holder: string;
  expires_at: Date;
}

describe('PostgresBindAllocator (real Postgres)', () => {
  let db: TestDatabase;
  /** A second pool on the same database: another "replica". */
  let other: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    other = new DataSource({ type: 'postgres', url: db.url, poolSize: 10 });
    await other.initialize();
  });
  afterAll(async () => {
    if (other?.isInitialized) await other.destroy();
    await db?.drop();
  });
  beforeEach(async () => {
    await db.dataSource.query(`DELETE FROM smpp_bind_leases`);
  });

  const leaseRows = async (key = KEY): Promise<LeaseRow[]> =>
    db.dataSource.query(
      `SELECT slot, holder, expires_at FROM smpp_bind_leases WHERE system_key = $1 ORDER BY slot`,
      [key],
    );

  it('hands out slots 0..maxBinds-1, then null; release frees a slot', async () => {
    const alloc = new PostgresBindAllocator(db.dataSource);
    const leases: BindLease[] = [];
    for (let i = 0; i < 4; i++) {
      const lease = await alloc.acquire(KEY, 4, 'replica-a');
      expect(lease?.slot).toBe(i);
      leases.push(lease!);
    }
    expect(await alloc.acquire(KEY, 4, 'replica-a')).toBeNull();
    // another budget is independent
    const elsewhere = await alloc.acquire('otheruser@smpp.example', 4, 'replica-a');
    expect(elsewhere?.slot).toBe(0);

    const rowsNow = await leaseRows();
    expect(rowsNow).toHaveLength(4);
    expect(rowsNow[0].holder).toMatch(/^replica-a#[\w-]{12}$/);
    expect(new Set(rowsNow.map((r) => r.holder)).size).toBe(4); // one token per lease

    await leases[2].release();
    await leases[2].release(); // idempotent
    expect((await leaseRows()).map((r) => r.slot)).toEqual([0, 1, 3]);
    const again = await alloc.acquire(KEY, 4, 'replica-b');
    expect(again?.slot).toBe(2);
    await Promise.all([...leases, again!, elsewhere!].map((l) => l.release()));
    expect(await leaseRows()).toHaveLength(0);
  });

  it('takes over an expired lease (its holder died), and counts only live leases', async () => {
    await db.dataSource.query(
      `INSERT INTO smpp_bind_leases (system_key, slot, holder, expires_at)
       VALUES ($1, 0, 'dead#aaaaaaaaaaaa', now() - interval '1 second'),
              ($1, 1, 'alive#bbbbbbbbbbbb', now() + interval '1 minute')`,
      [KEY],
    );
    const alloc = new PostgresBindAllocator(db.dataSource);
    const a = await alloc.acquire(KEY, 2, 'replica-a');
    expect(a?.slot).toBe(0);
    expect(await alloc.acquire(KEY, 2, 'replica-a')).toBeNull();
    const row = (await leaseRows()).find((r) => r.slot === 0);
    expect(row?.holder).toMatch(/^replica-a#/);
    expect(row!.expires_at.getTime()).toBeGreaterThan(Date.now() + 20_000);
    await a!.release();
  });

  it('never exceeds the budget when live rows sit above maxBinds (replicas configured differently)', async () => {
    await db.dataSource.query(
      `INSERT INTO smpp_bind_leases (system_key, slot, holder, expires_at)
       VALUES ($1, 4, 'big#aaaaaaaaaaaa', now() + interval '1 minute')`,
      [KEY],
    );
    const alloc = new PostgresBindAllocator(db.dataSource);
    const got = [];
    for (let i = 0; i < 5; i++) got.push(await alloc.acquire(KEY, 4, 'replica-a'));
    expect(got.filter(Boolean).map((l) => l!.slot)).toEqual([0, 1, 2]);
    await Promise.all(got.map((l) => l?.release()));
  });

  it('two replicas racing 50 rounds for 4 slots never hold more than 4 together', async () => {
    const a = new PostgresBindAllocator(db.dataSource);
    const b = new PostgresBindAllocator(other);
    for (let round = 0; round < 50; round++) {
      const tries = Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).acquire(KEY, 4, i % 2 ? 'replica-a' : 'replica-b'),
      );
      const got = (await Promise.all(tries)).filter((l): l is BindLease => l !== null);
      // serialised per budget: every free slot is handed out, each once
      expect(got.map((l) => l.slot).sort()).toEqual([0, 1, 2, 3]);
      expect(await leaseRows()).toHaveLength(4);
      await Promise.all(got.map((l) => l.release()));
    }
    expect(await leaseRows()).toHaveLength(0);
  });

  it('holds at most 4 at every moment while two replicas acquire and release at random', async () => {
    const allocators = [new PostgresBindAllocator(db.dataSource), new PostgresBindAllocator(other)];
    const held = new Set<number>();
    let maxHeld = 0;
    let grants = 0;
    const worker = async (w: number) => {
      const alloc = allocators[w % 2];
      for (let i = 0; i < 25; i++) {
        const lease = await alloc.acquire(KEY, 4, `replica-${w % 2}`);
        if (!lease) {
          await sleep(Math.random() * 3);
          continue;
        }
        grants++;
        expect(held.has(lease.slot), `slot ${lease.slot} granted twice`).toBe(false);
        held.add(lease.slot);
        maxHeld = Math.max(maxHeld, held.size);
        await sleep(Math.random() * 5);
        held.delete(lease.slot); // before the row goes: nobody else can have it yet
        await lease.release();
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    expect(maxHeld).toBeLessThanOrEqual(4);
    expect(grants).toBeGreaterThan(25);
    expect(await leaseRows()).toHaveLength(0);
  });

  it('renews a held lease so that it never expires while held', async () => {
    const a = new PostgresBindAllocator(db.dataSource, { leaseMs: 400, renewEveryMs: 100 });
    const b = new PostgresBindAllocator(other, { leaseMs: 400 });
    const lease = await a.acquire(KEY, 1, 'replica-a');
    expect(lease?.slot).toBe(0);
    let lost: string | undefined;
    lease!.onLost!((reason) => (lost = reason));
    const deadline = Date.now() + 1_500; // well over 3 lease periods
    while (Date.now() < deadline) {
      expect(await b.acquire(KEY, 1, 'replica-b')).toBeNull();
      const [row] = await leaseRows();
      expect(row.expires_at.getTime()).toBeGreaterThan(Date.now() - 50);
      await sleep(50);
    }
    expect(lost).toBeUndefined();
    await lease!.release();
    expect(await leaseRows()).toHaveLength(0);
  });

  it('reports a lease as lost when its row expired and was taken over', async () => {
    const a = new PostgresBindAllocator(db.dataSource, { leaseMs: 10_000, renewEveryMs: 100 });
    const b = new PostgresBindAllocator(other, { leaseMs: 10_000 });
    const lease = await a.acquire(KEY, 1, 'same-instance');
    const lost = new Promise<string>((resolve) => lease!.onLost!(resolve));
    // a stall: the row expires without a renewal, and another process takes it at once
    await db.dataSource.query(
      `UPDATE smpp_bind_leases SET expires_at = now() - interval '1 millisecond'`,
    );
    // a restarted process with the same instanceId is still another holder
    const thief = await b.acquire(KEY, 1, 'same-instance');
    expect(thief?.slot).toBe(0);
    expect(await lost).toMatch(/another process took the slot/);
    // late listeners hear it too
    await new Promise<string>((resolve) => lease!.onLost!(resolve));

    // the loser's release must not delete the thief's row
    await lease!.release();
    const [row] = await leaseRows();
    expect(row.holder).toBe((thief as unknown as { holder: string }).holder);
    await thief!.release();
    expect(await leaseRows()).toHaveLength(0);
  });

  it('drops the lease before it expires when it cannot be renewed (database unreachable)', async () => {
    const flaky = new DataSource({ type: 'postgres', url: db.url, poolSize: 2 });
    await flaky.initialize();
    const a = new PostgresBindAllocator(flaky, { leaseMs: 600, renewEveryMs: 100 });
    const lease = await a.acquire(KEY, 1, 'replica-a');
    const acquiredAt = Date.now();
    const lost = new Promise<string>((resolve) => lease!.onLost!(resolve));
    await flaky.destroy(); // every renewal fails from now on
    const reason = await lost;
    const after = Date.now() - acquiredAt;
    expect(reason).toMatch(/could not be renewed/);
    expect(after).toBeLessThan(600); // before anyone else may take the slot
    const [row] = await leaseRows();
    expect(row.expires_at.getTime()).toBeGreaterThan(Date.now() - 100);
    // once it expired, another replica takes it
    const b = new PostgresBindAllocator(other, { leaseMs: 600 });
    const taken = await (async () => {
      for (let i = 0; i < 40; i++) {
        const l = await b.acquire(KEY, 1, 'replica-b');
        if (l) return l;
        await sleep(25);
      }
      return null;
    })();
    expect(taken?.slot).toBe(0);
    await taken!.release();
    await lease!.release().catch(() => undefined); // its database is gone: the call fails, harmlessly
  });

  it('resolves the DataSource lazily and fails acquire (not the constructor) while it is missing', async () => {
    const host: { ds?: DataSource } = {};
    const alloc = new PostgresBindAllocator(() => {
      if (!host.ds) throw new Error('no DataSource yet');
      return host.ds;
    });
    await expect(alloc.acquire(KEY, 4, 'x')).rejects.toThrow(/no DataSource yet/);
    host.ds = db.dataSource;
    const lease = await alloc.acquire(KEY, 4, 'x');
    expect(lease?.slot).toBe(0);
    await lease!.release();
  });

  it('stores long budget keys within the column and validates its options', async () => {
    const alloc = new PostgresBindAllocator(db.dataSource);
    const long = `smppuser@${'h'.repeat(300)}.example`;
    const lease = await alloc.acquire(long, 4, 'i'.repeat(200));
    expect(lease?.slot).toBe(0);
    const [row] = await db.dataSource.query(`SELECT system_key, holder FROM smpp_bind_leases`);
    expect(row.system_key.length).toBeLessThanOrEqual(128);
    expect(row.holder.length).toBeLessThanOrEqual(64);
    const second = await alloc.acquire(long, 4, 'x');
    expect(second?.slot).toBe(1);
    await Promise.all([lease!.release(), second!.release()]);

    expect(() => new PostgresBindAllocator(db.dataSource, { leaseMs: 10 })).toThrow(
      SmppConfigError,
    );
    expect(
      () => new PostgresBindAllocator(db.dataSource, { leaseMs: 1_000, renewEveryMs: 900 }),
    ).toThrow(/renewEveryMs/);
    expect(new PostgresBindAllocator(db.dataSource, { leaseMs: 900 }).renewEveryMs).toBe(300);
  });
});
