import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention of messages left `submitted` (option `retention.submittedMessagesDays`): accepted by
 * the SMSC, and no final receipt ever came (none was asked for, registeredDelivery 0, or the SMSC
 * sent none). Without it such messages were kept for ever. The purge walks them oldest first by
 * their submission, their last update. Partial: the index holds the messages awaiting their
 * receipt (seconds' worth at full rate) and those that will never get one.
 */
export class SubmittedRetention1764640000000 implements MigrationInterface {
  name = 'SubmittedRetention1764640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX ix_smpp_messages_submitted
        ON smpp_messages (updated_at) WHERE status = 'submitted'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_smpp_messages_submitted`);
  }
}
