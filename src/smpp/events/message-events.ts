import type { MessageStatus } from '../messages/message-status.js';

/**
 * Payloads of the message, receipt and inbound events. Each carries `eventId`, stable across
 * re-deliveries (events are delivered at least once: dedupe on it). Never a password.
 */
abstract class SmppDomainEvent {
  readonly eventId!: string;
  readonly at!: Date;
}

function assign<T extends object>(target: T, fields: Record<string, unknown>): T {
  Object.assign(target, fields);
  for (const key of ['at', 'receivedAt', 'doneAt', 'expiresAt']) {
    const v = (target as Record<string, unknown>)[key];
    if (typeof v === 'string') (target as Record<string, unknown>)[key] = new Date(v);
  }
  return Object.freeze(target);
}

/** Every part of the message was accepted by the SMSC (`smpp.message.submitted`). */
export class MessageSubmittedEvent extends SmppDomainEvent {
  readonly messageId!: string;
  readonly account!: string;
  readonly to!: string;
  readonly clientRef!: string | null;
  readonly parts!: number;
  readonly smscMessageIds!: string[];
  constructor(fields: Omit<MessageSubmittedEvent, never>) {
    super();
    assign(this, fields as unknown as Record<string, unknown>);
  }
}

/** Every part was delivered to the handset (`smpp.message.delivered`). */
export class MessageDeliveredEvent extends SmppDomainEvent {
  readonly messageId!: string;
  readonly account!: string;
  readonly to!: string;
  readonly clientRef!: string | null;
  readonly doneAt!: Date;
  constructor(fields: Omit<MessageDeliveredEvent, never>) {
    super();
    assign(this, fields as unknown as Record<string, unknown>);
  }
}

/** The message ended undelivered: undeliverable, expired, rejected or failed (`smpp.message.failed`). */
export class MessageFailedEvent extends SmppDomainEvent {
  readonly messageId!: string;
  readonly account!: string;
  readonly to!: string;
  readonly clientRef!: string | null;
  readonly status!: MessageStatus;
  /** The receipt's err code, or the SMPP command_status of a refused submit. */
  readonly errorCode!: number | null;
  /** The SMPP status name of a refused submit (e.g. ESME_RINVDSTADR). */
  readonly errorStatus!: string | null;
  /** The provider's reason text for the err code. */
  readonly errorReason!: string | null;
  readonly doneAt!: Date;
  constructor(fields: Omit<MessageFailedEvent, never>) {
    super();
    assign(this, fields as unknown as Record<string, unknown>);
  }
}

/**
 * A part of the message left for the SMSC but no answer came (`smpp.message.unknown`): the SMSC
 * may or may not have it; with at-most-once delivery it is not sent again.
 */
export class MessageUnknownEvent extends SmppDomainEvent {
  readonly messageId!: string;
  readonly account!: string;
  readonly to!: string;
  readonly clientRef!: string | null;
  /** Why: NO_RESPONSE (the answer never came), or what the link said. */
  readonly errorStatus!: string | null;
  constructor(fields: Omit<MessageUnknownEvent, never>) {
    super();
    assign(this, fields as unknown as Record<string, unknown>);
  }
}

/**
 * The message's expiresAt passed before every part was submitted (`smpp.message.expired`): the
 * parts still waiting were never sent; `partsSent` parts had left before (the handset may show
 * them as an incomplete message). Emitted instead of `smpp.message.failed` for this local expiry;
 * an SMSC receipt `EXPIRED` is still `smpp.message.failed` with status `expired`.
 */
export class MessageExpiredEvent extends SmppDomainEvent {
  readonly messageId!: string;
  readonly account!: string;
  readonly to!: string;
  readonly clientRef!: string | null;
  readonly expiresAt!: Date;
  /** Parts that had been submitted before the expiry (0: nothing reached the SMSC). */
  readonly partsSent!: number;
  readonly doneAt!: Date;
  constructor(fields: Omit<MessageExpiredEvent, never>) {
    super();
    assign(this, fields as unknown as Record<string, unknown>);
  }
}

/** cancel() took the message before any part left (`smpp.message.cancelled`). */
export class MessageCancelledEvent extends SmppDomainEvent {
  readonly messageId!: string;
  readonly account!: string;
  readonly to!: string;
  readonly clientRef!: string | null;
  /** What it was when cancelled: 'scheduled', 'queued' or 'submitting' (claimed, not yet written). */
  readonly previousStatus!: MessageStatus;
  readonly doneAt!: Date;
  constructor(fields: Omit<MessageCancelledEvent, never>) {
    super();
    assign(this, fields as unknown as Record<string, unknown>);
  }
}

/**
 * A part that was `unknown` (no submit_sm_resp stored) was matched to a receipt whose SMSC id
 * matched nothing, by destination, `text:` prefix and submit date, with no other candidate
 * (`smpp.message.unknown-resolved`). The part took the receipt's SMSC id and state; the message's
 * own events (delivered, failed, ...) follow as usual.
 */
export class MessageUnknownResolvedEvent extends SmppDomainEvent {
  readonly messageId!: string;
  readonly account!: string;
  readonly to!: string;
  readonly clientRef!: string | null;
  readonly partSeq!: number;
  /** The SMSC message id the part took (the receipt's). */
  readonly smscMessageId!: string;
  /** The receipt that resolved it. */
  readonly receiptId!: string;
  readonly stat!: string;
  constructor(fields: Omit<MessageUnknownResolvedEvent, never>) {
    super();
    assign(this, fields as unknown as Record<string, unknown>);
  }
}

/**
 * A deliver_sm (receipt or MO) that could never be stored, kept raw in smpp_quarantined_pdus and
 * answered ESME_ROK so the SMSC stops re-sending it (`smpp.inbound.quarantined`). Never its text.
 */
export class InboundQuarantinedEvent extends SmppDomainEvent {
  /** The row in smpp_quarantined_pdus. */
  readonly quarantineId!: string;
  readonly account!: string;
  readonly systemId!: string | null;
  readonly commandId!: number;
  readonly sequenceNumber!: number;
  readonly reason!: string;
  constructor(fields: Omit<InboundQuarantinedEvent, never>) {
    super();
    assign(this, fields as unknown as Record<string, unknown>);
  }
}

/** Every receipt, matched to a message or not (`smpp.receipt.received`). */
export class ReceiptReceivedEvent extends SmppDomainEvent {
  readonly receiptId!: string;
  readonly account!: string;
  readonly smscMessageId!: string;
  readonly stat!: string;
  readonly errorCode!: number | null;
  readonly final!: boolean;
  /** The message it belongs to, when matched (a receipt may arrive before its message id is stored). */
  readonly messageId!: string | null;
  readonly partSeq!: number | null;
  readonly duplicate!: boolean;
  constructor(fields: Omit<ReceiptReceivedEvent, never>) {
    super();
    assign(this, fields as unknown as Record<string, unknown>);
  }
}

/** A complete inbound (MO) message, reassembled when it came in parts (`smpp.inbound.received`). */
export class InboundReceivedEvent extends SmppDomainEvent {
  readonly inboundId!: string;
  readonly account!: string;
  readonly from!: string;
  readonly to!: string;
  readonly text!: string;
  readonly parts!: number;
  readonly receivedAt!: Date;
  constructor(fields: Omit<InboundReceivedEvent, never>) {
    super();
    assign(this, fields as unknown as Record<string, unknown>);
  }
}

export type SmppDomainEventPayload =
  | MessageSubmittedEvent
  | MessageDeliveredEvent
  | MessageFailedEvent
  | MessageUnknownEvent
  | MessageExpiredEvent
  | MessageCancelledEvent
  | MessageUnknownResolvedEvent
  | InboundQuarantinedEvent
  | ReceiptReceivedEvent
  | InboundReceivedEvent;
