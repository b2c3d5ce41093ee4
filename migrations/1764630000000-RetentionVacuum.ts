import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention of messages left `unknown` (option `retention.unknownMessagesDays`): the purge walks
 * them oldest first by the time they became unknown, their last update. Partial: the index holds
 * the unknown messages only, a small share of any history. (The purge's own VACUUM, see
 * src/smpp/retention/retention-vacuum.ts, needs no schema change.)
 */
export class RetentionVacuum1764630000000 implements MigrationInterface {
  name = 'RetentionVacuum1764630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX ix_smpp_messages_unknown
        ON smpp_messages (updated_at) WHERE status = 'unknown'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_smpp_messages_unknown`);
  }
}
