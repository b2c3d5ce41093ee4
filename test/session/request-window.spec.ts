import { describe, expect, it } from 'vitest';
import { RequestWindow } from '../../src/smpp/session/request-window.js';

describe('RequestWindow', () => {
  it('grants up to size slots, then queues callers FIFO and hands released slots to the oldest', async () => {
    const w = new RequestWindow(2);
    const order: number[] = [];
    await w.acquire();
    await w.acquire();
    expect(w.free).toBe(0);
    const third = w.acquire().then(() => order.push(3));
    const fourth = w.acquire().then(() => order.push(4));
    expect(w.queued).toBe(2);
    w.release();
    await third;
    expect(order).toEqual([3]);
    expect(w.inUse).toBe(2);
    w.release();
    await fourth;
    expect(order).toEqual([3, 4]);
    w.release();
    expect(w.free).toBe(1);
    w.release();
    expect(w.free).toBe(2);
  });

  it('rejectWaiters fails the queued callers and keeps held slots', async () => {
    const w = new RequestWindow(1);
    await w.acquire();
    const queued = w.acquire();
    w.rejectWaiters(() => new Error('closed'));
    await expect(queued).rejects.toThrow('closed');
    expect(w.inUse).toBe(1);
    expect(w.queued).toBe(0);
  });

  it('refuses a size below 1', () => {
    expect(() => new RequestWindow(0)).toThrow(RangeError);
  });
});
