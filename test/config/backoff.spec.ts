import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/smpp/binds/backoff.js';

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
