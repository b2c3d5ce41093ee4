import type { DataSource } from 'typeorm';
import { rows } from './sql.js';

/** How stale a count may be: fresher as the queue nears its limit. */
const FRESH_NEAR_LIMIT_MS = 1_000;
const FRESH_FAR_FROM_LIMIT_MS = 5_000;

interface Depth {
  count: number;
  at: number;
  /** Messages this process queued since the count was taken. */
  since: number;
}

/**
 * Messages of an account waiting to be sent (scheduled, queued or submitting), for `maxQueued`. Counting
 * must stay cheap at hundreds of sends per second: the count is capped (`LIMIT maxQueued + 1`
 * over the partial index of pending messages, so a full queue costs at most maxQueued index
 * entries) and cached, taken again at most once a second near the limit (every 5 s below half of
 * it), with this process's own inserts added in between. Other processes' inserts are seen at the
 * next count, so the limit is soft by at most a few seconds of their traffic.
 */
export class QueueDepth {
  private readonly depths = new Map<string, Depth>();
  private readonly refreshing = new Map<string, Promise<Depth>>();

  constructor(private readonly dataSource: DataSource) {}

  /** Whether the account has room for one more message (counts it when so). */
  async admit(account: string, maxQueued: number): Promise<boolean> {
    let depth = this.depths.get(account);
    const fresh =
      depth &&
      Date.now() - depth.at <
        (depth.count + depth.since >= maxQueued / 2
          ? FRESH_NEAR_LIMIT_MS
          : FRESH_FAR_FROM_LIMIT_MS);
    if (!depth) depth = await this.refresh(account, maxQueued);
    else if (!fresh) {
      // Answer from the stale count now unless the queue looks full; refresh in the background.
      const pending = this.refresh(account, maxQueued);
      if (depth.count + depth.since >= maxQueued) depth = await pending;
      else void pending.catch(() => undefined);
    }
    if (depth.count + depth.since >= maxQueued) return false;
    depth.since++;
    return true;
  }

  private refresh(account: string, maxQueued: number): Promise<Depth> {
    const running = this.refreshing.get(account);
    if (running) return running;
    const p = (async () => {
      try {
        const [row] = await rows<{ n: string }>(
          this.dataSource,
          `SELECT count(*) AS n FROM (
             SELECT 1 FROM smpp_messages
              WHERE status IN ('scheduled', 'queued', 'submitting') AND account = $1
              LIMIT $2) AS pending`,
          [account, maxQueued + 1],
        );
        const depth: Depth = { count: Number(row?.n ?? 0), at: Date.now(), since: 0 };
        this.depths.set(account, depth);
        return depth;
      } finally {
        this.refreshing.delete(account);
      }
    })();
    this.refreshing.set(account, p);
    return p;
  }
}
