import { rows, type SqlExecutor } from '../store/sql.js';
import type { RetentionTable } from './retention-steps.js';

/** What the store holds, read cheaply (each figure an index lookup or a catalog estimate). */
export interface SmppStoreStats {
  /** Parts not yet final per account: `scheduled` (sendAt ahead), `queued` (waiting for a bind), `submitting` (handed to one). */
  queue: Array<{ account: string; status: 'scheduled' | 'queued' | 'submitting'; parts: number }>;
  /** Events written and not yet dispatched to the listeners (dead letters excluded). */
  outboxBacklog: number;
  /** Age of the oldest undispatched event, seconds (null: none). */
  outboxBacklogAgeSeconds: number | null;
  /** Events given up on after their retries (0 before the dead-letter column exists). */
  deadLetters: number;
  /** Quarantined deliver_sm PDUs (0 before that table exists). */
  quarantined: number;
  /**
   * Age in seconds of the oldest row retention governs, per table: finished messages (and so
   * their parts), unmatched receipts, dispatched events, MO fragments and messages, quarantined
   * PDUs. Above the retention period (plus everyMs): the purge is not keeping up.
   */
  oldestAgeSeconds: Partial<Record<RetentionTable, number | null>>;
  /**
   * Age in seconds of the oldest message whose outcome is still open, since its last update (null:
   * none): `submitted` (accepted, no final receipt yet) and `unknown` (no submit_sm_resp came).
   * Retention deletes them after `submittedMessagesDays` and `unknownMessagesDays`.
   */
  oldestUnsettledAgeSeconds: { submitted: number | null; unknown: number | null };
  /** Rows per table (Postgres' estimate, as of the last ANALYZE) and size on disk (bytes, with indexes and TOAST). */
  tables: Array<{ table: string; rowsEstimate: number; bytes: number }>;
  /** Rows retention deleted per table since this process started. */
  purgedTotal: Readonly<Record<RetentionTable, number>>;
}

const age = (expr: string) => `extract(epoch FROM now() - (${expr}))::float8`;

export async function readStoreStats(
  db: SqlExecutor,
  purgedTotal: Readonly<Record<RetentionTable, number>>,
): Promise<SmppStoreStats> {
  const [schema] = await rows<{
    dead: boolean;
    quarantine: boolean;
    submitted_index: boolean;
    unknown_index: boolean;
  }>(
    db,
    `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
                      AND table_name = 'smpp_outbox_events' AND column_name = 'dead_lettered_at') AS dead,
            to_regclass('smpp_quarantined_pdus') IS NOT NULL AS quarantine,
            to_regclass('ix_smpp_messages_submitted') IS NOT NULL AS submitted_index,
            to_regclass('ix_smpp_messages_unknown') IS NOT NULL AS unknown_index`,
  );
  // Read only through its partial index (a schema without it would scan every message).
  const unsettledAge = (status: string, indexed: boolean) =>
    indexed
      ? `(SELECT ${age('min(updated_at)')} FROM smpp_messages WHERE status = '${status}')`
      : 'NULL::float8';
  const notDead = schema.dead ? ' AND dead_lettered_at IS NULL' : '';
  const queue = await rows<{
    account: string;
    status: 'scheduled' | 'queued' | 'submitting';
    parts: number;
  }>(
    db,
    `SELECT account, 'scheduled' AS status, count(*)::int AS parts
       FROM smpp_message_parts WHERE status = 'scheduled' GROUP BY account
     UNION ALL
     SELECT account, 'queued', count(*)::int
       FROM smpp_message_parts WHERE status = 'queued' GROUP BY account
     UNION ALL
     SELECT account, 'submitting', count(*)::int
       FROM smpp_message_parts WHERE status = 'submitting' GROUP BY account
     ORDER BY account, status`,
  );
  const [s] = await rows<Record<string, number | null>>(
    db,
    `SELECT
       (SELECT count(*)::int FROM smpp_outbox_events WHERE dispatched_at IS NULL${notDead}) AS backlog,
       (SELECT ${age('min(created_at)')} FROM smpp_outbox_events WHERE dispatched_at IS NULL${notDead}) AS backlog_age,
       ${schema.dead ? `(SELECT count(*)::int FROM smpp_outbox_events WHERE dispatched_at IS NULL AND dead_lettered_at IS NOT NULL)` : '0'} AS dead,
       ${schema.quarantine ? `(SELECT count(*)::int FROM smpp_quarantined_pdus)` : '0'} AS quarantined,
       (SELECT ${age('min(done_at)')} FROM smpp_messages WHERE done_at IS NOT NULL) AS messages,
       (SELECT ${age('min(received_at)')} FROM smpp_receipts WHERE part_id IS NULL) AS receipts,
       (SELECT ${age('min(dispatched_at)')} FROM smpp_outbox_events WHERE dispatched_at IS NOT NULL) AS events,
       (SELECT ${age('min(received_at)')} FROM smpp_inbound_fragments) AS fragments,
       (SELECT ${age('min(received_at)')} FROM smpp_inbound_messages) AS inbound,
       ${schema.quarantine ? `(SELECT ${age('min(received_at)')} FROM smpp_quarantined_pdus)` : 'NULL::float8'} AS quarantine_age,
       ${unsettledAge('submitted', schema.submitted_index)} AS submitted_age,
       ${unsettledAge('unknown', schema.unknown_index)} AS unknown_age`,
  );
  const tables = await rows<{ table: string; rows_estimate: number; bytes: string }>(
    db,
    `SELECT c.relname AS table, greatest(c.reltuples, 0)::float8 AS rows_estimate,
            pg_total_relation_size(c.oid)::bigint AS bytes
       FROM pg_class c
      WHERE c.relkind IN ('r', 'p') AND c.relname LIKE 'smpp\\_%'
        AND c.relnamespace = to_regnamespace(current_schema())
      ORDER BY c.relname`,
  );
  return {
    queue,
    outboxBacklog: s.backlog ?? 0,
    outboxBacklogAgeSeconds: s.backlog_age,
    deadLetters: s.dead ?? 0,
    quarantined: s.quarantined ?? 0,
    oldestAgeSeconds: {
      smpp_messages: s.messages,
      smpp_message_parts: s.messages,
      smpp_receipts: s.receipts,
      smpp_outbox_events: s.events,
      smpp_inbound_fragments: s.fragments,
      smpp_inbound_messages: s.inbound,
      ...(schema.quarantine ? { smpp_quarantined_pdus: s.quarantine_age } : {}),
    },
    oldestUnsettledAgeSeconds: { submitted: s.submitted_age, unknown: s.unknown_age },
    tables: tables.map((t) => ({
      table: t.table,
      rowsEstimate: Number(t.rows_estimate),
      bytes: Number(t.bytes),
    })),
    purgedTotal,
  };
}
