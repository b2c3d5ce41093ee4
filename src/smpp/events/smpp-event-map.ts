import type { BindDownEvent, BindUpEvent } from './bind-events.js';
import type {
  InboundQuarantinedEvent,
  InboundReceivedEvent,
  MessageCancelledEvent,
  MessageDeliveredEvent,
  MessageExpiredEvent,
  MessageFailedEvent,
  MessageSubmittedEvent,
  MessageUnknownEvent,
  MessageUnknownResolvedEvent,
  ReceiptReceivedEvent,
} from './message-events.js';
import type { SmppEventName } from './smpp-events.js';

/** The payload class of every event, by its name (`SmppEvents.*`). */
export interface SmppEventMap {
  'smpp.bind.up': BindUpEvent;
  'smpp.bind.down': BindDownEvent;
  'smpp.message.submitted': MessageSubmittedEvent;
  'smpp.message.delivered': MessageDeliveredEvent;
  'smpp.message.failed': MessageFailedEvent;
  'smpp.message.unknown': MessageUnknownEvent;
  'smpp.message.expired': MessageExpiredEvent;
  'smpp.message.cancelled': MessageCancelledEvent;
  'smpp.message.unknown-resolved': MessageUnknownResolvedEvent;
  'smpp.receipt.received': ReceiptReceivedEvent;
  'smpp.inbound.received': InboundReceivedEvent;
  'smpp.inbound.quarantined': InboundQuarantinedEvent;
}

/** An event name without its `smpp.` prefix: 'message.delivered'. */
export type SmppEventShortName = SmppEventName extends `smpp.${infer S}` ? S : never;

/** The payload type of an event, by full or short name: `SmppEventPayload<'message.delivered'>`. */
export type SmppEventPayload<N extends SmppEventName | SmppEventShortName> = N extends SmppEventName
  ? SmppEventMap[N]
  : `smpp.${N}` extends SmppEventName
    ? SmppEventMap[`smpp.${N}`]
    : never;
