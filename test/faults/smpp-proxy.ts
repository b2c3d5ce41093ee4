import { connect, createServer, type Server, type Socket } from 'node:net';

/** One client connection through the proxy. */
export interface ProxiedConnection {
  readonly id: number;
  readonly client: Socket;
  readonly upstream: Socket;
  closed: boolean;
  /** Writes bytes to the client between two whole PDUs of the SMSC's stream. */
  inject(bytes: Buffer): void;
  /**
   * What the client sent with a sequence number of ANSWER_FLOOR or above (numbers the SMSC never
   * uses, so: answers to injected PDUs), by sequence number. Answers to probes (PROBE_FLOOR and
   * above) are kept from the SMSC.
   */
  readonly answered: Map<number, { commandId: number; status: number }>;
  /** command_status of every deliver_sm_resp the client sent, counted. */
  readonly deliverAnswers: Map<number, number>;
}

/**
 * Rewrites one whole PDU of the SMSC's stream: returns the PDUs to send instead (none drops it,
 * two of them duplicate it), or undefined to pass it through.
 */
export type PduRewrite = (pdu: Buffer) => Buffer[] | undefined;

/** Injected PDUs use sequence numbers from here (far above anything either side sends). */
export const ANSWER_FLOOR = 0x7a000000;
/** Probes (enquire_link injected to see the stream is still read) use sequence numbers from here. */
export const PROBE_FLOOR = 0x7b000000;

/** An enquire_link with a probe sequence number. */
export function probePdu(sequence: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(16, 0);
  b.writeUInt32BE(0x00000015, 4);
  b.writeUInt32BE(sequence >>> 0, 12);
  return b;
}

/**
 * A TCP proxy in front of an SMSC that frames the SMSC -> client stream by command_length, so that
 * bytes can be slipped in between two PDUs (never into the middle of one): the client then sees
 * exactly the malformed PDU under test, and the stream in step before and after it.
 */
export class SmppProxy {
  private server?: Server;
  private nextId = 1;
  readonly connections: ProxiedConnection[] = [];
  port = 0;
  /** Applied to every PDU from the SMSC to the client, while set. */
  rewrite?: PduRewrite;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as { port: number }).port;
  }

  /** Open connections, oldest first. */
  get open(): ProxiedConnection[] {
    return this.connections.filter((c) => !c.closed);
  }

  async stop(): Promise<void> {
    for (const c of this.connections) {
      c.client.destroy();
      c.upstream.destroy();
    }
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Whole PDUs, each passed through `rewrite` when it is set. */
  private rewritten(pdus: Buffer): Buffer {
    const rewrite = this.rewrite;
    if (!rewrite) return pdus;
    const out: Buffer[] = [];
    for (let offset = 0; offset < pdus.length;) {
      const length = pdus.readUInt32BE(offset);
      const pdu = pdus.subarray(offset, offset + length);
      out.push(...(rewrite(pdu) ?? [pdu]));
      offset += length;
    }
    return Buffer.concat(out);
  }

  private accept(client: Socket): void {
    const upstream = connect(this.targetPort, '127.0.0.1');
    let buffered: Buffer = Buffer.alloc(0);
    const connection: ProxiedConnection = {
      id: this.nextId++,
      client,
      upstream,
      closed: false,
      inject: (bytes) => {
        if (!connection.closed && client.writable) client.write(bytes);
      },
      answered: new Map(),
      deliverAnswers: new Map(),
    };
    let fromClient: Buffer = Buffer.alloc(0);
    this.connections.push(connection);
    const close = () => {
      connection.closed = true;
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', () => undefined);
      s.on('close', close);
    }
    client.on('data', (chunk: Buffer) => {
      // The client's stream is well-formed: frame it to see its answers to injected PDUs.
      fromClient = fromClient.length ? Buffer.concat([fromClient, chunk]) : chunk;
      let offset = 0;
      const forward: Buffer[] = [];
      while (fromClient.length - offset >= 16) {
        const length = fromClient.readUInt32BE(offset);
        if (length < 16 || fromClient.length - offset < length) break;
        const sequence = fromClient.readUInt32BE(offset + 12);
        if (fromClient.readUInt32BE(offset + 4) === 0x80000005) {
          const status = fromClient.readUInt32BE(offset + 8);
          connection.deliverAnswers.set(status, (connection.deliverAnswers.get(status) ?? 0) + 1);
        }
        if (sequence >= ANSWER_FLOOR) {
          connection.answered.set(sequence, {
            commandId: fromClient.readUInt32BE(offset + 4),
            status: fromClient.readUInt32BE(offset + 8),
          });
        }
        if (sequence < PROBE_FLOOR) forward.push(fromClient.subarray(offset, offset + length));
        offset += length;
      }
      if (forward.length > 0) upstream.write(Buffer.concat(forward));
      fromClient = fromClient.subarray(offset);
    });
    upstream.on('data', (chunk: Buffer) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      // Forward whole PDUs only; keep a partial one for the next chunk.
      let offset = 0;
      while (buffered.length - offset >= 4) {
        const length = buffered.readUInt32BE(offset);
        if (length < 16 || buffered.length - offset < length) break;
        offset += length;
      }
      if (offset > 0) {
        client.write(this.rewritten(buffered.subarray(0, offset)));
        buffered = buffered.subarray(offset);
      }
    });
  }
}
