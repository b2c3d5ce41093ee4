/** Records, events and counters the simulator exposes to tests. */

export type BindMode = 'transmitter' | 'receiver' | 'transceiver';

/** Receipt `stat` values the simulator can produce. */
export type ReceiptStat =
  'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'REJECTD' | 'UNKNOWN' | 'DELETED' | 'ACCEPTD' | 'ENROUTE';

/** Concatenation info of one submitted part (from its UDH or its sar_* TLVs). */
export interface ConcatInfo {
  scheme: 'udh8' | 'udh16' | 'sar';
  ref: number;
  total: number;
  seq: number;
}

/** One accepted submit_sm, exactly as the client sent it. */
export interface SubmitRecord {
  messageId: string;
  /** The id the receipts carry (differs from messageId only with another `receiptIdStyle`). */
  receiptId: string;
  systemId: string;
  bindId: number;
  sourceAddr: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  destinationAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  dataCoding: number;
  esmClass: number;
  registeredDelivery: number;
  /** validity_period as sent ('' when none): relative "YYMMDDhhmmss000R" or absolute. */
  validityPeriod: string;
  /** short_message bytes as received (UDH included). */
  shortMessage: Buffer;
  /** message_payload TLV bytes, when the client used it. */
  messagePayload?: Buffer;
  /** The UDH with its UDHL byte, when esm_class has 0x40. */
  udh?: Buffer;
  concat?: ConcatInfo;
  /** The body (UDH stripped) decoded by data_coding: GSM 03.38 for 0, UCS2 for 8, Latin-1 otherwise. */
  text: string;
  at: Date;
}

/** A content that was accepted more than once (same destination, same bytes). */
export interface DuplicateSubmit {
  destinationAddr: string;
  shortMessage: Buffer;
  count: number;
  messageIds: string[];
}

export interface BindInfo {
  bindId: number;
  systemId: string;
  mode: BindMode;
  tls: boolean;
  remoteAddress: string;
  remotePort: number;
  boundAt: Date;
}

export interface BindRefusedEvent {
  bindId: number;
  systemId: string;
  mode: BindMode;
  status: number;
}

export type CloseReason =
  | 'unbind'
  | 'client-closed'
  | 'dropped'
  | 'drop-after-submit'
  | 'garbage'
  | 'error'
  | 'enquire-link-timeout'
  | 'stopped';

export interface UnbindEvent {
  bindId: number;
  systemId: string;
  mode: BindMode;
  reason: CloseReason;
}

export interface ReceiptEvent {
  messageId: string;
  receiptId: string;
  systemId: string;
  stat: ReceiptStat;
  err: number;
  bindId: number;
  /** Deliveries of this receipt so far (1 = first try). */
  attempt: number;
}

export interface SimulatorEvents {
  bind: [BindInfo];
  'bind-refused': [BindRefusedEvent];
  unbind: [UnbindEvent];
  submit: [SubmitRecord];
  'receipt-sent': [ReceiptEvent];
  'receipt-acked': [ReceiptEvent];
}

export interface SimulatorStats {
  bindAttempts: number;
  bindsNow: { total: number; bySystemId: Record<string, number> };
  /** Highest number of simultaneous binds per system_id since start / resetStats(). */
  maxConcurrentBinds: Record<string, number>;
  refusedBinds: number;
  submitsAccepted: number;
  /** Accepted submits no longer in `sim.submits` (the ring of `maxRecords` was full). */
  submitsDropped: number;
  /** Submits answered with an error by failNextSubmits(). */
  submitsFailed: number;
  throttled: number;
  receiptsSent: number;
  receiptsAcked: number;
  receiptsRedelivered: number;
  /** Receipts given up after `receipts.maxAttempts`. */
  receiptsAbandoned: number;
  moSent: number;
  moAcked: number;
  enquireLinksReceived: number;
  enquireLinksSent: number;
  /** Connections closed because the client sent bytes that are not SMPP. */
  garbageReceived: number;
  genericNacksSent: number;
}

export type MalformedKind =
  | 'oversized-length'
  | 'length-8'
  | 'truncated-tlv'
  | 'random-bytes'
  | 'unknown-command'
  | 'response-to-nothing';

export interface RawTlv {
  tag: number;
  value: Buffer;
}

export interface MoRequest {
  systemId: string;
  from: string;
  to: string;
  text: string;
  /** Default: gsm7 when every character is in GSM 03.38, else ucs2. */
  encoding?: 'gsm7' | 'ucs2';
  /** Concatenation scheme. Given: always used (even for one part). Default: udh8 when the text needs more than one part. */
  parts?: 'udh8' | 'udh16' | 'sar';
  /** Default sameBind. */
  splitAcross?: 'sameBind' | 'differentBinds';
  /** Extra TLVs by the library's names (e.g. { user_message_reference: 7 }). */
  tlvs?: Record<string, unknown>;
  /** Extra TLVs written as raw bytes (tag + value). */
  rawTlvs?: RawTlv[];
  /** Reject when not every part was answered within this, ms (default 5000). */
  timeoutMs?: number;
}

export interface MoPartResult {
  /** The 0x1502 vendor id (36-char UUID) of this part. */
  moId: string;
  bindId: number;
  /** command_status of the client's deliver_sm_resp. */
  status: number;
}

export interface MoResult {
  parts: MoPartResult[];
}

/** Anything with these methods, e.g. a Nest Logger. */
export interface SimulatorLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}
