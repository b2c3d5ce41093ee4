import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event outbox retries a failed dispatch with backoff and dead-letters it after a bounded
 * number of attempts; dispatch is leased to one process at a time (claimed_by / claimed_until);
 * each message's events are published in `seq` order (the order their changes committed in).
 */
export class OutboxRetries1764300000000 implements MigrationInterface {
  name = 'OutboxRetries1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE smpp_outbox_events
        ADD COLUMN seq              bigserial    NOT NULL,
        ADD COLUMN message_id       uuid,
        ADD COLUMN next_attempt_at  timestamptz  NOT NULL DEFAULT now(),
        ADD COLUMN last_error       varchar(500),
        ADD COLUMN dead_lettered_at timestamptz,
        ADD COLUMN claimed_by       varchar(64),
        ADD COLUMN claimed_until    timestamptz`);
    await q.query(`DROP INDEX ix_smpp_outbox_events_pending`);
    await q.query(`
      CREATE INDEX ix_smpp_outbox_events_pending
        ON smpp_outbox_events (seq) WHERE dispatched_at IS NULL AND dead_lettered_at IS NULL`);
    await q.query(`
      CREATE INDEX ix_smpp_outbox_events_pending_message
        ON smpp_outbox_events (message_id, seq)
        WHERE dispatched_at IS NULL AND dead_lettered_at IS NULL AND message_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_smpp_outbox_events_pending_message`);
    await q.query(`DROP INDEX ix_smpp_outbox_events_pending`);
    await q.query(`
      ALTER TABLE smpp_outbox_events
        DROP COLUMN seq,
        DROP COLUMN message_id,
        DROP COLUMN next_attempt_at,
        DROP COLUMN last_error,
        DROP COLUMN dead_lettered_at,
        DROP COLUMN claimed_by,
        DROP COLUMN claimed_until`);
    await q.query(`
      CREATE INDEX ix_smpp_outbox_events_pending
        ON smpp_outbox_events (created_at) WHERE dispatched_at IS NULL`);
  }
}
