import type { MessageIdStyle } from './message-ids.js';
import type { ReceiptStat, SimulatorLogger } from './simulator.types.js';

export interface SimulatorAccount {
  systemId: string;
  password: string;
  /** Overrides `maxBindsPerSystemId` for this account. */
  maxBinds?: number;
}

/** First matching rule decides a receipt's outcome; no match: DELIVRD, err 0. */
export interface ReceiptRule {
  destinationPrefix?: string;
  destination?: RegExp;
  stat: ReceiptStat;
  /** 8x8 `err` code (0-999), also sent in network_error_code. Default 0. */
  err?: number;
  /** Overrides `receipts.delayMs` for matching messages. */
  delayMs?: number;
}

export interface ReceiptOptions {
  /** Default true. */
  enabled?: boolean;
  /** Delay between submit and receipt, ms. Default 20. */
  delayMs?: number;
  rules?: ReceiptRule[];
  /** Send an intermediate ENROUTE receipt before the final one. Default false. */
  enroute?: boolean;
  /** Which receiver-capable bind of the system_id gets a receipt. Default 'round-robin'. */
  target?: 'round-robin' | 'random';
  /** A deliver_sm_resp missing this long counts as a failure, ms. Default 2000. */
  responseTimeoutMs?: number;
  /** Wait before re-sending a failed receipt, ms. Default 200. */
  redeliverDelayMs?: number;
  /** Give a receipt up after this many deliveries. Default 0 (never). */
  maxAttempts?: number;
  /** Adds 8x8's vendor TLVs 0x1503 (MCC) / 0x1504 (MNC) to receipts. Default: none. */
  destinationNetwork?: { mcc: string; mnc: string };
}

export interface SmscSimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port; read `sim.port`). */
  port?: number;
  /** Adds a TLS listener (TLS 1.2 minimum) on `tlsPort` (default 0). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  tlsPort?: number;
  /** Default [{ systemId: 'smppuser', password: 'secret' }]. */
  accounts?: SimulatorAccount[];
  /** Binds allowed at once per system_id, all connections together. Default 4. */
  maxBindsPerSystemId?: number;
  /** Per bind, sliding one-second window. Default 50; 0 = no limit. */
  submitsPerSecondPerBind?: number;
  /** Default 'uuid' (36 characters, as 8x8). */
  messageIdStyle?: MessageIdStyle;
  /** Default: same as messageIdStyle. */
  receiptIdStyle?: MessageIdStyle;
  receipts?: ReceiptOptions;
  /** Send enquire_link to a bind idle this long, ms; drop it when one stays unanswered this long. Default 0 (off). */
  enquireLinkMs?: number;
  /** system_id in bind responses. Default '8x8sim'. */
  serverSystemId?: string;
  /**
   * Accepted submits kept in `sim.submits` (and looked at by duplicateSubmits()), the latest ones;
   * older ones are only counted (stats.submitsAccepted, stats.submitsDropped). Default 100 000.
   */
  maxRecords?: number;
  /** Default: silent. */
  logger?: SimulatorLogger;
}

export interface ResolvedReceiptOptions {
  enabled: boolean;
  delayMs: number;
  rules: ReceiptRule[];
  enroute: boolean;
  target: 'round-robin' | 'random';
  responseTimeoutMs: number;
  redeliverDelayMs: number;
  maxAttempts: number;
  destinationNetwork?: { mcc: string; mnc: string };
}

export interface ResolvedSimulatorOptions {
  host: string;
  port: number;
  tls?: { key: string | Buffer; cert: string | Buffer };
  tlsPort: number;
  accounts: SimulatorAccount[];
  maxBindsPerSystemId: number;
  submitsPerSecondPerBind: number;
  messageIdStyle: MessageIdStyle;
  receiptIdStyle: MessageIdStyle;
  receipts: ResolvedReceiptOptions;
  enquireLinkMs: number;
  serverSystemId: string;
  maxRecords: number;
  logger: SimulatorLogger;
}

export const DEFAULT_ACCOUNTS: readonly SimulatorAccount[] = [
  { systemId: 'smppuser', password: 'secret' },
];

const silentLogger: SimulatorLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`SmscSimulator: ${name} must be a number >= 0 (got ${value})`);
  }
  return value;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`SmscSimulator: ${name} must be a whole number >= 1 (got ${value})`);
  }
  return value;
}

export function resolveSimulatorOptions(
  options: SmscSimulatorOptions = {},
): ResolvedSimulatorOptions {
  const receipts = options.receipts ?? {};
  const messageIdStyle = options.messageIdStyle ?? 'uuid';
  return {
    host: options.host ?? '127.0.0.1',
    port: nonNegative('port', options.port ?? 0),
    tls: options.tls,
    tlsPort: nonNegative('tlsPort', options.tlsPort ?? 0),
    accounts: (options.accounts ?? DEFAULT_ACCOUNTS).map((a) => ({ ...a })),
    maxBindsPerSystemId: nonNegative('maxBindsPerSystemId', options.maxBindsPerSystemId ?? 4),
    submitsPerSecondPerBind: nonNegative(
      'submitsPerSecondPerBind',
      options.submitsPerSecondPerBind ?? 50,
    ),
    messageIdStyle,
    receiptIdStyle: options.receiptIdStyle ?? messageIdStyle,
    receipts: {
      enabled: receipts.enabled ?? true,
      delayMs: nonNegative('receipts.delayMs', receipts.delayMs ?? 20),
      rules: [...(receipts.rules ?? [])],
      enroute: receipts.enroute ?? false,
      target: receipts.target ?? 'round-robin',
      responseTimeoutMs: nonNegative(
        'receipts.responseTimeoutMs',
        receipts.responseTimeoutMs ?? 2000,
      ),
      redeliverDelayMs: nonNegative('receipts.redeliverDelayMs', receipts.redeliverDelayMs ?? 200),
      maxAttempts: nonNegative('receipts.maxAttempts', receipts.maxAttempts ?? 0),
      destinationNetwork: receipts.destinationNetwork,
    },
    enquireLinkMs: nonNegative('enquireLinkMs', options.enquireLinkMs ?? 0),
    serverSystemId: options.serverSystemId ?? '8x8sim',
    maxRecords: positiveInt('maxRecords', options.maxRecords ?? 100_000),
    logger: options.logger ?? silentLogger,
  };
}
