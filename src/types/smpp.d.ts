// Typings for the parts of smpp@0.5.1 this project uses. The package ships none.
// Kept internal: nothing from here appears in the public API.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';
  import type { Readable } from 'node:stream';
  import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';

  /** Decoded short_message / message_payload: the library splits off the UDH (as IE buffers, without the UDHL byte). */
  export interface DecodedMessage {
    udh?: Buffer[];
    message: string | Buffer;
  }

  /** short_message as given for encoding: a Buffer, or a UDH (with its UDHL byte) plus the encoded body. */
  export type EncodableMessage = Buffer | { udh: Buffer; message: Buffer };

  export type PduFields = Record<string, unknown>;

  export class PDU {
    constructor(command: string, options?: PduFields);
    constructor(buffer: Buffer);
    static maxLength: number;
    static fromBuffer(buffer: Buffer): PDU | false;
    /** Reads the 4-byte command_length from the stream; false when fewer than 4 bytes are buffered. Throws above maxLength. */
    static commandLength(stream: Readable): number | false;
    /** Reads the rest of a PDU of `commandLength` bytes from the stream and parses it; false when not all buffered. */
    static fromStream(stream: Readable, commandLength: number): PDU | false;
    command: string;
    command_id: number;
    command_length: number;
    command_status: number;
    sequence_number: number;
    isResponse(): boolean;
    response(options?: PduFields): PDU;
    toBuffer(): Buffer;
    // Every body field and TLV is a property; callers read them through typed accessors.
    [field: string]: unknown;
  }

  export interface ConnectOptions extends TlsConnectionOptions {
    host?: string;
    port?: number;
    tls?: boolean;
    auto_enquire_link_period?: number;
  }

  export type ResponseCallback = (pdu: PDU) => void;

  export class Session extends EventEmitter {
    constructor(options: ConnectOptions & { socket?: Socket });
    socket: Socket;
    sequence: number;
    paused: boolean;
    server?: Server;
    send(pdu: PDU, onResponse?: ResponseCallback, onSent?: (pdu: PDU) => void): boolean;
    pause(): void;
    resume(): void;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    // Command shortcuts (bind_transceiver, submit_sm, deliver_sm, enquire_link, unbind, ...).
    [command: string]: unknown;
  }

  export interface Server extends NetServer {
    sessions: Session[];
  }

  export function connect(options: ConnectOptions, listener?: () => void): Session;
  export function createServer(
    options: { key?: string | Buffer; cert?: string | Buffer } & Record<string, unknown>,
    listener?: (session: Session) => void,
  ): Server;
  export function createServer(listener?: (session: Session) => void): Server;

  export const errors: Record<string, number>;
  export const consts: Record<string, Record<string, number> | number>;

  const smpp: {
    PDU: typeof PDU;
    Session: typeof Session;
    connect: typeof connect;
    createServer: typeof createServer;
    errors: typeof errors;
    consts: typeof consts;
  };
  export default smpp;
}
