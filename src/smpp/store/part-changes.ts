import { partStateOfStat } from '../receipts/receipt-state.js';
import { canTransition, FINAL_STATUSES, type PartStatus } from '../messages/message-status.js';
import type { PartRow, ReceiptFacts } from './part-rows.js';
import type { SqlExecutor } from './sql.js';

/** The receipts matched in one transaction and what they do to their parts, applied in arrival order. */
export class PartChanges {
  readonly matches: Array<{ receiptId: string; part: PartRow; duplicate: boolean }> = [];
  private readonly statuses = new Map<string, PartStatus>();
  private readonly facts = new Map<string, { stat: string; errorCode: number | null }>();

  /** Applies one receipt in memory; a receipt that changes nothing is a duplicate. */
  apply(part: PartRow, receipt: ReceiptFacts): void {
    const current = this.statuses.get(part.id) ?? part.status;
    const next = partStateOfStat(receipt.stat);
    let changes: boolean;
    if (next === null) {
      // ACCEPTD / ENROUTE: recorded on the part, the message goes on.
      changes = !FINAL_STATUSES.has(current);
      if (changes) this.facts.set(part.id, { stat: receipt.stat, errorCode: receipt.errorCode });
      this.statuses.set(part.id, current);
    } else {
      changes = canTransition(current, next);
      if (changes) {
        this.facts.set(part.id, { stat: receipt.stat, errorCode: receipt.errorCode });
        this.statuses.set(part.id, next);
      } else {
        this.statuses.set(part.id, current);
      }
    }
    this.matches.push({ receiptId: receipt.receiptId, part, duplicate: !changes });
  }

  /** Writes the matches onto receipts already stored (parked ones), then the parts. */
  async write(em: SqlExecutor): Promise<void> {
    await this.writeMatches(em);
    await this.writeParts(em);
  }

  private async writeMatches(em: SqlExecutor): Promise<void> {
    const matches = this.matches;
    if (matches.length > 0) {
      await em.query(
        `UPDATE smpp_receipts r SET part_id = v.part_id, matched_at = now(), duplicate = v.duplicate
         FROM unnest($1::uuid[], $2::uuid[], $3::boolean[]) AS v(id, part_id, duplicate)
        WHERE r.id = v.id`,
        [
          matches.map((m) => m.receiptId),
          matches.map((m) => m.part.id),
          matches.map((m) => m.duplicate),
        ],
      );
    }
  }

  /** Writes what the receipts did to their parts (the matches are stored by the caller). */
  async writeParts(em: SqlExecutor): Promise<void> {
    const partIds = [...this.facts.keys()];
    if (partIds.length > 0) {
      const facts = partIds.map((id) => this.facts.get(id));
      await em.query(
        `UPDATE smpp_message_parts p
          SET status = v.status,
              receipt_stat = COALESCE(v.stat, p.receipt_stat),
              error_code = CASE WHEN v.status IN ('undeliverable', 'expired', 'rejected', 'failed', 'unknown') AND v.status <> p.status THEN v.error_code ELSE p.error_code END,
              error_status = CASE WHEN v.status IN ('undeliverable', 'expired', 'rejected', 'failed', 'unknown') AND v.status <> p.status THEN v.stat ELSE p.error_status END,
              done_at = CASE WHEN v.status IN ('delivered', 'undeliverable', 'expired', 'rejected', 'failed') AND p.done_at IS NULL THEN now() ELSE p.done_at END,
              updated_at = now()
         FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::bigint[]) AS v(id, status, stat, error_code)
        WHERE p.id = v.id`,
        [
          partIds,
          partIds.map((id) => this.statuses.get(id)),
          facts.map((f) => f?.stat ?? null),
          facts.map((f) => f?.errorCode ?? null),
        ],
      );
    }
  }
}
