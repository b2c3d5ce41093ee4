/**
 * Other spellings of an SMSC message id, to try when a receipt's id does not match any stored id
 * exactly. Some SMSCs return the id in submit_sm_resp as hex and in the receipt as decimal (or
 * the other way round), change its case, or pad it with zeros.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL = /^[0-9]+$/;
const HEX = /^[0-9a-f]+$/i;
const LEADING_ZEROS = /^0+(?=.)/;
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL = /[\0-\x1f\x7f]/g;
/** Numeric conversions are only tried up to this length (SMPP message ids are at most 64 characters). */
const MAX_NUMERIC_LENGTH = 64;

/**
 * The forms of `id` to try, the exact id first, deduplicated:
 * - trimmed of spaces and control characters, lower case, upper case
 * - for an id of hex digits (decimal ones included): without leading zeros
 * - when the id is all hex digits: its decimal value; when all decimal digits: its hex value in
 *   lower and upper case (BigInt, so long ids are exact). An all-digit id is both, so both
 *   conversions are listed.
 * A UUID is only case-folded. Never throws; an empty id gives [id].
 */
export function smscIdCandidates(id: string): string[] {
  const out = new Set<string>([id]);
  const clean = id.replace(CONTROL, '').trim();
  if (clean.length === 0) return [...out];
  out.add(clean);
  out.add(clean.toLowerCase());
  out.add(clean.toUpperCase());
  if (clean.length > MAX_NUMERIC_LENGTH || UUID.test(clean) || !HEX.test(clean)) {
    return [...out];
  }
  const stripped = clean.replace(LEADING_ZEROS, '');
  out.add(stripped);
  out.add(stripped.toLowerCase());
  out.add(stripped.toUpperCase());
  if (DECIMAL.test(clean)) {
    const hex = BigInt(clean).toString(16);
    out.add(hex);
    out.add(hex.toUpperCase());
  }
  out.add(BigInt('0x' + clean).toString(10));
  return [...out];
}
