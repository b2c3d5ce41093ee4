import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';

export type BindMode = 'transceiver' | 'transmitter' | 'receiver';

export type SessionState = 'connecting' | 'binding' | 'bound' | 'unbinding' | 'closed';

/** TLS settings for a session. Certificates are verified unless `rejectUnauthorized: false`. */
export type SessionTlsOptions = Pick<
  TlsConnectionOptions,
  'ca' | 'cert' | 'key' | 'passphrase' | 'servername' | 'rejectUnauthorized' | 'minVersion'
>;

export interface SessionTimings {
  /** TCP/TLS connect, ms (default 10 000). */
  connectTimeoutMs: number;
  /** Any request's response, bind included, ms (default 10 000). */
  responseTimeoutMs: number;
  /** Send enquire_link after this long without traffic, ms (default 30 000). */
  enquireLinkMs: number;
  /** Graceful unbind: wait this long for outstanding responses, then this long for unbind_resp, ms (default 5 000). */
  unbindTimeoutMs: number;
}

export interface SessionOptions extends SessionTimings {
  host: string;
  port: number;
  /** false or undefined: plain TCP. An object: TLS (minVersion TLSv1.2 unless given). */
  tls?: false | SessionTlsOptions;
  systemId: string;
  password: string;
  systemType?: string;
  mode: BindMode;
  /** Outstanding requests at most (default 10). */
  window: number;
  /** submit_sm per second (token bucket rate, default 50). 0 or Infinity: unpaced. */
  submitsPerSecond: number;
  /** Bucket size (default = submitsPerSecond, at least 1). */
  submitBurst?: number;
  /**
   * Called for every deliver_sm; the deliver_sm_resp is sent after it resolves,
   * with the command_status it returns (0 = ESME_ROK). A throw answers ESME_RX_T_APPN.
   */
  onDeliver?: (deliver: InboundDeliverSm) => Promise<number> | number;
  /**
   * Called for a deliver_sm that is framed correctly but cannot be parsed, with its exact bytes
   * (e.g. to quarantine it); the deliver_sm_resp carries the status it returns. Without it, or
   * when it throws, the answer is ESME_RX_P_APPN (permanent: the SMSC does not re-send it).
   */
  onMalformedDeliver?: (raw: Buffer, error: Error) => Promise<number> | number;
  /** A label used in logs and errors ("account/bind#2"). */
  label?: string;
  /** Where the session logs (a Nest Logger fits). Passwords and message bodies are never logged. */
  logger?: SessionLogger;
}

/** The subset of Nest's LoggerService the session uses. */
export interface SessionLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

/** Payload of a session's `close` event, emitted exactly once per session. */
export interface SessionCloseEvent {
  /** Why the session closed, when it was not a clean unbind (timeout, drop, malformed PDU, refusal). */
  error?: Error;
  /** true when the session ended by an unbind/unbind_resp exchange (either side). */
  graceful: boolean;
  /** A one-line human-readable reason, for logs. */
  reason: string;
}

/** A submit_sm as our layer builds it: always an explicit data_coding and pre-encoded bytes. */
export interface SubmitSmRequest {
  sourceAddr: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  destinationAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  dataCoding: number;
  esmClass?: number;
  registeredDelivery?: number;
  /** SMPP absolute or relative time string, e.g. "000001000000000R". */
  validityPeriod?: string;
  /** Encoded body (without UDH). Empty when messagePayload is used. */
  shortMessage: Buffer;
  /** UDH including its UDHL byte (e.g. 05 00 03 ref total seq); sets esm_class 0x40. */
  udh?: Buffer;
  /** Encoded full text in the message_payload TLV (0x0424) instead of short_message. */
  messagePayload?: Buffer;
  /** SAR TLVs, for SMSCs that want them instead of UDH. */
  sar?: { refNum: number; totalSegments: number; segmentSeqnum: number };
}

export interface SubmitSmResult {
  /** message_id from submit_sm_resp, exactly as the SMSC returned it. */
  messageId: string;
}

/** An inbound deliver_sm (receipt or MO), decoded into plain fields. */
export interface InboundDeliverSm {
  sequenceNumber: number;
  sourceAddr: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  destinationAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  esmClass: number;
  dataCoding: number;
  /** The short_message body bytes, WITHOUT the UDH. */
  shortMessage: Buffer;
  /** The UDH bytes including the UDHL byte, when esm_class has 0x40. */
  udh?: Buffer;
  /** message_payload TLV bytes, when present. */
  messagePayload?: Buffer;
  /** receipted_message_id TLV cut at its TLV length (and at the first NUL/control character). */
  receiptedMessageId?: string;
  /** message_state TLV (1 ENROUTE, 2 DELIVERED, 3 EXPIRED, 4 DELETED, 5 UNDELIVERABLE, 6 ACCEPTED, 7 UNKNOWN, 8 REJECTED). */
  messageState?: number;
  /** network_error_code TLV: network type and the 2-byte error code. */
  networkErrorCode?: { type: number; code: number };
  sar?: { refNum: number; totalSegments: number; segmentSeqnum: number };
  /** Every TLV as found on the wire, by tag (vendor TLVs such as 0x1502 included). */
  tlvs: ReadonlyMap<number, Buffer>;
  /** The whole PDU as it came (header included), kept for the quarantine. */
  raw?: Buffer;
}
