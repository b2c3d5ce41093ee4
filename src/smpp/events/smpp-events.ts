/** Event names emitted through @nestjs/event-emitter (listen with `@OnEvent(SmppEvents.BindUp)`). */
export const SmppEvents = {
  BindUp: 'smpp.bind.up',
  BindDown: 'smpp.bind.down',
  MessageSubmitted: 'smpp.message.submitted',
  MessageDelivered: 'smpp.message.delivered',
  MessageFailed: 'smpp.message.failed',
  ReceiptReceived: 'smpp.receipt.received',
  InboundReceived: 'smpp.inbound.received',
} as const;

export type SmppEventName = (typeof SmppEvents)[keyof typeof SmppEvents];
