import { Logger } from '@nestjs/common';
import { SmppBackpressureError } from '../errors.js';
import { describeDatabaseError, isTransientDatabaseError } from './transient-error.js';

export interface BatchQueueOptions<T> {
  /** What the queue writes, for logs and errors (e.g. "message inserts"). */
  name?: string;
  /** Items per flush at most (default 500). */
  maxBatch?: number;
  /**
   * Flushes under way at once (default 1). More than one: an item added while a flush runs is
   * written at once by another, instead of waiting for it to end; items still group when all are
   * busy.
   */
  concurrency?: number;
  /** Items waiting at most; add() beyond it rejects with SmppBackpressureError (default 10 000). */
  maxPending?: number;
  /** An item's id for the log line of an item that fails alone (never its text). */
  describe?: (item: T) => string;
}

interface Pending<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

const DEFAULT_MAX_PENDING = 10_000;

/**
 * Group commit: items added while every flush slot is busy are written together by the next
 * flush, so under load one database round trip carries many items, and an idle queue flushes at
 * once (no timer).
 * Each add() settles with its item's own result. A flush that fails for a reason other than the
 * database being unreachable is retried item by item, so one bad item fails alone (with one log
 * line naming it) and the others are written.
 */
export class BatchQueue<T, R> {
  private readonly logger: Logger;
  private pending: Array<Pending<T, R>> = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly name: string;
  private readonly maxBatch: number;
  private readonly maxPending: number;
  private readonly concurrency: number;
  private readonly describe: (item: T) => string;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    options: BatchQueueOptions<T> = {},
  ) {
    this.name = options.name ?? 'batch';
    this.maxBatch = options.maxBatch ?? 500;
    this.maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.describe = options.describe ?? (() => 'an item');
    this.logger = new Logger('SmppBatch');
  }

  add(item: T): Promise<R> {
    if (this.pending.length >= this.maxPending) {
      return Promise.reject(new SmppBackpressureError(`pending ${this.name}`, this.maxPending));
    }
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  get size(): number {
    return this.pending.length;
  }

  /** Resolves when nothing is pending or being written. */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Starts flushes once the current tick's adds are in (they join the same batch). */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.concurrency) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.startFlushes();
    });
  }

  private startFlushes(): void {
    while (this.inFlight < this.concurrency && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        if (this.pending.length > 0) this.startFlushes();
        else if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
    }
  }

  private async write(batch: Array<Pending<T, R>>): Promise<void> {
    try {
      const results = await this.flush(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (error) {
      if (batch.length > 1 && !isTransientDatabaseError(error)) await this.oneByOne(batch);
      else this.fail(batch, error);
    }
  }

  /** Writes each item of a failed batch alone: only the bad ones fail. */
  private async oneByOne(batch: Array<Pending<T, R>>): Promise<void> {
    for (let i = 0; i < batch.length; i++) {
      const b = batch[i];
      try {
        const [result] = await this.flush([b.item]);
        b.resolve(result);
      } catch (error) {
        if (isTransientDatabaseError(error)) {
          // The database went away meanwhile: the rest fail as a whole would.
          this.fail(batch.slice(i), error);
          return;
        }
        this.fail([b], error);
      }
    }
  }

  private fail(items: Array<Pending<T, R>>, error: unknown): void {
    if (!isTransientDatabaseError(error)) {
      for (const b of items)
        this.logger.error(
          `${this.name}: ${this.describe(b.item)} could not be written: ${describeDatabaseError(error)}`,
        );
    }
    for (const b of items) b.reject(error);
  }
}
