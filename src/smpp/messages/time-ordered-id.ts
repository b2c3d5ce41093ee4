import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const bytes = new Uint8Array(16);

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Every row id
 * the module makes (messages, parts, receipts, events, inbound messages) is one. Rows written
 * together then sit together in their primary-key index (and in every index keyed by such an
 * id): an insert touches the index's newest pages, which stay cached, instead of one random page
 * of an index as big as the whole history (a page read, and after each checkpoint a full-page
 * image in the WAL, per insert: 5 times the WAL per send() on a million-message history). The
 * purge finds the old rows' index entries together too. The id still tells nothing but the time
 * it was made: 74 random bits are as hard to guess as a random UUID's 122 for anyone who cannot
 * try billions.
 */
export function timeOrderedId(now: number = Date.now()): string {
  randomFillSync(bytes, 6, 10);
  let t = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const h = (from: number, to: number) => {
    let s = '';
    for (let i = from; i < to; i++) s += HEX[bytes[i]];
    return s;
  };
  return `${h(0, 4)}-${h(4, 6)}-${h(6, 8)}-${h(8, 10)}-${h(10, 16)}`;
}
