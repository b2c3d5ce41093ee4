import { describe, expect, it } from 'vitest';
import { RecordRing } from './record-ring.js';

describe('RecordRing', () => {
  it('keeps the last `capacity` items in order and counts the dropped ones', () => {
    const ring = new RecordRing<number>(3);
    for (let i = 1; i <= 7; i++) ring.push(i);
    expect(ring.toArray()).toEqual([5, 6, 7]);
    expect([...ring]).toEqual([5, 6, 7]);
    expect(ring.length).toBe(3);
    expect(ring.dropped).toBe(4);
    ring.clear();
    expect(ring.toArray()).toEqual([]);
    expect(ring.dropped).toBe(0);
    ring.push(8);
    expect(ring.toArray()).toEqual([8]);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new RecordRing(0)).toThrow(RangeError);
  });
});
