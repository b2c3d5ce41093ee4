import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = `'queued', 'submitting', 'submitted', 'delivered', 'undeliverable', 'expired', 'rejected', 'failed', 'unknown'`;

/**
 * The smpp_ tables. Hand-written SQL that matches the entities in src/smpp/entities exactly
 * (test/persistence/migrations.spec.ts checks it against TypeORM's schema diff and against the
 * schema TypeORM would create from the entities).
 */
export class InitialSchema1764100000000 implements MigrationInterface {
  name = 'InitialSchema1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE smpp_messages (
        id                  uuid         NOT NULL,
        account             varchar(64)  NOT NULL,
        destination         varchar(16)  NOT NULL,
        source              varchar(16)  NOT NULL,
        source_ton          smallint     NOT NULL,
        source_npi          smallint     NOT NULL,
        text                text         NOT NULL,
        encoding            varchar(8)   NOT NULL,
        data_coding         smallint     NOT NULL,
        status              varchar(16)  NOT NULL,
        parts_total         smallint     NOT NULL,
        client_ref          varchar(128),
        validity_period     varchar(17),
        registered_delivery smallint     NOT NULL,
        error_code          integer,
        error_status        varchar(32),
        error_reason        text,
        created_at          timestamptz  NOT NULL DEFAULT now(),
        updated_at          timestamptz  NOT NULL DEFAULT now(),
        submitted_at        timestamptz,
        done_at             timestamptz,
        CONSTRAINT pk_smpp_messages PRIMARY KEY (id),
        CONSTRAINT ck_smpp_messages_status CHECK (status IN (${STATUSES})),
        CONSTRAINT ck_smpp_messages_encoding CHECK (encoding IN ('gsm7', 'ucs2', 'latin1'))
      )`);
    await q.query(`
      CREATE UNIQUE INDEX uq_smpp_messages_account_client_ref
        ON smpp_messages (account, client_ref) WHERE client_ref IS NOT NULL`);
    await q.query(`
      CREATE INDEX ix_smpp_messages_status_pending
        ON smpp_messages (status) WHERE status IN ('queued', 'submitting')`);

    await q.query(`
      CREATE TABLE smpp_message_parts (
        id              uuid         NOT NULL,
        message_id      uuid         NOT NULL,
        account         varchar(64)  NOT NULL,
        seq             smallint     NOT NULL,
        total           smallint     NOT NULL,
        status          varchar(16)  NOT NULL,
        body            bytea        NOT NULL,
        udh             bytea,
        esm_class       smallint     NOT NULL,
        message_payload bytea,
        smsc_message_id varchar(64),
        attempts        integer      NOT NULL DEFAULT 0,
        next_attempt_at timestamptz  NOT NULL DEFAULT now(),
        claimed_by      varchar(64),
        claimed_until   timestamptz,
        error_code      integer,
        error_status    varchar(32),
        receipt_stat    varchar(8),
        submitted_at    timestamptz,
        done_at         timestamptz,
        created_at      timestamptz  NOT NULL DEFAULT now(),
        updated_at      timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT pk_smpp_message_parts PRIMARY KEY (id),
        CONSTRAINT uq_smpp_message_parts_message_seq UNIQUE (message_id, seq),
        CONSTRAINT ck_smpp_message_parts_status CHECK (status IN (${STATUSES})),
        CONSTRAINT fk_smpp_message_parts_message FOREIGN KEY (message_id)
          REFERENCES smpp_messages (id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE INDEX ix_smpp_message_parts_receipt_match
        ON smpp_message_parts (account, smsc_message_id) WHERE smsc_message_id IS NOT NULL`);
    await q.query(`
      CREATE INDEX ix_smpp_message_parts_claim
        ON smpp_message_parts (next_attempt_at) WHERE status = 'queued'`);
    await q.query(`
      CREATE INDEX ix_smpp_message_parts_recovery
        ON smpp_message_parts (status, claimed_until) WHERE status = 'submitting'`);

    await q.query(`
      CREATE TABLE smpp_receipts (
        id                 uuid         NOT NULL,
        account            varchar(64)  NOT NULL,
        smsc_message_id    varchar(64)  NOT NULL,
        part_id            uuid,
        stat               varchar(8)   NOT NULL,
        error_code         integer,
        network_error_code jsonb,
        final              boolean      NOT NULL,
        raw_text           text         NOT NULL,
        tlvs               jsonb        NOT NULL,
        source_addr        varchar(32)  NOT NULL,
        destination_addr   varchar(32)  NOT NULL,
        bind_label         varchar(64),
        received_at        timestamptz  NOT NULL DEFAULT now(),
        matched_at         timestamptz,
        duplicate          boolean      NOT NULL DEFAULT false,
        CONSTRAINT pk_smpp_receipts PRIMARY KEY (id),
        CONSTRAINT fk_smpp_receipts_part FOREIGN KEY (part_id)
          REFERENCES smpp_message_parts (id) ON DELETE SET NULL
      )`);
    await q.query(`
      CREATE INDEX ix_smpp_receipts_parked
        ON smpp_receipts (account, smsc_message_id) WHERE part_id IS NULL`);
    await q.query(`CREATE INDEX ix_smpp_receipts_part ON smpp_receipts (part_id)`);

    await q.query(`
      CREATE TABLE smpp_inbound_messages (
        id                uuid         NOT NULL,
        account           varchar(64)  NOT NULL,
        source            varchar(32)  NOT NULL,
        destination       varchar(32)  NOT NULL,
        text              text         NOT NULL,
        data_coding       smallint     NOT NULL,
        parts_total       smallint     NOT NULL,
        concat_ref        integer,
        vendor_message_id varchar(64),
        received_at       timestamptz  NOT NULL DEFAULT now(),
        completed_at      timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT pk_smpp_inbound_messages PRIMARY KEY (id)
      )`);

    await q.query(`
      CREATE TABLE smpp_inbound_fragments (
        id          uuid         NOT NULL,
        account     varchar(64)  NOT NULL,
        source      varchar(32)  NOT NULL,
        destination varchar(32)  NOT NULL,
        concat_ref  integer      NOT NULL,
        total       smallint     NOT NULL,
        seq         smallint     NOT NULL,
        data_coding smallint     NOT NULL,
        body        bytea        NOT NULL,
        received_at timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT pk_smpp_inbound_fragments PRIMARY KEY (id),
        CONSTRAINT uq_smpp_inbound_fragments_fragment
          UNIQUE (account, source, destination, concat_ref, total, seq)
      )`);

    await q.query(`
      CREATE TABLE smpp_outbox_events (
        id            uuid         NOT NULL,
        name          varchar(64)  NOT NULL,
        payload       jsonb        NOT NULL,
        created_at    timestamptz  NOT NULL DEFAULT now(),
        dispatched_at timestamptz,
        attempts      integer      NOT NULL DEFAULT 0,
        CONSTRAINT pk_smpp_outbox_events PRIMARY KEY (id)
      )`);
    await q.query(`
      CREATE INDEX ix_smpp_outbox_events_pending
        ON smpp_outbox_events (created_at) WHERE dispatched_at IS NULL`);

    await q.query(`
      CREATE TABLE smpp_bind_leases (
        system_key  varchar(128) NOT NULL,
        slot        smallint     NOT NULL,
        holder      varchar(64)  NOT NULL,
        expires_at  timestamptz  NOT NULL,
        acquired_at timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT pk_smpp_bind_leases PRIMARY KEY (system_key, slot)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Dropping a table drops its indexes and constraints; children before parents.
    await q.query(`DROP TABLE smpp_bind_leases`);
    await q.query(`DROP TABLE smpp_outbox_events`);
    await q.query(`DROP TABLE smpp_inbound_fragments`);
    await q.query(`DROP TABLE smpp_inbound_messages`);
    await q.query(`DROP TABLE smpp_receipts`);
    await q.query(`DROP TABLE smpp_message_parts`);
    await q.query(`DROP TABLE smpp_messages`);
  }
}
