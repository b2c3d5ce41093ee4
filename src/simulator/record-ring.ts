/**
 * The last `capacity` items, oldest first; older ones are dropped and counted. Keeps a
 * long-running simulator's memory flat whatever it is sent.
 */
export class RecordRing<T> {
  private readonly items: T[] = [];
  /** Index in `items` of the oldest item once the ring is full. */
  private head = 0;
  /** Items dropped to make room since the last clear(). */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RecordRing: capacity must be a whole number >= 1 (got ${capacity})`);
    }
  }

  push(item: T): void {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    this.dropped++;
  }

  get length(): number {
    return this.items.length;
  }

  /** A copy, oldest first. */
  toArray(): T[] {
    return this.head === 0
      ? [...this.items]
      : [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
  }

  [Symbol.iterator](): Iterator<T> {
    return this.toArray()[Symbol.iterator]();
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
    this.dropped = 0;
  }
}
