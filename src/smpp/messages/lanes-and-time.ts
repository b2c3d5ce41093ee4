import { SMPP_PRIORITY_RANKS } from '../entities/smpp-entity.types.js';
import type { FieldError } from '../errors.js';
import type { MessagePriority, SendOptions } from './send-options.js';

/** How far ahead expiresAt (or ttlMs) may be: 7 days, longer than any SMSC keeps a message. */
export const MAX_EXPIRY_MS = 7 * 86_400_000;
/** How far ahead sendAt may be: 30 days (retention and maxQueued stay meaningful). */
export const MAX_SCHEDULE_AHEAD_MS = 30 * 86_400_000;

export interface LanesAndTime {
  /** The lane's rank (SMPP_PRIORITY_RANKS). */
  priority: number;
  /** null: at once. Never in the past (a past sendAt is now). */
  sendAt: Date | null;
  expiresAt: Date | null;
}

/** Checks priority, expiresAt/ttlMs and sendAt of send(); every problem goes to `errors`. */
export function lanesAndTime(
  input: SendOptions,
  errors: FieldError[],
  now = Date.now(),
): LanesAndTime {
  const priority = input.priority ?? 'normal';
  if (!Object.hasOwn(SMPP_PRIORITY_RANKS, priority as string)) {
    errors.push({
      field: 'priority',
      message: `expected 'high', 'normal' or 'bulk', got ${JSON.stringify(input.priority)}`,
    });
  }
  const rank = SMPP_PRIORITY_RANKS[priority as MessagePriority] ?? SMPP_PRIORITY_RANKS.normal;

  let sendAt: Date | null = null;
  if (input.sendAt !== undefined) {
    const at = toDate(input.sendAt);
    if (!at)
      errors.push({
        field: 'sendAt',
        message: 'expected a Date or an ISO 8601 time with its zone, e.g. "2026-12-24T09:00:00Z"',
      });
    else if (at.getTime() > now + MAX_SCHEDULE_AHEAD_MS)
      errors.push({
        field: 'sendAt',
        message: `at most ${MAX_SCHEDULE_AHEAD_MS / 86_400_000} days ahead; schedule it later from your side`,
      });
    else if (at.getTime() > now) sendAt = at;
  }

  let expiresAt: Date | null = null;
  if (input.expiresAt !== undefined && input.ttlMs !== undefined) {
    errors.push({ field: 'ttlMs', message: 'give expiresAt or ttlMs, not both' });
  } else if (input.expiresAt !== undefined) {
    const at = toDate(input.expiresAt);
    if (!at)
      errors.push({
        field: 'expiresAt',
        message: 'expected a Date or an ISO 8601 time with its zone, e.g. "2026-12-24T09:05:00Z"',
      });
    else if (at.getTime() <= now)
      errors.push({ field: 'expiresAt', message: 'must be in the future' });
    else if (at.getTime() > now + MAX_EXPIRY_MS)
      errors.push({
        field: 'expiresAt',
        message: `at most ${MAX_EXPIRY_MS / 86_400_000} days ahead`,
      });
    else expiresAt = at;
  } else if (input.ttlMs !== undefined) {
    const ttl = input.ttlMs;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_EXPIRY_MS)
      errors.push({
        field: 'ttlMs',
        message: `expected a whole number of ms from 1 to ${MAX_EXPIRY_MS} (7 days)`,
      });
    else expiresAt = new Date(now + ttl);
  }
  if (expiresAt && sendAt && expiresAt.getTime() <= sendAt.getTime()) {
    errors.push({
      field: 'expiresAt',
      message: 'must be after sendAt (the message would expire before it is due)',
    });
  }
  return { priority: rank, sendAt, expiresAt };
}

/** ISO 8601 with a zone (or a Date): "2026-12-24T09:00:00Z", "2026-12-24T17:00:00+08:00". */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'string' || value.length > 40 || !ISO_WITH_ZONE.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
