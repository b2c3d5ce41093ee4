import type { SmppMessageView } from './messages/message-view.js';
import { commandStatusName } from './protocol/command-status.js';
import { describeDatabaseError } from './store/transient-error.js';

/** Base class of every error this module throws; `code` is stable and machine-readable. */
export abstract class SmppError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The options given to SmppModule are wrong; every bad field is listed. */
export class SmppConfigError extends SmppError {
  readonly code = 'SMPP_CONFIG_INVALID';
  constructor(readonly issues: readonly string[]) {
    super(
      `Invalid SMPP module options (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  - ${i}`).join('\n'),
    );
  }
}

/** The TCP/TLS connection could not be made within the connect timeout. */
export class ConnectTimeoutError extends SmppError {
  readonly code = 'SMPP_CONNECT_TIMEOUT';
  constructor(
    readonly host: string,
    readonly port: number,
    readonly timeoutMs: number,
  ) {
    super(
      `Could not connect to ${host}:${port} within ${timeoutMs} ms. Check the host, the port, and that this machine's address is allow-listed by the SMSC.`,
    );
  }
}

/** The SMSC answered the bind with a non-zero command_status. */
export class BindRefusedError extends SmppError {
  readonly code = 'SMPP_BIND_REFUSED';
  readonly statusName: string;
  constructor(
    readonly systemId: string,
    readonly status: number,
  ) {
    const statusName = commandStatusName(status);
    super(
      `The SMSC refused the bind of system_id "${systemId}": ${statusName}. ${bindHint(statusName)}`,
    );
    this.statusName = statusName;
  }
}

function bindHint(statusName: string): string {
  switch (statusName) {
    case 'ESME_RINVPASWD':
      return 'The password is wrong: fix the configured password.';
    case 'ESME_RINVSYSID':
      return 'The system_id is unknown: fix the configured systemId.';
    case 'ESME_RBINDFAIL':
    case 'ESME_RALYBND':
      return 'The account may already hold its maximum number of binds (8x8: 4 per system_id across all processes).';
    default:
      return 'See the SMPP 3.4 command_status table.';
  }
}

/** A request was answered with a non-zero command_status (or generic_nack). */
export class CommandError extends SmppError {
  readonly code = 'SMPP_COMMAND_FAILED';
  readonly statusName: string;
  constructor(
    readonly command: string,
    readonly status: number,
  ) {
    const statusName = commandStatusName(status);
    super(`${command} was answered with ${statusName}`);
    this.statusName = statusName;
  }
}

/** No response arrived within the response timeout; the request's outcome is unknown. */
export class ResponseTimeoutError extends SmppError {
  readonly code = 'SMPP_RESPONSE_TIMEOUT';
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
  ) {
    super(`No response to ${command} within ${timeoutMs} ms; the link is treated as dead.`);
  }
}

/**
 * The connection closed (or was destroyed) before the request was answered.
 * `sent` tells whether the request had left this process: if so, the SMSC may have acted on it.
 */
export class ConnectionClosedError extends SmppError {
  readonly code = 'SMPP_CONNECTION_CLOSED';
  constructor(
    reason: string,
    readonly sent = false,
    options?: { cause?: unknown },
  ) {
    super(`SMPP connection closed: ${reason}`, options);
  }
}

/** The session is unbinding or closed and takes no new requests. */
export class SessionNotReadyError extends SmppError {
  readonly code = 'SMPP_SESSION_NOT_READY';
  constructor(state: string) {
    super(`The SMPP session is ${state} and takes no new requests.`);
  }
}

export interface FieldError {
  field: string;
  message: string;
}

/** A send() (or other call) was given bad input; nothing was stored or sent. */
export class SmppValidationError extends SmppError {
  readonly code = 'SMPP_VALIDATION_FAILED';
  constructor(readonly errors: readonly FieldError[]) {
    super(`Invalid message: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  }
}

/** The message could not be stored (database unreachable or failing); nothing was queued or sent. */
export class MessageStoreError extends SmppError {
  readonly code = 'SMPP_STORE_FAILED';
  constructor(cause: unknown) {
    super(
      `The message could not be stored, so nothing was queued or sent: ${cause instanceof Error ? cause.message : String(cause)}. Check the database connection and send again (with the same clientRef to stay idempotent).`,
      { cause },
    );
  }
}

/**
 * A call other than send() (getMessage, findByClientRef, cancel, purge, stats) could not reach the
 * database: it is unreachable, restarting, out of connections, or the statement lost a lock or
 * timed out. `operation` says what failed (e.g. `cancel message <id>`), `outcome` what that left
 * behind; the database's error is the `cause`. Try again once the database is back.
 */
export class SmppStoreUnavailableError extends SmppError {
  readonly code = 'SMPP_STORE_UNAVAILABLE';
  constructor(
    readonly operation: string,
    cause: unknown,
    readonly outcome = 'Nothing was changed.',
  ) {
    super(
      `Could not ${operation}: the database is unreachable or failing (${describeDatabaseError(cause)}). ${outcome} Check the database connection and try again.`,
      { cause },
    );
  }
}

/**
 * The same clientRef was used before on this account for a different message (`to`, `from` or
 * `text` differ). Nothing was stored; the earlier message is untouched.
 */
export class MessageConflictError extends SmppError {
  readonly code = 'SMPP_MESSAGE_CONFLICT';
  constructor(
    readonly clientRef: string,
    readonly existingId: string,
    readonly fields: readonly string[],
  ) {
    super(
      `clientRef "${clientRef.slice(0, 64)}" was already used for message ${existingId} with a different ${fields.join(', ')}. Use a new clientRef for a new message.`,
    );
  }
}

/**
 * This process holds as much unwritten work in memory as it allows (pending batch items, inbound
 * PDUs being handled). Nothing was stored; try again after `retryAfterMs`.
 */
export class SmppBackpressureError extends SmppError {
  readonly code = 'SMPP_BACKPRESSURE';
  constructor(
    readonly what: string,
    readonly limit: number,
    readonly retryAfterMs = 1_000,
  ) {
    super(
      `Too much unwritten work in this process (${what}: limit ${limit}); nothing was stored. Retry in ${retryAfterMs} ms.`,
    );
  }
}

/** The account already has `maxQueued` messages waiting to be sent; nothing was stored. */
export class QueueFullError extends SmppError {
  readonly code = 'SMPP_QUEUE_FULL';
  constructor(
    readonly account: string,
    readonly maxQueued: number,
    readonly retryAfterMs = 5_000,
  ) {
    super(
      `Account "${account}" already has ${maxQueued} messages waiting (maxQueued); nothing was stored. Retry later or raise maxQueued.`,
    );
  }
}

/** No message with this id exists (or it was purged by retention). */
export class MessageNotFoundError extends SmppError {
  readonly code = 'SMPP_MESSAGE_NOT_FOUND';
  constructor(readonly id: string) {
    super(`No message ${id}.`);
  }
}

/**
 * cancel(): the message is final (`status` says which state), or has a part that already left for
 * the SMSC (8x8 has no cancel_sm, so nothing that left can be called back).
 */
export class MessageNotCancellableError extends SmppError {
  readonly code = 'SMPP_MESSAGE_NOT_CANCELLABLE';
  constructor(
    readonly id: string,
    readonly status: string,
  ) {
    super(
      FINAL_MESSAGE_STATES.has(status)
        ? `Message ${id} can no longer be cancelled: it already ended ${status}.`
        : `Message ${id} can no longer be cancelled: it is ${status} and at least one part has left for the SMSC (the SMSC offers no cancel).`,
    );
  }
}

const FINAL_MESSAGE_STATES = new Set([
  'delivered',
  'undeliverable',
  'expired',
  'rejected',
  'failed',
  'cancelled',
]);

/** send({ waitFor: 'submitted' }) ended without every part accepted. */
export class MessageNotSubmittedError extends SmppError {
  readonly code = 'SMPP_MESSAGE_NOT_SUBMITTED';
  constructor(readonly smsMessage: SmppMessageView) {
    super(
      smsMessage.status === 'unknown'
        ? `Message ${smsMessage.id}: the connection was lost before the SMSC answered; it may or may not have been accepted (status unknown, not re-sent).`
        : `Message ${smsMessage.id} was not accepted: ${smsMessage.status}${smsMessage.errorStatus ? ` (${smsMessage.errorStatus})` : ''}.`,
    );
  }
}

/** send({ waitFor: 'submitted' }) waited longer than it was allowed to; the message is still queued and will be sent. */
export class SubmitWaitTimeoutError extends SmppError {
  readonly code = 'SMPP_SUBMIT_WAIT_TIMEOUT';
  constructor(
    readonly smsMessage: SmppMessageView,
    timeoutMs: number,
  ) {
    super(
      `Message ${smsMessage.id} was not submitted within ${timeoutMs} ms (now ${smsMessage.status}); it stays queued and will be sent.`,
    );
  }
}

/** waitForBindMs: some account had no transmit-capable bind when the startup wait ended. */
export class BindTimeoutError extends SmppError {
  readonly code = 'SMPP_BIND_TIMEOUT';
  constructor(readonly waitingFor: string[]) {
    super(`Not bound within the startup wait: ${waitingFor.join('; ')}`);
  }
}
