import { alphabetOf, decodeAlphabet } from '../messages/encoding/data-coding.js';
import { decodeLatin1 } from '../messages/encoding/latin1.js';
import { bodyBytes } from '../messages/inbound-decoding.js';
import type { InboundDeliverSm } from '../session/session.types.js';
import {
  type FinalPartState,
  normalizeStat,
  partStateOfStat,
  statOfMessageState,
} from './receipt-state.js';

/** The fields found in a receipt's text (`id:... sub:... dlvrd:... ... stat:... err:... text:...`). */
export interface ReceiptTextFields {
  id?: string;
  sub?: string;
  dlvrd?: string;
  /** `submit date` read as UTC; absent when the raw value is not a valid date. */
  submitDate?: Date;
  submitDateRaw?: string;
  /** `done date` read as UTC; absent when the raw value is not a valid date. */
  doneDate?: Date;
  doneDateRaw?: string;
  /** Upper-cased; long spellings (DELIVERED, UNDELIVERABLE...) mapped to the 7-letter stats. */
  stat?: string;
  /** `err` exactly as found (may be alphanumeric in the wild). */
  err?: string;
  /** `err` as a number when it is all digits and fits an int column, else null. */
  errorCode: number | null;
  /** Everything after `text:`, trimmed (the start of the original message at most SMSCs). */
  text?: string;
}

/** A delivery receipt: the receipt text and TLVs combined, TLVs first. */
export interface ParsedReceipt {
  /** The SMSC message id the receipt is for (receipted_message_id TLV, else the text's `id:`). */
  smscMessageId: string;
  /** Where smscMessageId came from. */
  idSource: 'tlv' | 'text';
  /** DELIVRD, UNDELIV, ... from the message_state TLV when present, else from the text; null when neither has one. */
  stat: string | null;
  /** The text's `err` as a number (null when absent, not numeric or out of range), else the network_error_code TLV's code. */
  errorCode: number | null;
  /** The text's `err` exactly as found. */
  err?: string;
  /** network_error_code TLV. */
  networkErrorCode?: { type: number; code: number };
  /** message_state TLV as found. */
  messageState?: number;
  submitDate?: Date;
  doneDate?: Date;
  /** The decoded receipt text (short_message, or message_payload when short_message is empty). */
  rawText: string;
  /** The text's `text:` field. */
  text?: string;
  /** The part state this receipt leads to, or null when it is not final (ACCEPTD, ENROUTE, unknown stats). */
  finalState: FinalPartState | null;
  final: boolean;
}

/**
 * A field name at the start of the text or after whitespace, then optional spaces and a colon.
 * `submit date` / `done date` also as `submit_date` / `submitdate`. Reset lastIndex before use.
 */
const FIELD = /(?:^|\s)(id|sub|dlvrd|submit[ _]?date|done[ _]?date|stat|err|text)[ \t]*:/gi;
const FIRST_TOKEN = /^\S*/;
const TRAILING_JUNK = /[\s\0]+$/;
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL = /[\0-\x1f\x7f]/g;
const ALL_DIGITS = /^\d+$/;
const DATE_DIGITS = /^(?:\d{10}|\d{12}|\d{14})$/;

/** The largest `err` stored as a number (smpp_receipts.error_code is an int). */
const MAX_ERROR_CODE = 2_147_483_647;

type FieldKey = 'id' | 'sub' | 'dlvrd' | 'submitdate' | 'donedate' | 'stat' | 'err' | 'text';

function fieldKey(name: string): FieldKey {
  const lower = name.toLowerCase();
  if (lower.startsWith('submit')) return 'submitdate';
  if (lower.startsWith('done')) return 'donedate';
  return lower as FieldKey;
}

/** The first whitespace-delimited token of a field value, or undefined when it is empty. */
function token(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const first = FIRST_TOKEN.exec(value.trim())![0];
  return first.length > 0 ? first : undefined;
}

/**
 * A receipt date: YYMMDDhhmm, YYMMDDhhmmss (years 2000-2099) or YYYYMMDDhhmmss, read as UTC.
 * Undefined when it is not a valid date.
 */
export function parseReceiptDate(raw: string): Date | undefined {
  if (!DATE_DIGITS.test(raw)) return undefined;
  let y: number;
  let rest: string;
  if (raw.length === 14) {
    y = Number(raw.slice(0, 4));
    rest = raw.slice(4);
  } else {
    y = 2000 + Number(raw.slice(0, 2));
    rest = raw.slice(2);
  }
  const mo = Number(rest.slice(0, 2));
  const d = Number(rest.slice(2, 4));
  const h = Number(rest.slice(4, 6));
  const mi = Number(rest.slice(6, 8));
  const s = rest.length >= 10 ? Number(rest.slice(8, 10)) : 0;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Rejects 31 April, 30 February and the like (Date.UTC would roll them over).
  if (date.getUTCDate() !== d || date.getUTCMonth() !== mo - 1) return undefined;
  return date;
}

/**
 * Reads the fields of a delivery receipt text, leniently: any order, any case, `submit date` or
 * `submit_date`, dates with or without seconds, `err` of any width, `text:` absent or holding spaces
 * and colons (everything after `text:` is the text, so no field is read after it).
 *
 * Returns null when the text is not a receipt: it needs a `stat:`, or an `id:` together with one of
 * sub, dlvrd, submit date, done date, err. Never throws.
 */
export function parseReceiptText(text: string): ReceiptTextFields | null {
  if (typeof text !== 'string' || text.length === 0) return null;
  const found = new Map<FieldKey, string>();
  FIELD.lastIndex = 0;
  let key: FieldKey | undefined;
  let valueStart = 0;
  for (let m = FIELD.exec(text); m !== null; m = FIELD.exec(text)) {
    if (key !== undefined && !found.has(key)) found.set(key, text.slice(valueStart, m.index));
    key = fieldKey(m[1]!);
    valueStart = FIELD.lastIndex;
    if (key === 'text') break;
  }
  FIELD.lastIndex = 0;
  if (key === undefined) return null;
  if (!found.has(key)) found.set(key, text.slice(valueStart));

  const hasOther =
    found.has('sub') ||
    found.has('dlvrd') ||
    found.has('submitdate') ||
    found.has('donedate') ||
    found.has('err');
  if (!found.has('stat') && !(found.has('id') && hasOther)) return null;

  const fields: ReceiptTextFields = { errorCode: null };
  const id = token(found.get('id')?.replace(CONTROL, ''));
  if (id !== undefined) fields.id = id;
  const sub = token(found.get('sub'));
  if (sub !== undefined) fields.sub = sub;
  const dlvrd = token(found.get('dlvrd'));
  if (dlvrd !== undefined) fields.dlvrd = dlvrd;
  const submit = token(found.get('submitdate'));
  if (submit !== undefined) {
    fields.submitDateRaw = submit;
    const date = parseReceiptDate(submit);
    if (date) fields.submitDate = date;
  }
  const done = token(found.get('donedate'));
  if (done !== undefined) {
    fields.doneDateRaw = done;
    const date = parseReceiptDate(done);
    if (date) fields.doneDate = date;
  }
  const stat = token(found.get('stat'));
  if (stat !== undefined) fields.stat = normalizeStat(stat);
  const err = token(found.get('err'));
  if (err !== undefined) {
    fields.err = err;
    // A number no int column takes (err:99999999999) is kept only as the raw `err` text.
    if (ALL_DIGITS.test(err) && Number(err) <= MAX_ERROR_CODE) fields.errorCode = Number(err);
  }
  const body = found.get('text');
  if (body !== undefined) fields.text = body.replace(TRAILING_JUNK, '').trim();
  return fields;
}

/** True when every byte is printable ASCII (space to '~'), or a NUL at the end. */
function isPrintableAscii(bytes: Uint8Array): boolean {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  for (let i = 0; i < end; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}

/**
 * The text of a receipt deliver_sm: short_message, or message_payload when short_message is empty.
 * SMSCs write receipt text in ASCII even under data_coding 0, so GSM-coded bytes that are all
 * printable ASCII are read as ASCII (an id with '_' or '$' stays intact); other bytes are
 * decoded by their data_coding. Trailing NULs and spaces are dropped.
 */
export function receiptRawText(
  deliver: Pick<InboundDeliverSm, 'shortMessage' | 'messagePayload' | 'dataCoding'>,
): string {
  const bytes = bodyBytes(deliver);
  const alphabet = alphabetOf(deliver.dataCoding);
  const text =
    alphabet === 'gsm7' && isPrintableAscii(bytes)
      ? decodeLatin1(bytes)
      : decodeAlphabet(bytes, alphabet);
  return text.replace(TRAILING_JUNK, '');
}

/** True when the esm_class marks a deliver_sm as an SMSC delivery receipt (0x04) or an intermediate notification (0x20). */
export function isDeliveryReceipt(esmClass: number): boolean {
  const type = esmClass & 0x3c;
  return type === 0x04 || type === 0x20;
}

/**
 * Parses a delivery receipt from a deliver_sm: the text (decoded per data_coding) and the TLVs
 * receipted_message_id, message_state and network_error_code. Where both carry a value the TLV
 * wins; the id falls back to the text's `id:`. The esm_class is not checked (see
 * {@link isDeliveryReceipt}). Returns null when no id can be found. Never throws.
 */
export function parseReceipt(deliver: InboundDeliverSm): ParsedReceipt | null {
  let rawText = '';
  try {
    rawText = receiptRawText(deliver);
  } catch {
    rawText = '';
  }
  const fields = parseReceiptText(rawText);

  const tlvId = deliver.receiptedMessageId?.replace(CONTROL, '').trim();
  let smscMessageId: string;
  let idSource: 'tlv' | 'text';
  if (tlvId) {
    smscMessageId = tlvId;
    idSource = 'tlv';
  } else if (fields?.id) {
    smscMessageId = fields.id;
    idSource = 'text';
  } else {
    return null;
  }

  const tlvStat =
    deliver.messageState !== undefined ? statOfMessageState(deliver.messageState) : undefined;
  const stat = tlvStat ?? fields?.stat ?? null;
  const finalState = partStateOfStat(stat);

  const receipt: ParsedReceipt = {
    smscMessageId,
    idSource,
    stat,
    // No `err` in the text: the network_error_code TLV's code is the error there is.
    errorCode: fields?.errorCode ?? deliver.networkErrorCode?.code ?? null,
    rawText,
    finalState,
    final: finalState !== null,
  };
  if (fields?.err !== undefined) receipt.err = fields.err;
  if (deliver.networkErrorCode) receipt.networkErrorCode = { ...deliver.networkErrorCode };
  if (deliver.messageState !== undefined) receipt.messageState = deliver.messageState;
  if (fields?.submitDate) receipt.submitDate = fields.submitDate;
  if (fields?.doneDate) receipt.doneDate = fields.doneDate;
  if (fields?.text !== undefined) receipt.text = fields.text;
  return receipt;
}
