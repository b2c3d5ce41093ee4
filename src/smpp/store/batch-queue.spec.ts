import { describe, expect, it } from 'vitest';
import { BatchQueue } from './batch-queue.js';

describe('BatchQueue', () => {
  it('writes items added while a flush runs together in the next flush', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const q = new BatchQueue<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((i) => i * 10);
    });
    const first = q.add(1);
    await Promise.resolve();
    await Promise.resolve();
    const rest = [q.add(2), q.add(3), q.add(4)];
    release();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every item of a failed flush and keeps working afterwards', async () => {
    let fail = true;
    const q = new BatchQueue<number, number>(async (items) => {
      if (fail) throw new Error('db down');
      return items;
    });
    const results = await Promise.allSettled([q.add(1), q.add(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await q.add(3)).toBe(3);
    await q.idle();
    expect(q.size).toBe(0);
  });

  it('caps the batch size', async () => {
    const sizes: number[] = [];
    const q = new BatchQueue<number, number>(async (items) => {
      sizes.push(items.length);
      return items;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => q.add(i)));
    expect(sizes).toEqual([2, 2, 1]);
  });
});
