import { SmppValidationError } from '../errors.js';

/** SMPP type of number values this library uses. */
export const Ton = {
  UNKNOWN: 0,
  INTERNATIONAL: 1,
  NATIONAL: 2,
  NETWORK_SPECIFIC: 3,
  ALPHANUMERIC: 5,
} as const;
/** SMPP numbering plan indicator values this library uses. */
export const Npi = { UNKNOWN: 0, ISDN: 1 } as const;

/** An SMPP address: the address string as sent on the wire and its TON / NPI. */
export interface SmppAddress {
  addr: string;
  ton: number;
  npi: number;
}

/** The forms a phone number may be written in: an optional leading '+', digits and separators. */
const PHONE_SHAPE = /^\+?[0-9 \u00a0().-]+$/;
const NON_DIGITS = /[^0-9]/g;
const DIGITS_ONLY = /^\+?[0-9]+$/;
/**
 * Alphanumeric sender: ASCII letters and digits, space and the punctuation of the GSM default
 * alphabet that every network shows the same (no extension-table characters, no accented letters).
 */
const ALPHANUMERIC_SENDER = /^[A-Za-z0-9 !"#$%&'()*+,\-./:;<=>?@_]+$/;

const E164_MIN = 8;
const E164_MAX = 15;
const SHORT_CODE_MIN = 3;
const SHORT_CODE_MAX = 8;
const NUMERIC_SENDER_MAX = 16;
const ALPHANUMERIC_MAX = 11;

const DEST_EXAMPLE = '"+6591234567"';

function fail(field: string, message: string): never {
  throw new SmppValidationError([{ field, message }]);
}

/**
 * Normalises a destination phone number to E.164 digits without '+' (e.g. "+65 9123-4567" ->
 * "6591234567"). Accepts a leading '+', digits, spaces, dashes, dots and parentheses; the result
 * must be 8 to 15 digits and must not start with 0 (no trunk or international prefix).
 * Throws SmppValidationError (field 'to') otherwise.
 */
export function normalizeDestination(input: string): string {
  if (typeof input !== 'string') {
    fail(
      'to',
      `the destination must be a string, got ${typeof input}: give it like ${DEST_EXAMPLE}`,
    );
  }
  const trimmed = input.trim();
  if (trimmed.length === 0) {
    fail('to', `the destination is empty: give an international number like ${DEST_EXAMPLE}`);
  }
  if (!PHONE_SHAPE.test(trimmed)) {
    fail(
      'to',
      `the destination ${JSON.stringify(input)} has characters a phone number cannot have (only a leading '+', digits, spaces, dashes, dots and parentheses are allowed): give it like ${DEST_EXAMPLE}`,
    );
  }
  const digits = trimmed.replace(NON_DIGITS, '');
  if (digits.length < E164_MIN || digits.length > E164_MAX) {
    fail(
      'to',
      `the destination ${JSON.stringify(input)} has ${digits.length} digits; an international number has ${E164_MIN} to ${E164_MAX} (country code included): give it like ${DEST_EXAMPLE}`,
    );
  }
  if (digits.charCodeAt(0) === 0x30) {
    fail(
      'to',
      `the destination ${JSON.stringify(input)} starts with 0, which is a national or international dialling prefix: give the number in international format with its country code, like ${DEST_EXAMPLE}`,
    );
  }
  return digits;
}

/** The SMPP destination address of a phone number (normalised first): TON 1, NPI 1, no '+'. */
export function destinationAddress(digits: string): SmppAddress {
  return { addr: normalizeDestination(digits), ton: Ton.INTERNATIONAL, npi: Npi.ISDN };
}

/**
 * Classifies a sender (source address):
 * - digits given with '+': an international number, 8 to 16 digits, not starting with 0 -> TON 1 / NPI 1, without '+'
 * - 3 to 8 digits: a short code -> TON 3 / NPI 0
 * - 9 to 16 digits: an international number (not starting with 0) -> TON 1 / NPI 1
 * - otherwise an alphanumeric sender of 1 to 11 characters (ASCII letters, digits, space and
 *   common GSM punctuation) -> TON 5 / NPI 0
 * Leading and trailing whitespace is ignored. Throws SmppValidationError (field 'from') otherwise.
 */
export function parseSender(input: string): SmppAddress {
  if (typeof input !== 'string') {
    fail('from', `the sender must be a string, got ${typeof input}`);
  }
  const value = input.trim();
  if (value.length === 0) {
    fail(
      'from',
      'the sender is empty: give an alphanumeric sender of up to 11 characters (e.g. "ACME"), a short code, or an international number like "+6591234567"',
    );
  }
  if (DIGITS_ONLY.test(value)) return numericSender(input, value);

  if (value.length > ALPHANUMERIC_MAX) {
    fail(
      'from',
      `the alphanumeric sender ${JSON.stringify(input)} is ${value.length} characters; the limit is ${ALPHANUMERIC_MAX}: shorten it`,
    );
  }
  if (!ALPHANUMERIC_SENDER.test(value)) {
    fail(
      'from',
      `the alphanumeric sender ${JSON.stringify(input)} has characters networks do not carry in a sender: use only letters A-Z, digits, space and simple punctuation such as - _ . & ' !`,
    );
  }
  return { addr: value, ton: Ton.ALPHANUMERIC, npi: Npi.UNKNOWN };
}

function numericSender(input: string, value: string): SmppAddress {
  const plus = value.charCodeAt(0) === 0x2b;
  const digits = plus ? value.slice(1) : value;
  if (digits.length > NUMERIC_SENDER_MAX) {
    fail(
      'from',
      `the numeric sender ${JSON.stringify(input)} has ${digits.length} digits; the limit is ${NUMERIC_SENDER_MAX}: give an international number like "+6591234567" or a short code`,
    );
  }
  if (!plus && digits.length >= SHORT_CODE_MIN && digits.length <= SHORT_CODE_MAX) {
    return { addr: digits, ton: Ton.NETWORK_SPECIFIC, npi: Npi.UNKNOWN };
  }
  if (digits.length < (plus ? E164_MIN : SHORT_CODE_MIN)) {
    fail(
      'from',
      plus
        ? `the sender ${JSON.stringify(input)} is too short for an international number (${E164_MIN} to ${NUMERIC_SENDER_MAX} digits): give it like "+6591234567", or a short code without '+'`
        : `the sender ${JSON.stringify(input)} is too short: a short code has ${SHORT_CODE_MIN} to ${SHORT_CODE_MAX} digits`,
    );
  }
  if (digits.charCodeAt(0) === 0x30) {
    fail(
      'from',
      `the sender ${JSON.stringify(input)} starts with 0, a national or international dialling prefix: give the number in international format with its country code, like "+6591234567"`,
    );
  }
  return { addr: digits, ton: Ton.INTERNATIONAL, npi: Npi.ISDN };
}
