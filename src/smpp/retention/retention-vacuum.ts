import type { QueryRunner } from 'typeorm';
import { rows } from '../store/sql.js';
import type { RetentionTable } from './retention-steps.js';

/**
 * A table is due after this share of its rows was purged, if that is more than `afterRows`. Each
 * VACUUM reads every index of the table whole: at 5 %, a purge of the oldest eighth vacuumed each
 * table three times, and the live traffic paid for the reading.
 */
const TABLE_SHARE = 0.25;
/** At the end of a run, a table the run deleted fewer rows from is left to autovacuum. */
const END_OF_RUN_MIN = 1_000;

/** A table's last VACUUM (by anyone) and whether one is running, as seen after a batch. */
interface VacuumState {
  /** End of its last VACUUM or autovacuum (null: never). */
  at: string | null;
  /** A VACUUM is running on it, or may be (one this role may not see). */
  running: boolean;
}

/**
 * Per table: the end of its last VACUUM, and whether a VACUUM runs on it now (a VACUUM of a role
 * this one may not watch, autovacuum's included without pg_read_all_stats, shows without its
 * table: counted as running on every table).
 */
const VACUUM_STATE_SQL = `
  SELECT t.relname AS "table", greatest(t.last_vacuum, t.last_autovacuum)::text AS at,
         EXISTS (SELECT 1 FROM pg_stat_progress_vacuum v
                  WHERE v.datid = (SELECT oid FROM pg_database WHERE datname = current_database())
                    AND (v.relid = t.relid OR v.relid IS NULL)) AS running
    FROM pg_stat_user_tables t
   WHERE t.relid IN (SELECT to_regclass(name) FROM unnest($1::text[]) AS name)`;

/** Whether a VACUUM not running at `then` has ended by `now`: it started after `then`. */
function endedSince(then: VacuumState, now: VacuumState): boolean {
  return !then.running && now.at !== null && now.at !== then.at;
}

function count(into: Partial<Record<RetentionTable, number>>, table: RetentionTable): void {
  into[table] = (into[table] ?? 0) + 1;
}

/**
 * Settings of the purge's session for its VACUUMs (set with the runner's own, once per run).
 * Throttled (`retention.vacuumCostDelayMs`, default 10 ms per 200 cost units: a fifth of
 * autovacuum's pace): a manual VACUUM is unthrottled by default, and even at autovacuum's 2 ms the
 * purge's VACUUMs set send()'s tail during a purge (their page writes and WAL went before the live
 * commits' WAL flushes; without them the deletes alone cost little). No parallel workers for the
 * indexes: each would take a core from the live traffic.
 */
export function vacuumSettings(costDelayMs: number): Readonly<Record<string, string>> {
  return {
    vacuum_cost_delay: String(costDelayMs),
    max_parallel_maintenance_workers: '0',
  };
}

/**
 * VACUUM of the tables a purge deletes from, while it purges. Autovacuum starts after 2 % of a
 * table changed (RetentionIndexes migration) but at most once a minute per database, and a large
 * purge frees that much in seconds: meanwhile the live traffic would extend the files instead of
 * reusing the purged space. A plain VACUUM (not FULL: no exclusive lock, nothing rewritten) makes
 * that space reusable; SKIP_LOCKED leaves a table autovacuum is already vacuuming to it.
 */
export class RetentionVacuum {
  private readonly pending = new Map<RetentionTable, number>();
  private readonly due = new Map<RetentionTable, number>();
  /** Per table, after the purge's last batch that deleted from it. */
  private readonly afterLastDelete = new Map<RetentionTable, VacuumState>();
  private watchable: boolean | undefined;
  readonly vacuums: Partial<Record<RetentionTable, number>> = {};
  /** VACUUMs the run left out: another VACUUM had done the work or was doing it (see vacuum()). */
  readonly doneElsewhere: Partial<Record<RetentionTable, number>> = {};

  /** `afterRows` null: never vacuums. */
  constructor(
    private readonly qr: QueryRunner,
    private readonly afterRows: number | null,
  ) {}

  /** Counts a batch's deletions; vacuums every table that is due. */
  async deleted(counts: Partial<Record<RetentionTable, number>>): Promise<void> {
    if (this.afterRows === null) return;
    const deleted = (Object.entries(counts) as Array<[RetentionTable, number]>).filter(
      ([, n]) => n > 0,
    );
    for (const [table, state] of await this.vacuumStates(deleted.map(([table]) => table)))
      this.afterLastDelete.set(table, state);
    for (const [table, n] of deleted) {
      const pending = (this.pending.get(table) ?? 0) + n;
      this.pending.set(table, pending);
      if (pending >= (await this.threshold(table))) await this.vacuum(table);
    }
  }

  /** End of the run: every table with enough deletions not yet vacuumed. */
  async finish(): Promise<void> {
    if (this.afterRows === null) return;
    for (const [table, pending] of [...this.pending]) {
      if (pending >= Math.min(END_OF_RUN_MIN, this.afterRows)) await this.vacuum(table);
    }
  }

  private async threshold(table: RetentionTable): Promise<number> {
    const known = this.due.get(table);
    if (known !== undefined) return known;
    const [row] = await rows<{ n: number }>(
      this.qr,
      `SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = to_regclass($1)`,
      [table],
    );
    const due = Math.max(this.afterRows ?? Infinity, Math.round((row?.n ?? 0) * TABLE_SHARE));
    this.due.set(table, due);
    return due;
  }

  /**
   * VACUUM of the table, unless another VACUUM has done it or is doing it. Left out when one that
   * started after the purge's last deletion from the table has ended: it saw every row the purge
   * deleted, and the purge's own would read the table and its indexes a second time for nothing.
   * Autovacuum starts on these tables after 2 % of them changed, so during a long purge it
   * vacuums the tables the purge has finished with (three of four in a purge of a 2,000,000-message
   * history: 14 s of reading beside the live traffic). SKIP_LOCKED leaves out a table another
   * VACUUM holds, and Postgres one the role may not vacuum: counted as left to another when the
   * table's last VACUUM did not change. Both are known from the statistics, on Postgres 15+ (where
   * a VACUUM's end reaches them at once); before 15 every VACUUM counts as made.
   */
  private async vacuum(table: RetentionTable): Promise<void> {
    this.pending.delete(table);
    const afterDelete = this.afterLastDelete.get(table);
    this.afterLastDelete.delete(table);
    const before = await this.vacuumState(table);
    if (before && afterDelete && endedSince(afterDelete, before)) {
      count(this.doneElsewhere, table);
      return;
    }
    // Table names come from RETENTION_TABLES, never from input. Run with vacuumSettings().
    await this.qr.query(`VACUUM (ANALYZE, SKIP_LOCKED) ${table}`);
    const after = before && (await this.vacuumState(table));
    // Its last VACUUM unchanged: SKIP_LOCKED left the table out, or the role may not vacuum it.
    count(after && after.at === before?.at ? this.doneElsewhere : this.vacuums, table);
  }

  private async vacuumState(table: RetentionTable): Promise<VacuumState | undefined> {
    return (await this.vacuumStates([table])).get(table);
  }

  /** VacuumState of each table (none on Postgres before 15: see vacuum()). */
  private async vacuumStates(
    tables: readonly RetentionTable[],
  ): Promise<Map<RetentionTable, VacuumState>> {
    if (tables.length === 0) return new Map();
    if (this.watchable === undefined) {
      const [row] = await rows<{ ok: boolean }>(
        this.qr,
        `SELECT current_setting('server_version_num')::int >= 150000 AS ok`,
      );
      this.watchable = row?.ok === true;
    }
    if (!this.watchable) return new Map();
    const found = await rows<VacuumState & { table: RetentionTable }>(this.qr, VACUUM_STATE_SQL, [
      tables,
    ]);
    return new Map(found.map(({ table, at, running }) => [table, { at, running }]));
  }
}
