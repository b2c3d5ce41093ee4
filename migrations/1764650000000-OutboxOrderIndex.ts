import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order check of an event (has its message an earlier event still pending?) reads the
 * message's pending events through ix_smpp_outbox_events_pending_message. Its predicate was the
 * pending index's (seq) own, so the planner, which believes both hold a handful of rows, could
 * take either, and took the (seq) one: every pending entry below the event's seq, for each event
 * published. Those indexes keep every event dispatched since the table's last VACUUM (or since
 * the oldest open transaction began, a backup say) as a dead entry: under a purge the check took
 * 2.4 ms on average and up to 0.6 s. The new predicate says "pending" in a form only the order
 * check uses (COALESCE), so no other partial index matches it.
 */
export class OutboxOrderIndex1764650000000 implements MigrationInterface {
  name = 'OutboxOrderIndex1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await this.replace(
      q,
      'message_id IS NOT NULL AND COALESCE(dispatched_at, dead_lettered_at) IS NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await this.replace(
      q,
      'dispatched_at IS NULL AND dead_lettered_at IS NULL AND message_id IS NOT NULL',
    );
  }

  /** Builds the new index before dropping the old one: the check always has one. */
  private async replace(q: QueryRunner, predicate: string): Promise<void> {
    await q.query(`
      CREATE INDEX ix_smpp_outbox_events_pending_message_new
        ON smpp_outbox_events (message_id, seq) WHERE ${predicate}`);
    await q.query(`DROP INDEX ix_smpp_outbox_events_pending_message`);
    await q.query(
      `ALTER INDEX ix_smpp_outbox_events_pending_message_new RENAME TO ix_smpp_outbox_events_pending_message`,
    );
  }
}
