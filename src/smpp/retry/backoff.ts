/** How a retried thing waits: exponential growth, capped, with a random spread. */
export interface BackoffPolicy {
  /** The delay after the first failure, ms. */
  initialDelayMs: number;
  /** Upper bound of any delay, ms (jitter never goes above it). */
  maxDelayMs: number;
  /** Growth per further failure (2: doubles). */
  multiplier: number;
  /** Random spread, 0..1, of each delay (0.2 = ±20 %). */
  jitter: number;
}

/**
 * The one retry-delay formula of the module: `initialDelayMs * multiplier^(failures - 1)`, capped
 * at maxDelayMs, spread by ±jitter (never above maxDelayMs). `failures` counts from 1.
 */
export function backoffDelay(
  policy: BackoffPolicy,
  failures: number,
  random: () => number = Math.random,
): number {
  const { initialDelayMs, maxDelayMs, multiplier } = policy;
  const base = Math.min(maxDelayMs, initialDelayMs * multiplier ** Math.max(0, failures - 1));
  return spreadDelay(base, policy, random);
}

/** `base` spread by ±jitter, within 0..maxDelayMs. */
export function spreadDelay(
  base: number,
  policy: Pick<BackoffPolicy, 'maxDelayMs' | 'jitter'>,
  random: () => number = Math.random,
): number {
  const factor = 1 - policy.jitter + random() * 2 * policy.jitter;
  return Math.max(0, Math.min(policy.maxDelayMs, Math.round(base * factor)));
}
