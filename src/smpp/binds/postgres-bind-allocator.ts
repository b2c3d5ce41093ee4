import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SmppConfigError } from '../errors.js';
import { rows } from '../store/sql.js';
import type { BindMode } from '../session/session.types.js';
import type {
  BindAllocator,
  BindLease,
  BindLeaseState,
  BudgetLeaseView,
  BudgetView,
} from './bind-allocator.js';
import { fairShares } from './fair-share.js';

export interface PostgresBindAllocatorOptions {
  /**
   * How long a lease lives without renewal, ms (default 30 000). A process that dies holds its
   * slots this long; a process that cannot reach the database drops its binds a little before.
   */
  leaseMs?: number;
  /** How often a held lease is renewed, ms (default leaseMs / 3; at most leaseMs / 2). */
  renewEveryMs?: number;
}

/** Lengths of the smpp_bind_leases columns. */
const SYSTEM_KEY_MAX = 128;
const HOLDER_MAX = 64;
const TOKEN_BYTES = 9; // 12 characters in base64url

/**
 * Takes the lowest free slot of a budget, in one statement, under a transaction-scoped advisory
 * lock on the budget (so concurrent acquires of one budget, from any process, run one after the
 * other and each sees the rows of the previous one). A slot is free when it has no row or its
 * row's lease expired; the count check also keeps replicas configured with a different maxBinds
 * within the smaller budget. The ON CONFLICT ... WHERE expires_at < now is the guard that alone
 * already makes a double grant impossible: a row that is live (or was renewed meanwhile) is never
 * overwritten, the statement then returns no row.
 */
const ACQUIRE_SQL = `
  WITH live AS (
    SELECT slot FROM smpp_bind_leases
     WHERE system_key = $1 AND expires_at >= statement_timestamp()
  ), pick AS (
    SELECT s.slot
      FROM generate_series(0, $2::int - 1) AS s(slot)
     WHERE s.slot NOT IN (SELECT slot FROM live)
       AND (SELECT count(*) FROM live) < $2::int
     ORDER BY s.slot
     LIMIT 1
  )
  INSERT INTO smpp_bind_leases (system_key, slot, holder, expires_at, acquired_at, replica, mode, bound)
  SELECT $1, pick.slot, $3,
         statement_timestamp() + $4::int * interval '1 millisecond', statement_timestamp(), $5, $6, false
    FROM pick
  ON CONFLICT (system_key, slot) DO UPDATE
     SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at, acquired_at = EXCLUDED.acquired_at,
         replica = EXCLUDED.replica, mode = EXCLUDED.mode, bound = false
   WHERE smpp_bind_leases.expires_at < statement_timestamp()
  RETURNING slot`;

/** Extends the lease and records what its bind does, only while this holder (instance + token) still has the row. */
const RENEW_SQL = `
  UPDATE smpp_bind_leases
     SET expires_at = statement_timestamp() + $4::int * interval '1 millisecond',
         mode = COALESCE($5, mode), bound = COALESCE($6, bound)
   WHERE system_key = $1 AND slot = $2 AND holder = $3
  RETURNING slot`;

/** Deletes the row, only while this holder (instance + token) still has it. */
const RELEASE_SQL = `DELETE FROM smpp_bind_leases WHERE system_key = $1 AND slot = $2 AND holder = $3`;

/** Says the replica is alive (and what it wants); forgets replicas whose heartbeat expired. */
const HEARTBEAT_SQL = `
  WITH beat AS (
    INSERT INTO smpp_replicas (system_key, replica, wanted, started_at, heartbeat_at, expires_at)
    VALUES ($1, $2, $3, statement_timestamp(), statement_timestamp(),
            statement_timestamp() + $4::int * interval '1 millisecond')
    ON CONFLICT (system_key, replica) DO UPDATE
       SET wanted = EXCLUDED.wanted, heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at
    RETURNING replica, wanted, started_at
  ), forget AS (
    DELETE FROM smpp_replicas WHERE system_key = $1 AND expires_at < statement_timestamp()
  )
  SELECT replica, wanted, started_at FROM beat
  UNION ALL
  SELECT replica, wanted, started_at FROM smpp_replicas
   WHERE system_key = $1 AND replica <> $2 AND expires_at >= statement_timestamp()`;

const LIVE_LEASES_SQL = `
  SELECT slot, replica, mode, bound FROM smpp_bind_leases
   WHERE system_key = $1 AND expires_at >= statement_timestamp()
   ORDER BY slot`;

/**
 * Bind budgets shared by every process on one Postgres database (table smpp_bind_leases): each
 * bind holds a lease row on one slot of its system_id's budget; the lease renews itself while
 * held and is deleted on release. A process that dies leaves its rows to expire after `leaseMs`.
 *
 * A lease whose renewal finds its row taken (it expired and another process took it) is lost;
 * so is one that could not be renewed for nearly `leaseMs` (the database unreachable): the
 * holder then drops its bind before anyone else can take the slot.
 */
export class PostgresBindAllocator implements BindAllocator {
  readonly leaseMs: number;
  readonly renewEveryMs: number;
  private resolved?: DataSource;

  constructor(
    private readonly dataSource: DataSource | (() => DataSource),
    options: PostgresBindAllocatorOptions = {},
  ) {
    const issues: string[] = [];
    this.leaseMs = options.leaseMs ?? 30_000;
    if (!Number.isInteger(this.leaseMs) || this.leaseMs < 100) {
      issues.push(
        `bindLease.leaseMs: expected a whole number of ms >= 100, got ${String(options.leaseMs)}`,
      );
    }
    this.renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(this.leaseMs / 3));
    if (
      !Number.isInteger(this.renewEveryMs) ||
      this.renewEveryMs < 1 ||
      this.renewEveryMs > this.leaseMs / 2
    ) {
      issues.push(
        `bindLease.renewEveryMs: expected a whole number of ms from 1 to leaseMs / 2 (${Math.floor(this.leaseMs / 2)}), got ${String(options.renewEveryMs)}`,
      );
    }
    if (issues.length > 0) throw new SmppConfigError(issues);
  }

  /** The DataSource, resolved on first use (it may exist only after module init). */
  get db(): DataSource {
    if (this.resolved) return this.resolved;
    const ds = typeof this.dataSource === 'function' ? this.dataSource() : this.dataSource;
    if (!ds.isInitialized) throw new Error('the TypeORM DataSource is not initialised (yet)');
    this.resolved = ds;
    return ds;
  }

  async acquire(
    budgetKey: string,
    maxBinds: number,
    holder: string,
    mode?: BindMode,
  ): Promise<BindLease | null> {
    const key = storedKey(budgetKey);
    const stamp = holderStamp(holder);
    const startedAt = Date.now();
    const got = await this.db.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`smpp:bind-budget:${key}`]);
      return rows<{ slot: number }>(em, ACQUIRE_SQL, [
        key,
        maxBinds,
        stamp,
        this.leaseMs,
        holder.slice(0, HOLDER_MAX),
        mode ?? null,
      ]);
    });
    if (got.length === 0) return null;
    return new PostgresBindLease(this, key, Number(got[0].slot), stamp, startedAt);
  }

  /**
   * Renews this replica's heartbeat on the budget (it lives `leaseMs`, like a lease) and reads the
   * live replicas and leases: the fair share of each is computed from them.
   */
  async heartbeat(
    budgetKey: string,
    maxBinds: number,
    replica: string,
    wanted: number,
  ): Promise<BudgetView> {
    const key = storedKey(budgetKey);
    const me = replica.slice(0, HOLDER_MAX);
    const replicas = await rows<{ replica: string; wanted: number; started_at: Date }>(
      this.db,
      HEARTBEAT_SQL,
      [key, me, wanted, this.leaseMs],
    );
    const leases = await rows<{
      slot: number;
      replica: string | null;
      mode: string | null;
      bound: boolean;
    }>(this.db, LIVE_LEASES_SQL, [key]);
    const wants = replicas.map((r) => ({
      replica: r.replica,
      wanted: Number(r.wanted),
      startedAt: new Date(r.started_at),
    }));
    const shares = fairShares(wants, maxBinds);
    return {
      at: new Date(),
      share: shares.get(me) ?? 0,
      replicas: wants.map((r) => ({ ...r, share: shares.get(r.replica) ?? 0 })),
      leases: leases.map((l): BudgetLeaseView => ({
        slot: Number(l.slot),
        replica: l.replica,
        mode: (l.mode as BindMode | null) ?? null,
        bound: l.bound,
      })),
    };
  }

  async leave(budgetKey: string, replica: string): Promise<void> {
    await this.db.query(`DELETE FROM smpp_replicas WHERE system_key = $1 AND replica = $2`, [
      storedKey(budgetKey),
      replica.slice(0, HOLDER_MAX),
    ]);
  }

  get heartbeatEveryMs(): number {
    return this.renewEveryMs;
  }

  get heartbeatTtlMs(): number {
    return this.leaseMs;
  }

  /** @internal */
  renew(key: string, slot: number, stamp: string, state?: BindLeaseState): Promise<boolean> {
    return rows(this.db, RENEW_SQL, [
      key,
      slot,
      stamp,
      this.leaseMs,
      state?.mode ?? null,
      state?.bound ?? null,
    ]).then((r) => r.length > 0);
  }

  /** @internal */
  async remove(key: string, slot: number, stamp: string): Promise<void> {
    await this.db.query(RELEASE_SQL, [key, slot, stamp]);
  }
}

class PostgresBindLease implements BindLease {
  private readonly listeners = new Set<(reason: string) => void>();
  private readonly renewTimer: NodeJS.Timeout;
  private fenceTimer?: NodeJS.Timeout;
  private renewing = false;
  private renewAgain = false;
  private state?: BindLeaseState;
  private lostReason?: string;
  private released?: Promise<void>;

  constructor(
    private readonly allocator: PostgresBindAllocator,
    private readonly key: string,
    readonly slot: number,
    /** `instanceId#token`: what the row's holder column says. */
    readonly holder: string,
    acquireStartedAt: number,
  ) {
    this.renewTimer = setInterval(() => void this.renew(), allocator.renewEveryMs);
    this.renewTimer.unref();
    this.armFence(acquireStartedAt);
  }

  get lost(): boolean {
    return this.lostReason !== undefined;
  }

  onLost(listener: (reason: string) => void): void {
    if (this.released) return;
    if (this.lostReason !== undefined) {
      const reason = this.lostReason;
      queueMicrotask(() => listener(reason));
      return;
    }
    this.listeners.add(listener);
  }

  /** Stored at once (and with every renewal): the other replicas' health checks read it. */
  report(state: BindLeaseState): void {
    if (this.state?.mode === state.mode && this.state.bound === state.bound) return;
    this.state = { ...state };
    void this.renew();
  }

  release(): Promise<void> {
    this.released ??= (async () => {
      this.stopTimers();
      this.listeners.clear();
      await this.allocator.remove(this.key, this.slot, this.holder);
    })();
    return this.released;
  }

  private async renew(): Promise<void> {
    if (this.released || this.lostReason !== undefined) return;
    if (this.renewing) {
      this.renewAgain = true;
      return;
    }
    this.renewing = true;
    this.renewAgain = false;
    const startedAt = Date.now();
    try {
      const held = await this.allocator.renew(this.key, this.slot, this.holder, this.state);
      if (this.released || this.lostReason !== undefined) return;
      if (held) this.armFence(startedAt);
      else this.lose('the lease expired and another process took the slot');
    } catch {
      // Tried again at the next tick; the fence drops the bind if it never succeeds in time.
    } finally {
      this.renewing = false;
      if (this.renewAgain) void this.renew();
    }
  }

  /**
   * The row expires `leaseMs` after the database ran the last successful renewal, which was after
   * `confirmedAt` on this clock: drop the bind a margin before that, unless renewed meanwhile.
   */
  private armFence(confirmedAt: number): void {
    clearTimeout(this.fenceTimer);
    const { leaseMs } = this.allocator;
    const margin = Math.min(Math.floor(leaseMs / 10), 5_000);
    const wait = Math.max(0, confirmedAt + leaseMs - margin - Date.now());
    this.fenceTimer = setTimeout(
      () =>
        this.lose(
          `the lease could not be renewed for ${leaseMs - margin} ms (database unreachable?)`,
        ),
      wait,
    );
    this.fenceTimer.unref();
  }

  private lose(reason: string): void {
    if (this.lostReason !== undefined || this.released) return;
    this.lostReason = reason;
    this.stopTimers();
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) {
      try {
        listener(reason);
      } catch {
        // A listener's failure must not stop the others.
      }
    }
  }

  private stopTimers(): void {
    clearInterval(this.renewTimer);
    clearTimeout(this.fenceTimer);
  }
}

/** The budget key as stored (varchar(128)): long keys keep a prefix and a hash of the whole. */
function storedKey(budgetKey: string): string {
  if (budgetKey.length <= SYSTEM_KEY_MAX) return budgetKey;
  const hash = createHash('sha256').update(budgetKey).digest('hex').slice(0, 40);
  return `${budgetKey.slice(0, SYSTEM_KEY_MAX - hash.length - 1)}#${hash}`;
}

/** `instanceId#token` (varchar(64)): a restarted process with the same instanceId is another holder. */
function holderStamp(instanceId: string): string {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return `${instanceId.slice(0, HOLDER_MAX - token.length - 1)}#${token}`;
}
