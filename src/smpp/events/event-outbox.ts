import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { rows, type SqlExecutor } from '../store/sql.js';
import type { PendingEvent } from '../store/message-state-writer.js';
import {
  InboundQuarantinedEvent,
  InboundReceivedEvent,
  MessageDeliveredEvent,
  MessageFailedEvent,
  MessageSubmittedEvent,
  MessageUnknownEvent,
  ReceiptReceivedEvent,
  type SmppDomainEventPayload,
} from './message-events.js';
import type { SmppEventPublisher } from './smpp-event-publisher.js';
import { SmppEvents, type SmppEventName } from './smpp-events.js';

const PAYLOAD_CLASSES: Partial<
  Record<SmppEventName, new (fields: never) => SmppDomainEventPayload>
> = {
  [SmppEvents.MessageSubmitted]: MessageSubmittedEvent,
  [SmppEvents.MessageDelivered]: MessageDeliveredEvent,
  [SmppEvents.MessageFailed]: MessageFailedEvent,
  [SmppEvents.ReceiptReceived]: ReceiptReceivedEvent,
  [SmppEvents.InboundReceived]: InboundReceivedEvent,
  [SmppEvents.MessageUnknown]: MessageUnknownEvent,
  [SmppEvents.InboundQuarantined]: InboundQuarantinedEvent,
};

/** Writes events in the transaction that made the change; call publish() after it committed. */
export async function writeOutbox(db: SqlExecutor, events: readonly PendingEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    `INSERT INTO smpp_outbox_events (id, name, payload)
     SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::jsonb[])`,
    [
      events.map((e) => e.payload.eventId),
      events.map((e) => e.name),
      events.map((e) => JSON.stringify(e.payload)),
    ],
  );
}

/**
 * At-least-once delivery of domain events to the host's listeners: every event is in the outbox
 * table, committed with its change; it is marked dispatched after its listeners ran. Events of a
 * process that died before dispatching are picked up by recover() (any replica, once).
 */
export class EventOutbox {
  private readonly logger = new Logger('SmppEventOutbox');

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: SmppEventPublisher,
  ) {}

  /** Whether events are recorded at all (only when the host has an EventEmitter). */
  get enabled(): boolean {
    return this.publisher.enabled;
  }

  async publish(events: readonly PendingEvent[]): Promise<void> {
    if (events.length === 0 || !this.enabled) return;
    for (const event of events) await this.publisher.publish(event.name, event.payload);
    await this.markDispatched(events.map((e) => e.payload.eventId));
  }

  /** Dispatches events left undispatched for longer than `olderThanMs` (their process died). */
  async recover(olderThanMs: number, limit = 500): Promise<number> {
    if (!this.enabled) return 0;
    const claimed = await this.dataSource.transaction(async (em) => {
      const found = await rows<{
        id: string;
        name: SmppEventName;
        payload: Record<string, unknown>;
      }>(
        em,
        `SELECT id, name, payload FROM smpp_outbox_events
          WHERE dispatched_at IS NULL AND created_at < now() - ($1::int * interval '1 millisecond')
          ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [olderThanMs, limit],
      );
      for (const row of found) {
        const Payload = PAYLOAD_CLASSES[row.name];
        if (!Payload) continue;
        await this.publisher.publish(row.name, new Payload(row.payload as never));
      }
      if (found.length > 0) {
        await em.query(
          `UPDATE smpp_outbox_events SET dispatched_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])`,
          [found.map((r) => r.id)],
        );
      }
      return found.length;
    });
    if (claimed > 0)
      this.logger.log(`Dispatched ${claimed} event(s) left over by a stopped process`);
    return claimed;
  }

  private async markDispatched(ids: string[]): Promise<void> {
    try {
      await this.dataSource.query(
        `UPDATE smpp_outbox_events SET dispatched_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])`,
        [ids],
      );
    } catch (error) {
      // They will be dispatched again by recover(): at-least-once, listeners dedupe on eventId.
      this.logger.warn(
        `Could not mark ${ids.length} event(s) dispatched: ${(error as Error).message}`,
      );
    }
  }
}
