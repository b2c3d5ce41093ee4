/** Event names emitted through @nestjs/event-emitter (listen with `@OnEvent(SmppEvents.BindUp)`). */
export const SmppEvents = {
  BindUp: 'smpp.bind.up',
  BindDown: 'smpp.bind.down',
  MessageSubmitted: 'smpp.message.submitted',
  MessageDelivered: 'smpp.message.delivered',
  MessageFailed: 'smpp.message.failed',
  /** A part's submit_sm left but its outcome is not known (no answer; never re-sent at-most-once). */
  MessageUnknown: 'smpp.message.unknown',
  /** No part left before the message's expiresAt (or some did, the rest did not): ended `expired` locally. */
  MessageExpired: 'smpp.message.expired',
  /** cancel() took the message before any part left. */
  MessageCancelled: 'smpp.message.cancelled',
  /**
   * An `unknown` part was matched to a parked receipt by destination, text and submit date (no
   * SMSC id was stored for it): it took the receipt's SMSC id and state.
   */
  MessageUnknownResolved: 'smpp.message.unknown-resolved',
  ReceiptReceived: 'smpp.receipt.received',
  InboundReceived: 'smpp.inbound.received',
  /** A deliver_sm that could never be stored was kept raw in smpp_quarantined_pdus and acknowledged. */
  InboundQuarantined: 'smpp.inbound.quarantined',
} as const;

export type SmppEventName = (typeof SmppEvents)[keyof typeof SmppEvents];
