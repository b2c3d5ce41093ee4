import type { MigrationInterface, QueryRunner } from 'typeorm';

const OLD_STATUSES = `'queued', 'submitting', 'submitted', 'delivered', 'undeliverable', 'expired', 'rejected', 'failed', 'unknown'`;
const STATUSES = `'scheduled', ${OLD_STATUSES}, 'cancelled'`;

/**
 * Priority lanes, expiry, scheduling and cancel (issue 12):
 * - `priority` (the lane's rank: 0 high, 1 normal, 2 bulk) on messages and, copied, on parts;
 *   `expires_at` likewise; `send_at` on messages (a scheduled part waits with next_attempt_at =
 *   send_at and status `scheduled`).
 * - statuses `scheduled` and `cancelled`.
 * - the claim index becomes (account, priority, next_attempt_at) on queued parts: one index range
 *   per lane, highest first; scheduled parts by send time; the expiry sweep by expires_at. All
 *   partial, so their size is the live rows'.
 * - the pending-messages index (maxQueued) counts scheduled messages too.
 */
export class LanesAndTime1764600000000 implements MigrationInterface {
  name = 'LanesAndTime1764600000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['smpp_messages', 'smpp_message_parts']) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ck_${table}_status`);
      await q.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ck_${table}_status CHECK (status IN (${STATUSES}))`,
      );
      await q.query(`ALTER TABLE ${table} ADD COLUMN priority smallint NOT NULL DEFAULT '1'`);
      await q.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ck_${table}_priority CHECK (priority IN (0, 1, 2))`,
      );
      await q.query(`ALTER TABLE ${table} ADD COLUMN expires_at timestamptz`);
    }
    await q.query(`ALTER TABLE smpp_messages ADD COLUMN send_at timestamptz`);
    await q.query(`DROP INDEX ix_smpp_messages_status_pending`);
    await q.query(`
      CREATE INDEX ix_smpp_messages_status_pending
        ON smpp_messages (status) WHERE status IN ('scheduled', 'queued', 'submitting')`);
    await q.query(`DROP INDEX ix_smpp_message_parts_claim`);
    await q.query(`
      CREATE INDEX ix_smpp_message_parts_claim_lanes
        ON smpp_message_parts (account, priority, next_attempt_at) WHERE status = 'queued'`);
    await q.query(`
      CREATE INDEX ix_smpp_message_parts_scheduled
        ON smpp_message_parts (account, next_attempt_at) WHERE status = 'scheduled'`);
    await q.query(`
      CREATE INDEX ix_smpp_message_parts_expiry
        ON smpp_message_parts (expires_at)
        WHERE status IN ('scheduled', 'queued') AND expires_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_smpp_message_parts_expiry`);
    await q.query(`DROP INDEX ix_smpp_message_parts_scheduled`);
    await q.query(`DROP INDEX ix_smpp_message_parts_claim_lanes`);
    await q.query(`
      CREATE INDEX ix_smpp_message_parts_claim
        ON smpp_message_parts (next_attempt_at) WHERE status = 'queued'`);
    await q.query(`DROP INDEX ix_smpp_messages_status_pending`);
    await q.query(`
      CREATE INDEX ix_smpp_messages_status_pending
        ON smpp_messages (status) WHERE status IN ('queued', 'submitting')`);
    await q.query(`ALTER TABLE smpp_messages DROP COLUMN send_at`);
    for (const table of ['smpp_messages', 'smpp_message_parts']) {
      // Rows in the new states have no place in the old schema.
      await q.query(`DELETE FROM ${table} WHERE status IN ('scheduled', 'cancelled')`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN expires_at`);
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ck_${table}_priority`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN priority`);
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ck_${table}_status`);
      await q.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ck_${table}_status CHECK (status IN (${OLD_STATUSES}))`,
      );
    }
  }
}
