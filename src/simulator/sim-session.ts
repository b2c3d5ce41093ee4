import type { Socket } from 'node:net';
import { PduSocket, type PduSocketHandlers } from './pdu-socket.js';
import { SlidingWindowLimiter } from './rate-limiter.js';
import type { BindInfo, BindMode, CloseReason } from './simulator.types.js';

export type SimSessionState = 'open' | 'bound' | 'unbinding' | 'closed';

/** One client connection: its framing plus its bind state. */
export class SimSession {
  readonly pdus: PduSocket;
  state: SimSessionState = 'open';
  systemId?: string;
  mode?: BindMode;
  boundAt?: Date;
  /** Why we closed it; 'client-closed' when the peer did. */
  closeReason?: CloseReason;
  readonly limiter: SlidingWindowLimiter;
  /** Sequence and time of our unanswered enquire_link, if any. */
  enquireOutstanding?: { sequence: number; sentAt: number };
  enquireTimer?: NodeJS.Timeout;
  readonly remoteAddress: string;
  readonly remotePort: number;

  constructor(
    readonly id: number,
    readonly tls: boolean,
    socket: Socket,
    submitsPerSecond: number,
    handlers: PduSocketHandlers,
    discardInbound: () => boolean,
  ) {
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    this.limiter = new SlidingWindowLimiter(submitsPerSecond);
    this.pdus = new PduSocket(socket, handlers, discardInbound);
  }

  /** Counts against the bind budget: from an accepted bind until the socket closes. */
  get holdsBind(): boolean {
    return this.state === 'bound' || this.state === 'unbinding';
  }

  get canReceive(): boolean {
    return this.state === 'bound' && this.mode !== 'transmitter' && this.pdus.isOpen;
  }

  get canTransmit(): boolean {
    return this.state === 'bound' && this.mode !== 'receiver';
  }

  bind(systemId: string, mode: BindMode): void {
    this.state = 'bound';
    this.systemId = systemId;
    this.mode = mode;
    this.boundAt = new Date();
  }

  info(): BindInfo | undefined {
    if (!this.systemId || !this.mode || !this.boundAt) return undefined;
    return {
      bindId: this.id,
      systemId: this.systemId,
      mode: this.mode,
      tls: this.tls,
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
      boundAt: this.boundAt,
    };
  }

  close(reason: CloseReason, graceful = false): void {
    this.closeReason ??= reason;
    if (graceful) this.pdus.end();
    else this.pdus.destroy();
  }
}
