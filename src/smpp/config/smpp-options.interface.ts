import type { BindAllocator } from '../binds/bind-allocator.js';
import type { PostgresBindAllocatorOptions } from '../binds/postgres-bind-allocator.js';
import type { SmppMessagesOptions } from '../messages/send-options.js';
import type { SmppRetentionOptions } from '../retention/retention-options.js';
import type { SmppTlsOptions } from './tls-policy.js';

export type SmppRegion = 'sg' | 'eu' | 'id';

/** One transceiver pool, or separate transmitter and receiver pools. */
export type SmppBindsOptions =
  { transceivers: number } | { transmitters: number; receivers: number };

export interface SmppAccountOptions {
  /** How the application refers to this account (`send({ account })`); unique. */
  name: string;
  /** The SMPP system_id (8x8: the sub-account id), at most 15 characters. */
  systemId: string;
  /** At most 8 characters. Never logged, never in a status snapshot or event. */
  password: string;
  systemType?: string;
  /** 8x8 region preset for the host: 'sg' smpp.8x8.com (default), 'eu' smpp.8x8.uk, 'id' smpp.8x8.id. */
  region?: SmppRegion;
  /** Overrides the region's host (another SMSC, the simulator). */
  host?: string;
  /** Overrides the port (default 2776 with TLS, 2775 without). */
  port?: number;
  /**
   * TLS (default true: TLS 1.2 or later, certificate verified). An object gives CA, servername,
   * client certificate, ...; a minVersion below TLSv1.2 needs `allowInsecureProtocols: true`.
   */
  tls?: boolean | SmppTlsOptions;
  /** Binds this process wants for the account (default one transceiver). */
  binds?: SmppBindsOptions;
  /** Binds allowed for the system_id across ALL processes (8x8: 4). */
  maxBinds?: number;
  /** submit_sm per second per bind (8x8: 50). */
  submitsPerSecond?: number;
  /**
   * Submits a bind may send back to back (token bucket size, default 2). Any more than a couple
   * and an SMSC that counts per second (8x8) sees bursts and answers ESME_RTHROTTLED; 2 rather
   * than 1 so that a timer firing late does not cost rate. Besides the bucket, a bind never sends
   * more than submitsPerSecond in any second (+5 ms), counted from the SMSC's answers.
   */
  submitBurst?: number;
  /** Outstanding requests per bind (default 10). */
  window?: number;
  /** Sender used when send() gives no `from`. */
  defaultSender?: string;
  /**
   * Replace typographic characters that alone force UCS2 (curly quotes, long dashes, ellipsis,
   * Unicode spaces, ...) by GSM-7 look-alikes when the whole text then fits GSM-7 (default
   * false). A message's own `smartEncoding` wins. The table is in the README.
   */
  smartEncoding?: boolean;
  connectTimeoutMs?: number;
  responseTimeoutMs?: number;
  enquireLinkMs?: number;
  unbindTimeoutMs?: number;
  /**
   * What to do with a part whose submit_sm left but whose response never came.
   * 'at-most-once' (default): mark it `unknown`, never re-send. 'at-least-once': re-send it
   * (the recipient may get it twice).
   */
  delivery?: 'at-most-once' | 'at-least-once';
  /**
   * How far the SMSC's clock may be from the database's, ms (default 120 000): a receipt whose SMSC
   * id matches nothing resolves an `unknown` part only if its `submit date` falls in the part's
   * send window widened by this much on both sides (docs/reliability.md, "Resolving unknown").
   * An SMSC that writes receipt dates in local time needs its UTC offset here.
   */
  receiptClockSkewMs?: number;
  /**
   * Messages of this account waiting to be sent (queued or submitting) at most (default
   * 1 000 000): beyond it send() rejects with QueueFullError instead of growing the table.
   */
  maxQueued?: number;
  /** Priority lanes (send({ priority })). */
  lanes?: SmppLanesOptions;
}

export interface SmppLanesOptions {
  /**
   * While bulk messages are waiting, at least this share (0..1, default 0.1) of the parts claimed
   * for sending are bulk, however much high and normal traffic there is (0: bulk only when
   * nothing else waits).
   */
  bulkMinShare?: number;
}

/** What this process holds in memory and keeps, at most (see docs/reliability.md, "Hostile inputs"). */
export interface SmppLimitsOptions {
  /**
   * Items waiting for each group-commit writer (message inserts, submit results, receipts) at
   * most (default 10 000): beyond it send() rejects with SmppBackpressureError and a receipt is
   * answered ESME_RX_T_APPN.
   */
  maxPendingWrites?: number;
  /** deliver_sm being handled at once at most (default 2 000): beyond it they are answered ESME_RX_T_APPN. */
  maxDeliversInFlight?: number;
  /** Rows kept in smpp_quarantined_pdus (default 10 000): the oldest go first. */
  maxQuarantined?: number;
  /** Attempts to store one submit result before the part is marked failed (default 20, over about a minute). */
  maxStoreAttempts?: number;
}

export interface SmppReconnectOptions {
  /** First delay after a lost or failed bind, ms (default 1 000). */
  initialDelayMs?: number;
  /** Upper bound of the delay, ms (default 60 000). A refused password waits this long at once. */
  maxDelayMs?: number;
  /** Growth factor per failed attempt (default 2). */
  multiplier?: number;
  /** Random spread, 0..1, of each delay (default 0.2 = ±20 %). */
  jitter?: number;
}

export interface SmppModuleOptions {
  accounts: SmppAccountOptions[];
  reconnect?: SmppReconnectOptions;
  /**
   * Block application startup until every account has a transmit-capable bind, at most this long
   * (ms). Off by default: binding happens in the background and /health reports it.
   */
  waitForBindMs?: number;
  /**
   * How the bind budget (`maxBinds` per system_id) is shared. 'postgres' (default): between every
   * process on the module's database, as renewed leases in smpp_bind_leases, so replicas together
   * never exceed it. 'in-process': counted in this process only (one replica only). Or your own
   * BindAllocator.
   */
  bindAllocator?: BindAllocator | 'postgres' | 'in-process';
  /** Lease timing of the 'postgres' bind allocator (default leaseMs 30 000, renewEveryMs leaseMs / 3). */
  bindLease?: PostgresBindAllocatorOptions;
  /** A name for this process in bind leases and logs (default: hostname-pid). */
  instanceId?: string;
  /**
   * How long a part claimed for submission may stay without a stored outcome before it is
   * recovered (ms, default 120 000): after a process died, its claimed parts become `unknown`
   * (or queued again with `delivery: 'at-least-once'`) this long after they were claimed, plus up
   * to 5 s. Keep it well above the time a part can wait for a bind's window and pacing.
   */
  claimLeaseMs?: number;
  /**
   * How many times a message, receipt or inbound event is dispatched while a listener keeps
   * throwing (default 8; backoff from 1 s, doubling, at most 5 min apart) before it is
   * dead-lettered: kept in smpp_outbox_events with `dead_lettered_at` and `last_error`.
   */
  eventMaxAttempts?: number;
  /** The TypeORM DataSource to store messages in, by the name given to TypeOrmModule (default: the default one). */
  dataSourceName?: string;
  messages?: SmppMessagesOptions;
  /**
   * Deletes finished messages (30 days), dispatched events (1 day), dead letters (30 days),
   * receipts that never matched (7 days), incomplete MO fragments (24 h), MO messages (30 days),
   * quarantined PDUs (30 days) and expired bind leases (1 h), in small batches every 10 minutes,
   * one process at a time (docs/operations.md). On by default; `false` keeps everything.
   */
  retention?: SmppRetentionOptions | false;
  limits?: SmppLimitsOptions;
}
