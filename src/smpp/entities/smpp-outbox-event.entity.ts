import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An event written in the same transaction as the state change it announces, emitted after the
 * commit. `id` is the stable event id listeners dedupe on.
 */
@Entity({ name: 'smpp_outbox_events' })
@Index('ix_smpp_outbox_events_pending', ['createdAt'], { where: 'dispatched_at IS NULL' })
/** Retention walks dispatched events oldest first. */
@Index('ix_smpp_outbox_events_dispatched', ['dispatchedAt'], {
  where: 'dispatched_at IS NOT NULL',
})
export class SmppOutboxEvent {
  @PrimaryColumn({
    name: 'id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_smpp_outbox_events',
  })
  id!: string;

  /** The event name, e.g. `smpp.message.delivered`. */
  @Column({ name: 'name', type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'payload', type: 'jsonb' })
  payload!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'dispatched_at', type: 'timestamptz', nullable: true })
  dispatchedAt!: Date | null;

  @Column({ name: 'attempts', type: 'integer', default: 0 })
  attempts!: number;
}
