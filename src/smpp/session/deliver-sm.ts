import { MalformedPduError, PDU_HEADER_LENGTH, PduReader, readTlvs } from './raw-pdu.js';
import type { InboundDeliverSm } from './session.types.js';

/** TLV tags read into named fields. */
export const Tlv = {
  sar_msg_ref_num: 0x020c,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  receipted_message_id: 0x001e,
  network_error_code: 0x0423,
  message_payload: 0x0424,
  message_state: 0x0427,
} as const;

const DELIVER_SM = 0x00000005;
const UDH_INDICATOR = 0x40;

export type DeliverSmParse =
  { ok: true; deliver: InboundDeliverSm } | { ok: false; error: MalformedPduError };

/**
 * Decodes a deliver_sm from its exact bytes (header included). Never throws: a truncated field,
 * short_message or TLV gives `{ ok: false }`.
 */
export function parseDeliverSm(raw: Buffer): DeliverSmParse {
  try {
    return { ok: true, deliver: decode(raw) };
  } catch (error) {
    const e =
      error instanceof MalformedPduError
        ? error
        : new MalformedPduError(String(error), { cause: error });
    return { ok: false, error: e };
  }
}

function decode(raw: Buffer): InboundDeliverSm {
  if (raw.length < PDU_HEADER_LENGTH)
    throw new MalformedPduError(`deliver_sm of ${raw.length} bytes has no full header`);
  const head = new PduReader(raw, 0);
  const commandLength = head.u32('command_length');
  const commandId = head.u32('command_id');
  head.u32('command_status');
  const sequenceNumber = head.u32('sequence_number');
  if (commandId !== DELIVER_SM)
    throw new MalformedPduError(`not a deliver_sm (command_id 0x${commandId.toString(16)})`);

  const r = new PduReader(raw, PDU_HEADER_LENGTH, commandLength);
  r.cstring('service_type');
  const sourceAddrTon = r.u8('source_addr_ton');
  const sourceAddrNpi = r.u8('source_addr_npi');
  const sourceAddr = r.cstring('source_addr');
  const destAddrTon = r.u8('dest_addr_ton');
  const destAddrNpi = r.u8('dest_addr_npi');
  const destinationAddr = r.cstring('destination_addr');
  const esmClass = r.u8('esm_class');
  r.u8('protocol_id');
  r.u8('priority_flag');
  r.cstring('schedule_delivery_time');
  r.cstring('validity_period');
  r.u8('registered_delivery');
  r.u8('replace_if_present_flag');
  const dataCoding = r.u8('data_coding');
  r.u8('sm_default_msg_id');
  const smLength = r.u8('sm_length');
  const sm = r.bytes(smLength, 'short_message');
  const tlvList = readTlvs(r);

  const { udh, body } = splitUdh(sm, esmClass);
  const tlvs = new Map<number, Buffer>();
  for (const t of tlvList) tlvs.set(t.tag, t.value);

  const deliver: InboundDeliverSm = {
    sequenceNumber,
    sourceAddr,
    sourceAddrTon,
    sourceAddrNpi,
    destinationAddr,
    destAddrTon,
    destAddrNpi,
    esmClass,
    dataCoding,
    shortMessage: body,
    tlvs,
    raw,
  };
  if (udh) deliver.udh = udh;

  const payload = tlvs.get(Tlv.message_payload);
  if (payload) deliver.messagePayload = payload;

  const receipted = tlvs.get(Tlv.receipted_message_id);
  if (receipted) {
    const id = cleanId(receipted);
    if (id) deliver.receiptedMessageId = id;
  }

  const state = tlvs.get(Tlv.message_state);
  if (state && state.length >= 1) deliver.messageState = state[0];

  const nec = tlvs.get(Tlv.network_error_code);
  if (nec && nec.length >= 3)
    deliver.networkErrorCode = { type: nec[0] as number, code: nec.readUInt16BE(1) };

  const ref = tlvs.get(Tlv.sar_msg_ref_num);
  const total = tlvs.get(Tlv.sar_total_segments);
  const seq = tlvs.get(Tlv.sar_segment_seqnum);
  if (ref && ref.length >= 1 && total && total.length >= 1 && seq && seq.length >= 1) {
    deliver.sar = {
      refNum: ref.length >= 2 ? ref.readUInt16BE(0) : (ref[0] as number),
      totalSegments: total[0] as number,
      segmentSeqnum: seq[0] as number,
    };
  }
  return deliver;
}

/**
 * With esm_class 0x40 the short_message starts with a UDH: its UDHL byte plus that many bytes.
 * A UDHL that overruns the message leaves the bytes whole (framing is intact; the handler decides).
 */
function splitUdh(sm: Buffer, esmClass: number): { udh?: Buffer; body: Buffer } {
  if ((esmClass & UDH_INDICATOR) === 0 || sm.length === 0) return { body: sm };
  const udhLength = 1 + (sm[0] as number);
  if (udhLength > sm.length) return { body: sm };
  return { udh: sm.subarray(0, udhLength), body: sm.subarray(udhLength) };
}

/** A message id TLV value cut at the first NUL or control character, trimmed; undefined when empty. */
export function cleanId(value: Buffer): string | undefined {
  let end = 0;
  while (end < value.length) {
    const b = value[end] as number;
    if (b < 0x20 || b === 0x7f) break;
    end++;
  }
  const id = value.toString('latin1', 0, end).trim();
  return id.length > 0 ? id : undefined;
}
