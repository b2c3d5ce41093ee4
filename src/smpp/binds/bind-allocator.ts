import type { BindMode } from '../session/session.types.js';

/** What a lease's bind is doing, for the other replicas' health checks. */
export interface BindLeaseState {
  mode: BindMode;
  bound: boolean;
}

/** One live lease of a budget, as any replica sees it. */
export interface BudgetLeaseView {
  slot: number;
  /** The replica (`instanceId#token`) holding it; null for rows written by older versions. */
  replica: string | null;
  mode: BindMode | null;
  bound: boolean;
}

/** One live replica of a budget and its fair share. */
export interface BudgetReplicaView {
  replica: string;
  wanted: number;
  share: number;
  startedAt: Date;
}

/** A budget as the last heartbeat found it. */
export interface BudgetView {
  /** When it was read (this process's clock). */
  at: Date;
  /** How many binds of the budget this replica may hold. */
  share: number;
  replicas: BudgetReplicaView[];
  leases: BudgetLeaseView[];
}

/** A bind slot held for one socket; released only after that socket has closed. */
export interface BindLease {
  readonly slot: number;
  /** Frees the slot; idempotent. */
  release(): Promise<void>;
  /**
   * Calls `listener` (once) if the lease is lost while held, e.g. it could not be renewed and
   * another process took the slot: the holder must drop its bind at once. Leases that cannot be
   * lost (in-process) need not implement it.
   */
  onLost?(listener: (reason: string) => void): void;
  /** Records the bind's mode and whether it is bound, for the other replicas (shared leases only). */
  report?(state: BindLeaseState): void;
}

/**
 * Hands out bind slots of a budget (8x8: 4 per system_id). The default counts within this process;
 * a shared one (e.g. Postgres leases) keeps several replicas within the budget together.
 */
export interface BindAllocator {
  /**
   * A free slot of `budgetKey`, or null when all `maxBinds` are held (by anyone). `holder` names
   * the replica; `mode`, the bind it is for (shared leases record it for the health check).
   */
  acquire(
    budgetKey: string,
    maxBinds: number,
    holder: string,
    mode?: BindMode,
  ): Promise<BindLease | null>;
  /**
   * Shared budgets only: says this replica is alive and wants `wanted` binds of the budget, and
   * returns the live replicas, their fair shares and the live leases. Without it, a replica may
   * hold every bind it wants (first come, first served).
   */
  heartbeat?(
    budgetKey: string,
    maxBinds: number,
    replica: string,
    wanted: number,
  ): Promise<BudgetView>;
  /** Removes this replica's heartbeat (it stopped): the others rebalance without waiting for it to expire. */
  leave?(budgetKey: string, replica: string): Promise<void>;
  /** How often to call heartbeat() (ms), and how long a heartbeat lives (ms). */
  readonly heartbeatEveryMs?: number;
  readonly heartbeatTtlMs?: number;
}

export class InProcessBindAllocator implements BindAllocator {
  private readonly held = new Map<string, Set<number>>();

  async acquire(budgetKey: string, maxBinds: number): Promise<BindLease | null> {
    const slots = this.held.get(budgetKey) ?? new Set<number>();
    this.held.set(budgetKey, slots);
    for (let slot = 0; slot < maxBinds; slot++) {
      if (slots.has(slot)) continue;
      slots.add(slot);
      let released = false;
      return {
        slot,
        release: async () => {
          if (released) return;
          released = true;
          slots.delete(slot);
        },
      };
    }
    return null;
  }
}
