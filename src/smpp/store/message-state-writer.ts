import {
  MessageDeliveredEvent,
  MessageExpiredEvent,
  MessageFailedEvent,
  MessageSubmittedEvent,
  MessageUnknownEvent,
  type SmppDomainEventPayload,
} from '../events/message-events.js';
import { SmppEvents, type SmppEventName } from '../events/smpp-events.js';
import { errorReason } from '../receipts/error-reasons.js';
import {
  aggregateStatus,
  FAILURE_STATUSES,
  FINAL_STATUSES,
  type MessageStatus,
  type PartStatus,
} from '../messages/message-status.js';
import { rows, type SqlExecutor } from './sql.js';
import { timeOrderedId } from '../messages/time-ordered-id.js';

export interface PendingEvent {
  name: SmppEventName;
  payload: SmppDomainEventPayload;
}

interface MessageRow {
  id: string;
  account: string;
  destination: string;
  client_ref: string | null;
  status: MessageStatus;
  expires_at: Date | null;
  part_statuses: PartStatus[];
  smsc_ids: (string | null)[];
  part_error_codes: (string | number | null)[];
  part_error_statuses: (string | null)[];
}

/**
 * Recomputes the status of messages whose parts changed in this transaction, writes the ones that
 * changed, and returns the events those changes mean (to be written to the outbox in the same
 * transaction and published after the commit).
 */
export async function refreshMessages(
  db: SqlExecutor,
  messageIds: Iterable<string>,
): Promise<PendingEvent[]> {
  const ids = [...new Set(messageIds)];
  if (ids.length === 0) return [];
  const messages = await rows<MessageRow>(
    db,
    // The parts in a LATERAL subquery, not a join of the two tables: costing a merge join of
    // them, the planner reads the ends of both id indexes, which after a purge (the oldest ids
    // are the lowest) and until its VACUUM are dead entries: 7 ms and 700 pages per plan.
    `SELECT m.id, m.account, m.destination, m.client_ref, m.status, m.expires_at,
            p.part_statuses, p.smsc_ids, p.part_error_codes, p.part_error_statuses
       FROM smpp_messages m,
            LATERAL (SELECT array_agg(status ORDER BY seq) AS part_statuses,
                            array_agg(smsc_message_id ORDER BY seq) AS smsc_ids,
                            array_agg(error_code ORDER BY seq) AS part_error_codes,
                            array_agg(error_status ORDER BY seq) AS part_error_statuses
                       FROM smpp_message_parts WHERE message_id = m.id) p
      WHERE m.id = ANY($1::uuid[]) AND p.part_statuses IS NOT NULL`,
    [ids],
  );
  const now = new Date();
  const changed: Array<{
    row: MessageRow;
    status: MessageStatus;
    sent: boolean;
    code: number | null;
    errStatus: string | null;
    reason: string | null;
  }> = [];
  const events: PendingEvent[] = [];
  for (const row of messages) {
    // A message that ended stays as it ended (one final event): e.g. `expired` locally while an
    // earlier part that left later gets an UNDELIV receipt (the part records it).
    if (FINAL_STATUSES.has(row.status)) continue;
    const status = aggregateStatus(row.part_statuses);
    if (status === row.status) continue;
    const failedAt = row.part_statuses.findIndex((s) => FAILURE_STATUSES.has(s));
    // bigint comes back as a string; every 32-bit status is exact as a number.
    const rawCode = failedAt >= 0 ? row.part_error_codes[failedAt] : null;
    const code = rawCode === null || rawCode === undefined ? null : Number(rawCode);
    const errStatus = failedAt >= 0 ? row.part_error_statuses[failedAt] : null;
    const reason = failedAt >= 0 ? reasonFor(code, errStatus) : null;
    changed.push({
      row,
      status,
      code,
      errStatus,
      reason,
      sent: row.smsc_ids.some((i) => i !== null),
    });
    events.push(...eventsFor(row, status, code, errStatus, reason, now));
  }
  if (changed.length > 0) {
    await db.query(
      `UPDATE smpp_messages m
          SET status = v.status,
              error_code = COALESCE(v.error_code, m.error_code),
              error_status = COALESCE(v.error_status, m.error_status),
              error_reason = COALESCE(v.error_reason, m.error_reason),
              submitted_at = CASE WHEN m.submitted_at IS NULL AND v.sent AND v.status NOT IN ('scheduled', 'queued', 'submitting', 'unknown', 'failed', 'cancelled') THEN now() ELSE m.submitted_at END,
              done_at = CASE WHEN v.status IN ('delivered', 'undeliverable', 'expired', 'rejected', 'failed', 'cancelled') THEN now() ELSE m.done_at END,
              updated_at = now()
         FROM unnest($1::uuid[], $2::varchar[], $3::bigint[], $4::varchar[], $5::text[], $6::boolean[])
              AS v(id, status, error_code, error_status, error_reason, sent)
        WHERE m.id = v.id`,
      [
        changed.map((c) => c.row.id),
        changed.map((c) => c.status),
        changed.map((c) => c.code),
        changed.map((c) => c.errStatus),
        changed.map((c) => c.reason),
        changed.map((c) => c.sent),
      ],
    );
  }
  return events;
}

/** error_status of a part that was not submitted before the message's expiresAt (never sent). */
export const LOCAL_EXPIRY_STATUS = 'EXPIRED_LOCALLY';

/** error_status of a part whose submit result could not be stored after every attempt. */
export const STORE_FAILED_STATUS = 'STORE_FAILED';

function reasonFor(code: number | null, status: string | null): string | null {
  if (status === LOCAL_EXPIRY_STATUS)
    return 'Not submitted before its expiresAt: this part was never sent.';
  if (status === STORE_FAILED_STATUS)
    return "The SMSC's answer to this part could not be stored (the database refused it every time); the part may or may not have been sent.";
  if (status?.startsWith('ESME_') || status?.startsWith('0x'))
    return `The SMSC refused the message: ${status}`;
  return errorReason(code) ?? null;
}

function eventsFor(
  row: MessageRow,
  status: MessageStatus,
  errorCode: number | null,
  errorStatus: string | null,
  reason: string | null,
  at: Date,
): PendingEvent[] {
  const base = {
    messageId: row.id,
    account: row.account,
    to: row.destination,
    clientRef: row.client_ref,
    at,
  };
  const events: PendingEvent[] = [];
  const wasPending =
    row.status === 'scheduled' || row.status === 'queued' || row.status === 'submitting';
  const allAccepted = row.smsc_ids.every((id) => id !== null);
  if (
    wasPending &&
    allAccepted &&
    (status === 'submitted' || status === 'delivered' || FAILURE_STATUSES.has(status))
  ) {
    events.push({
      name: SmppEvents.MessageSubmitted,
      payload: new MessageSubmittedEvent({
        ...base,
        eventId: timeOrderedId(),
        parts: row.part_statuses.length,
        smscMessageIds: row.smsc_ids as string[],
      }),
    });
  }
  if (status === 'delivered') {
    events.push({
      name: SmppEvents.MessageDelivered,
      payload: new MessageDeliveredEvent({ ...base, eventId: timeOrderedId(), doneAt: at }),
    });
  } else if (status === 'unknown') {
    const at = row.part_statuses.indexOf('unknown');
    events.push({
      name: SmppEvents.MessageUnknown,
      payload: new MessageUnknownEvent({
        ...base,
        eventId: timeOrderedId(),
        errorStatus: at >= 0 ? row.part_error_statuses[at] : null,
      }),
    });
  } else if (status === 'expired' && errorStatus === LOCAL_EXPIRY_STATUS) {
    events.push({
      name: SmppEvents.MessageExpired,
      payload: new MessageExpiredEvent({
        ...base,
        eventId: timeOrderedId(),
        expiresAt: row.expires_at ?? at,
        partsSent: row.smsc_ids.filter((id) => id !== null).length,
        doneAt: at,
      }),
    });
  } else if (FAILURE_STATUSES.has(status)) {
    events.push({
      name: SmppEvents.MessageFailed,
      payload: new MessageFailedEvent({
        ...base,
        eventId: timeOrderedId(),
        status,
        errorCode,
        errorStatus,
        errorReason: reason,
        doneAt: at,
      }),
    });
  }
  return events;
}
