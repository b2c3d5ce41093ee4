import type { DataSource } from 'typeorm';
import { writeOutbox } from '../events/outbox-queries.js';
import { type PendingEvent, refreshMessages } from './message-state-writer.js';
import { rows } from './sql.js';

/**
 * Scheduled parts (status `scheduled`, next_attempt_at = their send time) become `queued` once
 * due, a bounded batch at a time (the partial index on scheduled parts by account and time;
 * SKIP LOCKED: replicas share the work, and a part is moved once). The claim then takes them like
 * any other; whoever claims a part sends it, so two replicas never send it twice.
 */
export class ScheduleStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly recordEvents: () => boolean,
    private readonly eventOwner: string | null,
  ) {}

  /** Moves up to `limit` due scheduled parts of the account to `queued`; how many moved. */
  async promoteDue(
    account: string,
    limit: number,
  ): Promise<{ moved: number; events: PendingEvent[] }> {
    return this.dataSource.transaction(async (em) => {
      const moved = await rows<{ message_id: string }>(
        em,
        `UPDATE smpp_message_parts p SET status = 'queued', updated_at = now()
           FROM (SELECT id FROM smpp_message_parts
                  WHERE status = 'scheduled' AND account = $1 AND next_attempt_at <= now()
                  ORDER BY next_attempt_at
                  LIMIT $2
                  FOR UPDATE SKIP LOCKED) AS due
          WHERE p.id = due.id
         RETURNING p.message_id`,
        [account, limit],
      );
      const events = await refreshMessages(
        em,
        moved.map((m) => m.message_id),
      );
      if (this.recordEvents()) await writeOutbox(em, events, this.eventOwner);
      return { moved: moved.length, events };
    });
  }

  /** When the account's next scheduled part is due (null: none scheduled). */
  async nextDue(account: string): Promise<Date | null> {
    const [row] = await rows<{ at: Date | null }>(
      this.dataSource,
      `SELECT min(next_attempt_at) AS at FROM smpp_message_parts WHERE status = 'scheduled' AND account = $1`,
      [account],
    );
    return row?.at ?? null;
  }
}
