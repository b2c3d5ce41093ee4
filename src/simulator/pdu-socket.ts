import type { Socket } from 'node:net';
import smpp from 'smpp';
import type { PDU } from 'smpp';
import type { RawTlv } from './simulator.types.js';

/** Called with the response, or null when the connection closed first. */
export type ResponseHandler = (response: PDU | null) => void;

export interface PduSocketHandlers {
  /** Every inbound PDU that is not the awaited response to one of our requests. */
  onPdu(pdu: PDU, raw: Buffer): void;
  /** Bytes that are not SMPP; the socket is destroyed right after. */
  onGarbage(reason: string): void;
  onError(error: Error): void;
  onClose(): void;
}

const HEADER_LENGTH = 16;
/** smpp@0.5.1 refuses larger PDUs; so does the simulator. */
export const MAX_PDU_LENGTH = 16384;
const MAX_SEQUENCE = 0x7fffffff;

/** PDU bytes with extra TLVs appended (smpp@0.5.1 cannot encode TLVs it does not know). */
export function encodePdu(pdu: PDU, rawTlvs: readonly RawTlv[] = []): Buffer {
  const base = pdu.toBuffer();
  if (rawTlvs.length === 0) return base;
  const parts = [base];
  for (const tlv of rawTlvs) {
    const head = Buffer.alloc(4);
    head.writeUInt16BE(tlv.tag, 0);
    head.writeUInt16BE(tlv.value.length, 2);
    parts.push(head, tlv.value);
  }
  const out = Buffer.concat(parts);
  out.writeUInt32BE(out.length, 0);
  return out;
}

/**
 * SMPP framing over one socket: our own reader (so the raw bytes of every PDU are at hand and
 * garbage is detected instead of wedging the parser), sequence numbers, response callbacks.
 */
export class PduSocket {
  private buffered: Buffer = Buffer.alloc(0);
  private sequence = 0;
  private readonly waiting = new Map<number, ResponseHandler>();
  private closed = false;
  lastInboundAt = Date.now();

  constructor(
    readonly socket: Socket,
    private readonly handlers: PduSocketHandlers,
    /** While true, inbound bytes are read and thrown away (a half-open peer). */
    private readonly discardInbound: () => boolean = () => false,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: Error) => handlers.onError(error));
    socket.on('close', () => this.onClose());
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed && this.socket.writable;
  }

  nextSequence(): number {
    this.sequence = this.sequence >= MAX_SEQUENCE ? 1 : this.sequence + 1;
    return this.sequence;
  }

  /** Sends a request with a fresh sequence number; returns it, or undefined when closed. */
  request(
    command: string,
    fields: Record<string, unknown>,
    onResponse?: ResponseHandler,
    rawTlvs?: readonly RawTlv[],
  ): number | undefined {
    if (!this.isOpen) return undefined;
    const sequence = this.nextSequence();
    const bytes = encodePdu(
      new smpp.PDU(command, { ...fields, sequence_number: sequence }),
      rawTlvs,
    );
    if (onResponse) this.waiting.set(sequence, onResponse);
    this.socket.write(bytes);
    return sequence;
  }

  /** Forgets a pending request (its handler will not be called). */
  forget(sequence: number): void {
    this.waiting.delete(sequence);
  }

  respond(pdu: PDU): boolean {
    return this.writeRaw(pdu.toBuffer());
  }

  writeRaw(bytes: Buffer): boolean {
    if (!this.isOpen) return false;
    this.socket.write(bytes);
    return true;
  }

  end(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (this.buffered.length >= 4 && !this.closed && !this.socket.destroyed) {
      const length = this.buffered.readUInt32BE(0);
      if (length < HEADER_LENGTH || length > MAX_PDU_LENGTH) {
        this.garbage(`command_length ${length}`);
        return;
      }
      if (this.buffered.length < length) return;
      const raw = this.buffered.subarray(0, length);
      this.buffered = this.buffered.subarray(length);
      let pdu: PDU;
      try {
        pdu = new smpp.PDU(raw);
      } catch (e) {
        this.garbage(`undecodable PDU: ${(e as Error).message}`);
        return;
      }
      // Framing goes on while discarding, so the stream is still in step afterwards.
      if (this.discardInbound()) continue;
      this.lastInboundAt = Date.now();
      const handler = pdu.isResponse() ? this.waiting.get(pdu.sequence_number) : undefined;
      if (handler) {
        this.waiting.delete(pdu.sequence_number);
        handler(pdu);
      } else {
        this.handlers.onPdu(pdu, raw);
      }
    }
  }

  private garbage(reason: string): void {
    this.buffered = Buffer.alloc(0);
    this.handlers.onGarbage(reason);
    this.socket.destroy();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffered = Buffer.alloc(0);
    const handlers = [...this.waiting.values()];
    this.waiting.clear();
    for (const handler of handlers) handler(null);
    this.handlers.onClose();
  }
}
