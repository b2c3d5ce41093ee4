import type { DataSource } from 'typeorm';
import { writeOutbox } from '../events/outbox-queries.js';
import { LOCAL_EXPIRY_STATUS, type PendingEvent, refreshMessages } from './message-state-writer.js';
import { lockAccounts, rows, type SqlExecutor } from './sql.js';

const EXPIRE_SET = `status = 'expired', error_status = '${LOCAL_EXPIRY_STATUS}', claimed_by = NULL,
                    claimed_until = NULL, done_at = now(), updated_at = now()`;

/**
 * Parts not submitted by their expires_at end `expired` (error_status EXPIRED_LOCALLY, never
 * sent), and their messages `expired` with `smpp.message.expired`, in one transaction each:
 * - waiting ones (scheduled or queued) by a periodic sweep, a bounded batch at a time over the
 *   partial expiry index, SKIP LOCKED (replicas share it), so a message expires with no bind up;
 * - claimed ones whose submit_sm was not yet written (the dispatcher checks right before the
 *   submit), only while the claim is still the caller's.
 * Each takes the accounts' receipt-match lock first (as the result and receipt writers do): a
 * message whose other parts get results or receipts meanwhile is recomputed from both changes.
 */
export class ExpiryStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly recordEvents: () => boolean,
    private readonly eventOwner: string | null,
    /** The key of an account's receipt-match lock (its system_id and host). */
    private readonly lockKey: (account: string) => string = (account) => account,
  ) {}

  /** Expires up to `limit` waiting parts (any account) whose expires_at passed. */
  async expireDue(limit: number): Promise<{ expired: number; events: PendingEvent[] }> {
    return this.dataSource.transaction(async (em) => {
      const due = await rows<{ id: string; account: string }>(
        em,
        `SELECT id, account FROM smpp_message_parts
          WHERE status IN ('scheduled', 'queued') AND expires_at IS NOT NULL AND expires_at <= now()
          ORDER BY expires_at
          LIMIT $1`,
        [limit],
      );
      if (due.length === 0) return { expired: 0, events: [] };
      await lockAccounts(
        em,
        due.map((d) => this.lockKey(d.account)),
      );
      // Under the lock: a part claimed or cancelled meanwhile is no longer waiting.
      const expired = await rows<{ message_id: string }>(
        em,
        `UPDATE smpp_message_parts SET ${EXPIRE_SET}
          WHERE id = ANY($1::uuid[]) AND status IN ('scheduled', 'queued') AND expires_at <= now()
         RETURNING message_id`,
        [due.map((d) => d.id)],
      );
      return { expired: due.length, events: await this.finish(em, expired) };
    });
  }

  /**
   * Expires claimed parts that were not written to a socket and whose expires_at passed, while
   * `holder` still holds them; the ids it expired (a part handed over or cancelled meanwhile is
   * left alone).
   */
  async expireClaimed(
    account: string,
    partIds: readonly string[],
    holder: string,
  ): Promise<{ expired: Set<string>; events: PendingEvent[] }> {
    if (partIds.length === 0) return { expired: new Set(), events: [] };
    return this.dataSource.transaction(async (em) => {
      await lockAccounts(em, [this.lockKey(account)]);
      const expired = await rows<{ id: string; message_id: string }>(
        em,
        `UPDATE smpp_message_parts SET ${EXPIRE_SET}
          WHERE id = ANY($1::uuid[]) AND status = 'submitting' AND claimed_by = $2
            AND written_at IS NULL AND expires_at <= now()
         RETURNING id, message_id`,
        [partIds, holder],
      );
      return {
        expired: new Set(expired.map((e) => e.id)),
        events: await this.finish(em, expired),
      };
    });
  }

  private async finish(
    em: SqlExecutor,
    parts: ReadonlyArray<{ message_id: string }>,
  ): Promise<PendingEvent[]> {
    const events = await refreshMessages(
      em,
      parts.map((p) => p.message_id),
    );
    if (this.recordEvents()) await writeOutbox(em, events, this.eventOwner);
    return events;
  }
}
