import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { revivePayload } from '../../events/event-payloads.js';
import type { SmppEventPublisher } from '../../events/smpp-event-publisher.js';
import type { SmppEventName } from '../../events/smpp-events.js';
import type { SmppTelemetry } from '../../telemetry/smpp-telemetry.js';
import type { PendingEvent } from '../message-state-writer.js';
import {
  claimDue,
  DISPATCH_LEASE_MS,
  holdForOrder,
  LAST_ERROR_MAX,
  markDispatched,
  messageIdOf,
  messagesWithEarlierPending,
  type OutboxRow,
  recordFailures,
  renewOwn,
  type RetryPolicy,
} from './outbox-queries.js';

/** Events taken per claim; the pass goes on while it finds some. */
const CLAIM_BATCH = 200;

export interface EventOutboxSettings extends RetryPolicy {
  /** This process (claims and leases are held in its name; its replica id with heartbeats). */
  instanceId: string;
  /**
   * With replicas' heartbeats (smpp_replicas): how long a heartbeat lives. Events held by a
   * replica without a live one are taken over after this, rather than after their lease.
   */
  deadAfterMs?: number;
}

export const DEFAULT_EVENT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  initialDelayMs: 1_000,
  maxDelayMs: 300_000,
};

interface Dispatchable {
  id: string;
  name: SmppEventName;
  payload: object;
  messageId: string | null;
}

/**
 * At-least-once delivery of domain events to the host's listeners. Every event is in the outbox
 * table, committed with its change, and marked dispatched only after its listeners ran without
 * an error. A listener that throws leaves the event undispatched: it is tried again with an
 * exponential backoff, up to `maxAttempts`, then dead-lettered (kept with its error; a telemetry
 * observation and one log line). The writer dispatches its events at once (publish()); events of
 * a process that died, or whose lease ran out, are taken over by any process (dispatchDue()).
 * Listeners never run inside a transaction or while a row lock is held. A message's events are
 * published in the order they were written: a later one waits while an earlier one is pending.
 */
export class EventOutbox {
  private readonly logger = new Logger('SmppEventOutbox');
  /** Per message, the end of this process's live publishing of its events (in write order). */
  private readonly tails = new Map<string, Promise<void>>();
  /** Events whose listeners are running in this process (never taken twice by it). */
  private readonly running = new Set<string>();
  private pumping: Promise<number> | undefined;
  private kickTimer: NodeJS.Timeout | undefined;
  /** Live publishes under way, so that shutdown can wait for them before the pool closes. */
  private readonly publishing = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: SmppEventPublisher,
    private readonly settings: EventOutboxSettings,
    private readonly telemetry?: SmppTelemetry,
  ) {}

  /** Whether events are recorded at all (only when the host has an EventEmitter). */
  get enabled(): boolean {
    return this.publisher.enabled;
  }

  /** Publishes events this process just committed; never rejects. */
  publish(events: readonly PendingEvent[]): Promise<void> {
    if (events.length === 0 || !this.enabled) return Promise.resolve();
    const run = this.publishInOrder(events);
    this.publishing.add(run);
    void run.finally(() => this.publishing.delete(run));
    return run;
  }

  private async publishInOrder(events: readonly PendingEvent[]): Promise<void> {
    const keys = [...new Set(events.map(messageIdOf).filter((k): k is string => k !== null))];
    const earlier = keys.map((k) => this.tails.get(k)).filter((p) => p !== undefined);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    for (const k of keys) this.tails.set(k, mine);
    try {
      await Promise.all(earlier);
      await this.dispatchLive(
        events.map((e) => ({
          id: e.payload.eventId,
          name: e.name,
          payload: e.payload,
          messageId: messageIdOf(e),
        })),
      );
    } catch (error) {
      this.logger.warn(`Event dispatch failed: ${describe(error)}; it is retried`);
    } finally {
      release();
      for (const k of keys) if (this.tails.get(k) === mine) this.tails.delete(k);
    }
  }

  /**
   * Dispatches the events due: this process's retries, and events whose owner's lease ran out
   * (their process stopped, or its listeners hang). Returns how many were dispatched.
   */
  dispatchDue(): Promise<number> {
    if (!this.enabled) return Promise.resolve(0);
    this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
    return this.pumping;
  }

  /** Stops the pass scheduled by a failure or a hold (the periodic one is the caller's). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.kickTimer);
    this.kickTimer = undefined;
  }

  /**
   * Waits (at most `timeoutMs`: a hanging listener must not hold up shutdown) for the publishes
   * and the pass under way, so that they record their dispatch before the pool closes. What is
   * left stays undispatched and is dispatched again after its lease (at least once).
   */
  async idle(timeoutMs = 10_000): Promise<void> {
    const work = Promise.allSettled([...this.publishing, this.pumping]);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([work, limit]);
    clearTimeout(timer);
  }

  private async pump(): Promise<number> {
    let dispatched = 0;
    let taken = 0;
    let passes = 0;
    do {
      const claimed = (
        await claimDue(
          this.dataSource,
          this.settings.instanceId,
          CLAIM_BATCH,
          this.settings.deadAfterMs,
        )
      ).filter((row) => !this.running.has(row.id));
      taken += claimed.length;
      if (claimed.length === 0) break;
      const foreign = claimed.filter(
        (row) => row.previous_owner !== this.settings.instanceId,
      ).length;
      if (foreign > 0)
        this.logger.log(
          `Dispatching ${foreign} event(s) whose process stopped (or did not dispatch them within ${DISPATCH_LEASE_MS / 1000} s)`,
        );
      dispatched += await this.dispatchClaimed(claimed.map(fromRow));
      passes++;
    } while (passes < 50);
    if (taken > 0) this.logger.debug?.(`Dispatch pass: ${dispatched} of ${taken} event(s)`);
    return dispatched;
  }

  private async dispatchLive(all: Dispatchable[]): Promise<void> {
    let blocked: Set<string>;
    let events = all;
    try {
      if (this.settings.deadAfterMs !== undefined) {
        // Taken over meanwhile (this replica's heartbeat lapsed): the taker dispatches them.
        const renewed = await renewOwn(
          this.dataSource,
          this.settings.instanceId,
          all.map((e) => e.id),
        );
        events = all.filter((e) => renewed.own.has(e.id));
        blocked = renewed.blocked;
      } else {
        const ordered = events.filter((e) => e.messageId !== null);
        blocked =
          ordered.length > 0
            ? await messagesWithEarlierPending(
                this.dataSource,
                ordered.map((e) => e.id),
              )
            : new Set();
      }
    } catch (error) {
      // The database is away: their lease runs out and a later pass dispatches them in order.
      this.logger.warn(
        `Cannot check the order of ${all.length} event(s) (${describe(error)}); they are dispatched later`,
      );
      return;
    }
    await this.dispatchClaimed(events, blocked);
  }

  /**
   * Runs the listeners of each event in order; a message whose event failed (or is blocked by an
   * earlier pending one) has its later events held back. Then stores what happened.
   */
  private async dispatchClaimed(
    events: Dispatchable[],
    blocked = new Set<string>(),
  ): Promise<number> {
    const done: string[] = [];
    const held: string[] = [];
    const failed: Array<{ id: string; error: string }> = [];
    for (const event of events) {
      if (event.messageId !== null && blocked.has(event.messageId)) {
        held.push(event.id);
        continue;
      }
      this.running.add(event.id);
      try {
        await this.publisher.emit(event.name, event.payload, DISPATCH_LEASE_MS);
        done.push(event.id);
      } catch (error) {
        failed.push({ id: event.id, error: boundedError(error) });
        if (event.messageId !== null) blocked.add(event.messageId);
      } finally {
        this.running.delete(event.id);
      }
    }
    await this.store(done, held, failed);
    if (held.length > 0 || failed.length > 0) this.kick(held.length > 0 ? 50 : 1_000);
    return done.length;
  }

  private async store(
    done: string[],
    held: string[],
    failed: Array<{ id: string; error: string }>,
  ): Promise<void> {
    const owner = this.settings.instanceId;
    try {
      await markDispatched(this.dataSource, done);
      await holdForOrder(this.dataSource, owner, held);
      const rows = await recordFailures(this.dataSource, owner, failed, this.settings);
      for (const row of rows) this.reportFailure(row, failed);
    } catch (error) {
      // Undispatched in the table: their lease runs out and they are dispatched again
      // (at least once: listeners dedupe on eventId).
      this.logger.warn(
        `Could not record the dispatch of ${done.length + held.length + failed.length} event(s): ${describe(error)}`,
      );
    }
  }

  private reportFailure(
    row: { id: string; name: string; attempts: number; dead: boolean; retry_in_ms: number },
    failed: Array<{ id: string; error: string }>,
  ): void {
    const error = failed.find((f) => f.id === row.id)?.error ?? 'unknown error';
    this.telemetry?.event({
      name: row.name,
      result: row.dead ? 'dead-lettered' : 'retry',
      attempts: row.attempts,
    });
    const max = this.settings.maxAttempts;
    if (row.dead) {
      this.logger.error(
        `Event ${row.id} (${row.name}) dead-lettered after ${row.attempts} failed dispatch(es); last error: ${error}. It stays in smpp_outbox_events with dead_lettered_at set`,
      );
    } else if (row.attempts === 1) {
      this.logger.warn(
        `A listener of ${row.name} failed for event ${row.id} (${error}); retried in ${Math.round(row.retry_in_ms / 1000)} s (up to ${max} attempts)`,
      );
    } else {
      this.logger.debug?.(
        `Event ${row.id} (${row.name}) failed again (attempt ${row.attempts} of ${max}): ${error}`,
      );
    }
  }

  /** Runs a pass soon (a retry or a held event is due), besides the periodic one. */
  private kick(ms: number): void {
    if (this.kickTimer || this.stopped) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = undefined;
      void this.dispatchDue().catch((error: unknown) =>
        this.logger.warn(`Event dispatch pass failed: ${describe(error)}`),
      );
    }, ms);
    this.kickTimer.unref();
  }
}

function fromRow(row: OutboxRow): Dispatchable {
  const payload = revivePayload(row.name, row.payload);
  const messageId = typeof row.payload.messageId === 'string' ? row.payload.messageId : null;
  return { id: row.id, name: row.name, payload, messageId };
}

/** A listener's error as stored: one line, no NUL or lone surrogate, bounded. */
function boundedError(error: unknown): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const text = (describe(error) || 'a listener failed').replace(/[\0-\x1f\x7f]+/g, ' ');
  return text
    .slice(0, LAST_ERROR_MAX)
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
