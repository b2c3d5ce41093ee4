import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import type { SmppMessageStatus } from './smpp-entity.types.js';
import { SmppMessage } from './smpp-message.entity.js';

/** One submit_sm: a segment of a message (or the whole message when it fits in one). */
@Entity({ name: 'smpp_message_parts' })
@Unique('uq_smpp_message_parts_message_seq', ['messageId', 'seq'])
// THE receipt match: (account, SMSC message id) -> part.
@Index('ix_smpp_message_parts_receipt_match', ['account', 'smscMessageId'], {
  where: 'smsc_message_id IS NOT NULL',
})
// The dispatcher claims due parts with FOR UPDATE SKIP LOCKED, highest lane (lowest rank) first.
@Index('ix_smpp_message_parts_claim_lanes', ['account', 'priority', 'nextAttemptAt'], {
  where: `status = 'queued'`,
})
// Scheduled parts wait with next_attempt_at = their send time; the due ones are moved to queued.
@Index('ix_smpp_message_parts_scheduled', ['account', 'nextAttemptAt'], {
  where: `status = 'scheduled'`,
})
// The expiry sweep: parts not sent by their expires_at.
@Index('ix_smpp_message_parts_expiry', ['expiresAt'], {
  where: `status IN ('scheduled', 'queued') AND expires_at IS NOT NULL`,
})
// Recovery of the claims of a process that died while submitting.
@Index('ix_smpp_message_parts_recovery', ['status', 'claimedUntil'], {
  where: `status = 'submitting'`,
})
// Candidates for a receipt whose SMSC id matches nothing (store/unknown-resolver.ts).
@Index('ix_smpp_message_parts_unknown', ['account', 'updatedAt'], {
  where: `status = 'unknown' AND smsc_message_id IS NULL`,
})
@Check(
  'ck_smpp_message_parts_status',
  `status IN ('scheduled', 'queued', 'submitting', 'submitted', 'delivered', 'undeliverable', 'expired', 'rejected', 'failed', 'unknown', 'cancelled')`,
)
@Check('ck_smpp_message_parts_priority', `priority IN (0, 1, 2)`)
export class SmppMessagePart {
  @PrimaryColumn({
    name: 'id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_smpp_message_parts',
  })
  id!: string;

  @Column({ name: 'message_id', type: 'uuid' })
  messageId!: string;

  @ManyToOne(() => SmppMessage, (message) => message.parts, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id', foreignKeyConstraintName: 'fk_smpp_message_parts_message' })
  message?: Relation<SmppMessage>;

  /** Copied from the message so that the receipt match is one index hit. */
  @Column({ name: 'account', type: 'varchar', length: 64 })
  account!: string;

  /** 1-based position of this part. */
  @Column({ name: 'seq', type: 'smallint' })
  seq!: number;

  @Column({ name: 'total', type: 'smallint' })
  total!: number;

  @Column({ name: 'status', type: 'varchar', length: 16 })
  status!: SmppMessageStatus;

  /** The encoded short_message payload (without UDH). */
  @Column({ name: 'body', type: 'bytea' })
  body!: Buffer;

  /** The user data header, UDHL byte included, when the message is concatenated. */
  @Column({ name: 'udh', type: 'bytea', nullable: true })
  udh!: Buffer | null;

  @Column({ name: 'esm_class', type: 'smallint' })
  esmClass!: number;

  /** Sent as the message_payload TLV instead of short_message, when set. */
  @Column({ name: 'message_payload', type: 'bytea', nullable: true })
  messagePayload!: Buffer | null;

  /** The message id from submit_sm_resp. */
  @Column({ name: 'smsc_message_id', type: 'varchar', length: 64, nullable: true })
  smscMessageId!: string | null;

  @Column({ name: 'attempts', type: 'integer', default: 0 })
  attempts!: number;

  /** When the part may be claimed next: a retry's backoff, or a scheduled part's send time. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  /** Copied from the message: the claim orders by it without a join. */
  @Column({ name: 'priority', type: 'smallint', default: 1 })
  priority!: number;

  /** Copied from the message: never submitted after this. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  /** The process that claimed the part for submission. */
  @Column({ name: 'claimed_by', type: 'varchar', length: 64, nullable: true })
  claimedBy!: string | null;

  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true })
  claimedUntil!: Date | null;

  /**
   * When this attempt's submit_sm was handed to a socket (stored before it is): null means the
   * SMSC cannot have it, so a dead holder's part goes back to the queue.
   */
  @Column({ name: 'written_at', type: 'timestamptz', nullable: true })
  writtenAt!: Date | null;

  /** Any 32-bit command_status or receipt err code (bigint: 0xFFFFFFF0 does not fit an int). */
  @Column({
    name: 'error_code',
    type: 'bigint',
    nullable: true,
    transformer: {
      to: (v: number | null) => v,
      from: (v: string | null) => (v === null ? null : Number(v)),
    },
  })
  errorCode!: number | null;

  @Column({ name: 'error_status', type: 'varchar', length: 32, nullable: true })
  errorStatus!: string | null;

  /** The `stat` of the last receipt matched to this part (DELIVRD, UNDELIV, ...). */
  @Column({ name: 'receipt_stat', type: 'varchar', length: 8, nullable: true })
  receiptStat!: string | null;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;

  /**
   * When this part, `unknown` (no submit_sm_resp stored), was matched to a receipt by destination,
   * text and submit date and took its SMSC id (store/unknown-resolver.ts); else null.
   */
  @Column({ name: 'unknown_resolved_at', type: 'timestamptz', nullable: true })
  unknownResolvedAt!: Date | null;

  @Column({ name: 'done_at', type: 'timestamptz', nullable: true })
  doneAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
