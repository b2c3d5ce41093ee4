import type { SqlExecutor } from '../src/smpp/store/sql.js';

/**
 * A history of finished messages generated in SQL (nothing is sent): per message one part, one
 * final receipt matched to it and the three events a delivered message leaves in the outbox
 * (submitted, receipt received, delivered), all dispatched. 1 in 20 is undeliverable, half carry a
 * clientRef. Message `g` of `total` finished `spreadDays * (total - g) / total` days (+ 1 hour)
 * ago, so the history covers `spreadDays` evenly, oldest first.
 *
 * Used by the bench's history phase and by test/persistence/query-plans.spec.ts.
 */
export const HISTORY_CHUNK_SQL = `
  WITH m AS (
    INSERT INTO smpp_messages (id, account, destination, source, source_ton, source_npi, text, encoding,
                               data_coding, status, parts_total, client_ref, registered_delivery,
                               created_at, updated_at, submitted_at, done_at)
    SELECT gen_random_uuid(), $5::varchar, '659' || lpad((1000000 + g % 9000000)::text, 7, '0'), 'BenchBrand', 5, 0,
           'Your code is ' || lpad((g % 1000000)::text, 6, '0') || ' [' || $6::text || '-' || g || ']', 'gsm7', 0,
           CASE WHEN g % 20 = 0 THEN 'undeliverable' ELSE 'delivered' END, 1,
           CASE WHEN g % 2 = 0 THEN $6::text || '-' || g END, 1,
           t - interval '5 seconds', t, t - interval '4 seconds', t
      FROM generate_series($1::int, $2::int - 1) AS g,
           LATERAL (SELECT now() - interval '1 hour'
                           - ($3::float8 * ($4::int - g) / $4::int) * interval '1 day' AS t) AS ts
    RETURNING id, account, destination, status, text, client_ref, created_at, submitted_at, done_at
  ), p AS (
    INSERT INTO smpp_message_parts (id, message_id, account, seq, total, status, body, esm_class, smsc_message_id,
                                    attempts, next_attempt_at, receipt_stat, error_code, error_status,
                                    submitted_at, done_at, created_at, updated_at)
    SELECT gen_random_uuid(), m.id, m.account, 1, 1, m.status, convert_to(m.text, 'UTF8'), 0,
           upper(replace(m.id::text, '-', '')), 1, m.created_at,
           CASE WHEN m.status = 'delivered' THEN 'DELIVRD' ELSE 'UNDELIV' END,
           CASE WHEN m.status = 'delivered' THEN NULL ELSE 1 END,
           CASE WHEN m.status = 'delivered' THEN NULL ELSE 'UNDELIV' END,
           m.submitted_at, m.done_at, m.created_at, m.done_at
      FROM m
    RETURNING id, message_id, account, smsc_message_id, receipt_stat, done_at
  ), r AS (
    INSERT INTO smpp_receipts (id, account, smsc_message_id, part_id, stat, error_code, final, raw_text, tlvs,
                               source_addr, destination_addr, bind_label, received_at, matched_at)
    SELECT gen_random_uuid(), p.account, p.smsc_message_id, p.id, p.receipt_stat,
           CASE WHEN p.receipt_stat = 'DELIVRD' THEN 0 ELSE 1 END, true,
           'id:' || p.smsc_message_id || ' sub:001 dlvrd:001 submit date:2512011200 done date:2512011200 stat:'
             || p.receipt_stat || ' err:000 text:Your code is',
           jsonb_build_object('001e', encode(convert_to(p.smsc_message_id, 'UTF8'), 'hex'), '0427', '02'),
           '6591234567', 'BenchBrand', 'default#0', p.done_at, p.done_at
      FROM p
    RETURNING 1
  ), e AS (
    INSERT INTO smpp_outbox_events (id, name, payload, message_id, created_at, dispatched_at, attempts)
    SELECT ev.id, ev.name,
           jsonb_build_object('eventId', ev.id, 'messageId', ev.message_id, 'account', ev.account,
                              'to', ev.destination, 'clientRef', ev.client_ref, 'at', ev.done_at),
           ev.message_id, ev.done_at, ev.done_at, 1
      FROM (SELECT gen_random_uuid() AS id, n.name, m.id AS message_id, m.account, m.destination,
                   m.client_ref, m.done_at
              FROM m CROSS JOIN (VALUES ('smpp.message.submitted'), ('smpp.receipt.received'),
                                        ('smpp.message.delivered')) AS n(name)) AS ev
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
