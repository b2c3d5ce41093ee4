import type { SqlExecutor } from '../src/smpp/store/sql.js';

/**
 * A history of finished messages generated in SQL (nothing is sent): per message one part, one
 * final receipt matched to it and the three events a delivered message leaves in the outbox
 * (submitted, receipt received, delivered), all dispatched. 1 in 20 is undeliverable, half carry a
 * clientRef. Message `g` of `total` finished `spreadDays * (total - g) / total` days (+ 1 hour)
 * ago, so the history covers `spreadDays` evenly, oldest first.
 *
 * Ids are random UUIDs as the module's (randomUUID), but each chunk (unless `inIdOrder: false`,
 * for a test whose planner statistics must be those of random ids) inserts its rows in id order,
 * message k of the chunk with the k-th smallest message, part and receipt id (and events 3k to
 * 3k+2): every index of a chunk is then written in key order, a page at a time, instead of one
 * random page per row. The indexes end up as random inserts leave them (pages split anywhere);
 * what changes is that a chunk no longer reads and writes each index page once per row when the
 * indexes outgrow the server's cache, which made 2,000,000 messages take half an hour.
 *
 * Used by the bench's history phase and by test/persistence/query-plans.spec.ts.
 */
export const HISTORY_CHUNK_SQL = `
  WITH ids AS MATERIALIZED (
    SELECT $1::int + k - 1 AS g, mid, pid, rid
      FROM (SELECT row_number() OVER (ORDER BY CASE WHEN $7::boolean THEN u END) AS k, u AS mid
              FROM (SELECT gen_random_uuid() AS u FROM generate_series($1::int, $2::int - 1)) x) m
      JOIN (SELECT row_number() OVER (ORDER BY CASE WHEN $7::boolean THEN u END) AS k, u AS pid
              FROM (SELECT gen_random_uuid() AS u FROM generate_series($1::int, $2::int - 1)) x) p USING (k)
      JOIN (SELECT row_number() OVER (ORDER BY CASE WHEN $7::boolean THEN u END) AS k, u AS rid
              FROM (SELECT gen_random_uuid() AS u FROM generate_series($1::int, $2::int - 1)) x) r USING (k)
  ), src AS MATERIALIZED (
    SELECT ids.*, t, CASE WHEN g % 20 = 0 THEN 'undeliverable' ELSE 'delivered' END AS status,
           'Your code is ' || lpad((g % 1000000)::text, 6, '0') || ' [' || $6::text || '-' || g || ']' AS text,
           upper(replace(mid::text, '-', '')) AS smsc_id
      FROM ids,
           LATERAL (SELECT now() - interval '1 hour'
                           - ($3::float8 * ($4::int - g) / $4::int) * interval '1 day' AS t) AS ts
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
    SELECT ev.id, n.name,
           jsonb_build_object('eventId', ev.id, 'messageId', src.mid, 'account', $5::varchar,
                              'to', '659' || lpad((1000000 + src.g % 9000000)::text, 7, '0'),
                              'clientRef', CASE WHEN src.g % 2 = 0 THEN $6::text || '-' || src.g END, 'at', src.t),
           src.mid, src.t, src.t, 1
      FROM (SELECT row_number() OVER (ORDER BY CASE WHEN $7::boolean THEN u END) - 1 AS j, u AS id
              FROM (SELECT gen_random_uuid() AS u FROM generate_series(1, 3 * ($2::int - $1::int))) x) ev
      JOIN src ON src.g = $1::int + ev.j / 3
      JOIN (VALUES (0, 'smpp.message.submitted'), (1, 'smpp.receipt.received'),
                   (2, 'smpp.message.delivered')) AS n(i, name) ON n.i = ev.j % 3
     ORDER BY ev.j
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
  /** Each chunk in id order (default true; see HISTORY_CHUNK_SQL). */
  inIdOrder?: boolean;
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
      options.inIdOrder ?? true,
    ])) as HistoryCounts[];
    counts.messages += row.messages;
    counts.parts += row.parts;
    counts.receipts += row.receipts;
    counts.events += row.events;
    options.onProgress?.(to);
  }
  return counts;
}
