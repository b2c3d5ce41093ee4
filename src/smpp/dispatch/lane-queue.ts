import type { MessagePriority } from '../messages/send-options.js';

/** A message's priority lane; the dispatcher serves higher lanes first. */
export type Lane = MessagePriority;

const LANES: readonly Lane[] = ['high', 'normal', 'bulk'];

interface Entry<T> {
  item: T;
  since: number;
}

/**
 * Items waiting for something scarce (a window slot), served by lane: `high` before `normal`
 * before `bulk`, first come first served within a lane. Starvation guard: an item that has waited
 * `maxWaitMs` or longer goes first, whatever its lane (the oldest of them first), so a lower lane
 * keeps moving while higher lanes keep arriving.
 */
export class LaneQueue<T> {
  private readonly lanes = new Map<Lane, Entry<T>[]>(LANES.map((lane) => [lane, []]));
  private count = 0;

  constructor(
    private readonly maxWaitMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get size(): number {
    return this.count;
  }

  push(lane: Lane, item: T): void {
    this.lanes.get(lane)!.push({ item, since: this.now() });
    this.count++;
  }

  /** The next item to serve, or undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const now = this.now();
    let pick: Entry<T>[] | undefined;
    // Heads only: within a lane the head is the oldest.
    for (const lane of this.lanes.values()) {
      const head = lane[0];
      if (head && now - head.since >= this.maxWaitMs && (!pick || head.since < pick[0].since))
        pick = lane;
    }
    pick ??= LANES.map((lane) => this.lanes.get(lane)!).find((lane) => lane.length > 0);
    this.count--;
    return pick!.shift()!.item;
  }

  /** Removes and returns every item (higher lanes first). */
  drain(): T[] {
    const items: T[] = [];
    for (const lane of LANES)
      items.push(
        ...this.lanes
          .get(lane)!
          .splice(0)
          .map((e) => e.item),
      );
    this.count = 0;
    return items;
  }
}
