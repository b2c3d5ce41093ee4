import type { LoggerService } from '@nestjs/common';
import type { ExpiryStore } from '../store/expiry-store.js';
import type { PendingEvent } from '../store/message-state-writer.js';
import type { ScheduleStore } from '../store/schedule-store.js';

/** Parts moved or expired per statement, and statements per account and pass, at most. */
const BATCH = 500;
const MAX_BATCHES_PER_PASS = 20;

export interface TimeSweeperHooks {
  /** Events of a committed change (to publish). */
  afterCommit(events: PendingEvent[]): void;
  /** Scheduled parts of the account became queued: its dispatcher should look now. */
  queued(account: string): void;
}

/**
 * The periodic pass over time (every `everyMs`, default 1 s, on every replica; the statements
 * SKIP LOCKED so replicas share the work): due scheduled parts become queued (so a scheduled
 * message is at most about one pass late when the account is idle), and waiting parts whose
 * expires_at passed end expired, also while no bind is up. Bounded per pass; the rest waits for
 * the next pass.
 */
export class TimeSweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private failing = false;

  constructor(
    private readonly accounts: readonly string[],
    private readonly schedule: ScheduleStore,
    private readonly expiry: ExpiryStore,
    private readonly hooks: TimeSweeperHooks,
    private readonly logger: LoggerService,
    private readonly everyMs = 1_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.everyMs);
    this.timer.unref();
    void this.sweep();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass now (a pass already running is awaited instead). */
  sweep(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    try {
      for (const account of this.accounts) {
        for (let i = 0; i < MAX_BATCHES_PER_PASS; i++) {
          const { moved, events } = await this.schedule.promoteDue(account, BATCH);
          this.hooks.afterCommit(events);
          if (moved > 0) this.hooks.queued(account);
          if (moved < BATCH) break;
        }
      }
      for (let i = 0; i < MAX_BATCHES_PER_PASS; i++) {
        const { expired, events } = await this.expiry.expireDue(BATCH);
        this.hooks.afterCommit(events);
        if (expired < BATCH) break;
      }
      if (this.failing) this.logger.log('Scheduling and expiry pass works again');
      this.failing = false;
    } catch (error) {
      if (!this.failing)
        this.logger.warn(
          `Scheduling and expiry pass failed (${(error as Error).message}); it runs again in ${this.everyMs} ms`,
        );
      this.failing = true;
    }
  }
}
