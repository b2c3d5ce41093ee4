/**
 * GSM 03.38 for the simulator: the library's table (src/smpp/messages/encoding/gsm7.ts), unpacked
 * septets as SMSCs exchange them over SMPP with data_coding 0. Unlike the library, which refuses
 * what GSM cannot carry, the simulator writes '?' for it (as an SMSC would in a receipt text).
 */
import {
  canEncodeGsm7,
  decodeGsm7,
  encodeGsm7 as encodeStrict,
  isGsm7Extension,
} from '../smpp/messages/encoding/gsm7.js';

export { decodeGsm7 };

/** True when every character of the text is in the default alphabet or the extension table. */
export const isGsm7 = canEncodeGsm7;

/** Septets one character takes: 2 for the extension table, else 1 (a '?' replacement too). */
export function gsm7CharLength(ch: string): number {
  return isGsm7Extension(ch) ? 2 : 1;
}

/** Unpacked septets; characters outside GSM 03.38 become '?'. */
export function encodeGsm7(text: string): Buffer {
  const strict = encodeStrict(text);
  if (strict) return strict;
  let replaced = '';
  for (const ch of text) replaced += canEncodeGsm7(ch) ? ch : '?';
  return encodeStrict(replaced) ?? Buffer.alloc(0);
}
