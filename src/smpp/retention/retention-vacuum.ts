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
  readonly vacuums: Partial<Record<RetentionTable, number>> = {};

  /** `afterRows` null: never vacuums. */
  constructor(
    private readonly qr: QueryRunner,
    private readonly afterRows: number | null,
  ) {}

  /** Counts a batch's deletions; vacuums every table that is due. */
  async deleted(counts: Partial<Record<RetentionTable, number>>): Promise<void> {
    if (this.afterRows === null) return;
    for (const [table, n] of Object.entries(counts) as Array<[RetentionTable, number]>) {
      if (n <= 0) continue;
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

  private async vacuum(table: RetentionTable): Promise<void> {
    this.pending.delete(table);
    // Table names come from RETENTION_TABLES, never from input. Run with vacuumSettings().
    await this.qr.query(`VACUUM (ANALYZE, SKIP_LOCKED) ${table}`);
    this.vacuums[table] = (this.vacuums[table] ?? 0) + 1;
  }
}
