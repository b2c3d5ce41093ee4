import { parseConcatUdh } from '../smpp/messages/inbound-decoding.js';
import type { ConcatInfo } from './simulator.types.js';

// One UDH reader and writer for the library and the simulator.
export { buildConcatUdh, ESM_CLASS_UDHI, splitUdh } from '../smpp/protocol/udh.js';

export const TLV_SAR_MSG_REF_NUM = 0x020c;
export const TLV_SAR_TOTAL_SEGMENTS = 0x020e;
export const TLV_SAR_SEGMENT_SEQNUM = 0x020f;

/** The concatenation IE (0x00 8-bit ref, 0x08 16-bit ref) of a UDH with its UDHL byte. */
export function concatFromUdh(udh: Buffer): ConcatInfo | undefined {
  const info = parseConcatUdh(udh);
  if (!info) return undefined;
  return {
    scheme: info.refBits === 8 ? 'udh8' : 'udh16',
    ref: info.ref,
    total: info.total,
    seq: info.seq,
  };
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
