/**
 * SQLSTATEs that say "try again later": the connection (class 08), a serialization failure or
 * deadlock (class 40), a lock or statement timeout, the server shutting down or out of resources.
 * Every other database error (a value no column takes, a constraint) fails the same way again.
 */
const TRANSIENT_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
  '57014', // query_canceled (statement_timeout)
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53000', // insufficient_resources
  '53100', // disk_full
  '53200', // out_of_memory
  '53300', // too_many_connections
  '58000', // system_error
  '58030', // io_error
]);

const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What the pg driver and TypeORM say when there is no usable connection (they carry no code). */
const TRANSIENT_MESSAGES =
  /connection terminated|terminating connection|connection (is )?(not established|closed|refused)|timeout exceeded when trying to connect|client has encountered a connection error|cannot use a pool after calling end|pool (is )?(ended|closed|destroyed)|not queryable|query read timeout|socket hang up|read ECONNRESET/i;

/**
 * Whether a database error is worth retrying (the database is unreachable, or the statement lost
 * a race that it wins next time). The one classifier every writer uses: transient errors are
 * retried (or answered ESME_RX_T_APPN); any other error is permanent for the data that caused it.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== 'object') break;
    const { code, message, driverError, cause } = e as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string') {
      if (TRANSIENT_SQLSTATES.has(code) || code.startsWith('08')) return true;
      if (TRANSIENT_NODE_CODES.has(code)) return true;
      // A SQLSTATE of any other class is the database refusing this data.
      if (/^[0-9A-Z]{5}$/.test(code)) return false;
    }
    if (typeof message === 'string' && TRANSIENT_MESSAGES.test(message)) return true;
    e = driverError ?? cause;
  }
  return false;
}

/** A database error in one short line, for logs (never the statement's parameters). */
export function describeDatabaseError(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const code = typeof e?.code === 'string' ? ` [${e.code}]` : '';
  return `${message.split('\n')[0].slice(0, 300)}${code}`;
}
