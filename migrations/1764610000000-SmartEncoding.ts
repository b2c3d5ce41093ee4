import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * smpp_messages.smart_replacements: what smart encoding replaced in a message's parts (the
 * message's `text` stays the original). Nullable, so adding it rewrites no rows. At most 256
 * entries, one per distinct character replaced (the table has fewer rules than that).
 */
export class SmartEncoding1764610000000 implements MigrationInterface {
  name = 'SmartEncoding1764610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE smpp_messages ADD COLUMN smart_replacements jsonb`);
    await q.query(`
      ALTER TABLE smpp_messages ADD CONSTRAINT ck_smpp_messages_smart_replacements
        CHECK (smart_replacements IS NULL OR CASE WHEN jsonb_typeof(smart_replacements) = 'array'
               THEN jsonb_array_length(smart_replacements) BETWEEN 1 AND 256 ELSE false END)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE smpp_messages DROP CONSTRAINT ck_smpp_messages_smart_replacements`);
    await q.query(`ALTER TABLE smpp_messages DROP COLUMN smart_replacements`);
  }
}
