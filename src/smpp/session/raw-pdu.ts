import type { Readable } from 'node:stream';
import smpp from 'smpp';
import type { PDU } from 'smpp';

/** Size of the PDU header (command_length, command_id, command_status, sequence_number). */
export const PDU_HEADER_LENGTH = 16;

/** Bytes from the peer that do not form a valid PDU (framing, truncated field or TLV). */
export class MalformedPduError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedPduError';
  }
}

interface CaptureStore {
  raw: WeakMap<object, Buffer>;
  strict: WeakSet<object>;
  /** PDUs framed correctly whose body the library could not parse (strict sockets only). */
  unparsed: WeakMap<object, MalformedPduError>;
}

// Kept on the library's PDU function itself (non-enumerable), so that even two copies of this
// module share one store and one wrap.
const STORE = Symbol.for('nestjs-smpp.raw-pdu-capture');
type PduStatics = typeof smpp.PDU & { [STORE]?: CaptureStore };

/**
 * Wraps `PDU.commandLength` and `PDU.fromStream` of smpp@0.5.1 once per process (idempotent):
 * - every PDU parsed from a stream has its exact bytes remembered (see rawPduOf), in a WeakMap:
 *   nothing is added to the PDU object, whose enumerable properties the library re-encodes;
 * - parse failures become MalformedPduError;
 * - on sockets marked with enableStrictFraming, a command_length below 16 is an error instead of
 *   being swallowed (0..3) or wedging the parser (4..15), and a PDU whose frame is sound (16 bytes
 *   up to the library's maximum, all of them read) but whose body cannot be parsed is handed on
 *   as a header-only PDU (see parseErrorOf) instead of wedging the parser: it can be answered in
 *   place and the stream goes on.
 */
export function installRawPduCapture(): CaptureStore {
  const P = smpp.PDU as PduStatics;
  const existing = P[STORE];
  if (existing) return existing;
  const store: CaptureStore = {
    raw: new WeakMap(),
    strict: new WeakSet(),
    unparsed: new WeakMap(),
  };

  const originalCommandLength = P.commandLength.bind(P);
  P.commandLength = function commandLength(stream: Readable): number | false {
    let length: number | false;
    try {
      length = originalCommandLength(stream);
    } catch (error) {
      throw new MalformedPduError(`bad command_length: ${errorMessage(error)}`, { cause: error });
    }
    if (length !== false && length < PDU_HEADER_LENGTH && store.strict.has(stream)) {
      throw new MalformedPduError(
        `command_length ${length} is shorter than the ${PDU_HEADER_LENGTH}-byte PDU header`,
      );
    }
    return length;
  };

  // Same behaviour as the original (read the body, prepend the length, parse), keeping the bytes.
  P.fromStream = function fromStream(stream: Readable, commandLength: number): PDU | false {
    const body = stream.read(commandLength - 4) as Buffer | null;
    if (!body) return false;
    const head = Buffer.alloc(4);
    head.writeUInt32BE(commandLength, 0);
    const raw = Buffer.concat([head, body]);
    let pdu: PDU;
    try {
      pdu = new smpp.PDU(raw);
    } catch (error) {
      const malformed = new MalformedPduError(`${describeHeader(raw)}: ${errorMessage(error)}`, {
        cause: error,
      });
      // The frame is whole (its length was checked and every byte read): the next PDU starts
      // right after it, so on our sockets the stream goes on and this one is answered in place.
      if (!store.strict.has(stream) || raw.length < PDU_HEADER_LENGTH) throw malformed;
      pdu = headerOnlyPdu(raw);
      store.unparsed.set(pdu, malformed);
    }
    store.raw.set(pdu, raw);
    return pdu;
  };

  Object.defineProperty(P, STORE, { value: store, enumerable: false });
  return store;
}

/**
 * A PDU carrying only the header fields of `raw` (command, command_id, command_status,
 * sequence_number), for a frame whose body could not be parsed. `command` is the library's name
 * for the id, or 'unknown' (whose response() is a generic_nack).
 */
function headerOnlyPdu(raw: Buffer): PDU {
  const pdu = Object.create(smpp.PDU.prototype as object) as PDU & Record<string, unknown>;
  const commandId = raw.readUInt32BE(4);
  pdu.command_length = raw.readUInt32BE(0);
  pdu.command_id = commandId;
  pdu.command_status = raw.readUInt32BE(8);
  pdu.sequence_number = raw.readUInt32BE(12);
  pdu.command = commandNameOf(commandId) ?? 'unknown';
  return pdu;
}

/** The library's name of a command id (e.g. 'deliver_sm'), or undefined when it has none. */
export function commandNameOf(commandId: number): string | undefined {
  const defs = (smpp as unknown as { commandsById?: Record<number, { command: string }> })
    .commandsById;
  return defs?.[commandId]?.command;
}

/** Why the body of a soundly framed PDU could not be parsed (undefined for a parsed PDU). */
export function parseErrorOf(pdu: PDU): MalformedPduError | undefined {
  return installRawPduCapture().unparsed.get(pdu);
}

/** The exact bytes a PDU was parsed from (header included), if it came from a stream. */
export function rawPduOf(pdu: PDU): Buffer | undefined {
  return installRawPduCapture().raw.get(pdu);
}

/** Makes a command_length below 16 on this socket a MalformedPduError (emitted as the session's `error`). */
export function enableStrictFraming(stream: Readable): void {
  installRawPduCapture().strict.add(stream);
}

/** "command_id 0x00000005, command_length 42" for a raw PDU (never the body). */
export function describeHeader(raw: Buffer): string {
  const parts: string[] = [];
  if (raw.length >= 8)
    parts.push(`command_id 0x${raw.readUInt32BE(4).toString(16).padStart(8, '0')}`);
  if (raw.length >= 4) parts.push(`command_length ${raw.readUInt32BE(0)}`);
  return parts.length ? `PDU with ${parts.join(', ')}` : 'PDU';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Bounds-checked reader over `buffer[start, end)`; every read past `end` throws MalformedPduError. */
export class PduReader {
  private pos: number;

  constructor(
    private readonly buffer: Buffer,
    start: number,
    private readonly end: number = buffer.length,
  ) {
    if (end > buffer.length)
      throw new MalformedPduError(`PDU claims ${end} bytes but only ${buffer.length} arrived`);
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buffer[this.pos++] as number;
  }

  u16(field: string): number {
    this.need(2, field);
    const v = this.buffer.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(field: string): number {
    this.need(4, field);
    const v = this.buffer.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A NUL-terminated string (the NUL is consumed); bytes are kept 1:1 (latin1). */
  cstring(field: string): string {
    const nul = this.buffer.indexOf(0, this.pos);
    if (nul < 0 || nul >= this.end)
      throw new MalformedPduError(`${field} is not NUL-terminated within the PDU`);
    const value = this.buffer.toString('latin1', this.pos, nul);
    this.pos = nul + 1;
    return value;
  }

  /** `length` bytes, copied (so the value does not pin the whole PDU buffer). */
  bytes(length: number, field: string): Buffer {
    this.need(length, field);
    const v = Buffer.from(this.buffer.subarray(this.pos, this.pos + length));
    this.pos += length;
    return v;
  }

  private need(n: number, field: string): void {
    if (this.pos + n > this.end) {
      throw new MalformedPduError(
        `${field} is truncated (needs ${n} byte(s), ${Math.max(0, this.end - this.pos)} left)`,
      );
    }
  }
}

export interface RawTlv {
  tag: number;
  value: Buffer;
}

/** Every TLV from the reader's position to its end, exactly as on the wire (in order, duplicates kept). */
export function readTlvs(reader: PduReader): RawTlv[] {
  const tlvs: RawTlv[] = [];
  while (reader.remaining > 0) {
    if (reader.remaining < 4)
      throw new MalformedPduError(`${reader.remaining} stray byte(s) where a TLV header belongs`);
    const tag = reader.u16('TLV tag');
    const length = reader.u16(`TLV 0x${hex4(tag)} length`);
    const value = reader.bytes(length, `TLV 0x${hex4(tag)} value`);
    tlvs.push({ tag, value });
  }
  return tlvs;
}

export function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** The first cstring of a PDU body (e.g. message_id of submit_sm_resp), or undefined when the body is empty. */
export function readFirstCString(raw: Buffer): string | undefined {
  const end = Math.min(raw.length, raw.length >= 4 ? raw.readUInt32BE(0) : 0);
  if (end <= PDU_HEADER_LENGTH) return undefined;
  const nul = raw.indexOf(0, PDU_HEADER_LENGTH);
  return raw.toString('latin1', PDU_HEADER_LENGTH, nul < 0 || nul >= end ? end : nul);
}
