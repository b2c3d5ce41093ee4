import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ResolvedSmppOptions } from '../config/resolve-options.js';
import { SMPP_OPTIONS } from '../smpp.constants.js';
import { emptyCounts, type PurgeResult, RetentionRunner } from './retention-runner.js';
import type { RetentionTable } from './retention-steps.js';
import { readStoreStats, type SmppStoreStats } from './store-stats.js';

/** ± this share of `everyMs` at random, so that replicas started together do not purge together. */
const JITTER = 0.2;

/**
 * Retention in the module's lifecycle: a purge every `retention.everyMs` (jittered) once started,
 * stopped (the batch in progress finishes) on shutdown; purge() on demand; stats() for metrics.
 */
@Injectable()
export class SmppRetention {
  private readonly logger = new Logger('SmppRetention');
  private dataSource?: DataSource;
  private timer?: NodeJS.Timeout;
  private abort = new AbortController();
  private current?: Promise<PurgeResult>;
  private readonly totals = emptyCounts();
  private lastRun?: { at: Date; result: PurgeResult };

  constructor(
    @Inject(SMPP_OPTIONS) private readonly options: ResolvedSmppOptions,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Starts the periodic purge (nothing when `retention: false`). */
  start(): void {
    if (!this.options.retention || this.timer) return;
    this.abort = new AbortController();
    // The first run one period after startup: a process restarted often does not purge each time.
    this.schedule(this.options.retention.everyMs);
  }

  /** Stops the periodic purge; waits for the batch in progress. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort();
    await this.current?.catch(() => undefined);
  }

  /**
   * Purges now (after a purge already running in this process); resolves with the rows deleted
   * per table. Skipped when retention is off or another process is purging.
   */
  async purge(): Promise<PurgeResult> {
    if (!this.options.retention) {
      return {
        ran: false,
        skipped: 'disabled',
        purged: emptyCounts(),
        vacuums: {},
        vacuumedElsewhere: {},
        interrupted: false,
        durationMs: 0,
      };
    }
    await this.current?.catch(() => undefined);
    return this.runOnce(new AbortController().signal);
  }

  /** Rows deleted per table since this process started. */
  purgedTotals(): Readonly<Record<RetentionTable, number>> {
    return this.totals;
  }

  /** The last purge of this process (periodic or on demand). */
  lastPurge(): { at: Date; result: PurgeResult } | undefined {
    return this.lastRun;
  }

  /** Cheap counts and ages of the store (a handful of index lookups). */
  async stats(): Promise<SmppStoreStats> {
    return readStoreStats(this.db(), this.totals);
  }

  private runOnce(signal: AbortSignal): Promise<PurgeResult> {
    const retention = this.options.retention;
    if (!retention) throw new Error('retention is off');
    const runner = new RetentionRunner(this.db(), retention, (deleted) => {
      for (const [table, n] of Object.entries(deleted)) this.totals[table as RetentionTable] += n;
    });
    const run = runner.run(signal).then((result) => {
      this.lastRun = { at: new Date(), result };
      return result;
    });
    this.current = run;
    void run
      .finally(() => {
        if (this.current === run) this.current = undefined;
      })
      .catch(() => undefined);
    return run;
  }

  private schedule(baseMs: number): void {
    const delay = Math.round(baseMs * (1 - JITTER + 2 * JITTER * Math.random()));
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const retention = this.options.retention;
    if (!retention) return;
    try {
      if (!this.current) {
        const result = await this.runOnce(this.abort.signal);
        const total = Object.values(result.purged).reduce((a, b) => a + b, 0);
        if (total > 0)
          this.logger.log(
            `Purged ${total} row(s) in ${result.durationMs} ms: ${Object.entries(result.purged)
              .filter(([, n]) => n > 0)
              .map(([t, n]) => `${t} ${n}`)
              .join(', ')}`,
          );
      }
    } catch (error) {
      this.logger.warn(
        `Retention purge failed (${(error as Error).message}); it runs again in about ${Math.round(retention.everyMs / 1000)} s`,
      );
    } finally {
      if (!this.abort.signal.aborted) this.schedule(retention.everyMs);
    }
  }

  private db(): DataSource {
    if (this.dataSource) return this.dataSource;
    this.dataSource = this.moduleRef.get<DataSource>(
      getDataSourceToken(this.options.dataSourceName),
      { strict: false },
    );
    return this.dataSource;
  }
}
