import type { DataSource } from 'typeorm';
import { writeOutbox } from './outbox/outbox-queries.js';
import { InboundReceivedEvent } from '../events/message-events.js';
import { SmppEvents } from '../events/smpp-events.js';
import { decodeText } from '../messages/encoding/data-coding.js';
import { bodyBytes, concatInfo } from '../messages/inbound-decoding.js';
import { fitColumn, storableText } from '../messages/wire-values.js';
import type { InboundDeliverSm } from '../session/session.types.js';
import type { PendingEvent } from './message-state-writer.js';
import { rows, type SqlExecutor } from './sql.js';
import { timeOrderedId } from '../messages/time-ordered-id.js';

/** 8x8's MO message id TLV: a 36-byte UUID, not NUL-terminated. */
const VENDOR_MO_ID_TAG = 0x1502;

/**
 * Inbound (MO) messages: single ones are stored at once; the parts of a concatenated one are kept
 * as fragments (from any bind of any process) until the last arrives, then joined into one message.
 * A fragment or a message (by 8x8's MO id) the SMSC sends again changes nothing.
 */
export class InboundStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly recordEvents: () => boolean,
    /** The replica that owns the first dispatch of the events written here (see writeOutbox). */
    private readonly eventOwner: string | null = null,
  ) {}

  async record(account: string, received: InboundDeliverSm): Promise<PendingEvent[]> {
    const deliver = fitAddresses(received);
    const concat = concatInfo(deliver);
    const body = bodyBytes(deliver);
    const vendorId =
      deliver.tlvs
        .get(VENDOR_MO_ID_TAG)
        ?.toString('latin1')
        .replace(/[^\x20-\x7e]/g, '')
        .slice(0, 64) || null;
    return this.dataSource.transaction(async (em) => {
      if (!concat || concat.total <= 1) {
        if (vendorId && (await exists(em, account, vendorId))) return [];
        return this.complete(
          em,
          account,
          deliver,
          decodeText(body, deliver.dataCoding),
          1,
          null,
          vendorId,
        );
      }
      const key = [
        account,
        deliver.sourceAddr,
        deliver.destinationAddr,
        concat.ref,
        concat.total,
      ].join('|');
      await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`smpp:mo:${key}`]);
      await em.query(
        `INSERT INTO smpp_inbound_fragments (id, account, source, destination, concat_ref, total, seq, data_coding, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT DO NOTHING`,
        [
          timeOrderedId(),
          account,
          deliver.sourceAddr,
          deliver.destinationAddr,
          concat.ref,
          concat.total,
          concat.seq,
          deliver.dataCoding,
          body,
        ],
      );
      const fragments = await rows<{ id: string; seq: number; data_coding: number; body: Buffer }>(
        em,
        `SELECT id, seq, data_coding, body FROM smpp_inbound_fragments
          WHERE account = $1 AND source = $2 AND destination = $3 AND concat_ref = $4 AND total = $5
          ORDER BY seq`,
        [account, deliver.sourceAddr, deliver.destinationAddr, concat.ref, concat.total],
      );
      if (fragments.length < concat.total) return [];
      // Decode the joined bytes: a character split across two parts (a UCS2 surrogate pair) stays whole.
      const text = decodeText(
        Buffer.concat(fragments.map((f) => f.body)),
        fragments[0].data_coding,
      );
      await em.query(`DELETE FROM smpp_inbound_fragments WHERE id = ANY($1::uuid[])`, [
        fragments.map((f) => f.id),
      ]);
      return this.complete(em, account, deliver, text, concat.total, concat.ref, vendorId);
    });
  }

  private async complete(
    em: SqlExecutor,
    account: string,
    deliver: FittedDeliverSm,
    text: string,
    parts: number,
    concatRef: number | null,
    vendorId: string | null,
  ): Promise<PendingEvent[]> {
    const id = timeOrderedId();
    const clean = storableText(text);
    const [row] = await rows<{ received_at: Date }>(
      em,
      `INSERT INTO smpp_inbound_messages (id, account, source, destination, text, data_coding, parts_total, concat_ref, vendor_message_id, raw_pdu)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING received_at`,
      [
        id,
        account,
        deliver.sourceAddr,
        deliver.destinationAddr,
        clean,
        deliver.dataCoding,
        parts,
        concatRef,
        vendorId,
        clean !== text || deliver.fitted ? (deliver.raw ?? null) : null,
      ],
    );
    const events: PendingEvent[] = [
      {
        name: SmppEvents.InboundReceived,
        payload: new InboundReceivedEvent({
          eventId: id,
          inboundId: id,
          account,
          from: deliver.sourceAddr,
          to: deliver.destinationAddr,
          text: clean,
          parts,
          receivedAt: row.received_at,
          at: new Date(),
        }),
      },
    ];
    if (this.recordEvents()) await writeOutbox(em, events, this.eventOwner);
    return events;
  }
}

/** A deliver_sm whose addresses fit the varchar(32) columns; `fitted` when one had to be cut. */
type FittedDeliverSm = InboundDeliverSm & { fitted: boolean };

const ADDRESS_WIDTH = 32;

function fitAddresses(deliver: InboundDeliverSm): FittedDeliverSm {
  const sourceAddr = fitColumn(deliver.sourceAddr, ADDRESS_WIDTH);
  const destinationAddr = fitColumn(deliver.destinationAddr, ADDRESS_WIDTH);
  const fitted = sourceAddr !== deliver.sourceAddr || destinationAddr !== deliver.destinationAddr;
  return { ...deliver, sourceAddr, destinationAddr, fitted };
}

async function exists(em: SqlExecutor, account: string, vendorId: string): Promise<boolean> {
  const found = await rows(
    em,
    `SELECT 1 FROM smpp_inbound_messages WHERE account = $1 AND vendor_message_id = $2 LIMIT 1`,
    [account, vendorId],
  );
  return found.length > 0;
}
