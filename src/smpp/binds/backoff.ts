import type { ResolvedReconnect } from '../config/resolved-options.js';

/** Exponential backoff with jitter; `random` is injectable for tests. */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly options: ResolvedReconnect,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next attempt after one more failure. */
  next(): number {
    const { initialDelayMs, maxDelayMs, multiplier } = this.options;
    const base = Math.min(maxDelayMs, initialDelayMs * multiplier ** this.failures);
    this.failures++;
    return this.spread(base);
  }

  /** The longest delay at once (credentials refused: retrying sooner cannot help). */
  max(): number {
    this.failures++;
    return this.spread(this.options.maxDelayMs);
  }

  reset(): void {
    this.failures = 0;
  }

  get attempts(): number {
    return this.failures;
  }

  private spread(base: number): number {
    const j = this.options.jitter;
    // Jitter spreads replicas out; it never goes above the configured maximum.
    const factor = 1 - j + this.random() * 2 * j;
    return Math.max(0, Math.min(this.options.maxDelayMs, Math.round(base * factor)));
  }
}
