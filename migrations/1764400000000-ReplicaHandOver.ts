import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replicas: per part whether its submit_sm was handed to a socket (`written_at`), what each bind
 * lease holds (the replica, the mode, whether it is bound), and a heartbeat per replica and bind
 * budget (`smpp_replicas`) from which the fair share of the budget and the liveness of a claim's
 * holder are read.
 */
export class ReplicaHandOver1764400000000 implements MigrationInterface {
  name = 'ReplicaHandOver1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE smpp_message_parts ADD COLUMN written_at timestamptz`);
    await q.query(`
      ALTER TABLE smpp_bind_leases
        ADD COLUMN replica varchar(64),
        ADD COLUMN mode    varchar(16),
        ADD COLUMN bound   boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE smpp_replicas (
        system_key   varchar(128) NOT NULL,
        replica      varchar(64)  NOT NULL,
        wanted       smallint     NOT NULL,
        started_at   timestamptz  NOT NULL DEFAULT now(),
        heartbeat_at timestamptz  NOT NULL DEFAULT now(),
        expires_at   timestamptz  NOT NULL,
        CONSTRAINT pk_smpp_replicas PRIMARY KEY (system_key, replica)
      )`);
    await q.query(`CREATE INDEX ix_smpp_replicas_replica ON smpp_replicas (replica)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE smpp_replicas`);
    await q.query(`
      ALTER TABLE smpp_bind_leases DROP COLUMN bound, DROP COLUMN mode, DROP COLUMN replica`);
    await q.query(`ALTER TABLE smpp_message_parts DROP COLUMN written_at`);
  }
}
