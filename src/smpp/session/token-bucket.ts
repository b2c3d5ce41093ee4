/** A clock in milliseconds; injectable so tests can drive time. */
export type Clock = () => number;

export interface TokenBucketOptions {
  /** Tokens per second. 0 or Infinity: unpaced (every take succeeds at once). */
  ratePerSecond: number;
  /** Bucket size (default = ratePerSecond, at least 1). The bucket starts full. */
  burst?: number;
  /** Millisecond clock (default performance.now). */
  now?: Clock;
  /**
   * Also never more than `limit` takes in any `ms` milliseconds: a sliding window, the way SMSCs
   * count "n per second". A token bucket alone allows `burst + rate` in one second. A take counts
   * from the moment it was taken, or from when it is settled (see settle()).
   */
  window?: { limit: number; ms: number };
}

interface Waiter {
  resolve: (ticket: number) => void;
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
  private readonly windowLimit: number;
  private readonly windowMs: number;
  /** The times of the last `windowLimit` takes (a ring), when a window is set. */
  private readonly stamps: number[] = [];
  private oldest = 0;
  /** The stamp slot of the last take (-1 without a window). */
  private lastTicket = -1;

  constructor(options: TokenBucketOptions) {
    const rate = options.ratePerSecond;
    if (!(rate >= 0)) throw new RangeError(`ratePerSecond must be >= 0, got ${rate}`);
    this.ratePerSecond = rate;
    this.burst = Math.max(1, options.burst ?? (Number.isFinite(rate) ? rate : 1));
    if (!Number.isFinite(this.burst))
      throw new RangeError(`burst must be finite, got ${options.burst}`);
    this.now = options.now ?? (() => performance.now());
    const window = options.window;
    if (window && !(Number.isInteger(window.limit) && window.limit >= 1 && window.ms > 0)) {
      throw new RangeError(
        `window must be { limit: integer >= 1, ms: > 0 }, got ${JSON.stringify(window)}`,
      );
    }
    this.windowLimit = this.unpaced || !window ? 0 : window.limit;
    this.windowMs = window?.ms ?? 0;
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
    return this.windowWait() > 0 ? 0 : this.tokens;
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
    const forToken =
      this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
    return Math.max(forToken, Math.ceil(this.windowWait()));
  }

  /**
   * Resolves when a token is taken for the caller; callers are served first come, first served.
   * Resolves with a ticket for settle().
   */
  take(): Promise<number> {
    if (this.tryTake()) return Promise.resolve(this.lastTicket);
    return new Promise<number>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  /**
   * Counts a take in the sliding window from now instead of from when it was taken: e.g. when the
   * peer answered, which is after it counted the request, however late the request reached it.
   */
  settle(ticket: number): void {
    if (ticket < 0 || ticket >= this.stamps.length) return;
    const now = this.now();
    if (now > this.stamps[ticket]) this.stamps[ticket] = now;
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
    if (this.tokens < 1 || this.windowWait() > 0) return false;
    this.tokens -= 1;
    if (this.windowLimit > 0) {
      // Overwrite the oldest stamp once the ring is full.
      if (this.stamps.length < this.windowLimit) {
        this.lastTicket = this.stamps.length;
        this.stamps.push(this.last);
      } else {
        this.lastTicket = this.oldest;
        this.stamps[this.oldest] = this.last;
        this.oldest = (this.oldest + 1) % this.windowLimit;
      }
    }
    return true;
  }

  /** Milliseconds until the sliding window has room (0 when it has, or when there is none). */
  private windowWait(): number {
    if (this.windowLimit === 0 || this.stamps.length < this.windowLimit) return 0;
    return Math.max(0, this.stamps[this.oldest] + this.windowMs - this.now());
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
      this.waiters.shift()?.resolve(this.lastTicket);
    }
    this.schedule();
  }
}
