import { Column, CreateDateColumn, Entity, Generated, Index, PrimaryColumn } from 'typeorm';

/**
 * An event written in the same transaction as the state change it announces, emitted after the
 * commit. `id` is the stable event id listeners dedupe on. A dispatch whose listener failed is
 * tried again at `next_attempt_at` (backoff), and dead-lettered after a bounded number of attempts.
 */
@Entity({ name: 'smpp_outbox_events' })
@Index('ix_smpp_outbox_events_pending', ['seq'], {
  where: 'dispatched_at IS NULL AND dead_lettered_at IS NULL',
})
/** The order check's own: "pending" said in a form no other index uses (OutboxOrderIndex migration). */
@Index('ix_smpp_outbox_events_pending_message', ['messageId', 'seq'], {
  where: 'message_id IS NOT NULL AND COALESCE(dispatched_at, dead_lettered_at) IS NULL',
})
/** Retention walks dispatched events, and dead letters, oldest first. */
@Index('ix_smpp_outbox_events_dispatched', ['dispatchedAt'], {
  where: 'dispatched_at IS NOT NULL',
})
@Index('ix_smpp_outbox_events_dead_lettered', ['deadLetteredAt'], {
  where: 'dead_lettered_at IS NOT NULL',
})
export class SmppOutboxEvent {
  @PrimaryColumn({
    name: 'id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_smpp_outbox_events',
  })
  id!: string;

  /** The order events were written in: a message's events are published in this order. */
  @Column({ name: 'seq', type: 'bigint' })
  @Generated('increment')
  seq!: string;

  /** The event name, e.g. `smpp.message.delivered`. */
  @Column({ name: 'name', type: 'varchar', length: 64 })
  name!: string;

  /** The message the event is about (ordering key), when it is about one. */
  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;

  @Column({ name: 'payload', type: 'jsonb' })
  payload!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'dispatched_at', type: 'timestamptz', nullable: true })
  dispatchedAt!: Date | null;

  /** Dispatches whose listeners failed so far. */
  @Column({ name: 'attempts', type: 'integer', default: 0 })
  attempts!: number;

  /** When the owner (or, once the lease ran out, any process) dispatches it (again). */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  /** The last listener error (bounded). */
  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  /** Set when the attempts ran out: kept with its error, never dispatched again. */
  @Column({ name: 'dead_lettered_at', type: 'timestamptz', nullable: true })
  deadLetteredAt!: Date | null;

  /** The instance that dispatches it (the writer, or a process that took it over). */
  @Column({ name: 'claimed_by', type: 'varchar', length: 64, nullable: true })
  claimedBy!: string | null;

  /** Until then no other process dispatches it. */
  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true })
  claimedUntil!: Date | null;
}
