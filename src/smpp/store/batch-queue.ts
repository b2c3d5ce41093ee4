/**
 * Group commit: items added while a flush runs are written together by the next flush, so under
 * load one database round trip carries many items, and an idle queue flushes at once (no timer).
 * Each add() settles with its item's own result, or with the flush's error.
 */
export class BatchQueue<T, R> {
  private pending: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private flushing = false;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 500,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.flushing) void this.drain();
    });
  }

  get size(): number {
    return this.pending.length;
  }

  /** Resolves when nothing is pending or being written. */
  idle(): Promise<void> {
    if (!this.flushing && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    // Let the current tick's adds join the first batch.
    await Promise.resolve();
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const results = await this.flush(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]));
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    this.flushing = false;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
