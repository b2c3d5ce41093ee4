import { randomInt } from 'node:crypto';
import { encodeGsm7, gsm7CharLength, isGsm7 } from './gsm7.js';
import type { MoRequest } from './simulator.types.js';
import { encodeUcs2 } from '../smpp/messages/encoding/ucs2.js';
import { buildConcatUdh, ESM_CLASS_UDHI } from './udh.js';

/** One deliver_sm of an MO, without addresses. */
export interface MoPart {
  esmClass: number;
  dataCoding: number;
  shortMessage: Buffer;
  /** sar_* TLVs by the library's names, for the 'sar' scheme. */
  tlvs: Record<string, number>;
}

const SINGLE = { gsm7: 160, ucs2: 70 } as const;
// Per part with a concatenation UDH: 6 octets (8-bit ref) / 7 octets (16-bit ref).
const PER_PART = {
  udh8: { gsm7: 153, ucs2: 67 },
  udh16: { gsm7: 152, ucs2: 66 },
  sar: { gsm7: 153, ucs2: 67 },
} as const;

/** Splits into chunks of at most `limit` septets, never splitting an escape pair. */
function splitGsm7(text: string, limit: number): string[] {
  const chunks: string[] = [];
  let current = '';
  let used = 0;
  for (const ch of text) {
    const cost = gsm7CharLength(ch);
    if (used + cost > limit) {
      chunks.push(current);
      current = '';
      used = 0;
    }
    current += ch;
    used += cost;
  }
  chunks.push(current);
  return chunks;
}

/** Splits into chunks of at most `limit` UTF-16 units, never splitting a surrogate pair. */
function splitUcs2(text: string, limit: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const ch of text) {
    if (current.length + ch.length > limit) {
      chunks.push(current);
      current = '';
    }
    current += ch;
  }
  chunks.push(current);
  return chunks;
}

/** The deliver_sm parts of an MO: encoding, splitting, UDH or sar TLVs. */
export function buildMoParts(req: MoRequest): MoPart[] {
  const encoding = req.encoding ?? (isGsm7(req.text) ? 'gsm7' : 'ucs2');
  const dataCoding = encoding === 'gsm7' ? 0 : 8;
  const encode = encoding === 'gsm7' ? encodeGsm7 : encodeUcs2;
  const split = encoding === 'gsm7' ? splitGsm7 : splitUcs2;

  const single = split(req.text, SINGLE[encoding]);
  if (single.length === 1 && req.parts === undefined) {
    return [{ esmClass: 0, dataCoding, shortMessage: encode(req.text), tlvs: {} }];
  }
  const scheme = req.parts ?? 'udh8';
  const chunks = split(req.text, PER_PART[scheme][encoding]);
  if (chunks.length > 255) throw new RangeError(`MO text needs ${chunks.length} parts (max 255)`);
  const ref = scheme === 'udh8' ? randomInt(0, 0x100) : randomInt(0, 0x10000);
  const total = chunks.length;
  return chunks.map((chunk, i): MoPart => {
    const body = encode(chunk);
    if (scheme === 'sar') {
      return {
        esmClass: 0,
        dataCoding,
        shortMessage: body,
        tlvs: { sar_msg_ref_num: ref, sar_total_segments: total, sar_segment_seqnum: i + 1 },
      };
    }
    return {
      esmClass: ESM_CLASS_UDHI,
      dataCoding,
      shortMessage: Buffer.concat([buildConcatUdh(scheme, ref, total, i + 1), body]),
      tlvs: {},
    };
  });
}
