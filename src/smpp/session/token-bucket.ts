/** A clock in milliseconds; injectable so tests can drive time. */
export type Clock = () => number;

export interface TokenBucketOptions {
  /** Tokens per second. 0 or Infinity: unpaced (every take succeeds at once). */
  ratePerSecond: number;
  /** Bucket size (default = ratePerSecond, at least 1). The bucket starts full. */
  burst?: number;
  /** Millisecond clock (default performance.now). */
  now?: Clock;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Paces requests: `ratePerSecond` tokens per second, up to `burst` stored.
 * `take()` waits in FIFO order; `tryTake()` / `available()` / `msUntilToken()` never wait.
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly now: Clock;
  private tokens: number;
  private last: number;
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(options: TokenBucketOptions) {
    const rate = options.ratePerSecond;
    if (!(rate >= 0)) throw new RangeError(`ratePerSecond must be >= 0, got ${rate}`);
    this.ratePerSecond = rate;
    this.burst = Math.max(1, options.burst ?? (Number.isFinite(rate) ? rate : 1));
    if (!Number.isFinite(this.burst))
      throw new RangeError(`burst must be finite, got ${options.burst}`);
    this.now = options.now ?? (() => performance.now());
    this.tokens = this.burst;
    this.last = this.now();
  }

  /** true when the bucket does not pace at all (rate 0 or Infinity). */
  get unpaced(): boolean {
    return this.ratePerSecond === 0 || this.ratePerSecond === Infinity;
  }

  /** Tokens available now (fractional); Infinity when unpaced. */
  available(): number {
    if (this.unpaced) return Infinity;
    this.refill();
    return this.tokens;
  }

  /** Callers waiting in take(). */
  get queued(): number {
    return this.waiters.length;
  }

  /** Takes one token if one is available now and nobody is queued ahead. */
  tryTake(): boolean {
    if (this.unpaced) return true;
    if (this.waiters.length > 0) return false;
    return this.takeNow();
  }

  /** Milliseconds until one whole token is available (0 when one is). */
  msUntilToken(): number {
    if (this.unpaced) return 0;
    this.refill();
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }

  /** Resolves when a token is taken for the caller; callers are served first come, first served. */
  take(): Promise<void> {
    if (this.tryTake()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  /** Fails every waiting take() with the error `makeError` builds; the bucket stays usable. */
  rejectWaiters(makeError: () => Error): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const waiters = this.waiters.splice(0);
    for (const w of waiters) w.reject(makeError());
  }

  private takeNow(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = now - this.last;
    this.last = now;
    if (elapsed > 0)
      this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
  }

  private schedule(): void {
    if (this.timer || this.waiters.length === 0) return;
    // At least 1 ms: a timer may fire a hair early against the clock; drain() re-arms if so.
    const delay = Math.max(1, this.msUntilToken());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, delay);
  }

  private drain(): void {
    while (this.waiters.length > 0 && this.takeNow()) {
      this.waiters.shift()?.resolve();
    }
    this.schedule();
  }
}
