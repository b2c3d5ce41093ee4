import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A deliver_sm that could never be stored (a value no column takes, a bug): kept raw so nothing
 * is lost silently, and answered ESME_ROK so the SMSC stops re-sending it. Bounded: beyond the
 * module's `maxQuarantined` the oldest rows go.
 */
@Entity({ name: 'smpp_quarantined_pdus' })
/** Retention walks the quarantine oldest first. */
@Index('ix_smpp_quarantined_pdus_received', ['receivedAt'])
export class SmppQuarantinedPdu {
  @PrimaryGeneratedColumn('increment', {
    name: 'id',
    type: 'bigint',
    primaryKeyConstraintName: 'pk_smpp_quarantined_pdus',
  })
  id!: string;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  @Column({ name: 'account', type: 'varchar', length: 64 })
  account!: string;

  @Column({ name: 'system_id', type: 'varchar', length: 16, nullable: true })
  systemId!: string | null;

  @Column({ name: 'command_id', type: 'bigint' })
  commandId!: string;

  @Column({ name: 'sequence_number', type: 'bigint' })
  sequenceNumber!: string;

  /** Why it could not be stored (the database's message, never the text). */
  @Column({ name: 'reason', type: 'varchar', length: 500 })
  reason!: string;

  /** The whole PDU as it came (capped at 64 KiB). */
  @Column({ name: 'raw', type: 'bytea' })
  raw!: Buffer;
}
