/**
 * The queries of unknown-resolver.ts. Each is index-driven on a large history (see the
 * UnknownResolution migration and test/persistence/query-plans.spec.ts): unknown parts by
 * (account, updated_at) on a partial index holding only unknown parts without an SMSC id; parked
 * receipts by (account, source_addr, received_at) on a partial index holding only parked ones;
 * written parts in flight on the recovery index (status = 'submitting').
 */
import { rows, type SqlExecutor } from './sql.js';

/** An `unknown` part without an SMSC id, with what the resolution compares. */
export interface UnknownPartRow {
  id: string;
  message_id: string;
  account: string;
  seq: number;
  client_ref: string | null;
  destination: string;
  /** short_message (without UDH) or message_payload, as sent. */
  content: Buffer;
  data_coding: number;
  /** When it may have left at the earliest: written to a socket (else created). */
  sent_from: Date;
  /** When it became unknown (nothing else writes an unknown part without an SMSC id). */
  unknown_since: Date;
}

export interface ParkedReceiptRow {
  id: string;
  account: string;
  smsc_message_id: string;
  stat: string;
  raw_text: string;
  source_addr: string;
}

/** A part whose submit_sm was written and whose answer is still awaited. */
export interface InFlightPartRow {
  id: string;
  content: Buffer;
  data_coding: number;
}

/** One receipt's search: unknown parts of `account` to `destination` that may fit [lo, hi]. */
export interface CandidateKey {
  key: string;
  account: string;
  destination: string;
  /** The part became unknown at or after this. */
  lo: Date;
  /** The part was written at or before this. */
  hi: Date;
}

/**
 * A part's message, read by a LATERAL lookup rather than joined: costing a merge join of the two
 * tables on ids, the planner reads the ends of both id indexes, dead entries after a purge (see
 * refreshMessages in message-state-writer.ts).
 */
const MESSAGE_OF_PART = `LATERAL (SELECT client_ref, destination, data_coding FROM smpp_messages
                                     WHERE id = p.message_id LIMIT 1) m`;

const PART_COLUMNS = `p.id, p.message_id, p.account, p.seq, m.client_ref, m.destination,
       COALESCE(p.message_payload, p.body) AS content, m.data_coding,
       COALESCE(p.written_at, p.created_at) AS sent_from, p.updated_at AS unknown_since`;

export async function parkedReceiptsById(
  em: SqlExecutor,
  ids: readonly string[],
): Promise<ParkedReceiptRow[]> {
  if (ids.length === 0) return [];
  return rows<ParkedReceiptRow>(
    em,
    `SELECT r.id, r.account, r.smsc_message_id, r.stat, r.raw_text, r.source_addr
       FROM smpp_receipts r
      WHERE r.id = ANY($1::uuid[]) AND r.part_id IS NULL
      ORDER BY r.received_at, r.id`,
    [ids],
  );
}

export async function unknownPartsById(
  em: SqlExecutor,
  ids: readonly string[],
): Promise<UnknownPartRow[]> {
  if (ids.length === 0) return [];
  return rows<UnknownPartRow>(
    em,
    `SELECT ${PART_COLUMNS}
       FROM smpp_message_parts p, ${MESSAGE_OF_PART}
      WHERE p.id = ANY($1::uuid[]) AND p.status = 'unknown' AND p.smsc_message_id IS NULL`,
    [ids],
  );
}

/** The unknown parts each key may be about, tagged with the key. */
export async function unknownCandidates(
  em: SqlExecutor,
  keys: readonly CandidateKey[],
): Promise<Array<UnknownPartRow & { key: string }>> {
  if (keys.length === 0) return [];
  return rows<UnknownPartRow & { key: string }>(
    em,
    `SELECT k.key, ${PART_COLUMNS}
       FROM unnest($1::text[], $2::varchar[], $3::varchar[], $4::timestamptz[], $5::timestamptz[])
         AS k(key, account, destination, lo, hi)
       JOIN smpp_message_parts p
         ON p.account = k.account AND p.status = 'unknown' AND p.smsc_message_id IS NULL
        AND p.updated_at >= k.lo AND COALESCE(p.written_at, p.created_at) <= k.hi
       CROSS JOIN ${MESSAGE_OF_PART}
      WHERE m.destination = k.destination`,
    [
      keys.map((k) => k.key),
      keys.map((k) => k.account),
      keys.map((k) => k.destination),
      keys.map((k) => k.lo),
      keys.map((k) => k.hi),
    ],
  );
}

/** Parts to `destination` written (at or before `writtenBy`) and still waiting for their answer. */
export async function inFlightTo(
  em: SqlExecutor,
  accounts: readonly string[],
  destination: string,
  writtenBy: Date,
): Promise<InFlightPartRow[]> {
  return rows<InFlightPartRow>(
    em,
    `SELECT p.id, COALESCE(p.message_payload, p.body) AS content, m.data_coding
       FROM smpp_message_parts p, ${MESSAGE_OF_PART}
      WHERE p.status = 'submitting' AND p.account = ANY($1::varchar[])
        AND p.written_at IS NOT NULL AND p.written_at <= $3 AND m.destination = $2`,
    [accounts, destination, writtenBy],
  );
}

/** Parked receipts from these source_addr spellings, received at or after `receivedFrom`, oldest first. */
export async function parkedFrom(
  em: SqlExecutor,
  accounts: readonly string[],
  sourceAddrs: readonly string[],
  receivedFrom: Date,
  limit: number,
): Promise<ParkedReceiptRow[]> {
  return rows<ParkedReceiptRow>(
    em,
    `SELECT r.id, r.account, r.smsc_message_id, r.stat, r.raw_text, r.source_addr
       FROM smpp_receipts r
      WHERE r.part_id IS NULL AND r.account = ANY($1::varchar[])
        AND r.source_addr = ANY($2::varchar[]) AND r.received_at >= $3
      ORDER BY r.received_at, r.id
      LIMIT $4`,
    [accounts, sourceAddrs, receivedFrom, limit],
  );
}

/** The part as receipt-store.ts matches receipts to it. */
export interface ResolvedPartRow {
  id: string;
  message_id: string;
  account: string;
  seq: number;
  smsc_message_id: string;
  status: 'submitted';
  submitted_at: Date | null;
}

/**
 * The part takes the SMSC id: it was accepted (`submitted`, since it left), its NO_RESPONSE is
 * cleared. Null when it is no longer an unknown part without an SMSC id.
 */
export async function takeSmscId(
  em: SqlExecutor,
  partId: string,
  smscMessageId: string,
): Promise<ResolvedPartRow | null> {
  const [row] = await rows<ResolvedPartRow>(
    em,
    `UPDATE smpp_message_parts p
        SET smsc_message_id = $2, status = 'submitted',
            submitted_at = COALESCE(p.written_at, now()),
            error_code = NULL, error_status = NULL,
            unknown_resolved_at = now(), updated_at = now()
      WHERE p.id = $1 AND p.status = 'unknown' AND p.smsc_message_id IS NULL
     RETURNING p.id, p.message_id, p.account, p.seq, p.smsc_message_id, p.status, p.submitted_at`,
    [partId, smscMessageId],
  );
  return row ?? null;
}

/** True when a part of these accounts already holds one of these SMSC id spellings. */
export async function smscIdTaken(
  em: SqlExecutor,
  accounts: readonly string[],
  spellings: readonly string[],
): Promise<boolean> {
  const found = await rows<{ id: string }>(
    em,
    `SELECT p.id FROM smpp_message_parts p
      WHERE p.account = ANY($1::varchar[]) AND p.smsc_message_id = ANY($2::varchar[])
      LIMIT 1`,
    [accounts, spellings],
  );
  return found.length > 0;
}
