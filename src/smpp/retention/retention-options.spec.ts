import { describe, expect, it } from 'vitest';
import { pauseAfterBatch, RETENTION_DEFAULTS } from './retention-options.js';

describe('the pause after a purge batch', () => {
  it('is as long as the batch by default (half the time busy), and never below pauseMs', () => {
    const defaults = {
      pauseMs: RETENTION_DEFAULTS.pauseMs,
      busyShare: RETENTION_DEFAULTS.busyShare,
    };
    expect(pauseAfterBatch(5, defaults)).toBe(20);
    expect(pauseAfterBatch(80, defaults)).toBe(80);
    expect(pauseAfterBatch(400, defaults)).toBe(400);
  });

  it('follows busyShare: a quarter busy pauses three times the batch; 1 only pauseMs', () => {
    expect(pauseAfterBatch(100, { pauseMs: 0, busyShare: 0.25 })).toBe(300);
    expect(pauseAfterBatch(100, { pauseMs: 0, busyShare: 1 })).toBe(0);
    expect(pauseAfterBatch(100, { pauseMs: 50, busyShare: 1 })).toBe(50);
    expect(pauseAfterBatch(-3, { pauseMs: 0, busyShare: 0.5 })).toBe(0);
  });
});
