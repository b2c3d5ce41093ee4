import type { InboundDeliverSm } from '../session/session.types.js';
import { decodeText } from './encoding/data-coding.js';

/** Where a part of a concatenated inbound message belongs. */
export interface ConcatInfo {
  /** The reference shared by every part of one message (with the sender, it identifies the message). */
  ref: number;
  total: number;
  /** 1-based. */
  seq: number;
  /** 8 for UDH IE 0x00, 16 for UDH IE 0x08 and for the SAR TLVs. */
  refBits: 8 | 16;
}

/**
 * Reads the concatenation information element from a UDH (WITH its UDHL byte): IE 0x00 (8-bit
 * reference, 3 octets) or 0x08 (16-bit reference, 4 octets). Returns null when there is none, or
 * when it is malformed (seq 0, seq above total, a length that runs past the UDH). Never throws.
 */
export function parseConcatUdh(udh: Uint8Array): ConcatInfo | null {
  if (udh.length < 1) return null;
  const end = Math.min(udh.length, 1 + udh[0]!);
  let i = 1;
  while (i + 1 < end) {
    const iei = udh[i]!;
    const len = udh[i + 1]!;
    const data = i + 2;
    if (data + len > end) return null;
    if (iei === 0x00 && len === 3) {
      return checked({ ref: udh[data]!, total: udh[data + 1]!, seq: udh[data + 2]!, refBits: 8 });
    }
    if (iei === 0x08 && len === 4) {
      return checked({
        ref: (udh[data]! << 8) | udh[data + 1]!,
        total: udh[data + 2]!,
        seq: udh[data + 3]!,
        refBits: 16,
      });
    }
    i = data + len;
  }
  return null;
}

function checked(info: ConcatInfo): ConcatInfo | null {
  return info.total >= 1 && info.seq >= 1 && info.seq <= info.total ? info : null;
}

/**
 * The concatenation of an inbound deliver_sm: from its UDH (IE 0x00 or 0x08) or, failing that,
 * from the SAR TLVs (sar_msg_ref_num, sar_total_segments, sar_segment_seqnum). Null for a message
 * that stands alone. Never throws.
 */
export function concatInfo(deliver: Pick<InboundDeliverSm, 'udh' | 'sar'>): ConcatInfo | null {
  if (deliver.udh) {
    const fromUdh = parseConcatUdh(deliver.udh);
    if (fromUdh) return fromUdh;
  }
  const sar = deliver.sar;
  if (sar) {
    return checked({
      ref: sar.refNum & 0xffff,
      total: sar.totalSegments,
      seq: sar.segmentSeqnum,
      refBits: 16,
    });
  }
  return null;
}

/**
 * The text of an inbound deliver_sm: short_message, or message_payload when short_message is
 * empty, decoded by data_coding (see decodeText: 8-bit data comes back as Latin-1, one character
 * per byte). The UDH is not part of it. Never throws.
 */
export function inboundText(
  deliver: Pick<InboundDeliverSm, 'shortMessage' | 'messagePayload' | 'dataCoding'>,
): string {
  return decodeText(bodyBytes(deliver), deliver.dataCoding);
}

/** The message bytes of a deliver_sm: short_message, or message_payload when short_message is empty. */
export function bodyBytes(
  deliver: Pick<InboundDeliverSm, 'shortMessage' | 'messagePayload'>,
): Buffer {
  return deliver.shortMessage.length === 0 && deliver.messagePayload
    ? deliver.messagePayload
    : deliver.shortMessage;
}
