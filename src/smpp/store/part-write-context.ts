import type { DataSource } from 'typeorm';
import { SmppEvents } from '../events/smpp-events.js';
import { writeOutbox } from './outbox/outbox-queries.js';
import type { ReceiptObservation, SmppTelemetry } from '../telemetry/smpp-telemetry.js';
import { refreshMessages, type PendingEvent } from './message-state-writer.js';
import type { SqlExecutor } from './sql.js';
import { UnknownResolver } from './unknown-resolver.js';

/**
 * Which accounts share an SMSC account (system_id at one host): a receipt that arrives on any of
 * them may belong to a part sent through another.
 */
export interface AccountScope {
  /** Every configured account name with the same system_id and host, this one included. */
  siblings(account: string): readonly string[];
  /** The advisory lock key that serialises matching for that system_id. */
  lockKey(account: string): string;
}

export const SELF_SCOPE: AccountScope = { siblings: (a) => [a], lockKey: (a) => a };

/**
 * What the writers of part outcomes (submit results, receipts, claim recovery) share: each takes
 * the system_id's advisory lock first, so of a receipt and its submit_sm_resp (stored by any two
 * processes) the second sees the first.
 */
export interface PartWriteContext {
  dataSource: DataSource;
  recordEvents: () => boolean;
  telemetry?: SmppTelemetry;
  scope: AccountScope;
  /** The replica that owns the first dispatch of the events written here (see writeOutbox). */
  eventOwner: string | null;
  /** Matches receipts that found no SMSC id to `unknown` parts, and the reverse (UnknownResolver). */
  unknowns: UnknownResolver;
}

export function partWriteContext(
  dataSource: DataSource,
  recordEvents: () => boolean,
  telemetry?: SmppTelemetry,
  scope: AccountScope = SELF_SCOPE,
  eventOwner: string | null = null,
  unknowns: UnknownResolver = new UnknownResolver({ siblings: scope.siblings }),
): PartWriteContext {
  return { dataSource, recordEvents, telemetry, scope, eventOwner, unknowns };
}

/** Recomputes the touched messages and writes their events (with `extra`) to the outbox. */
export async function finishPartWrite(
  context: PartWriteContext,
  em: SqlExecutor,
  touched: Set<string>,
  extra: PendingEvent[],
): Promise<PendingEvent[]> {
  const events = [...extra, ...(await refreshMessages(em, touched))];
  if (context.recordEvents()) await writeOutbox(em, events, context.eventOwner);
  return events;
}

export function observeReceipts(context: PartWriteContext, observed: ReceiptObservation[]): void {
  if (context.telemetry) for (const o of observed) context.telemetry.receipt(o);
}

/** Counts the unknown parts resolved by a committed write (their `unknown-resolved` events). */
export function observeResolved(context: PartWriteContext, events: readonly PendingEvent[]): void {
  if (!context.telemetry) return;
  for (const e of events) {
    if (e.name === SmppEvents.MessageUnknownResolved)
      context.telemetry.unknownResolved({ account: (e.payload as { account: string }).account });
  }
}
