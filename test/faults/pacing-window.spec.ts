import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/smpp/session/token-bucket.js';

/**
 * The SMSC counts "50 per second" in a sliding window (the simulator does; 8x8 answers
 * ESME_RTHROTTLED above it). The bind's pacing must never put 51 submits into any second of the
 * SMSC's clock, whatever its timers do, and still reach ~99 % of the rate.
 */
describe('pacing: token bucket + sliding window', () => {
  /**
   * Drives the bucket with a fake clock, the way a busy event loop would: the retry timer fires
   * `lateMs` late, and each submit is settled `settleAfterMs` after it was taken (its answer).
   */
  async function simulate(opts: {
    burst: number;
    lateMs: number;
    settleAfterMs: number;
    seconds: number;
  }): Promise<number[]> {
    let now = 0;
    const bucket = new TokenBucket({
      ratePerSecond: 50,
      burst: opts.burst,
      now: () => now,
      window: { limit: 50, ms: 1005 },
    });
    const sent: number[] = [];
    const settles: Array<{ at: number; ticket: number }> = [];
    while (now < opts.seconds * 1000) {
      // Send whatever may go now (a demand that never ends).
      while (bucket.msUntilToken() === 0) {
        // A token and window room are there: take() resolves at once (nobody waits ahead).
        const ticket = await bucket.take();
        sent.push(now);
        settles.push({ at: now + opts.settleAfterMs, ticket });
      }
      const timerAt = now + Math.max(1, bucket.msUntilToken()) + opts.lateMs;
      // Next event: an answer (settle) or the timer, whichever comes first.
      const next = settles.length ? Math.min(settles[0].at, timerAt) : timerAt;
      now = next;
      while (settles.length && settles[0].at <= now) bucket.settle(settles.shift()!.ticket);
    }
    return sent;
  }

  function maxInAnySecond(times: number[]): number {
    let max = 0;
    for (let i = 0, j = 0; j < times.length; j++) {
      while (times[j] - times[i] >= 1000) i++;
      max = Math.max(max, j - i + 1);
    }
    return max;
  }

  it.each([
    { burst: 2, lateMs: 0, settleAfterMs: 0 },
    { burst: 2, lateMs: 1, settleAfterMs: 1 },
    { burst: 2, lateMs: 3, settleAfterMs: 2 },
    { burst: 50, lateMs: 1, settleAfterMs: 1 },
  ])('never more than 50 in any second (burst $burst, timers $lateMs ms late)', async (o) => {
    const sent = await simulate({ ...o, seconds: 30 });
    expect(maxInAnySecond(sent)).toBeLessThanOrEqual(50);
    // Steady state after the first second: at least 49.5/s (the guard costs 0.5 %).
    const steady = sent.filter((t) => t >= 5_000 && t < 25_000).length / 20;
    expect(steady).toBeGreaterThanOrEqual(49.5);
  });

  it('counts a take from its settle(): a late answer delays the next window slot', () => {
    let now = 0;
    const bucket = new TokenBucket({
      ratePerSecond: 1000,
      burst: 1000,
      now: () => now,
      window: { limit: 2, ms: 100 },
    });
    const a = bucket.tryTake() ? 0 : -1;
    expect(bucket.tryTake()).toBe(true);
    now = 50;
    bucket.settle(a);
    now = 100;
    expect(bucket.tryTake()).toBe(false); // slot of the first take counts from t=50
    expect(bucket.msUntilToken()).toBe(50);
    now = 150;
    expect(bucket.tryTake()).toBe(true);
  });
});
