import {
  CommandError,
  ConnectionClosedError,
  ResponseTimeoutError,
  SessionNotReadyError,
} from '../errors.js';
import { CommandStatus, commandStatusName, isTemporaryStatus } from '../protocol/command-status.js';
import { backoffDelay, type BackoffPolicy } from '../retry/backoff.js';
import type { SubmitOutcome } from '../store/part-rows.js';

export interface OutcomePolicy {
  /** Attempts (submit_sm sent) so far, this one included. */
  attempts: number;
  maxAttempts: number;
  /** Re-send a part whose outcome is unknown (the recipient may get it twice). */
  atLeastOnce: boolean;
}

/** What a failed submit means for its part. */
export function outcomeOfError(error: unknown, policy: OutcomePolicy): SubmitOutcome {
  if (error instanceof CommandError) {
    if (isTemporaryStatus(error.status)) {
      if (policy.attempts >= policy.maxAttempts) {
        return { kind: 'failed', errorCode: error.status, errorStatus: error.statusName };
      }
      return {
        kind: 'retry',
        delayMs: retryDelay(error.status, policy.attempts),
        errorCode: error.status,
        errorStatus: error.statusName,
      };
    }
    return { kind: 'failed', errorCode: error.status, errorStatus: error.statusName };
  }
  if (error instanceof ConnectionClosedError && !error.sent) return { kind: 'requeue' };
  if (error instanceof SessionNotReadyError) return { kind: 'requeue' };
  if (error instanceof ConnectionClosedError || error instanceof ResponseTimeoutError) {
    if (policy.atLeastOnce && policy.attempts < policy.maxAttempts) {
      return { kind: 'retry', delayMs: 1000, errorCode: -1, errorStatus: 'NO_RESPONSE' };
    }
    return { kind: 'unknown', errorStatus: 'NO_RESPONSE' };
  }
  // Anything else is a bug or bad bytes; the part can never be sent as it is.
  return {
    kind: 'failed',
    errorCode: CommandStatus.ESME_RUNKNOWNERR,
    errorStatus: commandStatusName(CommandStatus.ESME_RUNKNOWNERR),
  };
}

/** Throttling clears within a second; a full queue or a system error may take longer. */
const THROTTLED_RETRY: BackoffPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  multiplier: 2,
  jitter: 0.2,
};
const TEMPORARY_ERROR_RETRY: BackoffPolicy = { ...THROTTLED_RETRY, initialDelayMs: 2_000 };

function retryDelay(status: number, attempts: number): number {
  const policy = status === CommandStatus.ESME_RTHROTTLED ? THROTTLED_RETRY : TEMPORARY_ERROR_RETRY;
  return backoffDelay(policy, attempts);
}
