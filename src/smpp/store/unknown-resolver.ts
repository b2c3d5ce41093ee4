import { MessageUnknownResolvedEvent } from '../events/message-events.js';
import { SmppEvents } from '../events/smpp-events.js';
import { smscIdCandidates } from '../receipts/smsc-id.js';
import {
  DEFAULT_RECEIPT_CLOCK_SKEW_MS,
  partText,
  receiptClues,
  type ReceiptClues,
  type SendWindow,
  submitDateFits,
  textFits,
} from '../receipts/unknown-fit.js';
import type { PendingEvent } from './message-state-writer.js';
import type { SqlExecutor } from './sql.js';
import {
  type CandidateKey,
  inFlightTo,
  parkedFrom,
  parkedReceiptsById,
  type ParkedReceiptRow,
  type ResolvedPartRow,
  smscIdTaken,
  takeSmscId,
  unknownCandidates,
  unknownPartsById,
  type UnknownPartRow,
} from './unknown-queries.js';
import { timeOrderedId } from '../messages/time-ordered-id.js';

/** Parked receipts of one destination looked at for one part, at most; more is too ambiguous. */
const MAX_PARKED_PER_DESTINATION = 200;

export interface UnknownResolution {
  /** Parts that took an SMSC id: match the parked receipts of that id to them (matchParked). */
  parts: ResolvedPartRow[];
  /** One `smpp.message.unknown-resolved` per part. */
  events: PendingEvent[];
}

export interface UnknownResolverSettings {
  /** Accounts sharing the SMSC account (system_id) of this one, itself included. */
  siblings(account: string): readonly string[];
  /** Allowance for the SMSC clock (the receipts' submit date) against the database's, ms. */
  clockSkewMs?(account: string): number;
}

interface Receipt extends ParkedReceiptRow {
  clues: ReceiptClues;
}

/**
 * Gives an `unknown` part (its submit_sm may have left, no submit_sm_resp was stored) the SMSC id
 * of a receipt that matched nothing, when the two point at each other alone:
 * - the receipt's candidates are the unknown parts without an SMSC id of its system_id whose
 *   destination is the receipt's source_addr, whose text starts like the receipt's `text:`
 *   (leniently: unknown-fit.ts), and whose send window (written to a socket -> became unknown,
 *   widened by the clock skew allowance) holds the receipt's submit date;
 * - exactly one candidate, no part to that destination in flight (written, answer awaited) that
 *   fits as well, and no parked receipt with another SMSC id that fits the candidate.
 * Otherwise the receipt stays parked (retention purges it as any parked receipt).
 *
 * Runs inside the caller's transaction, under the system_id's advisory lock (as receipt
 * matching does): of two replicas, the second sees the part resolved and finds nothing to do.
 */
export class UnknownResolver {
  constructor(private readonly settings: UnknownResolverSettings) {}

  /** Receipts just stored that matched no SMSC id. */
  async forReceipts(em: SqlExecutor, receiptIds: readonly string[]): Promise<UnknownResolution> {
    const out: UnknownResolution = { parts: [], events: [] };
    const receipts = (await parkedReceiptsById(em, receiptIds)).map(withClues);
    const searchable = receipts.filter((r) => r.clues.destination && r.clues.submittedFrom);
    const candidates = await this.candidates(em, searchable);
    const taken = new Set<string>();
    for (const receipt of searchable) {
      if (taken.has(receipt.smsc_message_id)) continue;
      const own = candidates.get(receipt.id) ?? [];
      const part = await this.decide(em, receipt, own);
      if (part && (await this.take(em, part, receipt, out))) taken.add(receipt.smsc_message_id);
    }
    return out;
  }

  /** Parts just marked unknown: receipts for them may have been parked already. */
  async forParts(em: SqlExecutor, partIds: readonly string[]): Promise<UnknownResolution> {
    const out: UnknownResolution = { parts: [], events: [] };
    for (const part of await unknownPartsById(em, partIds)) {
      const fitting = await this.parkedFitting(em, part);
      if (fitting === null) continue;
      const ids = new Set(fitting.map((r) => r.smsc_message_id));
      if (ids.size !== 1) continue;
      const receipt = fitting[0];
      const own = (await this.candidates(em, [receipt])).get(receipt.id) ?? [];
      const chosen = await this.decide(em, receipt, own);
      if (chosen?.id === part.id) await this.take(em, chosen, receipt, out);
    }
    return out;
  }

  private skew(account: string): number {
    return this.settings.clockSkewMs?.(account) ?? DEFAULT_RECEIPT_CLOCK_SKEW_MS;
  }

  /** The unknown parts that fit each receipt, by receipt id. */
  private async candidates(
    em: SqlExecutor,
    receipts: readonly Receipt[],
  ): Promise<Map<string, UnknownPartRow[]>> {
    const keys: CandidateKey[] = [];
    for (const r of receipts) {
      const at = r.clues.submittedFrom!.getTime();
      const skew = this.skew(r.account);
      for (const account of this.settings.siblings(r.account)) {
        keys.push({
          key: r.id,
          account,
          destination: r.clues.destination,
          lo: new Date(at - skew),
          hi: new Date(at + r.clues.resolutionMs + skew),
        });
      }
    }
    const byReceipt = new Map<string, UnknownPartRow[]>();
    const receiptOf = new Map(receipts.map((r) => [r.id, r]));
    for (const row of await unknownCandidates(em, keys)) {
      const receipt = receiptOf.get(row.key)!;
      if (!fits(receipt, row, this.skew(receipt.account))) continue;
      byReceipt.set(row.key, [...(byReceipt.get(row.key) ?? []), row]);
    }
    return byReceipt;
  }

  /** The one part this receipt is for, or null when it is not unique. */
  private async decide(
    em: SqlExecutor,
    receipt: Receipt,
    candidates: readonly UnknownPartRow[],
  ): Promise<UnknownPartRow | null> {
    if (candidates.length !== 1) return null;
    const part = candidates[0];
    // A part already holds the id (its submit result was stored meanwhile): the receipt is its.
    const accounts = this.settings.siblings(receipt.account);
    if (await smscIdTaken(em, accounts, smscIdCandidates(receipt.smsc_message_id))) return null;
    const skew = this.skew(receipt.account);
    const writtenBy = new Date(
      receipt.clues.submittedFrom!.getTime() + receipt.clues.resolutionMs + skew,
    );
    const inFlight = await inFlightTo(em, accounts, receipt.clues.destination, writtenBy);
    const texts = (p: { content: Buffer; data_coding: number }) =>
      textFits(receipt.clues.text, partText(p.content, p.data_coding));
    if (inFlight.some(texts)) return null;
    const fitting = await this.parkedFitting(em, part);
    if (fitting === null) return null;
    if (fitting.some((r) => r.smsc_message_id !== receipt.smsc_message_id)) return null;
    return part;
  }

  /** The parked receipts that fit this part, oldest first; null when there are too many to tell. */
  private async parkedFitting(em: SqlExecutor, part: UnknownPartRow): Promise<Receipt[] | null> {
    const skew = this.skew(part.account);
    const d = part.destination;
    const parked = await parkedFrom(
      em,
      this.settings.siblings(part.account),
      [d, `+${d}`, `00${d}`],
      new Date(new Date(part.sent_from).getTime() - skew),
      MAX_PARKED_PER_DESTINATION,
    );
    if (parked.length >= MAX_PARKED_PER_DESTINATION) return null;
    return parked.map(withClues).filter((r) => fits(r, part, skew));
  }

  private async take(
    em: SqlExecutor,
    part: UnknownPartRow,
    receipt: Receipt,
    out: UnknownResolution,
  ): Promise<boolean> {
    const taken = await takeSmscId(em, part.id, receipt.smsc_message_id);
    if (!taken) return false;
    out.parts.push(taken);
    out.events.push({
      name: SmppEvents.MessageUnknownResolved,
      payload: new MessageUnknownResolvedEvent({
        eventId: timeOrderedId(),
        at: new Date(),
        messageId: part.message_id,
        account: part.account,
        to: part.destination,
        clientRef: part.client_ref,
        partSeq: part.seq,
        smscMessageId: receipt.smsc_message_id,
        receiptId: receipt.id,
        stat: receipt.stat,
      }),
    });
    return true;
  }
}

function withClues(r: ParkedReceiptRow): Receipt {
  return { ...r, clues: receiptClues(r.raw_text, r.source_addr) };
}

function fits(receipt: Receipt, part: UnknownPartRow, skewMs: number): boolean {
  if (receipt.clues.destination !== part.destination) return false;
  const window: SendWindow = {
    from: new Date(part.sent_from),
    to: new Date(part.unknown_since),
  };
  if (!submitDateFits(receipt.clues, window, skewMs)) return false;
  return textFits(receipt.clues.text, partText(part.content, part.data_coding));
}
