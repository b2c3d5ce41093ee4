import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/**
 * One segment of a concatenated MO message, kept until every segment is there. The unique key
 * makes a re-sent fragment a no-op (`INSERT ... ON CONFLICT DO NOTHING`).
 */
@Entity({ name: 'smpp_inbound_fragments' })
@Index('ix_smpp_inbound_fragments_received', ['receivedAt'])
@Unique('uq_smpp_inbound_fragments_fragment', [
  'account',
  'source',
  'destination',
  'concatRef',
  'total',
  'seq',
])
export class SmppInboundFragment {
  @PrimaryColumn({
    name: 'id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_smpp_inbound_fragments',
  })
  id!: string;

  @Column({ name: 'account', type: 'varchar', length: 64 })
  account!: string;

  @Column({ name: 'source', type: 'varchar', length: 32 })
  source!: string;

  @Column({ name: 'destination', type: 'varchar', length: 32 })
  destination!: string;

  @Column({ name: 'concat_ref', type: 'integer' })
  concatRef!: number;

  @Column({ name: 'total', type: 'smallint' })
  total!: number;

  @Column({ name: 'seq', type: 'smallint' })
  seq!: number;

  @Column({ name: 'data_coding', type: 'smallint' })
  dataCoding!: number;

  /** The segment's payload, without the UDH. */
  @Column({ name: 'body', type: 'bytea' })
  body!: Buffer;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
