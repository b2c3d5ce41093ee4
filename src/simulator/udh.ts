import { parseConcatUdh } from '../smpp/messages/inbound-decoding.js';
import { Tlv } from '../smpp/session/deliver-sm.js';
import type { ConcatInfo } from './simulator.types.js';

// One UDH reader and writer for the library and the simulator.
export { buildConcatUdh, ESM_CLASS_UDHI, splitUdh } from '../smpp/protocol/udh.js';

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
  const ref = tlvs.get(Tlv.sar_msg_ref_num);
  const total = tlvs.get(Tlv.sar_total_segments);
  const seq = tlvs.get(Tlv.sar_segment_seqnum);
  if (!ref || ref.length !== 2 || !total || total.length !== 1 || !seq || seq.length !== 1) {
    return undefined;
  }
  return { scheme: 'sar', ref: ref.readUInt16BE(0), total: total[0], seq: seq[0] };
}
