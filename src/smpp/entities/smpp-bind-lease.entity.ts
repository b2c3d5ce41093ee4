import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One slot of a per-system_id bind budget. Replicas share the budget: a process may hold a bind
 * only while it holds an unexpired lease on a slot.
 */
@Entity({ name: 'smpp_bind_leases' })
export class SmppBindLease {
  /** Identifies the budget, e.g. `host:port/system_id`. */
  @PrimaryColumn({
    name: 'system_key',
    type: 'varchar',
    length: 128,
    primaryKeyConstraintName: 'pk_smpp_bind_leases',
  })
  systemKey!: string;

  @PrimaryColumn({
    name: 'slot',
    type: 'smallint',
    primaryKeyConstraintName: 'pk_smpp_bind_leases',
  })
  slot!: number;

  /** The process id (instance name) holding the slot. */
  @Column({ name: 'holder', type: 'varchar', length: 64 })
  holder!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** The replica (`instanceId#token` of the process) holding the slot. */
  @Column({ name: 'replica', type: 'varchar', length: 64, nullable: true })
  replica!: string | null;

  /** The mode the holder binds the slot in (transmitter, receiver, transceiver). */
  @Column({ name: 'mode', type: 'varchar', length: 16, nullable: true })
  mode!: string | null;

  /** Whether the bind is up, as of the holder's last renewal. */
  @Column({ name: 'bound', type: 'boolean', default: false })
  bound!: boolean;

  @Column({ name: 'acquired_at', type: 'timestamptz', default: () => 'now()' })
  acquiredAt!: Date;
}
