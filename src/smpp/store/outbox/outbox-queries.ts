import type { SmppEventName } from '../../events/smpp-events.js';
import { backoffDelay, type BackoffPolicy } from '../../retry/backoff.js';
import type { PendingEvent } from '../message-state-writer.js';
import { ASYNC_COMMIT, rows, type SqlExecutor } from '../sql.js';

/** How long a writer (or a process that took an event over) owns its dispatch, ms. */
export const DISPATCH_LEASE_MS = 30_000;
/** The longest a last_error is kept (the column's width). */
export const LAST_ERROR_MAX = 500;

/** An event taken from the table for a dispatch. */
export interface OutboxRow {
  id: string;
  name: SmppEventName;
  payload: Record<string, unknown>;
  attempts: number;
  seq: string;
  /** Who held it before this claim (null: its writer); another process means it was taken over. */
  previous_owner: string | null;
}

/** A failed dispatch as stored: dead when its attempts ran out. */
export interface FailedRow {
  id: string;
  name: SmppEventName;
  attempts: number;
  dead: boolean;
  retry_in_ms: number;
}

export interface RetryPolicy {
  maxAttempts: number;
  /** Delay after the first failure, doubled after each further one, ms. */
  initialDelayMs: number;
  maxDelayMs: number;
}

/** Failed dispatches with a delay of their own; later ones take the last (by then the maximum). */
const RETRY_DELAY_STEPS = 32;

/**
 * The delay after the 1st, 2nd, ... failed dispatch (backoffDelay: doubling from initialDelayMs,
 * capped at maxDelayMs, ±25 % spread), as recordFailures takes them.
 */
export function eventRetryDelays(
  policy: RetryPolicy,
  random: () => number = Math.random,
): number[] {
  const backoff: BackoffPolicy = {
    initialDelayMs: policy.initialDelayMs,
    maxDelayMs: policy.maxDelayMs,
    multiplier: 2,
    jitter: 0.25,
  };
  const steps = Math.max(1, Math.min(policy.maxAttempts, RETRY_DELAY_STEPS));
  return Array.from({ length: steps }, (_, i) => backoffDelay(backoff, i + 1, random));
}

/** The message an event is about, if any (its ordering key). */
export function messageIdOf(event: { payload: object }): string | null {
  const id = (event.payload as { messageId?: unknown }).messageId;
  return typeof id === 'string' ? id : null;
}

/**
 * Writes events in the transaction that made the change; call EventOutbox.publish() after it
 * committed. The writer (`owner`, its replica id) owns their dispatch for DISPATCH_LEASE_MS; after
 * that (the writer died, or its listeners hang), or once the writer has no live heartbeat in
 * smpp_replicas, any process may take them over.
 */
export async function writeOutbox(
  db: SqlExecutor,
  events: readonly PendingEvent[],
  owner: string | null = null,
): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    // Not due for the writer's own dispatch passes (next_attempt_at): its publish() runs them.
    `INSERT INTO smpp_outbox_events
            (id, name, payload, message_id, claimed_by, claimed_until, next_attempt_at)
     SELECT v.id, v.name, v.payload, v.message_id, $6::varchar,
            now() + $5::int * interval '1 millisecond', now() + $5::int * interval '1 millisecond'
       FROM unnest($1::uuid[], $2::varchar[], $3::jsonb[], $4::uuid[])
            WITH ORDINALITY AS v(id, name, payload, message_id, n)
      ORDER BY v.n`,
    [
      events.map((e) => e.payload.eventId),
      events.map((e) => e.name),
      events.map((e) => JSON.stringify(e.payload)),
      events.map(messageIdOf),
      DISPATCH_LEASE_MS,
      owner,
    ],
  );
}

/**
 * SQL: the event `event` (an alias) has an earlier event of its message neither dispatched nor
 * dead-lettered, other than those in `batch` (an array expression, if given): it must wait for it.
 * "Pending" is written as ix_smpp_outbox_events_pending_message's predicate has it (COALESCE), so
 * that only that index matches: through the pending index (by seq) the check read every pending
 * entry below the event, dead ones included, which a busy table holds by the ten thousand.
 */
function earlierPending(event: string, batch?: string): string {
  return `EXISTS (SELECT 1 FROM smpp_outbox_events e
                   WHERE e.message_id = ${event}.message_id AND e.seq < ${event}.seq
                     AND COALESCE(e.dispatched_at, e.dead_lettered_at) IS NULL
                     ${batch ? `AND NOT (e.id = ANY(${batch}))` : ''})`;
}

/**
 * Renews this process's lease on events it is about to dispatch live; returns those still its
 * own (another process may have taken one over, its writer's heartbeat having lapsed) and, in the
 * same statement, the messages among them with an earlier event still pending (see
 * messagesWithEarlierPending). The row update orders it against a takeover's claim, so an event
 * is never dispatched by both while the database runs; the renewal's commit does not wait for
 * the disk (ASYNC_COMMIT): a database crash may lose it, and the event may then be dispatched
 * again, as at-least-once allows.
 */
export async function renewOwn(
  db: SqlExecutor,
  owner: string,
  ids: readonly string[],
): Promise<{ own: Set<string>; blocked: Set<string> }> {
  if (ids.length === 0) return { own: new Set(), blocked: new Set() };
  const found = await rows<{ id: string; blocked_message: string | null }>(
    db,
    `WITH own AS (
       UPDATE smpp_outbox_events SET claimed_until = now() + $3::int * interval '1 millisecond'
         FROM ${ASYNC_COMMIT}
        WHERE id = ANY($1::uuid[]) AND claimed_by = $2 AND dispatched_at IS NULL
        RETURNING id, message_id, seq)
     SELECT o.id, CASE WHEN ${earlierPending('o', '$1::uuid[]')} THEN o.message_id END AS blocked_message
       FROM own o`,
    [ids, owner, DISPATCH_LEASE_MS],
  );
  return {
    own: new Set(found.map((r) => r.id)),
    blocked: new Set(found.flatMap((r) => (r.blocked_message ? [r.blocked_message] : []))),
  };
}

/**
 * Messages among `ids`' that have an earlier event not dispatched yet (nor dead-lettered): their
 * later events must wait for it.
 */
export async function messagesWithEarlierPending(
  db: SqlExecutor,
  ids: readonly string[],
): Promise<Set<string>> {
  const found = await rows<{ message_id: string }>(
    db,
    `SELECT DISTINCT b.message_id
       FROM smpp_outbox_events b
      WHERE b.id = ANY($1::uuid[]) AND b.message_id IS NOT NULL AND ${earlierPending('b', '$1::uuid[]')}`,
    [ids],
  );
  return new Set(found.map((r) => r.message_id));
}

/**
 * Takes up to `limit` events due for a dispatch, in a statement of its own (the row locks last
 * only as long as it): this process's own events whose retry is due, and any whose owner's lease
 * ran out. With `deadAfterMs` (replicas with heartbeats), also those whose owner has had no live
 * heartbeat in smpp_replicas and held them for longer than that (a dead replica's events are
 * taken over as soon as its parts are). An event whose message has an earlier event still
 * pending is left for later.
 */
export function claimDue(
  db: SqlExecutor,
  owner: string,
  limit: number,
  deadAfterMs?: number,
): Promise<OutboxRow[]> {
  return rows<OutboxRow>(
    db,
    `WITH due AS (
       SELECT c.id, c.claimed_by AS previous_owner FROM smpp_outbox_events c
        WHERE c.dispatched_at IS NULL AND c.dead_lettered_at IS NULL
          AND ((c.claimed_by = $1 AND c.next_attempt_at <= now())
               OR COALESCE(c.claimed_until, '-infinity') < now()
               OR ($4::int IS NOT NULL AND c.claimed_by <> $1
                   AND c.claimed_until < now() + ($3::int - $4::int) * interval '1 millisecond'
                   AND NOT EXISTS (SELECT 1 FROM smpp_replicas r
                                    WHERE r.replica = c.claimed_by AND r.expires_at >= now())))
          AND NOT ${earlierPending('c')}
        ORDER BY c.seq
        LIMIT $2
        FOR UPDATE SKIP LOCKED)
     UPDATE smpp_outbox_events o
        SET claimed_by = $1, claimed_until = now() + $3::int * interval '1 millisecond'
       FROM due WHERE o.id = due.id
     RETURNING o.id, o.name, o.payload, o.attempts, o.seq, due.previous_owner`,
    [owner, limit, DISPATCH_LEASE_MS, deadAfterMs ?? null],
  ).then((found) => found.sort((a, b) => Number(BigInt(a.seq) - BigInt(b.seq))));
}

export async function markDispatched(db: SqlExecutor, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE smpp_outbox_events SET dispatched_at = now(), attempts = attempts + 1
       FROM ${ASYNC_COMMIT}
      WHERE id = ANY($1::uuid[]) AND dispatched_at IS NULL`,
    [ids],
  );
}

/** Events this process holds back (an earlier event of their message is pending): due at once. */
export async function holdForOrder(
  db: SqlExecutor,
  owner: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE smpp_outbox_events
        SET claimed_by = $2, next_attempt_at = now(),
            claimed_until = now() + $3::int * interval '1 millisecond'
      WHERE id = ANY($1::uuid[]) AND dispatched_at IS NULL`,
    [ids, owner, DISPATCH_LEASE_MS],
  );
}

/**
 * Records failed dispatches: one more attempt, the error, the next attempt after the backoff of
 * eventRetryDelays, or dead-lettered once the attempts ran out.
 */
export function recordFailures(
  db: SqlExecutor,
  owner: string,
  failures: ReadonlyArray<{ id: string; error: string }>,
  policy: RetryPolicy,
): Promise<FailedRow[]> {
  if (failures.length === 0) return Promise.resolve([]);
  return rows<FailedRow>(
    db,
    `WITH f AS (
       SELECT o.id,
              o.attempts + 1 >= $4 AS dead,
              ($5::int[])[least(o.attempts + 1, cardinality($5::int[]))] AS delay_ms
         FROM smpp_outbox_events o
         JOIN unnest($1::uuid[]) AS v(id) ON v.id = o.id
        WHERE o.dispatched_at IS NULL)
     UPDATE smpp_outbox_events o
        SET attempts = o.attempts + 1,
            last_error = left(v.error, ${LAST_ERROR_MAX}),
            claimed_by = $3,
            next_attempt_at = now() + f.delay_ms * interval '1 millisecond',
            claimed_until = now() + (f.delay_ms + $6::int) * interval '1 millisecond',
            dead_lettered_at = CASE WHEN f.dead THEN now() END
       FROM f, unnest($1::uuid[], $2::text[]) AS v(id, error)
      WHERE o.id = f.id AND v.id = f.id
     RETURNING o.id, o.name, o.attempts, f.dead, f.delay_ms AS retry_in_ms`,
    [
      failures.map((f) => f.id),
      failures.map((f) => f.error),
      owner,
      policy.maxAttempts,
      eventRetryDelays(policy),
      DISPATCH_LEASE_MS,
    ],
  );
}
