import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenBucket } from '../../src/smpp/session/token-bucket.js';

function manualClock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('TokenBucket', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts full with burst tokens and refills at the rate, capped at the burst', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, now: clock.now });
    expect(bucket.available()).toBe(3);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.msUntilToken()).toBe(100);
    clock.advance(50);
    expect(bucket.available()).toBeCloseTo(0.5);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(50);
    expect(bucket.tryTake()).toBe(true);
    clock.advance(10_000);
    expect(bucket.available()).toBe(3);
  });

  it('defaults the burst to the rate (at least 1)', () => {
    expect(new TokenBucket({ ratePerSecond: 50 }).burst).toBe(50);
    expect(new TokenBucket({ ratePerSecond: 0.5 }).burst).toBe(1);
  });

  it('does not pace at rate 0 or Infinity', () => {
    for (const rate of [0, Infinity]) {
      const bucket = new TokenBucket({ ratePerSecond: rate, now: () => 0 });
      expect(bucket.unpaced).toBe(true);
      for (let i = 0; i < 1000; i++) expect(bucket.tryTake()).toBe(true);
      expect(bucket.available()).toBe(Infinity);
    }
  });

  it('serves take() callers first come, first served, one per token interval', async () => {
    vi.useFakeTimers();
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 2, now: () => Date.now() });
    const served: number[] = [];
    for (let i = 0; i < 5; i++) void bucket.take().then(() => served.push(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(served).toEqual([0, 1]);
    expect(bucket.queued).toBe(3);
    // a caller arriving later queues behind the waiting ones even if tryTake is attempted
    expect(bucket.tryTake()).toBe(false);
    await vi.advanceTimersByTimeAsync(499);
    expect(served).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(served).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(served).toEqual([0, 1, 2, 3, 4]);
    expect(bucket.queued).toBe(0);
  });

  it('rejectWaiters fails every queued take() at once', async () => {
    vi.useFakeTimers();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, now: () => Date.now() });
    await bucket.take();
    const waiting = [bucket.take(), bucket.take()];
    bucket.rejectWaiters(() => new Error('closed'));
    await expect(Promise.all(waiting)).rejects.toThrow('closed');
    expect(bucket.queued).toBe(0);
  });
});
