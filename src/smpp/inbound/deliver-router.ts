import { Logger } from '@nestjs/common';
import type { DeliverContext } from '../binds/bind-manager.js';
import { SmppBackpressureError } from '../errors.js';
import { CommandStatus } from '../protocol/command-status.js';
import { isDeliveryReceipt } from '../receipts/receipt-parser.js';
import type { InboundDeliverSm } from '../session/session.types.js';
import { describeDatabaseError, isTransientDatabaseError } from '../store/transient-error.js';
import type { InboundWriter } from './inbound-writer.js';

/** deliver_sm handled at once by default; beyond it they are answered ESME_RX_T_APPN. */
export const DEFAULT_MAX_DELIVERS_IN_FLIGHT = 2_000;

/**
 * Routes each deliver_sm (receipt, MO message, unreadable PDU) to its store and decides its
 * answer: ESME_ROK only after it is durably stored. When the database is unreachable (or this
 * process holds too many unanswered deliver_sm) the answer is ESME_RX_T_APPN, so the SMSC sends it
 * again; one that can never be stored (the database refuses its values) is quarantined raw and
 * answered ESME_ROK, so the SMSC does not re-send it for ever.
 */
export class DeliverRouter {
  private readonly logger = new Logger('SmppDeliver');
  private inFlight = 0;
  private refusedSinceLog = 0;
  private lastRefusalLog = 0;

  constructor(
    private readonly writer: InboundWriter,
    private readonly maxInFlight = DEFAULT_MAX_DELIVERS_IN_FLIGHT,
  ) {}

  async handle(context: DeliverContext, deliver: InboundDeliverSm): Promise<number> {
    if (this.inFlight >= this.maxInFlight) {
      this.logRefusal();
      return CommandStatus.ESME_RX_T_APPN;
    }
    this.inFlight++;
    const receipt = isDeliveryReceipt(deliver.esmClass);
    try {
      if (receipt) await this.writer.receipt(context, deliver);
      else await this.writer.mo(context, deliver);
      return CommandStatus.ESME_ROK;
    } catch (error) {
      if (error instanceof SmppBackpressureError || isTransientDatabaseError(error)) {
        this.logger.error(
          `Could not store a deliver_sm from ${context.bindId} (${describeDatabaseError(error)}); answered ESME_RX_T_APPN so the SMSC sends it again`,
        );
        return CommandStatus.ESME_RX_T_APPN;
      }
      return this.quarantined(context, deliver, receipt, error);
    } finally {
      this.inFlight--;
    }
  }

  /**
   * A deliver_sm whose body cannot be read at all (a truncated field or TLV in a sound frame):
   * kept raw in the quarantine and answered ESME_ROK. When even that fails: ESME_RX_T_APPN while
   * the database is away (it is re-sent and quarantined later), else ESME_RX_P_APPN (permanent).
   */
  async handleMalformed(context: DeliverContext, raw: Buffer, error: Error): Promise<number> {
    try {
      await this.writer.quarantine({
        account: context.account.name,
        systemId: context.account.systemId,
        raw,
        reason: `unreadable deliver_sm: ${error.message}`,
        kind: 'pdu',
      });
      return CommandStatus.ESME_ROK;
    } catch (quarantineError) {
      const transient = isTransientDatabaseError(quarantineError);
      this.logger.error(
        `Could not quarantine an unreadable deliver_sm from ${context.bindId} (${describeDatabaseError(quarantineError)}); answered ${transient ? 'ESME_RX_T_APPN' : 'ESME_RX_P_APPN'}`,
      );
      return transient ? CommandStatus.ESME_RX_T_APPN : CommandStatus.ESME_RX_P_APPN;
    }
  }

  /** One line per 10 s at most while deliver_sm are refused for being too many at once. */
  private logRefusal(): void {
    this.refusedSinceLog++;
    const now = Date.now();
    if (now - this.lastRefusalLog < 10_000) return;
    this.logger.warn(
      `${this.refusedSinceLog} deliver_sm answered ESME_RX_T_APPN: ${this.maxInFlight} are being stored already (limits.maxDeliversInFlight); the SMSC sends them again`,
    );
    this.lastRefusalLog = now;
    this.refusedSinceLog = 0;
  }

  /** A deliver_sm the database refuses for good: kept raw, acknowledged. */
  private async quarantined(
    context: DeliverContext,
    deliver: InboundDeliverSm,
    receipt: boolean,
    error: unknown,
  ): Promise<number> {
    try {
      await this.writer.quarantine({
        account: context.account.name,
        systemId: context.account.systemId,
        raw: deliver.raw ?? Buffer.alloc(0),
        reason: describeDatabaseError(error),
        kind: receipt ? 'receipt' : 'mo',
      });
      return CommandStatus.ESME_ROK;
    } catch (quarantineError) {
      this.logger.error(
        `Could not store nor quarantine a deliver_sm from ${context.bindId} (${describeDatabaseError(error)}; quarantine: ${describeDatabaseError(quarantineError)}); answered ESME_RX_T_APPN`,
      );
      return CommandStatus.ESME_RX_T_APPN;
    }
  }
}
