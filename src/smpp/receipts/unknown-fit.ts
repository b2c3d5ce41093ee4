/**
 * Whether a receipt that matches no SMSC id may be the receipt of an `unknown` part (a part whose
 * submit_sm may have left but whose submit_sm_resp was never stored): the checks on one pair. Who
 * is a candidate of whom, and when a pair is unique, is decided in store/unknown-resolver.ts.
 */
import { decodeText } from '../messages/encoding/data-coding.js';
import { parseReceiptText } from './receipt-parser.js';

/** Default allowance for the SMSC's clock against ours (the receipt's `submit date`), ms. */
export const DEFAULT_RECEIPT_CLOCK_SKEW_MS = 120_000;

/** What the resolution reads of a receipt. */
export interface ReceiptClues {
  /** The receipt's source_addr as digits (the handset the message went to); '' when it has none. */
  destination: string;
  /** `submit date`, as UTC, and how coarse it is (60 s for YYMMDDhhmm, 1 s with seconds). */
  submittedFrom?: Date;
  resolutionMs: number;
  /** The `text:` field, absent when the receipt has none. */
  text?: string;
}

/** When a part may have reached the SMSC: from being written to a socket to becoming unknown. */
export interface SendWindow {
  from: Date;
  to: Date;
}

const NON_DIGITS = /[^0-9]/g;
const COMBINING = /\p{M}/gu;
const NOT_LATIN_ALNUM = /[^a-z0-9]/g;

/** Addresses are stored as E.164 digits without '+' (see messages/address.ts): compare the same. */
export function addressDigits(addr: string | null | undefined): string {
  return (addr ?? '').replace(NON_DIGITS, '');
}

/** The clues of a stored receipt text and source_addr. */
export function receiptClues(rawText: string, sourceAddr: string): ReceiptClues {
  const fields = parseReceiptText(rawText);
  const raw = fields?.submitDateRaw;
  return {
    destination: addressDigits(sourceAddr),
    submittedFrom: fields?.submitDate,
    resolutionMs: raw !== undefined && raw.length > 10 ? 1_000 : 60_000,
    text: fields?.text,
  };
}

/**
 * The part of a text both sides can be expected to agree on: accents dropped (NFKD), lower case,
 * ASCII letters and digits only. The SMSC's `text:` holds at most 20 characters and is often
 * re-encoded (UCS2 text shown as '?', GSM-7 extension characters dropped, spaces squeezed), so
 * punctuation, spaces and non-Latin letters prove nothing either way.
 */
export function textSkeleton(text: string): string {
  return text.normalize('NFKD').replace(COMBINING, '').toLowerCase().replace(NOT_LATIN_ALNUM, '');
}

/**
 * True when the receipt's `text:` may be the start of this part's own text (the short_message of
 * its submit_sm, as SMSCs quote it). No `text:`, or one with no Latin letter or digit left, proves
 * nothing and fits (so does a part with none: e.g. a segment of dots).
 */
export function textFits(receiptText: string | undefined, partText: string): boolean {
  if (receiptText === undefined) return true;
  const wanted = textSkeleton(receiptText);
  if (wanted.length === 0) return true;
  return textSkeleton(partText).startsWith(wanted);
}

/**
 * True when the receipt's submit date (a minute, or a second, of the SMSC's clock) overlaps the
 * part's send window widened by `skewMs` on both sides. A receipt without a valid submit date
 * never fits: destination and text alone are too weak over a long history.
 */
export function submitDateFits(clues: ReceiptClues, window: SendWindow, skewMs: number): boolean {
  const at = clues.submittedFrom;
  if (at === undefined) return false;
  const start = at.getTime();
  const end = start + clues.resolutionMs;
  return end > window.from.getTime() - skewMs && start <= window.to.getTime() + skewMs;
}

/** The text of one part as the SMSC got it (short_message, or message_payload when used). */
export function partText(content: Buffer, dataCoding: number): string {
  return decodeText(content, dataCoding);
}
