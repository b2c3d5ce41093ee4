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
}

/**
 * Hands out bind slots of a budget (8x8: 4 per system_id). The default counts within this process;
 * a shared one (e.g. Postgres leases) keeps several replicas within the budget together.
 */
export interface BindAllocator {
  /** A free slot of `budgetKey`, or null when all `maxBinds` are held (by anyone). */
  acquire(budgetKey: string, maxBinds: number, holder: string): Promise<BindLease | null>;
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
