import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DeliverContext } from '../binds/bind-manager.js';
import { CommandStatus } from '../protocol/command-status.js';
import type { InboundDeliverSm } from '../session/session.types.js';
import type { BatchQueue } from '../store/batch-queue.js';
import type { InboundStore } from '../store/inbound-store.js';
import type { IncomingReceipt } from '../store/receipt-store.js';
import type { EventOutbox } from '../events/event-outbox.js';
import {
  isDeliveryReceipt,
  parseReceipt,
  receiptRawText,
  type ParsedReceipt,
} from './receipt-parser.js';

/**
 * Decides each deliver_sm's answer: a receipt or an MO message is answered ESME_ROK only after it
 * is durably stored; when the store fails the answer is ESME_RX_T_APPN, so the SMSC sends it again.
 */
export class DeliverRouter {
  private readonly logger = new Logger('SmppDeliver');

  constructor(
    private readonly receipts: BatchQueue<IncomingReceipt, void>,
    private readonly inbound: InboundStore,
    private readonly outbox: EventOutbox,
  ) {}

  async handle(context: DeliverContext, deliver: InboundDeliverSm): Promise<number> {
    try {
      if (isDeliveryReceipt(deliver.esmClass)) {
        await this.receipts.add({
          id: randomUUID(),
          account: context.account.name,
          bindLabel: context.bindId,
          parsed: parseReceipt(deliver) ?? unparsable(deliver),
          deliver,
        });
      } else {
        const events = await this.inbound.record(context.account.name, deliver);
        void this.outbox.publish(events);
      }
      return CommandStatus.ESME_ROK;
    } catch (error) {
      this.logger.error(
        `Could not store a deliver_sm from ${context.bindId} (${(error as Error).message}); answered ESME_RX_T_APPN so the SMSC sends it again`,
      );
      return CommandStatus.ESME_RX_T_APPN;
    }
  }
}

/** A receipt with no id anywhere: stored as it came (it can never match), so nothing is dropped silently. */
function unparsable(deliver: InboundDeliverSm): ParsedReceipt {
  return {
    smscMessageId: '',
    idSource: 'text',
    stat: null,
    errorCode: null,
    rawText: receiptRawText(deliver),
    finalState: null,
    final: false,
  };
}
