import type { PendingEvent } from './message-state-writer.js';
import type { ReceiptObservation } from '../telemetry/smpp-telemetry.js';
import {
  finishPartWrite,
  observeReceipts,
  observeResolved,
  type PartWriteContext,
} from './part-write-context.js';
import { matchParked } from './receipt-matching.js';
import { lockAccounts, rows } from './sql.js';

/**
 * Parts claimed by a process that stopped before it stored their outcome: those whose
 * submit_sm was never written to a socket (`written_at` null) go back to the queue at once;
 * the others become `unknown` (the SMSC may have them), or queued again for accounts that chose
 * at-least-once. A claim is recovered when its lease ran out, or when its holder (another
 * replica) has had no live heartbeat for `replicas.deadAfterMs`. The holder marks written_at
 * only while the claim is still its own, on the same row: see WrittenMarks.
 */
export class ClaimRecovery {
  constructor(private readonly context: PartWriteContext) {}

  async recoverExpiredClaims(
    account: string,
    requeue: boolean,
    replicas?: { self: string; deadAfterMs: number },
  ): Promise<{ parts: number; unsent: number; events: PendingEvent[] }> {
    const observed: ReceiptObservation[] = [];
    const result = await this.context.dataSource.transaction(async (em) => {
      await lockAccounts(em, [this.context.scope.lockKey(account)]);
      const updated = await rows<{ id: string; message_id: string; status: string }>(
        em,
        `UPDATE smpp_message_parts p
            SET status = CASE WHEN p.written_at IS NULL OR $2::boolean THEN 'queued' ELSE 'unknown' END,
                attempts = CASE WHEN p.written_at IS NULL THEN GREATEST(0, p.attempts - 1) ELSE p.attempts END,
                error_status = CASE WHEN p.written_at IS NOT NULL AND NOT $2::boolean THEN 'NO_RESPONSE' ELSE p.error_status END,
                next_attempt_at = CASE WHEN p.written_at IS NULL OR $2::boolean THEN now() ELSE p.next_attempt_at END,
                written_at = CASE WHEN p.written_at IS NULL OR $2::boolean THEN NULL ELSE p.written_at END,
                claimed_by = NULL, claimed_until = NULL, updated_at = now()
          WHERE p.account = $1 AND p.status = 'submitting'
            AND (p.claimed_until < now()
                 OR ($3::varchar IS NOT NULL AND p.claimed_by IS DISTINCT FROM $3::varchar
                     AND p.updated_at < now() - $4::int * interval '1 millisecond'
                     AND NOT EXISTS (SELECT 1 FROM smpp_replicas r
                                      WHERE r.replica = p.claimed_by AND r.expires_at >= now())))
         RETURNING p.id, p.message_id, p.status`,
        [account, requeue, replicas?.self ?? null, replicas?.deadAfterMs ?? 0],
      );
      const touched = new Set(updated.map((u) => u.message_id));
      // Parts that became unknown: a receipt parked before may be theirs.
      const resolved = await this.context.unknowns.forParts(
        em,
        updated.filter((u) => u.status === 'unknown').map((u) => u.id),
      );
      if (resolved.parts.length > 0)
        await matchParked(em, this.context.scope, resolved.parts, touched, observed);
      const events = await finishPartWrite(this.context, em, touched, resolved.events);
      const unsent = updated.filter((u) => u.status === 'queued').length;
      return { parts: updated.length, unsent, events };
    });
    observeReceipts(this.context, observed);
    observeResolved(this.context, result.events);
    return result;
  }
}
