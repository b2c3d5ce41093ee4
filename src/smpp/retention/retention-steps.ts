import { rows, type SqlExecutor } from '../store/sql.js';
import type { RetentionPeriodKey } from './retention-options.js';

/** The tables retention deletes from, as reported by purge() and the metrics. */
export type RetentionTable =
  | 'smpp_messages'
  | 'smpp_message_parts'
  | 'smpp_receipts'
  | 'smpp_outbox_events'
  | 'smpp_inbound_fragments'
  | 'smpp_inbound_messages'
  | 'smpp_quarantined_pdus'
  | 'smpp_bind_leases';

export const RETENTION_TABLES: readonly RetentionTable[] = [
  'smpp_messages',
  'smpp_message_parts',
  'smpp_receipts',
  'smpp_outbox_events',
  'smpp_inbound_fragments',
  'smpp_inbound_messages',
  'smpp_quarantined_pdus',
  'smpp_bind_leases',
];

/** Final message states (a message in one of them never changes again). `cancelled` comes with scheduling. */
export const FINAL_STATES_SQL = `('delivered', 'undeliverable', 'expired', 'rejected', 'failed', 'cancelled')`;

/**
 * One kind of row retention deletes: one bounded batch per call (rows older than `cutoff`,
 * oldest first, rows locked by someone else skipped), in one statement (its own transaction).
 */
export interface RetentionStep {
  readonly name: string;
  readonly period: RetentionPeriodKey;
  /** Whether the step applies to this schema (a column or table added by a later migration). */
  available(db: SqlExecutor): Promise<boolean>;
  /** Deletes one batch: how many rows it picked (fewer than `limit`: nothing more is due) and deleted per table. */
  batch(db: SqlExecutor, cutoff: Date, limit: number): Promise<RetentionBatch>;
}

export interface RetentionBatch {
  picked: number;
  deleted: Partial<Record<RetentionTable, number>>;
}

const always = () => Promise.resolve(true);

async function deleted(db: SqlExecutor, sql: string, params: unknown[]): Promise<number> {
  const [row] = await rows<{ n: number }>(db, sql, params);
  return Number(row?.n ?? 0);
}

async function hasColumn(db: SqlExecutor, table: string, column: string): Promise<boolean> {
  const found = await rows(
    db,
    `SELECT 1 FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
    [table, column],
  );
  return found.length > 0;
}

async function hasTable(db: SqlExecutor, table: string): Promise<boolean> {
  const [row] = await rows<{ ok: boolean }>(db, `SELECT to_regclass($1) IS NOT NULL AS ok`, [
    table,
  ]);
  return row?.ok ?? false;
}

/** A single-table step: the batch is picked by `pick` (id column `key`), then deleted. */
function singleTable(
  name: string,
  period: RetentionPeriodKey,
  table: RetentionTable,
  pick: string,
  key = 'id',
  available: (db: SqlExecutor) => Promise<boolean> = always,
): RetentionStep {
  return {
    name,
    period,
    available,
    async batch(db, cutoff, limit) {
      const n = await deleted(
        db,
        `WITH doomed AS (${pick} LIMIT $2 FOR UPDATE SKIP LOCKED),
              gone AS (DELETE FROM ${table} t USING doomed d WHERE t.${key} = d.${key} RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [cutoff, limit],
      );
      return { picked: n, deleted: { [table]: n } };
    },
  };
}

/**
 * Finished messages: a batch of messages (oldest done_at first), then their receipts, parts and
 * the messages themselves.
 */
export const FINISHED_MESSAGES_PICK_SQL = `
  SELECT id FROM smpp_messages
   WHERE done_at < $1 AND status IN ${FINAL_STATES_SQL}
   ORDER BY done_at
   LIMIT $2
   FOR UPDATE SKIP LOCKED`;

/**
 * Messages left in a state that waits for a receipt which may never come, by the time they entered
 * it, their last update (a partial index per state: ix_smpp_messages_unknown, _submitted):
 * `unknown` (no submit_sm_resp came) and `submitted` (no final receipt came, or none was asked for).
 */
const leftWaitingPick = (status: 'unknown' | 'submitted') => `
  SELECT id FROM smpp_messages
   WHERE status = '${status}' AND updated_at < $1
   ORDER BY updated_at
   LIMIT $2
   FOR UPDATE SKIP LOCKED`;
export const UNKNOWN_MESSAGES_PICK_SQL = leftWaitingPick('unknown');
export const SUBMITTED_MESSAGES_PICK_SQL = leftWaitingPick('submitted');

/**
 * Messages picked by `pick` with their receipts, parts and the messages themselves, in one
 * statement (one round trip: no transaction left open while the application is busy elsewhere).
 * The receipts' foreign key to the part (ON DELETE SET NULL) and the parts' to the message
 * (ON DELETE CASCADE) act at the end of the statement, when their rows are gone already: no
 * receipt of a purged part is left behind as "unmatched".
 */
function messagesStep(name: string, period: RetentionPeriodKey, pick: string): RetentionStep {
  return {
    name,
    period,
    available: always,
    async batch(db, cutoff, limit) {
      const [row] = await rows<{
        picked: number;
        messages: number;
        parts: number;
        receipts: number;
      }>(
        db,
        `WITH picked AS MATERIALIZED (${pick}),
              doomed_parts AS MATERIALIZED (
                SELECT p.id FROM smpp_message_parts p WHERE p.message_id IN (SELECT id FROM picked)),
              r AS (DELETE FROM smpp_receipts WHERE part_id IN (SELECT id FROM doomed_parts) RETURNING 1),
              p AS (DELETE FROM smpp_message_parts WHERE id IN (SELECT id FROM doomed_parts) RETURNING 1),
              m AS (DELETE FROM smpp_messages WHERE id IN (SELECT id FROM picked) RETURNING 1)
         SELECT (SELECT count(*) FROM picked)::int AS picked, (SELECT count(*) FROM m)::int AS messages,
                (SELECT count(*) FROM p)::int AS parts, (SELECT count(*) FROM r)::int AS receipts`,
        [cutoff, limit],
      );
      if (!row || row.picked === 0) return { picked: 0, deleted: {} };
      return {
        picked: row.picked,
        deleted: {
          smpp_messages: row.messages,
          smpp_message_parts: row.parts,
          smpp_receipts: row.receipts,
        },
      };
    },
  };
}

/** Every step, in the order a run takes them. */
export const RETENTION_STEPS: readonly RetentionStep[] = [
  messagesStep('finished messages', 'finishedMessagesDays', FINISHED_MESSAGES_PICK_SQL),
  messagesStep('unknown messages', 'unknownMessagesDays', UNKNOWN_MESSAGES_PICK_SQL),
  messagesStep('submitted messages', 'submittedMessagesDays', SUBMITTED_MESSAGES_PICK_SQL),
  singleTable(
    'dispatched events',
    'dispatchedEventsHours',
    'smpp_outbox_events',
    `SELECT id FROM smpp_outbox_events WHERE dispatched_at < $1 ORDER BY dispatched_at`,
  ),
  singleTable(
    'dead-lettered events',
    'deadLetteredEventsDays',
    'smpp_outbox_events',
    `SELECT id FROM smpp_outbox_events WHERE dead_lettered_at < $1 ORDER BY dead_lettered_at`,
    'id',
    (db) => hasColumn(db, 'smpp_outbox_events', 'dead_lettered_at'),
  ),
  singleTable(
    'unmatched receipts',
    'unmatchedReceiptsDays',
    'smpp_receipts',
    `SELECT id FROM smpp_receipts WHERE part_id IS NULL AND received_at < $1 ORDER BY received_at`,
  ),
  singleTable(
    'incomplete MO fragments',
    'incompleteFragmentsHours',
    'smpp_inbound_fragments',
    `SELECT id FROM smpp_inbound_fragments WHERE received_at < $1 ORDER BY received_at`,
  ),
  singleTable(
    'inbound messages',
    'inboundMessagesDays',
    'smpp_inbound_messages',
    `SELECT id FROM smpp_inbound_messages WHERE received_at < $1 ORDER BY received_at`,
  ),
  singleTable(
    'quarantined PDUs',
    'quarantinedPdusDays',
    'smpp_quarantined_pdus',
    // By ctid: the step must not depend on that table's key.
    `SELECT ctid FROM smpp_quarantined_pdus WHERE received_at < $1`,
    'ctid',
    async (db) =>
      (await hasTable(db, 'smpp_quarantined_pdus')) &&
      hasColumn(db, 'smpp_quarantined_pdus', 'received_at'),
  ),
  singleTable(
    'expired bind leases',
    'expiredLeasesHours',
    'smpp_bind_leases',
    `SELECT ctid FROM smpp_bind_leases WHERE expires_at < $1`,
    'ctid',
  ),
];
