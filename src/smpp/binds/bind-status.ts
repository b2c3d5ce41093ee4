import type { BindMode } from '../session/session.types.js';

/**
 * `waiting-for-slot`: the budget (or this replica's fair share of it) is taken; `draining`: bound,
 * but handing the slot over to another replica (no new submits; unbinds once the window drained).
 */
export type BindSlotState =
  'idle' | 'waiting-for-slot' | 'connecting' | 'bound' | 'draining' | 'backoff' | 'stopped';

/** One bind's status; never carries the password. */
export interface BindStatus {
  id: string;
  mode: BindMode;
  state: BindSlotState;
  since: Date;
  lastError?: string;
  /** Failed attempts since the last successful bind. */
  failures: number;
  outstanding: number;
  windowFree: number;
}

export interface AccountBindStatus {
  account: string;
  systemId: string;
  host: string;
  port: number;
  tls: boolean;
  wanted: Record<BindMode, number>;
  bound: Record<BindMode, number>;
  /** A transmitter or transceiver is bound. */
  canSend: boolean;
  /** A receiver or transceiver is bound. */
  canReceive: boolean;
  binds: BindStatus[];
  /** The budget across replicas, when the bind allocator is shared (Postgres leases). */
  cluster?: ClusterBindStatus;
}

/** One replica of a shared bind budget, as the last heartbeat found it. */
export interface ReplicaBindStatus {
  replica: string;
  /** Binds it wants, and its fair share of the budget. */
  wanted: number;
  share: number;
  /** Live leases it holds, and how many of them are bound. */
  held: number;
  bound: number;
}

/** The account's bind budget across every live replica. */
export interface ClusterBindStatus {
  /** This replica (`instanceId#token`). */
  replica: string;
  /** How many binds of the budget this replica may hold (its fair share). */
  share: number;
  /** Binds bound by any live replica, by mode. */
  bound: Record<BindMode, number>;
  /** Some live replica has a transmitter or transceiver bound. */
  canSend: boolean;
  /** Some live replica has a receiver or transceiver bound. */
  canReceive: boolean;
  /** Live leases on the budget (bound or not) and the budget. */
  held: number;
  maxBinds: number;
  replicas: ReplicaBindStatus[];
  /** The last successful heartbeat; undefined before the first. */
  checkedAt?: Date;
  /** No heartbeat for longer than a lease lives: the database is unreachable (or very slow). */
  stale: boolean;
  lastError?: string;
}

export function countByMode(modes: BindMode[]): Record<BindMode, number> {
  const counts: Record<BindMode, number> = { transceiver: 0, transmitter: 0, receiver: 0 };
  for (const m of modes) counts[m]++;
  return counts;
}

export const canTransmit = (mode: BindMode): boolean => mode !== 'receiver';
export const canReceive = (mode: BindMode): boolean => mode !== 'transmitter';
