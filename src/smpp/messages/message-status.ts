import type { SmppMessageStatus } from '../entities/smpp-entity.types.js';

/** Status of a message part and of a whole message (DESIGN.md "States"). */
export type PartStatus = SmppMessageStatus;
export type MessageStatus = SmppMessageStatus;

export const FAILURE_STATUSES: ReadonlySet<PartStatus> = new Set<PartStatus>([
  'undeliverable',
  'expired',
  'rejected',
  'failed',
]);
export const FINAL_STATUSES: ReadonlySet<PartStatus> = new Set<PartStatus>([
  'delivered',
  ...FAILURE_STATUSES,
]);

/**
 * A message's status from its parts' (ordered by seq): the first failed part decides a failure;
 * delivered when every part is; unknown when a part's outcome cannot be known and nothing is left
 * in flight; submitted when every part was accepted; submitting once any part left the queue.
 */
export function aggregateStatus(parts: readonly PartStatus[]): MessageStatus {
  const failure = parts.find((p) => FAILURE_STATUSES.has(p));
  if (failure) return failure;
  if (parts.every((p) => p === 'delivered')) return 'delivered';
  if (parts.some((p) => p === 'queued' || p === 'submitting')) {
    return parts.every((p) => p === 'queued') ? 'queued' : 'submitting';
  }
  if (parts.some((p) => p === 'unknown')) return 'unknown';
  return 'submitted';
}

/** A receipt or result may move a part from `from` to `to` (a final state is never overwritten). */
export function canTransition(from: PartStatus, to: PartStatus): boolean {
  return !FINAL_STATUSES.has(from) && from !== to;
}
