import type { DeliverContext } from '../binds/bind-manager.js';
import type { InboundDeliverSm } from '../session/session.types.js';
import type { BatchQueue } from '../store/batch-queue.js';
import type { InboundStore } from '../store/inbound-store.js';
import type { EventOutbox } from '../store/outbox/event-outbox.js';
import type { IncomingReceipt } from '../store/part-rows.js';
import type { QuarantineInput, QuarantineStore } from '../store/quarantine-store.js';
import { incomingReceipt } from './incoming-receipt.js';

/**
 * Stores inbound PDUs, the mirror of the dispatcher's submit results: a receipt joins the
 * receipts' group commit (matched to its part there), an MO message is stored with its fragments,
 * and a PDU that can never be stored is quarantined raw. Each resolves once durably stored, and
 * publishes its events after the commit.
 */
export class InboundWriter {
  constructor(
    private readonly receipts: Pick<BatchQueue<IncomingReceipt, void>, 'add'>,
    private readonly inbound: InboundStore,
    private readonly outbox: EventOutbox,
    private readonly quarantineStore: QuarantineStore,
  ) {}

  async receipt(context: DeliverContext, deliver: InboundDeliverSm): Promise<void> {
    await this.receipts.add(incomingReceipt(context, deliver));
  }

  async mo(context: DeliverContext, deliver: InboundDeliverSm): Promise<void> {
    const events = await this.inbound.record(context.account.name, deliver);
    void this.outbox.publish(events);
  }

  async quarantine(input: QuarantineInput): Promise<void> {
    const { events } = await this.quarantineStore.quarantine(input);
    void this.outbox.publish(events);
  }
}
