import type { MigrationInterface, QueryRunner } from 'typeorm';

const CHURNING_TABLES = [
  'smpp_messages',
  'smpp_message_parts',
  'smpp_receipts',
  'smpp_outbox_events',
];

/**
 * Indexes for retention (src/smpp/retention) and one hot lookup that had none:
 * - what the purge walks, oldest first: finished messages by done_at, dispatched events by
 *   dispatched_at, dead letters by dead_lettered_at, the quarantine by received_at, receipts that
 *   never matched by received_at, MO fragments and MO messages by
 *   received_at. Each is partial where the purge's predicate allows, so the live rows' indexes
 *   (claim, recovery, outbox backlog, parked receipts) stay as small as the live rows.
 * - an MO resent by the SMSC is found by (account, vendor_message_id): that lookup scanned the
 *   whole smpp_inbound_messages table on every MO.
 * - autovacuum after 2 % of a table changed (default 20 %) on the tables retention deletes from
 *   every few minutes: the space of purged rows is reused soon, not after a fifth of the table.
 */
export class RetentionIndexes1764500000000 implements MigrationInterface {
  name = 'RetentionIndexes1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX ix_smpp_messages_finished
        ON smpp_messages (done_at) WHERE done_at IS NOT NULL`);
    await q.query(`
      CREATE INDEX ix_smpp_outbox_events_dispatched
        ON smpp_outbox_events (dispatched_at) WHERE dispatched_at IS NOT NULL`);
    await q.query(`
      CREATE INDEX ix_smpp_outbox_events_dead_lettered
        ON smpp_outbox_events (dead_lettered_at) WHERE dead_lettered_at IS NOT NULL`);
    await q.query(`
      CREATE INDEX ix_smpp_quarantined_pdus_received
        ON smpp_quarantined_pdus (received_at)`);
    await q.query(`
      CREATE INDEX ix_smpp_receipts_parked_age
        ON smpp_receipts (received_at) WHERE part_id IS NULL`);
    await q.query(`
      CREATE INDEX ix_smpp_inbound_fragments_received
        ON smpp_inbound_fragments (received_at)`);
    await q.query(`
      CREATE INDEX ix_smpp_inbound_messages_received
        ON smpp_inbound_messages (received_at)`);
    await q.query(`
      CREATE INDEX ix_smpp_inbound_messages_vendor_id
        ON smpp_inbound_messages (account, vendor_message_id) WHERE vendor_message_id IS NOT NULL`);
    for (const table of CHURNING_TABLES) {
      await q.query(
        `ALTER TABLE ${table} SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02)`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of CHURNING_TABLES) {
      await q.query(
        `ALTER TABLE ${table} RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)`,
      );
    }
    await q.query(`DROP INDEX ix_smpp_inbound_messages_vendor_id`);
    await q.query(`DROP INDEX ix_smpp_inbound_messages_received`);
    await q.query(`DROP INDEX ix_smpp_inbound_fragments_received`);
    await q.query(`DROP INDEX ix_smpp_receipts_parked_age`);
    await q.query(`DROP INDEX ix_smpp_quarantined_pdus_received`);
    await q.query(`DROP INDEX ix_smpp_outbox_events_dead_lettered`);
    await q.query(`DROP INDEX ix_smpp_outbox_events_dispatched`);
    await q.query(`DROP INDEX ix_smpp_messages_finished`);
  }
}
