import type { BindMode, SessionTlsOptions } from '../session/session.types.js';
import type { SmppLimitsOptions, SmppRegion } from './smpp-options.interface.js';

/** An account with every default applied; what the rest of the module works with. */
export interface ResolvedAccount {
  name: string;
  systemId: string;
  password: string;
  systemType: string;
  region: SmppRegion;
  host: string;
  port: number;
  tls: false | SessionTlsOptions;
  /** One entry per bind this process wants, e.g. ['transmitter', 'transmitter', 'receiver']. */
  binds: BindMode[];
  maxBinds: number;
  submitsPerSecond: number;
  submitBurst: number;
  window: number;
  defaultSender?: string;
  smartEncoding: boolean;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  enquireLinkMs: number;
  unbindTimeoutMs: number;
  delivery: 'at-most-once' | 'at-least-once';
  receiptClockSkewMs: number;
  maxQueued: number;
  lanes: { bulkMinShare: number };
}

export type ResolvedLimits = Required<SmppLimitsOptions>;

export interface ResolvedReconnect {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  jitter: number;
}
