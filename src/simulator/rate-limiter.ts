/** Sliding one-second window: at most `limit` acquisitions in any `windowMs`. limit 0 = unlimited. */
export class SlidingWindowLimiter {
  private readonly stamps: number[] = [];

  constructor(
    private limit: number,
    private readonly windowMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  setLimit(limit: number): void {
    this.limit = limit;
  }

  /** Takes a slot if one is free; a refused attempt does not use one. */
  tryAcquire(): boolean {
    if (this.limit <= 0) return true;
    const now = this.now();
    while (this.stamps.length > 0 && now - this.stamps[0] >= this.windowMs) this.stamps.shift();
    if (this.stamps.length >= this.limit) return false;
    this.stamps.push(now);
    return true;
  }
}
