import {
  InboundQuarantinedEvent,
  InboundReceivedEvent,
  MessageDeliveredEvent,
  MessageFailedEvent,
  MessageSubmittedEvent,
  MessageUnknownEvent,
  MessageUnknownResolvedEvent,
  ReceiptReceivedEvent,
  type SmppDomainEventPayload,
} from './message-events.js';
import { SmppEvents, type SmppEventName } from './smpp-events.js';

const PAYLOAD_CLASSES: Partial<
  Record<SmppEventName, new (fields: never) => SmppDomainEventPayload>
> = {
  [SmppEvents.MessageSubmitted]: MessageSubmittedEvent,
  [SmppEvents.MessageDelivered]: MessageDeliveredEvent,
  [SmppEvents.MessageFailed]: MessageFailedEvent,
  [SmppEvents.ReceiptReceived]: ReceiptReceivedEvent,
  [SmppEvents.InboundReceived]: InboundReceivedEvent,
  [SmppEvents.MessageUnknown]: MessageUnknownEvent,
  [SmppEvents.MessageUnknownResolved]: MessageUnknownResolvedEvent,
  [SmppEvents.InboundQuarantined]: InboundQuarantinedEvent,
};

/** An event's payload class instance again, from its JSON as stored (a frozen copy if unknown). */
export function revivePayload(name: SmppEventName, json: Record<string, unknown>): object {
  const Payload = PAYLOAD_CLASSES[name];
  return Payload
    ? new Payload(json as never)
    : Object.freeze({ ...json, at: new Date(String(json.at)) });
}
