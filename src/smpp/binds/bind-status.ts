import type { BindMode } from '../session/session.types.js';

export type BindSlotState =
  'idle' | 'waiting-for-slot' | 'connecting' | 'bound' | 'backoff' | 'stopped';

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
}

export function countByMode(modes: BindMode[]): Record<BindMode, number> {
  const counts: Record<BindMode, number> = { transceiver: 0, transmitter: 0, receiver: 0 };
  for (const m of modes) counts[m]++;
  return counts;
}

export const canTransmit = (mode: BindMode): boolean => mode !== 'receiver';
export const canReceive = (mode: BindMode): boolean => mode !== 'transmitter';
