import type { BackoffPolicy } from '../retry/backoff.js';

/**
 * Between attempts to store one submit result (limits.maxStoreAttempts): quick at first (a
 * database blip), then at most 5 s apart; the default 20 attempts span about a minute.
 */
export const STORE_RESULT_RETRY: BackoffPolicy = {
  initialDelayMs: 200,
  maxDelayMs: 5_000,
  multiplier: 1.5,
  jitter: 0.2,
};
