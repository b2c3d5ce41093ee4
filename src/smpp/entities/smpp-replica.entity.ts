import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One live replica of a bind budget: a heartbeat renewed with the bind leases. The budget's fair
 * share is split over the replicas whose row has not expired; a part claimed by a replica whose
 * rows all expired is handed over at once.
 */
@Entity({ name: 'smpp_replicas' })
@Index('ix_smpp_replicas_replica', ['replica'])
export class SmppReplica {
  /** The bind budget, as in smpp_bind_leases. */
  @PrimaryColumn({
    name: 'system_key',
    type: 'varchar',
    length: 128,
    primaryKeyConstraintName: 'pk_smpp_replicas',
  })
  systemKey!: string;

  /** `instanceId#token`: one process (a restarted process is another replica). */
  @PrimaryColumn({
    name: 'replica',
    type: 'varchar',
    length: 64,
    primaryKeyConstraintName: 'pk_smpp_replicas',
  })
  replica!: string;

  /** How many binds of the budget this replica wants. */
  @Column({ name: 'wanted', type: 'smallint' })
  wanted!: number;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'heartbeat_at', type: 'timestamptz', default: () => 'now()' })
  heartbeatAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
