import { SmppBindLease } from './smpp-bind-lease.entity.js';
import { SmppInboundFragment } from './smpp-inbound-fragment.entity.js';
import { SmppInboundMessage } from './smpp-inbound-message.entity.js';
import { SmppMessagePart } from './smpp-message-part.entity.js';
import { SmppMessage } from './smpp-message.entity.js';
import { SmppOutboxEvent } from './smpp-outbox-event.entity.js';
import { SmppQuarantinedPdu } from './smpp-quarantined-pdu.entity.js';
import { SmppReceipt } from './smpp-receipt.entity.js';

export {
  SmppBindLease,
  SmppInboundFragment,
  SmppInboundMessage,
  SmppMessage,
  SmppMessagePart,
  SmppOutboxEvent,
  SmppQuarantinedPdu,
  SmppReceipt,
};
export * from './smpp-entity.types.js';

/** Every entity of the module: register them in the host's DataSource (no globs under ESM). */
export const SMPP_ENTITIES = [
  SmppMessage,
  SmppMessagePart,
  SmppReceipt,
  SmppInboundMessage,
  SmppInboundFragment,
  SmppOutboxEvent,
  SmppBindLease,
  SmppQuarantinedPdu,
];
