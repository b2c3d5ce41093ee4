import { fitColumn } from '../messages/wire-values.js';
import type { PendingEvent } from './message-state-writer.js';
import type { PartRow, SubmitResult } from './part-rows.js';
import type { PartWrite, PartWriteContext } from './part-write-context.js';
import { matchParked } from './receipt-matching.js';
import { rows } from './sql.js';

/**
 * Stores what submit_sm led to for each part (accepted, retry later, failed, unknown, re-queued)
 * and applies the receipts that were parked because they overtook their submit_sm_resp. Runs
 * inside a part write (PartOutcomeWriter: the accounts' lock held); returns its own events.
 */
export async function storeSubmitResults(
  context: PartWriteContext,
  write: PartWrite,
  results: readonly SubmitResult[],
): Promise<PendingEvent[]> {
  const { em, touched, observed } = write;
  const { scope } = context;
  const v = results.map((r) => encodeOutcome(r));
  const updated = await rows<PartRow>(
    em,
    `UPDATE smpp_message_parts p
        SET status = v.status,
            smsc_message_id = COALESCE(v.smsc_id, p.smsc_message_id),
            next_attempt_at = CASE WHEN v.status = 'queued' THEN now() + (v.delay_ms * interval '1 millisecond') ELSE p.next_attempt_at END,
            attempts = GREATEST(0, p.attempts + v.attempts_delta),
            error_code = COALESCE(v.error_code, p.error_code),
            error_status = COALESCE(v.error_status, p.error_status),
            claimed_by = NULL, claimed_until = NULL,
            written_at = CASE WHEN v.status = 'queued' THEN NULL ELSE p.written_at END,
            submitted_at = CASE WHEN v.status = 'submitted' THEN now() ELSE p.submitted_at END,
            done_at = CASE WHEN v.status = 'failed' THEN now() ELSE p.done_at END,
            updated_at = now()
       FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::int[], $5::bigint[], $6::varchar[], $7::int[])
         AS v(id, status, smsc_id, delay_ms, error_code, error_status, attempts_delta)
      -- The status test is written as a join clause ("OR v.id IS NULL" never holds): as a
      -- filter on p alone it is estimated at ~1 row (statistics rarely catch parts in flight)
      -- and the planner nested-loops the whole table against the batch.
      WHERE p.id = v.id AND (p.status IN ('submitting', 'unknown') OR v.id IS NULL)
     RETURNING p.id, p.message_id, p.account, p.seq, p.smsc_message_id, p.status, p.submitted_at`,
    [
      v.map((x) => x.id),
      v.map((x) => x.status),
      v.map((x) => x.smscId),
      v.map((x) => x.delayMs),
      v.map((x) => x.errorCode),
      v.map((x) => x.errorStatus),
      v.map((x) => x.attemptsDelta),
    ],
  );
  for (const p of updated) touched.add(p.message_id);
  const accepted = updated.filter((p) => p.status === 'submitted');
  if (accepted.length > 0) await matchParked(em, scope, accepted, touched, observed);
  // Parts that became unknown: a receipt parked before may be theirs. After the accepted
  // parts took their parked receipts, so that none of those is taken for an unknown part.
  const resolved = await context.unknowns.forParts(
    em,
    updated.filter((p) => p.status === 'unknown').map((p) => p.id),
  );
  if (resolved.parts.length > 0) await matchParked(em, scope, resolved.parts, touched, observed);
  return resolved.events;
}

function encodeOutcome(r: SubmitResult) {
  const o = r.outcome;
  const base = {
    id: r.partId,
    smscId: null as string | null,
    delayMs: 0,
    errorCode: null as number | null,
    errorStatus: null as string | null,
    attemptsDelta: 0,
  };
  switch (o.kind) {
    case 'submitted':
      return { ...base, status: 'submitted', smscId: fitColumn(o.smscMessageId, 64) };
    case 'retry':
      return {
        ...base,
        status: 'queued',
        delayMs: o.delayMs,
        errorCode: o.errorCode,
        errorStatus: fitColumn(o.errorStatus, 32),
      };
    case 'failed':
      return {
        ...base,
        status: 'failed',
        errorCode: o.errorCode,
        errorStatus: fitColumn(o.errorStatus, 32),
      };
    case 'unknown':
      return { ...base, status: 'unknown', errorStatus: fitColumn(o.errorStatus, 32) };
    case 'requeue':
      return { ...base, status: 'queued', attemptsDelta: -1 };
  }
}
