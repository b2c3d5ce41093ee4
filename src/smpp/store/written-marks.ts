import type { DataSource } from 'typeorm';
import { rows } from './sql.js';

/**
 * Marks claimed parts as written (`written_at`) right before their submit_sm is handed to a
 * socket, and only while the claim is still this replica's: a part that recovery took back (its
 * holder looked dead) is not marked, and must then not be sent. Recovery decides on the same
 * row, so of a mark and a recovery the second sees the first: a part can be marked and never
 * leave (it becomes `unknown`, honestly), but never leave unmarked (to be sent twice).
 * A part whose expires_at passed is not marked either (it is expired instead, never sent), nor
 * one cancelled meanwhile (no longer `submitting`).
 */
export class WrittenMarks {
  constructor(private readonly dataSource: DataSource) {}

  /** The ids (of `partIds`) that are still claimed by `holder` and now marked. */
  async mark(partIds: readonly string[], holder: string): Promise<Set<string>> {
    if (partIds.length === 0) return new Set();
    const marked = await rows<{ id: string }>(
      this.dataSource,
      `UPDATE smpp_message_parts SET written_at = now()
        WHERE id = ANY($1::uuid[]) AND status = 'submitting' AND claimed_by = $2
          AND (expires_at IS NULL OR expires_at > now())
       RETURNING id`,
      [partIds, holder],
    );
    return new Set(marked.map((r) => r.id));
  }
}
