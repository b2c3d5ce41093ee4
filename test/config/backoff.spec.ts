import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/smpp/binds/backoff.js';
import { STORE_RESULT_RETRY } from '../../src/smpp/dispatch/store-result-retry.js';
import { backoffDelay } from '../../src/smpp/retry/backoff.js';
import { eventRetryDelays } from '../../src/smpp/store/outbox/outbox-queries.js';

const options = { initialDelayMs: 1000, maxDelayMs: 60_000, multiplier: 2, jitter: 0.2 };

describe('Backoff', () => {
  it('doubles from the initial delay up to the maximum', () => {
    const b = new Backoff(options, () => 0.5);
    expect(Array.from({ length: 8 }, () => b.next())).toEqual([
      1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000,
    ]);
  });

  it('spreads each delay by the jitter but never above the maximum', () => {
    expect(new Backoff(options, () => 0).next()).toBe(800);
    expect(new Backoff(options, () => 0.999999).next()).toBe(1200);
    const b = new Backoff(options, () => 0.999999);
    expect(b.max()).toBe(60_000);
  });

  it('jumps to the maximum at once for refused credentials, and resets after a bind', () => {
    const b = new Backoff(options, () => 0.5);
    expect(b.max()).toBe(60_000);
    expect(b.attempts).toBe(1);
    b.reset();
    expect(b.next()).toBe(1000);
  });
});

describe('the retry delays that use backoffDelay', () => {
  const mid = () => 0.5; // no spread

  it('spaces the attempts to store a submit result from 200 ms to 5 s, about a minute for 20', () => {
    const delays = Array.from({ length: 19 }, (_, i) =>
      backoffDelay(STORE_RESULT_RETRY, i + 1, mid),
    );
    expect(delays.slice(0, 4)).toEqual([200, 300, 450, 675]);
    expect(Math.max(...delays)).toBe(5_000);
    const total = delays.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(45_000);
    expect(total).toBeLessThan(80_000);
  });

  it('doubles an event retry from initialDelayMs to maxDelayMs, one delay per attempt', () => {
    const policy = { maxAttempts: 8, initialDelayMs: 1_000, maxDelayMs: 300_000 };
    expect(eventRetryDelays(policy, mid)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000,
    ]);
    expect(eventRetryDelays({ ...policy, maxDelayMs: 5_000 }, mid).slice(-3)).toEqual([
      5_000, 5_000, 5_000,
    ]);
  });

  it('spreads an event retry by ±25 % within the maximum, and bounds the table it passes to SQL', () => {
    const policy = { maxAttempts: 3, initialDelayMs: 1_000, maxDelayMs: 2_000 };
    expect(eventRetryDelays(policy, () => 0)).toEqual([750, 1_500, 1_500]);
    expect(eventRetryDelays(policy, () => 1)).toEqual([1_250, 2_000, 2_000]);
    expect(eventRetryDelays({ ...policy, maxAttempts: 10_000 }, mid)).toHaveLength(32);
    expect(eventRetryDelays({ ...policy, maxAttempts: 1 }, mid)).toEqual([1_000]);
  });
});
