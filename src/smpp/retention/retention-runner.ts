import type { DataSource, QueryRunner } from 'typeorm';
import { abortableSleep } from '../binds/abortable-sleep.js';
import { rows } from '../store/sql.js';
import { pauseAfterBatch, type ResolvedRetention } from './retention-options.js';
import { RetentionVacuum, vacuumSettings } from './retention-vacuum.js';
import { compressPurgeWal } from './wal-compression.js';
import {
  RETENTION_STEPS,
  RETENTION_TABLES,
  type RetentionStep,
  type RetentionTable,
} from './retention-steps.js';

/** What one purge did. */
export interface PurgeResult {
  /** false: nothing was deleted, see `skipped`. */
  ran: boolean;
  /** Why it did not run: retention is off, or another process holds the purge (one at a time). */
  skipped?: 'disabled' | 'running-elsewhere';
  /** Rows deleted per table. */
  purged: Record<RetentionTable, number>;
  /** VACUUMs the run made per table (option `retention.vacuumAfterRows`). */
  vacuums: Partial<Record<RetentionTable, number>>;
  /**
   * VACUUMs the run left to another VACUUM (autovacuum) per table: one that started after the
   * run's last deletion from the table had ended (it cleared what the run deleted), one held the
   * table (`SKIP_LOCKED`), or the role may not vacuum it (Postgres skips it with a warning).
   * Postgres 15+; before 15 every VACUUM counts in `vacuums`.
   */
  vacuumedElsewhere: Partial<Record<RetentionTable, number>>;
  /** Whether the run stopped early (shutdown) with rows still due. */
  interrupted: boolean;
  durationMs: number;
}

/** One lock for the whole purge, whichever process runs it. */
const PURGE_LOCK = 'smpp:retention';
/** The purge session's settings for the run (see run()), reset before it goes back to the pool. */
function sessionSettings(options: ResolvedRetention): Readonly<Record<string, string>> {
  return {
    lock_timeout: '2s',
    backend_flush_after: '256kB',
    ...vacuumSettings(options.vacuumCostDelayMs),
  };
}

export function emptyCounts(): Record<RetentionTable, number> {
  return Object.fromEntries(RETENTION_TABLES.map((t) => [t, 0])) as Record<RetentionTable, number>;
}

/**
 * Runs every retention step in bounded batches, each one statement in its own transaction (no
 * transaction stays open while this process is busy elsewhere), with a pause
 * between batches, under a session advisory lock so that one process at a time purges. Batches
 * pick their rows with FOR UPDATE SKIP LOCKED: a row the live traffic holds is left for next time.
 * Tables it deleted enough rows from are vacuumed as it goes (RetentionVacuum).
 */
export class RetentionRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly options: ResolvedRetention,
    private readonly onBatch: (deleted: Partial<Record<RetentionTable, number>>) => void = () =>
      undefined,
    private readonly steps: readonly RetentionStep[] = RETENTION_STEPS,
  ) {}

  async run(signal: AbortSignal): Promise<PurgeResult> {
    const started = Date.now();
    const purged = emptyCounts();
    const qr = this.dataSource.createQueryRunner();
    await qr.connect();
    try {
      const [lock] = await rows<{ locked: boolean }>(
        qr,
        `SELECT pg_try_advisory_lock(hashtext($1)) AS locked`,
        [PURGE_LOCK],
      );
      if (!lock?.locked) {
        return {
          ran: false,
          skipped: 'running-elsewhere',
          purged,
          vacuums: {},
          vacuumedElsewhere: {},
          interrupted: false,
          durationMs: Date.now() - started,
        };
      }
      let interrupted = false;
      const settings = sessionSettings(this.options);
      const vacuum = new RetentionVacuum(qr, this.options.vacuumAfterRows);
      // The settings this session changed, reset before it goes back to the pool.
      const applied: string[] = [];
      try {
        // For this connection while it purges (reset before it goes back to the pool): a batch
        // that waits longer than this for a row lock gives up (the live traffic has it). Its
        // commits wait for their WAL flush (synchronous_commit stays on): committed without, a
        // batch's WAL (full-page images of old pages, mostly) was left for the next live commit
        // to flush, so send() waited for the purge's writes. The pages it dirties are written back as
        // it goes (backend_flush_after): left to the kernel, they went out in one burst 30 s
        // later (its dirty_expire) and stalled the live commits' WAL fsync for 100 ms.
        await qr.query(
          Object.entries(settings)
            .map(([name, value]) => `SET ${name} = '${value}'`)
            .join('; '),
        );
        applied.push(...Object.keys(settings));
        if (await compressPurgeWal(qr)) applied.push('wal_compression');
        for (const step of this.steps) {
          const periodMs = this.options.periodsMs[step.period];
          if (periodMs === null || !(await step.available(qr))) continue;
          if (!(await this.runStep(qr, step, periodMs, purged, vacuum, signal))) {
            interrupted = true;
            break;
          }
        }
        if (!interrupted) await vacuum.finish();
      } finally {
        try {
          if (applied.length > 0) await qr.query(applied.map((name) => `RESET ${name}`).join('; '));
        } finally {
          await qr.query(`SELECT pg_advisory_unlock(hashtext($1))`, [PURGE_LOCK]);
        }
      }
      return {
        ran: true,
        purged,
        vacuums: vacuum.vacuums,
        vacuumedElsewhere: vacuum.doneElsewhere,
        interrupted,
        durationMs: Date.now() - started,
      };
    } finally {
      await qr.release();
    }
  }

  /** Batches until nothing older than the period is left; false when stopped first. */
  private async runStep(
    qr: QueryRunner,
    step: RetentionStep,
    periodMs: number,
    purged: Record<RetentionTable, number>,
    vacuum: RetentionVacuum,
    signal: AbortSignal,
  ): Promise<boolean> {
    // The database's clock, not this host's: every replica purges the same rows.
    const [{ cutoff }] = await rows<{ cutoff: Date }>(
      qr,
      `SELECT now() - ($1::bigint * interval '1 millisecond') AS cutoff`,
      [periodMs],
    );
    for (;;) {
      if (signal.aborted) return false;
      let batch;
      const started = performance.now();
      try {
        batch = await step.batch(qr, cutoff, this.options.batchSize);
      } catch (error) {
        throw new Error(`retention: ${step.name}: ${(error as Error).message}`, { cause: error });
      }
      // The batch's own time (not a VACUUM's, which is throttled by its cost delay).
      const pause = pauseAfterBatch(performance.now() - started, this.options);
      for (const [table, n] of Object.entries(batch.deleted)) purged[table as RetentionTable] += n;
      this.onBatch(batch.deleted);
      // Between batches (VACUUM cannot run in a transaction), under the purge lock still.
      await vacuum.deleted(batch.deleted);
      if (batch.picked < this.options.batchSize) return true;
      if (pause > 0) await abortableSleep(pause, signal);
    }
  }
}
