/** A replica of a bind budget as its heartbeat row says. */
export interface ReplicaWant {
  replica: string;
  wanted: number;
  startedAt: Date;
}

/**
 * How many binds of a budget each live replica may hold: the budget dealt out one slot at a
 * time, round after round, over the replicas that still want more (oldest first, so the older
 * replicas keep the odd slots and a joining replica moves as few binds as possible). The result
 * is the floor/ceil split capped by what each wants: 3 replicas wanting 2 of 4 -> 2/1/1.
 */
export function fairShares(replicas: readonly ReplicaWant[], budget: number): Map<string, number> {
  const ordered = [...replicas].sort(
    (a, b) =>
      a.startedAt.getTime() - b.startedAt.getTime() ||
      (a.replica < b.replica ? -1 : a.replica > b.replica ? 1 : 0),
  );
  const shares = new Map(ordered.map((r) => [r.replica, 0]));
  let left = Math.max(0, budget);
  let dealt = true;
  while (left > 0 && dealt) {
    dealt = false;
    for (const r of ordered) {
      if (left === 0) break;
      const share = shares.get(r.replica) ?? 0;
      if (share < r.wanted) {
        shares.set(r.replica, share + 1);
        left--;
        dealt = true;
      }
    }
  }
  return shares;
}
