import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A complete mobile-originated (MO) message, reassembled from its fragments when concatenated. */
@Entity({ name: 'smpp_inbound_messages' })
@Index('ix_smpp_inbound_messages_received', ['receivedAt'])
/** An MO the SMSC sends again is recognised by 8x8's MO id. */
@Index('ix_smpp_inbound_messages_vendor_id', ['account', 'vendorMessageId'], {
  where: 'vendor_message_id IS NOT NULL',
})
export class SmppInboundMessage {
  @PrimaryColumn({
    name: 'id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_smpp_inbound_messages',
  })
  id!: string;

  @Column({ name: 'account', type: 'varchar', length: 64 })
  account!: string;

  @Column({ name: 'source', type: 'varchar', length: 32 })
  source!: string;

  @Column({ name: 'destination', type: 'varchar', length: 32 })
  destination!: string;

  @Column({ name: 'text', type: 'text' })
  text!: string;

  @Column({ name: 'data_coding', type: 'smallint' })
  dataCoding!: number;

  @Column({ name: 'parts_total', type: 'smallint' })
  partsTotal!: number;

  /** The UDH concatenation reference, for a concatenated message. */
  @Column({ name: 'concat_ref', type: 'integer', nullable: true })
  concatRef!: number | null;

  /** 8x8's MO message id (vendor TLV 0x1502). */
  @Column({ name: 'vendor_message_id', type: 'varchar', length: 64, nullable: true })
  vendorMessageId!: string | null;

  /** When the first fragment arrived. */
  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  /** When the last fragment arrived and the message was assembled. */
  @Column({ name: 'completed_at', type: 'timestamptz', default: () => 'now()' })
  completedAt!: Date;

  /** The deliver_sm as it came (header included), when a value had to be cut or cleaned to fit a column; else null. */
  @Column({ name: 'raw_pdu', type: 'bytea', nullable: true })
  rawPdu!: Buffer | null;
}
