import type { ResolvedReconnect } from '../config/resolved-options.js';
import { backoffDelay, spreadDelay } from '../retry/backoff.js';

/** Reconnect backoff of a bind slot: counts failures; the delay is backoffDelay's. `random` is injectable for tests. */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly options: ResolvedReconnect,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next attempt after one more failure. */
  next(): number {
    this.failures++;
    return backoffDelay(this.options, this.failures, this.random);
  }

  /** The longest delay at once (credentials refused: retrying sooner cannot help). */
  max(): number {
    this.failures++;
    return spreadDelay(this.options.maxDelayMs, this.options, this.random);
  }

  reset(): void {
    this.failures = 0;
  }

  get attempts(): number {
    return this.failures;
  }
}
