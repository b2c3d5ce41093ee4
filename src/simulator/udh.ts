import type { ConcatInfo } from './simulator.types.js';

export const ESM_CLASS_UDHI = 0x40;

export const TLV_SAR_MSG_REF_NUM = 0x020c;
export const TLV_SAR_TOTAL_SEGMENTS = 0x020e;
export const TLV_SAR_SEGMENT_SEQNUM = 0x020f;

/** Splits a short_message into its UDH (with the UDHL byte) and body, when esm_class has UDHI. */
export function splitUdh(esmClass: number, shortMessage: Buffer): { udh?: Buffer; body: Buffer } {
  if (!(esmClass & ESM_CLASS_UDHI) || shortMessage.length === 0) return { body: shortMessage };
  const end = Math.min(shortMessage.length, shortMessage[0] + 1);
  return { udh: shortMessage.subarray(0, end), body: shortMessage.subarray(end) };
}

/** The concatenation IE (0x00 8-bit ref, 0x08 16-bit ref) of a UDH with its UDHL byte. */
export function concatFromUdh(udh: Buffer): ConcatInfo | undefined {
  let i = 1;
  while (i + 1 < udh.length) {
    const iei = udh[i];
    const len = udh[i + 1];
    const data = udh.subarray(i + 2, i + 2 + len);
    if (data.length < len) return undefined;
    if (iei === 0x00 && len === 3) {
      return { scheme: 'udh8', ref: data[0], total: data[1], seq: data[2] };
    }
    if (iei === 0x08 && len === 4) {
      return { scheme: 'udh16', ref: data.readUInt16BE(0), total: data[2], seq: data[3] };
    }
    i += 2 + len;
  }
  return undefined;
}

export function concatFromSar(tlvs: ReadonlyMap<number, Buffer>): ConcatInfo | undefined {
  const ref = tlvs.get(TLV_SAR_MSG_REF_NUM);
  const total = tlvs.get(TLV_SAR_TOTAL_SEGMENTS);
  const seq = tlvs.get(TLV_SAR_SEGMENT_SEQNUM);
  if (!ref || ref.length !== 2 || !total || total.length !== 1 || !seq || seq.length !== 1) {
    return undefined;
  }
  return { scheme: 'sar', ref: ref.readUInt16BE(0), total: total[0], seq: seq[0] };
}

/** A UDH (with UDHL) holding only a concatenation IE. */
export function buildConcatUdh(scheme: 'udh8' | 'udh16', ref: number, total: number, seq: number) {
  return scheme === 'udh8'
    ? Buffer.from([0x05, 0x00, 0x03, ref & 0xff, total, seq])
    : Buffer.from([0x06, 0x08, 0x04, (ref >> 8) & 0xff, ref & 0xff, total, seq]);
}
