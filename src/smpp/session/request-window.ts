interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * A window of at most `size` slots. `acquire()` takes a slot or waits for one (FIFO);
 * `release()` hands the slot straight to the next waiter.
 */
export class RequestWindow {
  private used = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`window size must be an integer >= 1, got ${size}`);
  }

  /** Slots held. */
  get inUse(): number {
    return this.used;
  }

  /** Slots free right now. */
  get free(): number {
    return this.size - this.used;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.waiters.length;
  }

  /** Resolves once the caller holds a slot; it must call release() exactly once afterwards. */
  acquire(): Promise<void> {
    if (this.used < this.size && this.waiters.length === 0) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Gives a slot back; the oldest waiter, if any, gets it. */
  release(): void {
    const next = this.waiters.shift();
    if (next) {
      next.resolve();
      return;
    }
    if (this.used > 0) this.used--;
  }

  /** Fails every waiter with the error `makeError` builds; held slots stay held. */
  rejectWaiters(makeError: () => Error): void {
    const waiters = this.waiters.splice(0);
    for (const w of waiters) w.reject(makeError());
  }
}
