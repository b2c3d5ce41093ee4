import type { LoggerService } from '@nestjs/common';
import type { BindAllocator, BudgetView } from './bind-allocator.js';
import type { BindSlot } from './bind-slot.js';
import {
  type ClusterBindStatus,
  canReceive,
  canTransmit,
  countByMode,
  type ReplicaBindStatus,
} from './bind-status.js';

/** Used when the allocator does not say how often to beat (ms). */
const DEFAULT_HEARTBEAT_MS = 1_000;

/**
 * This replica's fair share of one bind budget (a system_id at a host) and the slots that draw
 * on it. With a shared allocator (Postgres leases) a heartbeat says this replica is alive and
 * how many binds it wants, and returns its fair share: its slots take at most that many slots of
 * the budget, and when it holds more than its share for two heartbeats in a row (a replica
 * joined) it hands one over: no new submits on it, unbind once its window drained, release the
 * lease; the other replica then takes the slot (the budget is never exceeded: the lease is
 * released before anyone else can take it). Without one, every slot may bind.
 */
export class BudgetShare {
  private readonly slots: BindSlot[] = [];
  private readonly holding = new Set<BindSlot>();
  private share?: number;
  private view?: BudgetView;
  private checkedAt?: number;
  private startedAt = Date.now();
  private lastError?: string;
  private overSince?: number;
  private timer?: NodeJS.Timeout;
  private beating = false;
  private stopped = false;
  private readonly everyMs: number;
  private readonly ttlMs: number;

  constructor(
    readonly budgetKey: string,
    readonly maxBinds: number,
    readonly replica: string,
    private readonly allocator: BindAllocator,
    private readonly logger: LoggerService,
  ) {
    this.everyMs = allocator.heartbeatEveryMs ?? DEFAULT_HEARTBEAT_MS;
    this.ttlMs = allocator.heartbeatTtlMs ?? 3 * this.everyMs;
  }

  /** Whether the budget is shared with other replicas (the allocator has heartbeats). */
  get shared(): boolean {
    return typeof this.allocator.heartbeat === 'function';
  }

  add(slot: BindSlot): void {
    this.slots.push(slot);
  }

  /** A slot may take a slot of the budget: counted as holding until released(). */
  mayAcquire(slot: BindSlot): boolean {
    if (this.holding.has(slot)) return true;
    if (this.shared) {
      if (this.share === undefined || this.holding.size >= this.share) return false;
    }
    this.holding.add(slot);
    return true;
  }

  released(slot: BindSlot): void {
    this.holding.delete(slot);
  }

  start(): void {
    if (!this.shared || this.timer) return;
    this.startedAt = Date.now();
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.everyMs);
    this.timer.unref();
  }

  /** After the slots stopped: says this replica is gone, so the others rebalance at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.shared && this.allocator.leave) {
      await this.allocator.leave(this.budgetKey, this.replica).catch(() => undefined);
    }
  }

  /** The budget across replicas; undefined when it is not shared. */
  status(): { cluster: ClusterBindStatus } | undefined {
    if (!this.shared) return undefined;
    const leases = this.view?.leases ?? [];
    const boundModes = leases.filter((l) => l.bound && l.mode).map((l) => l.mode!);
    const replicas: ReplicaBindStatus[] = (this.view?.replicas ?? []).map((r) => ({
      replica: r.replica,
      wanted: r.wanted,
      share: r.share,
      held: leases.filter((l) => l.replica === r.replica).length,
      bound: leases.filter((l) => l.replica === r.replica && l.bound).length,
    }));
    return {
      cluster: {
        replica: this.replica,
        share: this.share ?? 0,
        bound: countByMode(boundModes),
        canSend: boundModes.some(canTransmit),
        canReceive: boundModes.some(canReceive),
        held: leases.length,
        maxBinds: this.maxBinds,
        replicas,
        ...(this.checkedAt !== undefined ? { checkedAt: new Date(this.checkedAt) } : {}),
        stale: Date.now() - (this.checkedAt ?? this.startedAt) > this.ttlMs,
        ...(this.lastError ? { lastError: this.lastError } : {}),
      },
    };
  }

  private async beat(): Promise<void> {
    const heartbeat = this.allocator.heartbeat?.bind(this.allocator);
    if (!heartbeat || this.beating || this.stopped) return;
    this.beating = true;
    try {
      const view = await heartbeat(this.budgetKey, this.maxBinds, this.replica, this.slots.length);
      if (this.stopped) return;
      if (this.lastError) this.logger.log(`Bind budget ${this.budgetKey}: heartbeat stored again`);
      this.view = view;
      this.share = view.share;
      this.checkedAt = Date.now();
      this.lastError = undefined;
      this.rebalance();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!this.lastError) {
        this.logger.warn(`Bind budget ${this.budgetKey}: heartbeat failed (${message}); retrying`);
      }
      this.lastError = `heartbeat failed: ${message}`;
    } finally {
      this.beating = false;
    }
  }

  /** Hands one slot over when this replica has held more than its share for a while. */
  private rebalance(): void {
    const share = this.share ?? this.slots.length;
    if (this.holding.size <= share) {
      this.overSince = undefined;
      return;
    }
    const now = Date.now();
    this.overSince ??= now;
    // Hysteresis: two heartbeats in a row, so a replica that blinks does not move binds around.
    if (now - this.overSince < 2 * this.everyMs - this.everyMs / 2) return;
    if (this.slots.some((s) => s.state === 'draining')) return; // one at a time
    const candidates = [...this.holding].sort(
      (a, b) =>
        Number(a.state === 'bound') - Number(b.state === 'bound') ||
        this.slots.indexOf(b) - this.slots.indexOf(a),
    );
    for (const slot of candidates) {
      if (slot.handOver()) {
        this.logger.log(
          `${slot.id}: this replica holds ${this.holding.size} binds of ${this.budgetKey}, its fair share is ${share}: handing one over`,
        );
        this.overSince = undefined;
        return;
      }
    }
  }
}
