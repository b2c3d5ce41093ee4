import { describe, expect, it } from 'vitest';
import { backoffDelay, spreadDelay } from './backoff.js';

const policy = { initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, jitter: 0.2 };

describe('backoffDelay', () => {
  it('grows by the multiplier from the first failure and stops at the maximum', () => {
    const mid = () => 0.5; // no spread
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n, mid))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('spreads by ±jitter and never above the maximum', () => {
    expect(backoffDelay(policy, 1, () => 0)).toBe(80);
    expect(backoffDelay(policy, 1, () => 1)).toBe(120);
    expect(backoffDelay(policy, 10, () => 1)).toBe(1_000);
    expect(spreadDelay(1_000, policy, () => 0)).toBe(800);
  });
});
