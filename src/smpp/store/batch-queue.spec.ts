import { describe, expect, it, vi } from 'vitest';
import { SmppBackpressureError } from '../errors.js';
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

  it('with concurrency 2, writes an item added while a flush runs at once, and groups when both are busy', async () => {
    const batches: number[][] = [];
    const gates: Array<() => void> = [];
    const q = new BatchQueue<number, number>(
      async (items) => {
        batches.push(items);
        if (items[0] < 10) await new Promise<void>((r) => gates.push(r));
        return items.map((i) => i * 10);
      },
      { concurrency: 2 },
    );
    const first = q.add(1);
    await vi.waitFor(() => expect(batches).toEqual([[1]]));
    const second = q.add(2);
    // The second flush starts while the first still runs.
    await vi.waitFor(() => expect(batches).toEqual([[1], [2]]));
    const rest = [q.add(30), q.add(40)];
    gates[0]();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([300, 400]);
    expect(batches).toEqual([[1], [2], [30, 40]]);
    gates[1]();
    expect(await second).toBe(20);
    await q.idle();
    expect(q.size).toBe(0);
  });

  it('rejects every item of a failed flush and keeps working afterwards', async () => {
    let fail = true;
    const q = new BatchQueue<number, number>(async (items) => {
      if (fail) throw Object.assign(new Error('Connection terminated unexpectedly'), {});
      return items;
    });
    const results = await Promise.allSettled([q.add(1), q.add(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await q.add(3)).toBe(3);
    await q.idle();
    expect(q.size).toBe(0);
  });

  it('retries a batch that failed for a bad item one by one: only the bad item fails', async () => {
    const batches: number[][] = [];
    const q = new BatchQueue<number, number>(
      async (items) => {
        batches.push(items);
        if (items.includes(13))
          throw Object.assign(new Error('value too long for type character varying(16)'), {
            code: '22001',
          });
        return items.map((i) => i * 2);
      },
      { describe: (i) => `item ${i}` },
    );
    const results = await Promise.allSettled([1, 13, 3].map((i) => q.add(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]).toMatchObject({ value: 2 });
    expect(results[1]).toMatchObject({ reason: { code: '22001' } });
    expect(batches).toEqual([[1, 13, 3], [1], [13], [3]]);
  });

  it('fails the whole batch at once when the database is unreachable (no one-by-one storm)', async () => {
    let calls = 0;
    const q = new BatchQueue<number, number>(async () => {
      calls++;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
        code: 'ECONNREFUSED',
      });
    });
    const results = await Promise.allSettled([1, 2, 3].map((i) => q.add(i)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(calls).toBe(1);
  });

  it('rejects adds beyond maxPending with SmppBackpressureError', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const q = new BatchQueue<number, number>(
      async (items) => {
        await gate;
        return items;
      },
      { maxPending: 2, name: 'things' },
    );
    const first = q.add(0);
    await Promise.resolve();
    await Promise.resolve();
    const waiting = [q.add(1), q.add(2)];
    await expect(q.add(3)).rejects.toBeInstanceOf(SmppBackpressureError);
    release();
    expect(await Promise.all([first, ...waiting])).toEqual([0, 1, 2]);
  });

  it('caps the batch size', async () => {
    const sizes: number[] = [];
    const q = new BatchQueue<number, number>(
      async (items) => {
        sizes.push(items.length);
        return items;
      },
      { maxBatch: 2 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((i) => q.add(i)));
    expect(sizes).toEqual([2, 2, 1]);
  });
});
