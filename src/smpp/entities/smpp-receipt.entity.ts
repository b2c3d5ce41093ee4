import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { SmppMessagePart } from './smpp-message-part.entity.js';

/**
 * A delivery receipt exactly as received, matched or not. A receipt whose part is not known yet
 * (it overtook its submit_sm_resp) is "parked" with `partId` NULL until the SMSC id is stored.
 */
@Entity({ name: 'smpp_receipts' })
@Index('ix_smpp_receipts_parked', ['account', 'smscMessageId'], { where: 'part_id IS NULL' })
@Index('ix_smpp_receipts_part', ['partId'])
/** Retention walks receipts that never matched oldest first. */
@Index('ix_smpp_receipts_parked_age', ['receivedAt'], { where: 'part_id IS NULL' })
/** Parked receipts of a destination, for resolving `unknown` parts (store/unknown-resolver.ts). */
@Index('ix_smpp_receipts_parked_source', ['account', 'sourceAddr', 'receivedAt'], {
  where: 'part_id IS NULL',
})
export class SmppReceipt {
  @PrimaryColumn({
    name: 'id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_smpp_receipts',
  })
  id!: string;

  @Column({ name: 'account', type: 'varchar', length: 64 })
  account!: string;

  /** The SMSC message id as received (receipted_message_id TLV, else `id:` of the text). */
  @Column({ name: 'smsc_message_id', type: 'varchar', length: 64 })
  smscMessageId!: string;

  @Column({ name: 'part_id', type: 'uuid', nullable: true })
  partId!: string | null;

  @ManyToOne(() => SmppMessagePart, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'part_id', foreignKeyConstraintName: 'fk_smpp_receipts_part' })
  part?: Relation<SmppMessagePart> | null;

  /** DELIVRD, UNDELIV, EXPIRED, REJECTD, DELETED, UNKNOWN, ACCEPTD, ENROUTE (as received). */
  @Column({ name: 'stat', type: 'varchar', length: 8 })
  stat!: string;

  /** The receipt's `err:` value. */
  @Column({ name: 'error_code', type: 'integer', nullable: true })
  errorCode!: number | null;

  /** The network_error_code TLV, decoded (e.g. `{ type, code }`). */
  @Column({ name: 'network_error_code', type: 'jsonb', nullable: true })
  networkErrorCode!: Record<string, unknown> | null;

  /** Whether `stat` is a final state (ACCEPTD / ENROUTE are not). */
  @Column({ name: 'final', type: 'boolean' })
  final!: boolean;

  @Column({ name: 'raw_text', type: 'text' })
  rawText!: string;

  /** Every TLV of the deliver_sm: tag as hex (e.g. "001e") -> value as hex. */
  @Column({ name: 'tlvs', type: 'jsonb' })
  tlvs!: Record<string, string>;

  @Column({ name: 'source_addr', type: 'varchar', length: 32 })
  sourceAddr!: string;

  @Column({ name: 'destination_addr', type: 'varchar', length: 32 })
  destinationAddr!: string;

  /** Which bind received it. */
  @Column({ name: 'bind_label', type: 'varchar', length: 64, nullable: true })
  bindLabel!: string | null;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'matched_at', type: 'timestamptz', nullable: true })
  matchedAt!: Date | null;

  /** A second receipt with the same stat for the same part (recorded, not applied again). */
  @Column({ name: 'duplicate', type: 'boolean', default: false })
  duplicate!: boolean;

  /** The deliver_sm as it came (header included), when a value had to be cut or cleaned to fit a column; else null. */
  @Column({ name: 'raw_pdu', type: 'bytea', nullable: true })
  rawPdu!: Buffer | null;
}
