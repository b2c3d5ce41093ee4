// Test helper: raw SMPP PDU bytes, built by hand so tests control every byte (no library encoder).
import { PduReader, readTlvs } from '../../src/smpp/session/raw-pdu.js';

export interface RawTlvSpec {
  tag: number;
  value: Buffer;
  /** Length written in the TLV header (default value.length); larger than the value = truncated TLV. */
  length?: number;
}

export interface DeliverSmSpec {
  sequenceNumber?: number;
  serviceType?: string;
  sourceAddrTon?: number;
  sourceAddrNpi?: number;
  sourceAddr?: string;
  destAddrTon?: number;
  destAddrNpi?: number;
  destinationAddr?: string;
  esmClass?: number;
  dataCoding?: number;
  shortMessage?: Buffer;
  tlvs?: RawTlvSpec[];
}

const cstr = (s: string) => Buffer.concat([Buffer.from(s, 'latin1'), Buffer.from([0])]);

export function tlv(tag: number, value: Buffer, length = value.length): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(tag, 0);
  head.writeUInt16BE(length, 2);
  return Buffer.concat([head, value]);
}

/** A whole PDU: 16-byte header (command_length computed unless given) + body. */
export function pduBytes(
  commandId: number,
  sequenceNumber: number,
  body: Buffer,
  commandStatus = 0,
  commandLength?: number,
): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(commandLength ?? 16 + body.length, 0);
  head.writeUInt32BE(commandId >>> 0, 4);
  head.writeUInt32BE(commandStatus >>> 0, 8);
  head.writeUInt32BE(sequenceNumber, 12);
  return Buffer.concat([head, body]);
}

export function deliverSmBytes(spec: DeliverSmSpec = {}): Buffer {
  const sm = spec.shortMessage ?? Buffer.alloc(0);
  const body = Buffer.concat([
    cstr(spec.serviceType ?? ''),
    Buffer.from([spec.sourceAddrTon ?? 1, spec.sourceAddrNpi ?? 1]),
    cstr(spec.sourceAddr ?? '6591234567'),
    Buffer.from([spec.destAddrTon ?? 1, spec.destAddrNpi ?? 1]),
    cstr(spec.destinationAddr ?? '6598765432'),
    Buffer.from([spec.esmClass ?? 0, 0, 0]), // esm_class, protocol_id, priority_flag
    cstr(''), // schedule_delivery_time
    cstr(''), // validity_period
    Buffer.from([0, 0, spec.dataCoding ?? 0, 0, sm.length]), // registered_delivery, replace, data_coding, sm_default_msg_id, sm_length
    sm,
    ...(spec.tlvs ?? []).map((t) => tlv(t.tag, t.value, t.length)),
  ]);
  return pduBytes(0x00000005, spec.sequenceNumber ?? 1, body);
}

/** submit_sm as the server saw it on the wire (same mandatory layout as deliver_sm). */
export interface WireSubmitSm {
  sourceAddr: string;
  destinationAddr: string;
  esmClass: number;
  registeredDelivery: number;
  validityPeriod: string;
  dataCoding: number;
  shortMessage: Buffer;
  tlvs: Map<number, Buffer>;
}

export function parseSubmitSmBytes(raw: Buffer): WireSubmitSm {
  const r = new PduReader(raw, 16, raw.readUInt32BE(0));
  r.cstring('service_type');
  r.u8('source_addr_ton');
  r.u8('source_addr_npi');
  const sourceAddr = r.cstring('source_addr');
  r.u8('dest_addr_ton');
  r.u8('dest_addr_npi');
  const destinationAddr = r.cstring('destination_addr');
  const esmClass = r.u8('esm_class');
  r.u8('protocol_id');
  r.u8('priority_flag');
  r.cstring('schedule_delivery_time');
  const validityPeriod = r.cstring('validity_period');
  const registeredDelivery = r.u8('registered_delivery');
  r.u8('replace_if_present_flag');
  const dataCoding = r.u8('data_coding');
  r.u8('sm_default_msg_id');
  const shortMessage = r.bytes(r.u8('sm_length'), 'short_message');
  const tlvs = new Map(readTlvs(r).map((t) => [t.tag, t.value]));
  return {
    sourceAddr,
    destinationAddr,
    esmClass,
    registeredDelivery,
    validityPeriod,
    dataCoding,
    shortMessage,
    tlvs,
  };
}
