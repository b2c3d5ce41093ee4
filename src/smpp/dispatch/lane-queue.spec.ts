import { describe, expect, it } from 'vitest';
import { LaneQueue } from './lane-queue.js';

describe('LaneQueue', () => {
  it('serves high before normal before bulk, first come first served within a lane', () => {
    const q = new LaneQueue<string>(10_000, () => 0);
    q.push('bulk', 'b1');
    q.push('normal', 'n1');
    q.push('bulk', 'b2');
    q.push('high', 'h1');
    q.push('normal', 'n2');
    q.push('high', 'h2');
    expect(q.size).toBe(6);
    const order = Array.from({ length: 6 }, () => q.shift());
    expect(order).toEqual(['h1', 'h2', 'n1', 'n2', 'b1', 'b2']);
    expect(q.size).toBe(0);
    expect(q.shift()).toBeUndefined();
  });

  it('serves an item that waited maxWaitMs first, whatever its lane (starvation guard)', () => {
    let now = 0;
    const q = new LaneQueue<string>(2_000, () => now);
    q.push('bulk', 'old-bulk');
    now = 500;
    q.push('normal', 'old-normal');
    now = 1_999;
    q.push('high', 'h1');
    expect(q.shift()).toBe('h1');
    q.push('high', 'h2');
    now = 2_000;
    // old-bulk has waited 2 000 ms: it goes before h2; old-normal has waited 1 500 ms only.
    expect(q.shift()).toBe('old-bulk');
    expect(q.shift()).toBe('h2');
    now = 2_600;
    q.push('high', 'h3');
    expect(q.shift()).toBe('old-normal');
    expect(q.shift()).toBe('h3');
    expect(q.size).toBe(0);
  });

  it('drain() empties the queue, higher lanes first', () => {
    const q = new LaneQueue<number>(1_000, () => 0);
    q.push('bulk', 3);
    q.push('high', 1);
    q.push('normal', 2);
    expect(q.drain()).toEqual([1, 2, 3]);
    expect(q.size).toBe(0);
    q.push('bulk', 4);
    expect(q.shift()).toBe(4);
  });
});
