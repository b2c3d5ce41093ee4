import type { SqlExecutor } from '../src/smpp/store/sql.js';

/**
 * A history of finished messages generated in SQL (nothing is sent): per message one part, one
 * final receipt matched to it and the three events a delivered message leaves in the outbox
 * (submitted, receipt received, delivered), all dispatched. 1 in 20 is undeliverable, half carry a
 * clientRef. Message `g` of `total` finished `spreadDays * (total - g) / total` days (+ 1 hour)
 * ago, so the history covers `spreadDays` evenly, oldest first.
 *
 * Ids are UUIDs v7 of the row's own time, as the module makes them (timeOrderedId()): the history
 * is written oldest first, so every id-keyed index is written in key order, as the module's
 * traffic writes it.
 *
 * Used by the bench's history phase and by test/persistence/query-plans.spec.ts.
 */
/** A UUID v7 of the timestamptz `at` (Postgres 15 has no uuidv7()): random, then its first 48 bits. */
export const uuidV7 = (at: string) =>
  `encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing
     substring(int8send((extract(epoch FROM ${at}) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid`;

export const HISTORY_CHUNK_SQL = `
  WITH ids AS MATERIALIZED (
    SELECT g, t, ${uuidV7("t - interval '5 seconds'")} AS mid, ${uuidV7("t - interval '5 seconds'")} AS pid,
           ${uuidV7('t')} AS rid
      FROM generate_series($1::int, $2::int - 1) AS g,
           LATERAL (SELECT now() - interval '1 hour'
                           - ($3::float8 * ($4::int - g) / $4::int) * interval '1 day' AS t) AS ts
  ), src AS MATERIALIZED (
    SELECT ids.*, CASE WHEN g % 20 = 0 THEN 'undeliverable' ELSE 'delivered' END AS status,
           'Your code is ' || lpad((g % 1000000)::text, 6, '0') || ' [' || $6::text || '-' || g || ']' AS text,
           upper(replace(mid::text, '-', '')) AS smsc_id
      FROM ids
  ), m AS (
    INSERT INTO smpp_messages (id, account, destination, source, source_ton, source_npi, text, encoding,
                               data_coding, status, parts_total, client_ref, registered_delivery,
                               created_at, updated_at, submitted_at, done_at)
    SELECT mid, $5::varchar, '659' || lpad((1000000 + g % 9000000)::text, 7, '0'), 'BenchBrand', 5, 0,
           text, 'gsm7', 0, status, 1, CASE WHEN g % 2 = 0 THEN $6::text || '-' || g END, 1,
           t - interval '5 seconds', t, t - interval '4 seconds', t
      FROM src ORDER BY g
    RETURNING 1
  ), p AS (
    INSERT INTO smpp_message_parts (id, message_id, account, seq, total, status, body, esm_class, smsc_message_id,
                                    attempts, next_attempt_at, receipt_stat, error_code, error_status,
                                    submitted_at, done_at, created_at, updated_at)
    SELECT pid, mid, $5::varchar, 1, 1, status, convert_to(text, 'UTF8'), 0, smsc_id, 1, t - interval '5 seconds',
           CASE WHEN status = 'delivered' THEN 'DELIVRD' ELSE 'UNDELIV' END,
           CASE WHEN status = 'delivered' THEN NULL ELSE 1 END,
           CASE WHEN status = 'delivered' THEN NULL ELSE 'UNDELIV' END,
           t - interval '4 seconds', t, t - interval '5 seconds', t
      FROM src ORDER BY g
    RETURNING 1
  ), r AS (
    INSERT INTO smpp_receipts (id, account, smsc_message_id, part_id, stat, error_code, final, raw_text, tlvs,
                               source_addr, destination_addr, bind_label, received_at, matched_at)
    SELECT rid, $5::varchar, smsc_id, pid, stat, CASE WHEN stat = 'DELIVRD' THEN 0 ELSE 1 END, true,
           'id:' || smsc_id || ' sub:001 dlvrd:001 submit date:2512011200 done date:2512011200 stat:'
             || stat || ' err:000 text:Your code is',
           jsonb_build_object('001e', encode(convert_to(smsc_id, 'UTF8'), 'hex'), '0427', '02'),
           '6591234567', 'BenchBrand', 'default#0', t, t
      FROM (SELECT src.*, CASE WHEN status = 'delivered' THEN 'DELIVRD' ELSE 'UNDELIV' END AS stat FROM src) s
     ORDER BY g
    RETURNING 1
  ), e AS (
    INSERT INTO smpp_outbox_events (id, name, payload, message_id, created_at, dispatched_at, attempts)
    SELECT ev.id, ev.name,
           jsonb_build_object('eventId', ev.id, 'messageId', ev.mid, 'account', $5::varchar,
                              'to', '659' || lpad((1000000 + ev.g % 9000000)::text, 7, '0'),
                              'clientRef', CASE WHEN ev.g % 2 = 0 THEN $6::text || '-' || ev.g END, 'at', ev.t),
           ev.mid, ev.t, ev.t, 1
      FROM (SELECT src.g, src.mid, src.t, n.i, n.name, ${uuidV7('src.t')} AS id
              FROM src
             CROSS JOIN (VALUES (0, 'smpp.message.submitted'), (1, 'smpp.receipt.received'),
                                (2, 'smpp.message.delivered')) AS n(i, name)) ev
     ORDER BY ev.g, ev.i
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM m)::int AS messages, (SELECT count(*) FROM p)::int AS parts,
         (SELECT count(*) FROM r)::int AS receipts, (SELECT count(*) FROM e)::int AS events`;

export interface HistoryCounts {
  messages: number;
  parts: number;
  receipts: number;
  events: number;
}

export interface HistoryOptions {
  /** Messages to generate. */
  messages: number;
  /** Days the history covers (default 30). */
  spreadDays?: number;
  /** Messages per statement (default 50 000). */
  chunk?: number;
  account?: string;
  /** Marks the texts and clientRefs of this history (unique per generation in one database). */
  tag?: string;
  onProgress?: (done: number) => void;
}

/** Generates a history of finished messages (see HISTORY_CHUNK_SQL), in chunks. */
export async function generateHistory(
  db: SqlExecutor,
  options: HistoryOptions,
): Promise<HistoryCounts> {
  const total = options.messages;
  const chunk = options.chunk ?? 50_000;
  const counts: HistoryCounts = { messages: 0, parts: 0, receipts: 0, events: 0 };
  for (let from = 0; from < total; from += chunk) {
    const to = Math.min(total, from + chunk);
    const [row] = (await db.query(HISTORY_CHUNK_SQL, [
      from,
      to,
      options.spreadDays ?? 30,
      total,
      options.account ?? 'default',
      options.tag ?? 'hist',
    ])) as HistoryCounts[];
    counts.messages += row.messages;
    counts.parts += row.parts;
    counts.receipts += row.receipts;
    counts.events += row.events;
    options.onProgress?.(to);
  }
  return counts;
}
