import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bounds for hostile input: a quarantine for deliver_sm that can never be stored (kept raw, bounded
 * by the module's maxQuarantined option), and error codes wide enough for any 32-bit
 * command_status (0xFFFFFFF0 does not fit a signed int).
 */
export class HostileInputBounds1764200000000 implements MigrationInterface {
  name = 'HostileInputBounds1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE smpp_quarantined_pdus (
        id              bigserial    NOT NULL,
        received_at     timestamptz  NOT NULL DEFAULT now(),
        account         varchar(64)  NOT NULL,
        system_id       varchar(16),
        command_id      bigint       NOT NULL,
        sequence_number bigint       NOT NULL,
        reason          varchar(500) NOT NULL,
        raw             bytea        NOT NULL,
        CONSTRAINT pk_smpp_quarantined_pdus PRIMARY KEY (id)
      )`);
    await q.query(`ALTER TABLE smpp_message_parts ALTER COLUMN error_code TYPE bigint`);
    await q.query(`ALTER TABLE smpp_messages ALTER COLUMN error_code TYPE bigint`);
    // The deliver_sm as it came, when a value had to be cut or cleaned to fit (else null).
    await q.query(`ALTER TABLE smpp_inbound_messages ADD COLUMN raw_pdu bytea`);
    await q.query(`ALTER TABLE smpp_receipts ADD COLUMN raw_pdu bytea`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE smpp_receipts DROP COLUMN raw_pdu`);
    await q.query(`ALTER TABLE smpp_inbound_messages DROP COLUMN raw_pdu`);
    await q.query(`ALTER TABLE smpp_messages ALTER COLUMN error_code TYPE integer`);
    await q.query(`ALTER TABLE smpp_message_parts ALTER COLUMN error_code TYPE integer`);
    await q.query(`DROP TABLE smpp_quarantined_pdus`);
  }
}
