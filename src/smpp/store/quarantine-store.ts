import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { writeOutbox } from './outbox/outbox-queries.js';
import { InboundQuarantinedEvent } from '../events/message-events.js';
import { SmppEvents } from '../events/smpp-events.js';
import { fitColumn } from '../messages/wire-values.js';
import type { QuarantineObservation, SmppTelemetry } from '../telemetry/smpp-telemetry.js';
import type { PendingEvent } from './message-state-writer.js';
import { rows } from './sql.js';
import { describeDatabaseError } from './transient-error.js';
import { timeOrderedId } from '../messages/time-ordered-id.js';

/** The most of a PDU kept (a deliver_sm is at most a few KiB; anything longer is cut). */
export const MAX_QUARANTINED_BYTES = 64 * 1024;
export const DEFAULT_MAX_QUARANTINED = 10_000;

export interface QuarantineInput {
  account: string;
  systemId: string | null;
  /** The whole PDU as it came off the wire, header included. */
  raw: Buffer;
  /** Why it cannot be stored (a database message or a parse error; never the PDU's text). */
  reason: string;
  /** What it was, for metrics: a receipt, an MO message, or a PDU that could not be read. */
  kind?: QuarantineObservation['kind'];
}

export interface Quarantined {
  id: string;
  events: PendingEvent[];
}

/**
 * smpp_quarantined_pdus: deliver_sm this process could never store, kept raw so nothing is lost
 * silently, so that they can be answered ESME_ROK (the SMSC would re-send them for ever otherwise).
 * Bounded by `maxQuarantined` rows: each insert deletes the rows older than the newest
 * `maxQuarantined` (a primary-key range delete), so the newest evidence is kept and a storm of
 * bad PDUs can neither fill the disk nor make the SMSC loop.
 */
export class QuarantineStore {
  private readonly logger = new Logger('SmppQuarantine');

  constructor(
    private readonly dataSource: DataSource,
    private readonly recordEvents: () => boolean,
    private readonly maxQuarantined = DEFAULT_MAX_QUARANTINED,
    private readonly telemetry?: SmppTelemetry,
    /** The replica that owns the first dispatch of the events written here (see writeOutbox). */
    private readonly eventOwner: string | null = null,
  ) {}

  async quarantine(input: QuarantineInput): Promise<Quarantined> {
    const raw = input.raw.subarray(0, MAX_QUARANTINED_BYTES);
    const commandId = raw.length >= 8 ? raw.readUInt32BE(4) : 0;
    const sequenceNumber = raw.length >= 16 ? raw.readUInt32BE(12) : 0;
    const account = fitColumn(input.account, 64);
    const systemId = input.systemId === null ? null : fitColumn(input.systemId, 16);
    const reason = fitColumn(input.reason, 500) || 'unknown';
    const row = await this.dataSource.transaction(async (em) => {
      const [inserted] = await rows<{ id: string; received_at: Date }>(
        em,
        `INSERT INTO smpp_quarantined_pdus (account, system_id, command_id, sequence_number, reason, raw)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, received_at`,
        [account, systemId, commandId, sequenceNumber, reason, raw],
      );
      await em.query(`DELETE FROM smpp_quarantined_pdus WHERE id <= $1::bigint - $2::bigint`, [
        inserted.id,
        this.maxQuarantined,
      ]);
      return inserted;
    });
    const events: PendingEvent[] = [
      {
        name: SmppEvents.InboundQuarantined,
        payload: new InboundQuarantinedEvent({
          eventId: timeOrderedId(),
          quarantineId: String(row.id),
          account,
          systemId,
          commandId,
          sequenceNumber,
          reason,
          at: row.received_at,
        }),
      },
    ];
    // The row is what matters: an outbox that refuses the event (the reason the PDU is here, it
    // may be) must not turn the quarantine into an endless re-send.
    if (this.recordEvents()) {
      await writeOutbox(this.dataSource, events, this.eventOwner).catch((error: unknown) =>
        this.logger.error(
          `Could not record the quarantine event of row ${row.id}: ${describeDatabaseError(error)}`,
        ),
      );
    }
    const result = { id: String(row.id), events };
    this.logger.warn(
      `Quarantined a PDU (command_id 0x${commandId.toString(16)}, sequence ${sequenceNumber}) of "${account}" as row ${result.id}: ${reason}; answered ESME_ROK`,
    );
    this.telemetry?.quarantine({ account, kind: input.kind ?? 'pdu' });
    return result;
  }
}
