import type { LoggerService } from '@nestjs/common';
import type { ResolvedAccount, ResolvedReconnect } from '../config/resolved-options.js';
import { bindBudgetKey } from '../config/resolve-options.js';
import { BindRefusedError } from '../errors.js';
import { CommandStatus, isCredentialStatus } from '../protocol/command-status.js';
import type { BindMode, InboundDeliverSm } from '../session/session.types.js';
import { abortableSleep } from './abortable-sleep.js';
import { Backoff } from './backoff.js';
import type { BindAllocator, BindLease } from './bind-allocator.js';
import type { BindSession, OpenSession, SessionCloseInfo } from './bind-session.js';
import type { BindSlotState, BindStatus } from './bind-status.js';

export interface BindSlotHooks {
  onUp(slot: BindSlot): void;
  onDown(slot: BindSlot, reason: string): void;
  onDeliver(slot: BindSlot, deliver: InboundDeliverSm): Promise<number>;
  /** A deliver_sm framed correctly whose body cannot be read (its exact bytes). */
  onMalformedDeliver?(slot: BindSlot, raw: Buffer, error: Error): Promise<number>;
}

/**
 * One bind this process wants for an account. Keeps it bound: takes a slot of the account's
 * bind budget, connects, binds, and after a loss or a refusal waits (exponential backoff with
 * jitter) before it tries again. The budget slot is released only after the socket closed, so
 * a reconnect never overlaps the old connection.
 */
export class BindSlot {
  private current: BindSlotState = 'idle';
  private changedAt = new Date();
  private error?: string;
  private session?: BindSession;
  private readonly backoff: Backoff;
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private credentialsRefusedLogged = false;
  /** Why the current lease was lost, if it was (the bind must go). */
  private leaseLost?: string;

  constructor(
    readonly id: string,
    readonly account: ResolvedAccount,
    readonly mode: BindMode,
    private readonly reconnect: ResolvedReconnect,
    private readonly allocator: BindAllocator,
    private readonly openSession: OpenSession,
    private readonly holder: string,
    private readonly hooks: BindSlotHooks,
    private readonly logger: LoggerService,
  ) {
    this.backoff = new Backoff(reconnect);
  }

  get state(): BindSlotState {
    return this.current;
  }

  /** The bound session, if this slot is bound right now. */
  get bound(): BindSession | undefined {
    return this.current === 'bound' && this.session?.state === 'bound' ? this.session : undefined;
  }

  status(): BindStatus {
    const s = this.bound;
    return {
      id: this.id,
      mode: this.mode,
      state: this.current,
      since: this.changedAt,
      lastError: this.error,
      failures: this.backoff.attempts,
      outstanding: s?.outstanding ?? 0,
      windowFree: s?.windowFree ?? 0,
    };
  }

  start(): void {
    this.loop ??= this.run().catch((error: unknown) => {
      // run() handles its own errors; this is a last line of defence against a bug.
      this.logger.error(`${this.id}: bind loop stopped unexpectedly: ${describe(error)}`);
      this.set('stopped');
    });
  }

  /** Unbinds gracefully (bounded by the account's unbind timeout) and stops reconnecting. */
  async stop(): Promise<void> {
    this.abort.abort();
    const session = this.session;
    if (session && session.state !== 'closed') {
      await session.unbind().catch(() => session.destroy('shutdown'));
    }
    await this.loop;
    this.set('stopped');
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      this.set('waiting-for-slot');
      const lease = await this.acquireLease();
      if (!lease) {
        this.set('waiting-for-slot');
        await abortableSleep(this.backoff.next(), signal);
        continue;
      }
      this.leaseLost = undefined;
      lease.onLost?.((reason) => this.onLeaseLost(lease, reason));
      let delay: number;
      try {
        delay = await this.bindOnce(signal);
      } finally {
        await lease.release().catch((error: unknown) => {
          this.logger.warn(
            `${this.id}: could not release bind slot ${lease.slot}: ${describe(error)}`,
          );
        });
      }
      if (signal.aborted) break;
      this.set('backoff');
      await abortableSleep(delay, signal);
    }
    this.set('stopped');
  }

  private async acquireLease(): Promise<BindLease | null> {
    try {
      return await this.allocator.acquire(
        bindBudgetKey(this.account),
        this.account.maxBinds,
        this.holder,
      );
    } catch (error) {
      this.error = `bind budget unavailable: ${describe(error)}`;
      this.logger.warn(`${this.id}: could not take a bind slot: ${describe(error)}`);
      return null;
    }
  }

  /** Binds, holds the bind until it is lost, and returns the delay before the next attempt. */
  private async bindOnce(signal: AbortSignal): Promise<number> {
    this.set('connecting');
    let session: BindSession;
    try {
      session = await this.openSession(this.sessionOptions());
    } catch (error) {
      return this.onBindFailure(error);
    }
    this.session = session;
    const closed = new Promise<SessionCloseInfo>((resolve) => session.once('close', resolve));
    if (this.leaseLost !== undefined) session.destroy(`bind slot lost: ${this.leaseLost}`);
    if (signal.aborted) {
      await session.unbind().catch(() => session.destroy('shutdown'));
      await closed;
      return 0;
    }
    if (session.state === 'bound') {
      this.onBound();
      const info = await closed;
      const reason = signal.aborted
        ? 'shutdown'
        : (info.error?.message ?? 'the SMSC closed the bind');
      if (!signal.aborted) {
        this.error = reason;
        this.logger.warn(`${this.id}: bind lost (${reason}); re-binding`);
      }
      this.set('backoff');
      this.hooks.onDown(this, reason);
    } else {
      await closed;
    }
    this.session = undefined;
    return this.backoff.next();
  }

  /** Another process may bind on this slot soon: drop the bind now, re-bind on a new slot later. */
  private onLeaseLost(lease: BindLease, reason: string): void {
    this.leaseLost = reason;
    this.logger.warn(`${this.id}: bind slot ${lease.slot} lost (${reason}); dropping the bind`);
    this.session?.destroy(`bind slot lost: ${reason}`);
  }

  private onBound(): void {
    // The session logs the bind itself; say here only that a run of failures ended.
    if (this.credentialsRefusedLogged) {
      this.logger.log(
        `${this.id}: credentials accepted after ${this.backoff.attempts} refused attempt(s)`,
      );
    }
    this.backoff.reset();
    this.credentialsRefusedLogged = false;
    this.error = undefined;
    this.set('bound');
    this.hooks.onUp(this);
  }

  private onBindFailure(error: unknown): number {
    this.error = describe(error);
    if (error instanceof BindRefusedError && isCredentialStatus(error.status)) {
      // Retrying sooner cannot help: wait the longest delay at once, and say so once.
      if (!this.credentialsRefusedLogged) {
        this.logger.error(
          `${this.id}: ${error.message} Retrying about every ${Math.round(this.reconnect.maxDelayMs / 1000)} s until it is accepted.`,
        );
        this.credentialsRefusedLogged = true;
      }
      return this.backoff.max();
    }
    if (
      error instanceof BindRefusedError &&
      (error.status === CommandStatus.ESME_RBINDFAIL || error.status === CommandStatus.ESME_RALYBND)
    ) {
      const delay = this.backoff.next();
      this.logger.warn(
        `${this.id}: ${error.message} Next attempt in ${Math.round(delay / 1000)} s.`,
      );
      return delay;
    }
    const delay = this.backoff.next();
    this.logger.warn(
      `${this.id}: bind failed: ${this.error}. Next attempt in ${Math.round(delay / 1000)} s.`,
    );
    return delay;
  }

  private sessionOptions() {
    const a = this.account;
    return {
      host: a.host,
      port: a.port,
      tls: a.tls,
      systemId: a.systemId,
      password: a.password,
      systemType: a.systemType,
      mode: this.mode,
      window: a.window,
      submitsPerSecond: a.submitsPerSecond,
      submitBurst: a.submitBurst,
      connectTimeoutMs: a.connectTimeoutMs,
      responseTimeoutMs: a.responseTimeoutMs,
      enquireLinkMs: a.enquireLinkMs,
      unbindTimeoutMs: a.unbindTimeoutMs,
      label: this.id,
      logger: this.logger,
      onDeliver: (deliver: InboundDeliverSm) => this.hooks.onDeliver(this, deliver),
      onMalformedDeliver: this.hooks.onMalformedDeliver
        ? (raw: Buffer, error: Error) => this.hooks.onMalformedDeliver!(this, raw, error)
        : undefined,
    };
  }

  private set(state: BindSlotState): void {
    if (state === this.current) return;
    this.current = state;
    this.changedAt = new Date();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
