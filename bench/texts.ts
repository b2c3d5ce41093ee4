import { encodeGsm7 as encode } from '../src/smpp/messages/encoding/gsm7.js';

/** A unique, single-part GSM text per message (the marker makes every submit distinguishable). */
export function benchText(run: string, i: number): string {
  return `Your code is ${String(i % 1_000_000).padStart(6, '0')} [${run}-${i}]`;
}

/** GSM 03.38, one septet per octet (unpacked), as the library sends it. */
export function encodeGsm7(text: string): Buffer {
  const bytes = encode(text);
  if (!bytes) throw new Error(`not GSM 03.38: ${text}`);
  return bytes;
}
