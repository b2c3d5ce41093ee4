/** Anything that runs SQL: a DataSource or a transaction's EntityManager. */
export interface SqlExecutor {
  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T>;
}

/**
 * Rows of a query. TypeORM's postgres driver returns `[rows, rowCount]` for UPDATE/DELETE (also
 * with RETURNING) and plain rows otherwise.
 */
export async function rows<T>(
  db: SqlExecutor,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const result = await db.query<unknown>(sql, parameters);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

/** Serialises work on one account's receipts and SMSC ids across every process (transaction-scoped). */
export async function lockAccounts(db: SqlExecutor, accounts: Iterable<string>): Promise<void> {
  const sorted = [...new Set(accounts)].sort();
  for (const account of sorted) {
    await db.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`smpp:receipt-match:${account}`]);
  }
}

/**
 * A FROM item that makes the statement's own transaction commit without waiting for its WAL to
 * reach the disk (`synchronous_commit = off`, for that transaction only). Only for bookkeeping
 * whose loss in a database crash does no harm: the outbox's own marks (an event whose mark is
 * lost is dispatched again, as at-least-once allows) and claims (a synchronous written mark
 * always commits after the claim and before the part leaves). A write that send() or a receipt waits
 * for then does not queue behind these flushes.
 */
export const ASYNC_COMMIT = `(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`;
