import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Resolving `unknown` parts from receipts whose SMSC id matches nothing (store/unknown-resolver.ts):
 * - smpp_message_parts.unknown_resolved_at: when an `unknown` part was matched that way.
 * - the candidate parts of such a receipt: unknown, without an SMSC id, of an account, that became
 *   unknown (updated_at) after the receipt's submit date; partial, so it holds only unknown parts.
 * - the parked receipts of a destination (source_addr) on an account, received after a part was
 *   written; partial on part_id IS NULL like the other parked-receipt indexes.
 */
export class UnknownResolution1764620000000 implements MigrationInterface {
  name = 'UnknownResolution1764620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE smpp_message_parts ADD COLUMN unknown_resolved_at timestamptz NULL`);
    await q.query(`
      CREATE INDEX ix_smpp_message_parts_unknown
        ON smpp_message_parts (account, updated_at)
        WHERE status = 'unknown' AND smsc_message_id IS NULL`);
    await q.query(`
      CREATE INDEX ix_smpp_receipts_parked_source
        ON smpp_receipts (account, source_addr, received_at) WHERE part_id IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_smpp_receipts_parked_source`);
    await q.query(`DROP INDEX ix_smpp_message_parts_unknown`);
    await q.query(`ALTER TABLE smpp_message_parts DROP COLUMN unknown_resolved_at`);
  }
}
