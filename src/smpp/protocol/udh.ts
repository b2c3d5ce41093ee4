/**
 * The User Data Header of a short_message, as both the library and the simulator read and write
 * it: esm_class 0x40 says the short_message starts with one (its UDHL byte, then that many bytes).
 * The concatenation IE is read by parseConcatUdh (messages/inbound-decoding.ts).
 */

/** esm_class bit: the short_message starts with a UDH. */
export const ESM_CLASS_UDHI = 0x40;

/**
 * Splits a short_message into its UDH (WITH the UDHL byte) and body when esm_class has UDHI.
 * A UDHL that overruns the message leaves the bytes whole (the caller decides what that means).
 */
export function splitUdh(esmClass: number, sm: Buffer): { udh?: Buffer; body: Buffer } {
  if ((esmClass & ESM_CLASS_UDHI) === 0 || sm.length === 0) return { body: sm };
  const udhLength = 1 + sm[0]!;
  if (udhLength > sm.length) return { body: sm };
  return { udh: sm.subarray(0, udhLength), body: sm.subarray(udhLength) };
}

/** A UDH (with UDHL) holding only a concatenation IE: `05 00 03 REF TOTAL SEQ` or `06 08 04 REFHI REFLO TOTAL SEQ`. */
export function buildConcatUdh(
  scheme: 'udh8' | 'udh16',
  ref: number,
  total: number,
  seq: number,
): Buffer {
  return scheme === 'udh16'
    ? Buffer.from([0x06, 0x08, 0x04, (ref >> 8) & 0xff, ref & 0xff, total, seq])
    : Buffer.from([0x05, 0x00, 0x03, ref & 0xff, total, seq]);
}
