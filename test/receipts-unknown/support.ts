/** Parts and receipts for the unknown-resolution tests, written the way the store writes them. */
import { randomUUID } from 'node:crypto';
import { encodeGsm7 } from '../../src/smpp/messages/encoding/gsm7.js';
import { encodeUcs2 } from '../../src/smpp/messages/encoding/ucs2.js';
import { parseReceipt } from '../../src/smpp/receipts/receipt-parser.js';
import type { InboundDeliverSm } from '../../src/smpp/session/session.types.js';
import type { DataSource } from 'typeorm';
import { ClaimRecovery } from '../../src/smpp/store/claim-recovery.js';
import type { IncomingReceipt } from '../../src/smpp/store/part-rows.js';
import { type AccountScope, partWriteContext } from '../../src/smpp/store/part-write-context.js';
import { partOutcomes } from '../support/part-outcomes.js';
import type { SmppTelemetry } from '../../src/smpp/telemetry/smpp-telemetry.js';
import type { TestDatabase } from '../support/database.js';
import { receiptDate } from '../../src/simulator/receipt-format.js';

export const ACCOUNT = 'acct';

export interface PartSpec {
  to: string;
  text: string;
  account?: string;
  /** Written to a socket this long ago (ms), by a process that is gone. */
  writtenAgoMs?: number;
}

/**
 * A one-part GSM-7 message whose part is `submitting`, written to a socket, claimed by a process
 * whose claim has run out: recovery (or an `unknown` submit result) makes it unknown.
 */
export async function writtenPart(db: TestDatabase, spec: PartSpec): Promise<string> {
  const messageId = randomUUID();
  const partId = randomUUID();
  const account = spec.account ?? ACCOUNT;
  const gsm = encodeGsm7(spec.text);
  const body = gsm ?? encodeUcs2(spec.text);
  await db.dataSource.query(
    `INSERT INTO smpp_messages (id, account, destination, source, source_ton, source_npi, text,
                                encoding, data_coding, status, parts_total, registered_delivery, client_ref)
     VALUES ($1, $2, $3, 'MyBrand', 5, 0, $4, $6, $7, 'submitting', 1, 1, $5)`,
    [messageId, account, spec.to, spec.text, `ref-${partId}`, gsm ? 'gsm7' : 'ucs2', gsm ? 0 : 8],
  );
  await db.dataSource.query(
    `INSERT INTO smpp_message_parts (id, message_id, account, seq, total, status, body, esm_class,
                                     attempts, claimed_by, claimed_until, written_at)
     VALUES ($1, $2, $3, 1, 1, 'submitting', $4, 0, 1, 'gone#000000000000',
             now() - interval '1 second', now() - $5::int * interval '1 millisecond')`,
    [partId, messageId, account, body, spec.writtenAgoMs ?? 1_000],
  );
  return partId;
}

export interface ReceiptSpec {
  smscId: string;
  /** The handset: the receipt's source_addr. */
  from: string;
  /** The `text:` field; omitted when undefined. */
  text?: string;
  submitted?: Date;
  stat?: string;
  account?: string;
}

export function receipt(spec: ReceiptSpec): IncomingReceipt {
  const date = receiptDate(spec.submitted ?? new Date());
  const stat = spec.stat ?? 'DELIVRD';
  const body =
    `id:${spec.smscId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:${date} ` +
    `done date:${date} stat:${stat} err:000` +
    (spec.text === undefined ? '' : ` text:${spec.text}`);
  const deliver: InboundDeliverSm = {
    sequenceNumber: 1,
    sourceAddr: spec.from,
    sourceAddrTon: 1,
    sourceAddrNpi: 1,
    destinationAddr: 'MyBrand',
    destAddrTon: 5,
    destAddrNpi: 0,
    esmClass: 0x04,
    dataCoding: 0,
    shortMessage: Buffer.from(body, 'latin1'),
    tlvs: new Map(),
  };
  return {
    id: randomUUID(),
    account: spec.account ?? ACCOUNT,
    bindLabel: 'test#0',
    parsed: parseReceipt(deliver)!,
    deliver,
  };
}

export interface PartState {
  status: string;
  smsc_message_id: string | null;
  unknown_resolved_at: Date | null;
  message_status: string;
}

export async function partState(db: TestDatabase, partId: string): Promise<PartState> {
  const [row] = (await db.dataSource.query(
    `SELECT p.status, p.smsc_message_id, p.unknown_resolved_at, m.status AS message_status
       FROM smpp_message_parts p JOIN smpp_messages m ON m.id = p.message_id WHERE p.id = $1`,
    [partId],
  )) as PartState[];
  return row;
}

/** Receipts still parked (matched to no part). */
export async function parkedCount(db: TestDatabase): Promise<number> {
  const [row] = (await db.dataSource.query(
    `SELECT count(*)::int AS n FROM smpp_receipts WHERE part_id IS NULL`,
  )) as Array<{ n: number }>;
  return row.n;
}

/** Outbox rows of an event name. */
export async function outboxCount(db: TestDatabase, name: string): Promise<number> {
  const [row] = (await db.dataSource.query(
    `SELECT count(*)::int AS n FROM smpp_outbox_events WHERE name = $1`,
    [name],
  )) as Array<{ n: number }>;
  return row.n;
}

/** The three writers of part outcomes over one context, as SmppMessaging composes them. */
export function partStores(
  dataSource: DataSource,
  recordEvents: () => boolean,
  telemetry?: SmppTelemetry,
  scope?: AccountScope,
) {
  const context = partWriteContext(dataSource, recordEvents, telemetry, scope);
  const recovery = new ClaimRecovery(context);
  return {
    ...partOutcomes(context),
    recoverExpiredClaims: recovery.recoverExpiredClaims.bind(recovery),
  };
}
export type PartStores = ReturnType<typeof partStores>;
