import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ResolvedSmppOptions } from '../config/resolve-options.js';
import type { ResolvedAccount } from '../config/resolved-options.js';
import { SmppError } from '../errors.js';
import { BindDownEvent, BindUpEvent } from '../events/bind-events.js';
import { SmppEventPublisher } from '../events/smpp-event-publisher.js';
import { SmppEvents } from '../events/smpp-events.js';
import { CommandStatus } from '../protocol/command-status.js';
import type { InboundDeliverSm } from '../session/session.types.js';
import { SMPP_BIND_ALLOCATOR, SMPP_OPTIONS, SMPP_SESSION_FACTORY } from '../smpp.constants.js';
import type { BindAllocator } from './bind-allocator.js';
import type { BindSession, OpenSession } from './bind-session.js';
import { BindSlot } from './bind-slot.js';
import { type AccountBindStatus, canReceive, canTransmit, countByMode } from './bind-status.js';

/** Where a deliver_sm arrived: the account and the bind. */
export interface DeliverContext {
  account: ResolvedAccount;
  bindId: string;
}

/** Decides the deliver_sm_resp status of an inbound deliver_sm (0 = ESME_ROK). */
export type DeliverHandler = (
  context: DeliverContext,
  deliver: InboundDeliverSm,
) => Promise<number>;

/** Decides the deliver_sm_resp status of a deliver_sm whose body cannot be read (its exact bytes). */
export type MalformedDeliverHandler = (
  context: DeliverContext,
  raw: Buffer,
  error: Error,
) => Promise<number>;

export class BindTimeoutError extends SmppError {
  readonly code = 'SMPP_BIND_TIMEOUT';
  constructor(readonly waitingFor: string[]) {
    super(`Not bound within the startup wait: ${waitingFor.join('; ')}`);
  }
}

/**
 * Keeps every account's binds up within its bind budget, answers which bind has room to send,
 * and routes inbound deliver_sm to the handler the message pipeline registers.
 */
@Injectable()
export class BindManager {
  private readonly logger = new Logger('SmppBindManager');
  private readonly slots = new Map<string, BindSlot[]>();
  private readonly accounts = new Map<string, ResolvedAccount>();
  private readonly transmitWaiters = new Map<string, Set<() => void>>();
  private deliverHandler?: DeliverHandler;
  private malformedDeliverHandler?: MalformedDeliverHandler;
  private started = false;

  constructor(
    @Inject(SMPP_OPTIONS) private readonly options: ResolvedSmppOptions,
    @Inject(SMPP_BIND_ALLOCATOR) private readonly allocator: BindAllocator,
    @Inject(SMPP_SESSION_FACTORY) private readonly openSession: OpenSession,
    private readonly events: SmppEventPublisher,
  ) {
    for (const account of options.accounts) {
      this.accounts.set(account.name, account);
      this.slots.set(
        account.name,
        account.binds.map(
          (mode, i) =>
            new BindSlot(
              `${account.name}/${mode}#${i + 1}`,
              account,
              mode,
              options.reconnect,
              allocator,
              openSession,
              options.instanceId,
              {
                onUp: (slot) => this.onUp(slot),
                onDown: (slot, reason) => this.onDown(slot, reason),
                onDeliver: (slot, deliver) => this.onDeliver(slot, deliver),
                onMalformedDeliver: (slot, raw, error) => this.onMalformedDeliver(slot, raw, error),
              },
              this.logger,
            ),
        ),
      );
    }
  }

  /** Starts binding in the background. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const slots of this.slots.values()) for (const slot of slots) slot.start();
  }

  /** Resolves when every account can send (and receive, when it wants to), or rejects after `timeoutMs`. */
  async waitUntilBound(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.missing().length === 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    const missing = this.missing();
    if (missing.length > 0) throw new BindTimeoutError(missing);
  }

  private missing(): string[] {
    return this.status()
      .filter((a) => !a.canSend && a.wanted.transceiver + a.wanted.transmitter > 0)
      .map((a) => {
        const errors = a.binds.map((b) => b.lastError).filter(Boolean);
        return `account "${a.account}" has no bind${errors.length ? ` (last error: ${errors[0]})` : ''}`;
      });
  }

  /** Unbinds every bind gracefully and stops reconnecting. */
  async stop(): Promise<void> {
    const all = [...this.slots.values()].flat();
    await Promise.all(all.map((slot) => slot.stop()));
    for (const waiters of this.transmitWaiters.values()) for (const wake of waiters) wake();
  }

  setDeliverHandler(handler: DeliverHandler, malformed?: MalformedDeliverHandler): void {
    this.deliverHandler = handler;
    this.malformedDeliverHandler = malformed;
  }

  account(name: string): ResolvedAccount | undefined {
    return this.accounts.get(name);
  }

  accountNames(): string[] {
    return [...this.accounts.keys()];
  }

  /** The bound transmit-capable session with the most room (free window, then tokens), if any. */
  pickTransmitter(accountName: string): BindSession | undefined {
    let best: BindSession | undefined;
    let bestScore = -Infinity;
    for (const slot of this.slots.get(accountName) ?? []) {
      const session = slot.bound;
      if (!session || !canTransmit(slot.mode)) continue;
      const score =
        session.windowFree * 1000 +
        Math.min(session.tokensAvailable(), 999) -
        session.queued * 1000;
      if (score > bestScore) {
        best = session;
        bestScore = score;
      }
    }
    return best;
  }

  /** Resolves when the account has a bound transmit-capable session, or when `signal` aborts. */
  waitForTransmitter(accountName: string, signal?: AbortSignal): Promise<void> {
    if (this.pickTransmitter(accountName) || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.transmitWaiters.get(accountName) ?? new Set();
      this.transmitWaiters.set(accountName, waiters);
      const wake = () => {
        waiters.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      waiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }

  /** Total window of the account's bound transmitters: how many submits can be in flight. */
  transmitCapacity(accountName: string): number {
    let total = 0;
    for (const slot of this.slots.get(accountName) ?? []) {
      if (slot.bound && canTransmit(slot.mode)) total += slot.account.window;
    }
    return total;
  }

  /** A snapshot per account; no network I/O, never the password. */
  status(): AccountBindStatus[] {
    return [...this.accounts.values()].map((account) => {
      const slots = this.slots.get(account.name) ?? [];
      const boundModes = slots.filter((s) => s.bound).map((s) => s.mode);
      return {
        account: account.name,
        systemId: account.systemId,
        host: account.host,
        port: account.port,
        tls: account.tls !== false,
        wanted: countByMode(account.binds),
        bound: countByMode(boundModes),
        canSend: boundModes.some(canTransmit),
        canReceive: boundModes.some(canReceive),
        binds: slots.map((s) => s.status()),
      };
    });
  }

  private onUp(slot: BindSlot): void {
    if (canTransmit(slot.mode)) {
      for (const wake of [...(this.transmitWaiters.get(slot.account.name) ?? [])]) wake();
    }
    void this.events.publish(
      SmppEvents.BindUp,
      new BindUpEvent(slot.account.name, slot.account.systemId, slot.id, slot.mode, new Date()),
    );
  }

  private onDown(slot: BindSlot, reason: string): void {
    void this.events.publish(
      SmppEvents.BindDown,
      new BindDownEvent(
        slot.account.name,
        slot.account.systemId,
        slot.id,
        slot.mode,
        reason,
        new Date(),
      ),
    );
  }

  private async onMalformedDeliver(slot: BindSlot, raw: Buffer, error: Error): Promise<number> {
    // Nothing to keep it in yet: a permanent refusal (the SMSC does not re-send it for ever).
    if (!this.malformedDeliverHandler) return CommandStatus.ESME_RX_P_APPN;
    return this.malformedDeliverHandler(
      { account: slot.account, bindId: `${slot.id}@${this.options.instanceId}` },
      raw,
      error,
    );
  }

  private async onDeliver(slot: BindSlot, deliver: InboundDeliverSm): Promise<number> {
    // Until the message pipeline is ready, ask the SMSC to send it again later: nothing is lost.
    if (!this.deliverHandler) return CommandStatus.ESME_RX_T_APPN;
    return this.deliverHandler(
      { account: slot.account, bindId: `${slot.id}@${this.options.instanceId}` },
      deliver,
    );
  }
}
