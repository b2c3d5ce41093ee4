import type { ParsedReceipt } from '../receipts/receipt-parser.js';
import type { InboundDeliverSm } from '../session/session.types.js';
import type { PartStatus } from '../messages/message-status.js';

/** A receipt as it came off a bind, on its way to smpp_receipts. */
export interface IncomingReceipt {
  id: string;
  account: string;
  bindLabel: string;
  parsed: ParsedReceipt;
  deliver: InboundDeliverSm;
  /** The PDU as it came, kept when a value had to be cut or cleaned to fit (else null). */
  rawPdu?: Buffer | null;
}

/** What a submit_sm led to, for one part. */
export type SubmitOutcome =
  | { kind: 'submitted'; smscMessageId: string }
  /** Refused for now (throttled, queue full): try again after `delayMs`. */
  | { kind: 'retry'; delayMs: number; errorCode: number; errorStatus: string }
  /** Refused for good (or its result could never be stored): the message fails. */
  | { kind: 'failed'; errorCode: number | null; errorStatus: string }
  /** It left, but no answer came: the SMSC may have it. */
  | { kind: 'unknown'; errorStatus: string }
  /** It never left this process: back to the queue as it was. */
  | { kind: 'requeue' };

export interface SubmitResult {
  partId: string;
  account: string;
  outcome: SubmitOutcome;
}

/** The columns of smpp_message_parts that receipt matching reads. */
export interface PartRow {
  id: string;
  message_id: string;
  account: string;
  seq: number;
  smsc_message_id: string;
  status: PartStatus;
  submitted_at: Date | null;
}

/** What a receipt says about its part. */
export interface ReceiptFacts {
  receiptId: string;
  stat: string;
  errorCode: number | null;
}
