import { CommandStatus } from '../smpp/protocol/command-status.js';

/**
 * submit_sm read straight from the PDU bytes. smpp@0.5.1 decodes short_message into text plus
 * UDH elements, which cannot give the exact bytes back; the simulator records what was sent.
 */
export interface RawSubmitSm {
  serviceType: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
  esmClass: number;
  protocolId: number;
  priorityFlag: number;
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  replaceIfPresentFlag: number;
  dataCoding: number;
  smDefaultMsgId: number;
  shortMessage: Buffer;
  /** Optional parameters by tag (the last one wins when a tag repeats). */
  tlvs: Map<number, Buffer>;
}

export type ReadResult = { ok: true; pdu: RawSubmitSm } | { ok: false; status: number };

class Malformed extends Error {
  constructor(readonly status: number) {
    super(`malformed submit_sm (status ${status})`);
  }
}

class Reader {
  constructor(
    private readonly buf: Buffer,
    public offset: number,
  ) {}

  u8(): number {
    if (this.offset >= this.buf.length) throw new Malformed(CommandStatus.ESME_RINVCMDLEN);
    return this.buf[this.offset++];
  }

  cstring(max: number): string {
    const end = this.buf.indexOf(0, this.offset);
    if (end < 0 || end - this.offset > max) throw new Malformed(CommandStatus.ESME_RINVCMDLEN);
    const value = this.buf.toString('latin1', this.offset, end);
    this.offset = end + 1;
    return value;
  }

  bytes(n: number, status: number): Buffer {
    if (this.offset + n > this.buf.length) throw new Malformed(status);
    const value = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return value;
  }
}

const HEADER_LENGTH = 16;

/** Reads a whole submit_sm PDU (header included). */
export function readSubmitSm(raw: Buffer): ReadResult {
  try {
    const r = new Reader(raw, HEADER_LENGTH);
    const pdu: RawSubmitSm = {
      serviceType: r.cstring(5),
      sourceAddrTon: r.u8(),
      sourceAddrNpi: r.u8(),
      sourceAddr: r.cstring(20),
      destAddrTon: r.u8(),
      destAddrNpi: r.u8(),
      destinationAddr: r.cstring(20),
      esmClass: r.u8(),
      protocolId: r.u8(),
      priorityFlag: r.u8(),
      scheduleDeliveryTime: r.cstring(16),
      validityPeriod: r.cstring(16),
      registeredDelivery: r.u8(),
      replaceIfPresentFlag: r.u8(),
      dataCoding: r.u8(),
      smDefaultMsgId: r.u8(),
      shortMessage: Buffer.alloc(0),
      tlvs: new Map(),
    };
    const smLength = r.u8();
    pdu.shortMessage = Buffer.from(r.bytes(smLength, CommandStatus.ESME_RINVMSGLEN));
    while (r.offset < raw.length) {
      const head = r.bytes(4, CommandStatus.ESME_RINVTLVSTREAM);
      const tag = head.readUInt16BE(0);
      const length = head.readUInt16BE(2);
      pdu.tlvs.set(tag, Buffer.from(r.bytes(length, CommandStatus.ESME_RINVTLVSTREAM)));
    }
    return { ok: true, pdu };
  } catch (e) {
    if (e instanceof Malformed) return { ok: false, status: e.status };
    throw e;
  }
}
