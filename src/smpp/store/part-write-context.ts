import type { DataSource } from 'typeorm';
import { SmppEvents } from '../events/smpp-events.js';
import { writeOutbox } from './outbox/outbox-queries.js';
import type { ReceiptObservation, SmppTelemetry } from '../telemetry/smpp-telemetry.js';
import { refreshMessages, type PendingEvent } from './message-state-writer.js';
import { lockAccounts, type SqlExecutor } from './sql.js';
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

/** What a part write collects as it goes: the messages it touched, receipts seen (for telemetry). */
export interface PartWrite {
  em: SqlExecutor;
  touched: Set<string>;
  observed: ReceiptObservation[];
}

/**
 * One transaction of part outcomes: takes the accounts' lock, runs `apply` (which returns the
 * events of its own), recomputes the touched messages, writes every event to the outbox; after
 * the commit, reports the receipts and resolved unknowns to telemetry. Returns the events.
 */
export async function inPartWrite(
  context: PartWriteContext,
  accounts: Iterable<string>,
  apply: (write: PartWrite) => Promise<PendingEvent[]>,
): Promise<PendingEvent[]> {
  const observed: ReceiptObservation[] = [];
  const events = await context.dataSource.transaction(async (em) => {
    await lockAccounts(
      em,
      [...accounts].map((a) => context.scope.lockKey(a)),
    );
    const touched = new Set<string>();
    const extra = await apply({ em, touched, observed });
    return finishPartWrite(context, em, touched, extra);
  });
  observeReceipts(context, observed);
  observeResolved(context, events);
  return events;
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
