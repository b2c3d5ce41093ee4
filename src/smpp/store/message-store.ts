import type { DataSource } from 'typeorm';
import { SMPP_PRIORITY_BY_RANK, SMPP_PRIORITY_RANKS } from '../entities/smpp-entity.types.js';
import type { MessageEncoding } from '../messages/encoding/segmenter.js';
import type { SmartReplacement } from '../messages/encoding/smart-encoding.js';
import type { SmppMessagePartView, SmppMessageView } from '../messages/message-view.js';
import type { MessageStatus, PartStatus } from '../messages/message-status.js';
import { ASYNC_COMMIT, rows, type SqlExecutor } from './sql.js';

/** A message ready to be stored: validated, encoded and split. */
export interface NewMessage {
  id: string;
  account: string;
  destination: string;
  source: string;
  sourceTon: number;
  sourceNpi: number;
  text: string;
  encoding: MessageEncoding;
  dataCoding: number;
  clientRef: string | null;
  validityPeriod: string | null;
  registeredDelivery: number;
  /** What smart encoding replaced (null: nothing, or smart encoding was off or did not apply). */
  smartReplacements: SmartReplacement[] | null;
  /** The lane's rank (0 high, 1 normal, 2 bulk). */
  priority: number;
  /** Scheduled for this time (null: at once). */
  sendAt: Date | null;
  expiresAt: Date | null;
  parts: Array<{
    id: string;
    seq: number;
    body: Buffer;
    udh: Buffer | null;
    esmClass: number;
    messagePayload: Buffer | null;
  }>;
}

export type InsertOutcome =
  { created: true; message: SmppMessageView } | { created: false; existingId: string };

/** A part claimed for submission, with what submit_sm needs. */
export interface ClaimedPart {
  id: string;
  messageId: string;
  account: string;
  seq: number;
  total: number;
  attempts: number;
  body: Buffer;
  udh: Buffer | null;
  esmClass: number;
  messagePayload: Buffer | null;
  destination: string;
  source: string;
  sourceTon: number;
  sourceNpi: number;
  dataCoding: number;
  registeredDelivery: number;
  validityPeriod: string | null;
  /** The lane's rank (BULK_RANK for bulk). */
  priority: number;
  /** Not to be submitted after this (checked again right before the submit). */
  expiresAt: Date | null;
}

export const BULK_RANK = SMPP_PRIORITY_RANKS.bulk;

interface MessageRow {
  id: string;
  account: string;
  destination: string;
  source: string;
  text: string;
  status: MessageStatus;
  encoding: MessageEncoding;
  client_ref: string | null;
  smart_replacements: SmartReplacement[] | null;
  priority: number;
  send_at: Date | null;
  expires_at: Date | null;
  error_code: string | number | null;
  error_status: string | null;
  error_reason: string | null;
  created_at: Date;
  submitted_at: Date | null;
  done_at: Date | null;
  parts: Array<{
    seq: number;
    status: PartStatus;
    smsc_message_id: string | null;
    error_code: number | null;
    error_status: string | null;
    receipt_stat: string | null;
    submitted_at: string | null;
    done_at: string | null;
  }>;
}

const MESSAGE_VIEW_SQL = `
  SELECT m.id, m.account, m.destination, m.source, m.text, m.status, m.encoding, m.client_ref,
         m.smart_replacements, m.priority, m.send_at, m.expires_at, m.error_code, m.error_status, m.error_reason, m.created_at, m.submitted_at, m.done_at,
         (SELECT json_agg(json_build_object('seq', p.seq, 'status', p.status, 'smsc_message_id', p.smsc_message_id,
                 'error_code', p.error_code, 'error_status', p.error_status, 'receipt_stat', p.receipt_stat,
                 'submitted_at', p.submitted_at, 'done_at', p.done_at) ORDER BY p.seq)
            FROM smpp_message_parts p WHERE p.message_id = m.id) AS parts
    FROM smpp_messages m`;

/** Messages and parts in Postgres: inserts, claims, reads. Knows nothing of sockets. */
export class MessageStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts messages and their parts in ONE statement (atomic without a transaction, so one round
   * trip and one commit: send() waits for this). A clientRef already used on the account (also by
   * a concurrent call or another process) inserts nothing and reports the existing id.
   */
  async insert(messages: readonly NewMessage[]): Promise<InsertOutcome[]> {
    const parts = messages.flatMap((m) => m.parts.map((p) => ({ m, p })));
    const inserted = await rows<{ id: string; created_at: Date }>(
      this.dataSource,
      `WITH m AS (
         INSERT INTO smpp_messages (id, account, destination, source, source_ton, source_npi, text, encoding,
                                    data_coding, status, parts_total, client_ref, validity_period, registered_delivery,
                                    priority, send_at, expires_at, smart_replacements)
         SELECT v.id, v.account, v.destination, v.source, v.source_ton, v.source_npi, v.text, v.encoding,
                v.data_coding, CASE WHEN v.send_at IS NULL THEN 'queued' ELSE 'scheduled' END, v.parts_total,
                v.client_ref, v.validity_period, v.registered_delivery, v.priority, v.send_at, v.expires_at,
                v.smart_replacements::jsonb
           FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::smallint[], $6::smallint[],
                       $7::text[], $8::varchar[], $9::smallint[], $10::smallint[], $11::varchar[], $12::varchar[],
                       $13::smallint[], $14::smallint[], $15::timestamptz[], $16::timestamptz[], $17::text[])
             AS v(id, account, destination, source, source_ton, source_npi, text, encoding, data_coding,
                  parts_total, client_ref, validity_period, registered_delivery, priority, send_at, expires_at,
                  smart_replacements)
         ON CONFLICT (account, client_ref) WHERE client_ref IS NOT NULL DO NOTHING
         RETURNING id, created_at
       ), p AS (
         -- Only the parts of the messages inserted (a clientRef conflict inserts neither). A
         -- scheduled part waits with next_attempt_at = its send time.
         INSERT INTO smpp_message_parts (id, message_id, account, seq, total, status, body, udh, esm_class,
                                         message_payload, priority, expires_at, next_attempt_at)
         SELECT v.id, v.message_id, v.account, v.seq, v.total,
                CASE WHEN v.send_at IS NULL THEN 'queued' ELSE 'scheduled' END, v.body, v.udh, v.esm_class,
                v.message_payload, v.priority, v.expires_at, COALESCE(v.send_at, now())
           FROM unnest($18::uuid[], $19::uuid[], $20::varchar[], $21::smallint[], $22::smallint[], $23::bytea[],
                       $24::bytea[], $25::smallint[], $26::bytea[], $27::smallint[], $28::timestamptz[],
                       $29::timestamptz[])
             AS v(id, message_id, account, seq, total, body, udh, esm_class, message_payload, priority,
                  expires_at, send_at)
           JOIN m ON m.id = v.message_id
       )
       SELECT id, created_at FROM m`,
      [
        messages.map((m) => m.id),
        messages.map((m) => m.account),
        messages.map((m) => m.destination),
        messages.map((m) => m.source),
        messages.map((m) => m.sourceTon),
        messages.map((m) => m.sourceNpi),
        messages.map((m) => m.text),
        messages.map((m) => m.encoding),
        messages.map((m) => m.dataCoding),
        messages.map((m) => m.parts.length),
        messages.map((m) => m.clientRef),
        messages.map((m) => m.validityPeriod),
        messages.map((m) => m.registeredDelivery),
        messages.map((m) => m.priority),
        messages.map((m) => m.sendAt),
        messages.map((m) => m.expiresAt),
        messages.map((m) => (m.smartReplacements ? JSON.stringify(m.smartReplacements) : null)),
        parts.map(({ p }) => p.id),
        parts.map(({ m }) => m.id),
        parts.map(({ m }) => m.account),
        parts.map(({ p }) => p.seq),
        parts.map(({ m }) => m.parts.length),
        parts.map(({ p }) => p.body),
        parts.map(({ p }) => p.udh),
        parts.map(({ p }) => p.esmClass),
        parts.map(({ p }) => p.messagePayload),
        parts.map(({ m }) => m.priority),
        parts.map(({ m }) => m.expiresAt),
        parts.map(({ m }) => m.sendAt),
      ],
    );
    const createdAt = new Map(inserted.map((r) => [r.id, r.created_at]));
    const missing = messages.filter((m) => !createdAt.has(m.id));
    const existing = missing.length
      ? await rows<{ id: string; account: string; client_ref: string }>(
          this.dataSource,
          `SELECT m.id, m.account, m.client_ref FROM smpp_messages m
             JOIN unnest($1::varchar[], $2::varchar[]) AS k(account, client_ref)
               ON m.account = k.account AND m.client_ref = k.client_ref`,
          [missing.map((m) => m.account), missing.map((m) => m.clientRef)],
        )
      : [];
    const existingId = new Map(existing.map((r) => [`${r.account}\u0000${r.client_ref}`, r.id]));
    return messages.map((m): InsertOutcome => {
      const at = createdAt.get(m.id);
      if (at) return { created: true, message: newMessageView(m, at) };
      const id = existingId.get(`${m.account}\u0000${m.clientRef}`);
      if (!id) throw new Error(`message ${m.id} was neither inserted nor found by its clientRef`);
      return { created: false, existingId: id };
    });
  }

  async get(id: string, db: SqlExecutor = this.dataSource): Promise<SmppMessageView | null> {
    const [row] = await rows<MessageRow>(db, `${MESSAGE_VIEW_SQL} WHERE m.id = $1`, [id]);
    return row ? toView(row) : null;
  }

  async getMany(ids: readonly string[]): Promise<SmppMessageView[]> {
    if (ids.length === 0) return [];
    const found = await rows<MessageRow>(
      this.dataSource,
      `${MESSAGE_VIEW_SQL} WHERE m.id = ANY($1::uuid[])`,
      [ids],
    );
    return found.map(toView);
  }

  async findByClientRef(account: string, clientRef: string): Promise<SmppMessageView | null> {
    const [row] = await rows<MessageRow>(
      this.dataSource,
      `${MESSAGE_VIEW_SQL} WHERE m.account = $1 AND m.client_ref = $2`,
      [account, clientRef],
    );
    return row ? toView(row) : null;
  }

  /**
   * Claims up to `limit` due parts of an account for this process (FOR UPDATE SKIP LOCKED: two
   * processes never claim the same part) and moves them and their messages to `submitting`.
   * Higher lanes first (priority rank, then next_attempt_at: one range of the claim index per
   * lane); but first up to `bulkMin` bulk parts, the starvation guard (AccountDispatcher decides
   * how many). A part whose expires_at passed is never claimed (the expiry sweep ends it).
   * The claim's commit does not wait for the disk (ASYNC_COMMIT): no part leaves before its
   * written mark (WrittenMarks) commits, synchronously and later in the WAL, which makes the claim
   * durable too. A claim lost in a database crash leaves parts that never left `queued`.
   * Ids are passed as arrays and the message read by a LATERAL lookup, not joined: no merge join
   * to cost, whose estimate reads the ends of the id indexes (dead entries after a purge; see
   * refreshMessages in message-state-writer.ts).
   */
  async claim(
    account: string,
    limit: number,
    holder: string,
    leaseMs: number,
    bulkMin = 0,
  ): Promise<ClaimedPart[]> {
    const claimed = await rows<Record<string, unknown>>(
      this.dataSource,
      `WITH bulk AS (
         SELECT id FROM smpp_message_parts
          WHERE status = 'queued' AND account = $1 AND priority = ${BULK_RANK} AND next_attempt_at <= now()
            AND (expires_at IS NULL OR expires_at > now())
          ORDER BY next_attempt_at
          LIMIT $5
          FOR UPDATE SKIP LOCKED
       ), lanes AS (
         -- Rows this statement locked in "bulk" are not skipped here: leave them out by id.
         SELECT id FROM smpp_message_parts
          WHERE status = 'queued' AND account = $1 AND next_attempt_at <= now()
            AND (expires_at IS NULL OR expires_at > now())
            AND id NOT IN (SELECT id FROM bulk)
          ORDER BY priority, next_attempt_at
          LIMIT GREATEST(0, $2::int - (SELECT count(*) FROM bulk)::int)
          FOR UPDATE SKIP LOCKED
       ), due AS (
         SELECT id FROM bulk UNION ALL SELECT id FROM lanes
       ), claimed AS (
         UPDATE smpp_message_parts p
            SET status = 'submitting', claimed_by = $3, claimed_until = now() + ($4::int * interval '1 millisecond'),
                attempts = p.attempts + 1, written_at = NULL, updated_at = now()
           FROM ${ASYNC_COMMIT} WHERE p.id = ANY(ARRAY(SELECT id FROM due))
         RETURNING p.id, p.message_id, p.account, p.seq, p.total, p.attempts, p.body, p.udh, p.esm_class,
                   p.message_payload, p.priority, p.expires_at
       ), touched AS (
         -- "IS TRUE" keeps the planner off the partial status index: with statistics that show few
         -- queued messages it would scan every queued message per claim (O(queue) per claim).
         UPDATE smpp_messages m SET status = 'submitting', updated_at = now()
          WHERE m.id = ANY(ARRAY(SELECT message_id FROM claimed)) AND (m.status = 'queued') IS TRUE
       )
       SELECT c.*, m.destination, m.source, m.source_ton, m.source_npi, m.data_coding, m.registered_delivery, m.validity_period
         FROM claimed c,
              LATERAL (SELECT destination, source, source_ton, source_npi, data_coding, registered_delivery,
                              validity_period
                         FROM smpp_messages WHERE id = c.message_id LIMIT 1) m
        ORDER BY c.priority, c.message_id, c.seq`,
      [account, limit, holder, leaseMs, Math.max(0, Math.min(bulkMin, limit))],
    );
    return claimed.map((r) => ({
      id: r.id as string,
      messageId: r.message_id as string,
      account: r.account as string,
      seq: r.seq as number,
      total: r.total as number,
      attempts: r.attempts as number,
      body: r.body as Buffer,
      udh: (r.udh as Buffer | null) ?? null,
      esmClass: r.esm_class as number,
      messagePayload: (r.message_payload as Buffer | null) ?? null,
      destination: r.destination as string,
      source: r.source as string,
      sourceTon: r.source_ton as number,
      sourceNpi: r.source_npi as number,
      dataCoding: r.data_coding as number,
      registeredDelivery: r.registered_delivery as number,
      validityPeriod: (r.validity_period as string | null) ?? null,
      priority: r.priority as number,
      expiresAt: (r.expires_at as Date | null) ?? null,
    }));
  }

  /** Whether the account has due queued parts (cheap; for the dispatcher's idle check). */
  async hasDue(account: string): Promise<boolean> {
    const [row] = await rows<{ due: boolean }>(
      this.dataSource,
      `SELECT EXISTS (SELECT 1 FROM smpp_message_parts WHERE status = 'queued' AND account = $1 AND next_attempt_at <= now()
                      AND (expires_at IS NULL OR expires_at > now())) AS due`,
      [account],
    );
    return row?.due ?? false;
  }
}

function newMessageView(m: NewMessage, createdAt: Date): SmppMessageView {
  const status = m.sendAt ? 'scheduled' : 'queued';
  return {
    id: m.id,
    account: m.account,
    to: m.destination,
    from: m.source,
    text: m.text,
    status,
    encoding: m.encoding,
    parts: m.parts.map((p): SmppMessagePartView => ({
      seq: p.seq,
      status,
      smscMessageId: null,
      errorCode: null,
      errorStatus: null,
      receiptStat: null,
      submittedAt: null,
      doneAt: null,
    })),
    errorCode: null,
    errorStatus: null,
    errorReason: null,
    clientRef: m.clientRef,
    smartReplacements: m.smartReplacements ?? [],
    priority: SMPP_PRIORITY_BY_RANK[m.priority] ?? 'normal',
    sendAt: m.sendAt,
    expiresAt: m.expiresAt,
    createdAt,
    submittedAt: null,
    doneAt: null,
  };
}

function toView(r: MessageRow): SmppMessageView {
  return {
    id: r.id,
    account: r.account,
    to: r.destination,
    from: r.source,
    text: r.text,
    status: r.status,
    encoding: r.encoding,
    parts: (r.parts ?? []).map((p) => ({
      seq: p.seq,
      status: p.status,
      smscMessageId: p.smsc_message_id,
      errorCode: p.error_code,
      errorStatus: p.error_status,
      receiptStat: p.receipt_stat,
      submittedAt: p.submitted_at ? new Date(p.submitted_at) : null,
      doneAt: p.done_at ? new Date(p.done_at) : null,
    })),
    // bigint: a string from the driver.
    errorCode: r.error_code === null ? null : Number(r.error_code),
    errorStatus: r.error_status,
    errorReason: r.error_reason,
    clientRef: r.client_ref,
    smartReplacements: r.smart_replacements ?? [],
    priority: SMPP_PRIORITY_BY_RANK[r.priority] ?? 'normal',
    sendAt: r.send_at,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    submittedAt: r.submitted_at,
    doneAt: r.done_at,
  };
}
