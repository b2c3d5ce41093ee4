import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { BindManager } from './binds/bind-manager.js';
import { bindBudgetKey, type ResolvedSmppOptions } from './config/resolve-options.js';
import type { ResolvedAccount } from './config/resolved-options.js';
import { AccountDispatcher } from './dispatch/account-dispatcher.js';
import { SubmitWaiters } from './dispatch/submit-waiters.js';
import { QueueFullError, SmppConfigError } from './errors.js';
import { DEFAULT_EVENT_RETRY, EventOutbox } from './store/outbox/event-outbox.js';
import { SmppEventPublisher } from './events/smpp-event-publisher.js';
import { SmppEvents } from './events/smpp-events.js';
import { DeliverRouter } from './inbound/deliver-router.js';
import { InboundWriter } from './inbound/inbound-writer.js';
import { SMPP_DATA_SOURCE, SMPP_OPTIONS } from './smpp.constants.js';
import { SmppTelemetry } from './telemetry/smpp-telemetry.js';
import { BatchQueue } from './store/batch-queue.js';
import { CancelStore } from './store/cancel-store.js';
import { ExpiryStore } from './store/expiry-store.js';
import { ScheduleStore } from './store/schedule-store.js';
import { TimeSweeper } from './dispatch/time-sweeper.js';
import { InboundStore } from './store/inbound-store.js';
import { QueueDepth } from './store/queue-depth.js';
import { type QuarantineInput, QuarantineStore } from './store/quarantine-store.js';
import { WrittenMarks } from './store/written-marks.js';
import type { PendingEvent } from './store/message-state-writer.js';
import type { SmppMessageView } from './messages/message-view.js';
import { type InsertOutcome, MessageStore, type NewMessage } from './store/message-store.js';
import { ClaimRecovery } from './store/claim-recovery.js';
import { type AccountScope, partWriteContext } from './store/part-write-context.js';
import { PartOutcomeQueue, PartOutcomeWriter } from './store/part-outcome-writer.js';
import { UnknownResolver } from './store/unknown-resolver.js';

/** Accounts configured on the same system_id and host share receipts (8x8 sends them to any bind). */
function accountScope(accounts: readonly ResolvedAccount[]): AccountScope {
  const byKey = new Map<string, string[]>();
  for (const a of accounts)
    byKey.set(bindBudgetKey(a), [...(byKey.get(bindBudgetKey(a)) ?? []), a.name]);
  const keyOf = new Map(accounts.map((a) => [a.name, bindBudgetKey(a)]));
  return {
    siblings: (account) => byKey.get(keyOf.get(account) ?? '') ?? [account],
    lockKey: (account) => keyOf.get(account) ?? account,
  };
}

const POLL_MS = 1_000;
const RECOVERY_EVERY_MS = 5_000;
/** How often events due for a retry, or left by a stopped process, are looked for. */
const EVENT_PASS_EVERY_MS = 1_000;
/** Message inserts written at once (connections of the pool they may take). */
const INSERT_CONCURRENCY = 3;

/**
 * The message pipeline, composed over the host's TypeORM DataSource: the outbox (messages and
 * parts), the dispatchers that feed the binds, the receipt and MO stores, and event delivery.
 */
@Injectable()
export class SmppMessaging implements OnModuleInit {
  private readonly logger = new Logger('SmppMessaging');
  store!: MessageStore;
  waiters!: SubmitWaiters;
  private claimRecovery!: ClaimRecovery;
  private inboundWriter!: InboundWriter;
  private cancelStore!: CancelStore;
  private expiryStore!: ExpiryStore;
  private sweeper!: TimeSweeper;
  private outbox!: EventOutbox;
  private inserts!: BatchQueue<NewMessage, InsertOutcome>;
  private outcomes!: PartOutcomeQueue;
  private readonly dispatchers = new Map<string, AccountDispatcher>();
  private queueDepth!: QueueDepth;
  private accountsByName = new Map<string, ResolvedAccount>();
  private recoveryTimer?: NodeJS.Timeout;
  private eventTimer?: NodeJS.Timeout;
  private recovering = false;

  constructor(
    @Inject(SMPP_OPTIONS) private readonly options: ResolvedSmppOptions,
    private readonly binds: BindManager,
    private readonly events: SmppEventPublisher,
    private readonly telemetry: SmppTelemetry,
    @Inject(SMPP_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    const recordEvents = () => this.events.enabled;
    // With replicas' heartbeats, events are owned by the replica (instance#token) that wrote them,
    // and a dead replica's are taken over once its heartbeat lapsed, as its parts are.
    const deadAfterMs = this.binds.replicaTtlMs;
    const eventOwner = deadAfterMs === undefined ? null : this.binds.replicaId;
    this.store = new MessageStore(this.dataSource);
    this.queueDepth = new QueueDepth(this.dataSource);
    this.accountsByName = new Map(this.options.accounts.map((a) => [a.name, a]));
    const scope = accountScope(this.options.accounts);
    const partWrites = partWriteContext(
      this.dataSource,
      recordEvents,
      this.telemetry,
      scope,
      eventOwner,
      new UnknownResolver({
        siblings: scope.siblings,
        clockSkewMs: (account) => this.accountsByName.get(account)?.receiptClockSkewMs ?? 0,
      }),
    );
    this.claimRecovery = new ClaimRecovery(partWrites);
    this.outbox = new EventOutbox(
      this.dataSource,
      this.events,
      {
        ...DEFAULT_EVENT_RETRY,
        maxAttempts: this.options.eventMaxAttempts,
        instanceId: eventOwner ?? this.options.instanceId,
        deadAfterMs,
      },
      this.telemetry,
    );
    this.cancelStore = new CancelStore(this.dataSource, this.store, recordEvents, eventOwner);
    this.expiryStore = new ExpiryStore(
      this.dataSource,
      recordEvents,
      eventOwner,
      accountScope(this.options.accounts).lockKey,
    );
    this.sweeper = new TimeSweeper(
      this.options.accounts.map((a) => a.name),
      new ScheduleStore(this.dataSource, recordEvents, eventOwner),
      this.expiryStore,
      {
        afterCommit: (events) => this.afterCommit(events),
        queued: (account) => this.dispatchers.get(account)?.notify(),
      },
      this.logger,
    );
    this.waiters = new SubmitWaiters(this.store);
    const { maxPendingWrites } = this.options.limits;
    this.inserts = new BatchQueue((items) => this.store.insert(items), {
      name: 'message inserts',
      // send() waits for its insert: one that arrives while another is being written starts its
      // own rather than waiting for it (p99 at 200/s: see docs/reliability.md).
      concurrency: INSERT_CONCURRENCY,
      maxPending: maxPendingWrites,
      describe: (m) => `message ${m.id}`,
    });
    this.outcomes = new PartOutcomeQueue(
      new PartOutcomeWriter(partWrites),
      (events) => this.afterCommit(events),
      maxPendingWrites,
    );
    this.inboundWriter = new InboundWriter(
      this.outcomes.receipts,
      new InboundStore(this.dataSource, recordEvents, eventOwner),
      this.outbox,
      new QuarantineStore(
        this.dataSource,
        recordEvents,
        this.options.limits.maxQuarantined,
        this.telemetry,
        eventOwner,
      ),
    );
    const router = new DeliverRouter(this.inboundWriter, this.options.limits.maxDeliversInFlight);
    this.binds.setDeliverHandler(
      (context, deliver) => router.handle(context, deliver),
      (context, raw, error) => router.handleMalformed(context, raw, error),
    );
    const written = new WrittenMarks(this.dataSource);
    for (const account of this.options.accounts) {
      this.dispatchers.set(
        account.name,
        new AccountDispatcher(
          account,
          this.binds,
          this.store,
          this.outcomes.results,
          {
            instanceId: this.binds.replicaId,
            maxAttempts: this.options.messages.maxAttempts,
            maxStoreAttempts: this.options.limits.maxStoreAttempts,
            claimLeaseMs: this.options.claimLeaseMs,
            pollMs: POLL_MS,
          },
          this.logger,
          this.telemetry,
          written,
          async (ids) => {
            const { expired, events } = await this.expiryStore.expireClaimed(
              account.name,
              ids,
              this.binds.replicaId,
            );
            this.afterCommit(events);
            return expired;
          },
        ),
      );
    }
  }

  /** Checks the schema, recovers what a stopped process left, starts dispatching. */
  async start(): Promise<void> {
    await this.checkSchema();
    await this.recover();
    void this.dispatchDueEvents();
    this.sweeper.start();
    for (const d of this.dispatchers.values()) d.start();
    // A dead replica's claims are handed over once its heartbeat expired: look often enough.
    const ttl = this.binds.replicaTtlMs;
    const every = Math.max(
      250,
      Math.min(RECOVERY_EVERY_MS, ttl === undefined ? Infinity : ttl / 2),
    );
    this.recoveryTimer = setInterval(() => void this.recover(), every);
    this.recoveryTimer.unref();
    this.eventTimer = setInterval(() => void this.dispatchDueEvents(), EVENT_PASS_EVERY_MS);
    this.eventTimer.unref();
  }

  /** Stops taking parts from the queue and waits for the submits in flight to be stored. */
  async stopDispatching(): Promise<void> {
    clearInterval(this.recoveryTimer);
    clearInterval(this.eventTimer);
    this.outbox.stop();
    await this.sweeper.stop();
    await Promise.all([...this.dispatchers.values()].map((d) => d.stop()));
    await this.outcomes.results.idle();
  }

  /** After the binds are gone: waits for the last receipts to be stored. */
  async drain(): Promise<void> {
    await this.outcomes.receipts.idle();
    await this.inserts.idle();
    await this.outbox.idle();
  }

  /**
   * Queues a message for the group-commit insert. Rejects with QueueFullError when the account
   * already has `maxQueued` messages waiting, and SmppBackpressureError when too many inserts are
   * pending in this process.
   */
  async insert(message: NewMessage): Promise<InsertOutcome> {
    const maxQueued = this.accountsByName.get(message.account)?.maxQueued;
    if (maxQueued !== undefined && !(await this.queueDepth.admit(message.account, maxQueued)))
      throw new QueueFullError(message.account, maxQueued);
    return this.inserts.add(message);
  }

  /**
   * Keeps a PDU that can never be stored in smpp_quarantined_pdus (bounded), with an
   * `smpp.inbound.quarantined` event and a telemetry observation. Resolves once it is stored.
   */
  async quarantine(input: QuarantineInput): Promise<void> {
    await this.inboundWriter.quarantine(input);
  }

  /** Cancels a message none of whose parts left (see CancelStore); publishes its event. */
  async cancel(id: string, account?: string): Promise<SmppMessageView> {
    const { message, events } = await this.cancelStore.cancel(id, account);
    this.afterCommit(events);
    return message;
  }

  notifyQueued(account: string): void {
    this.dispatchers.get(account)?.notify();
  }

  private afterCommit(events: PendingEvent[]): void {
    for (const e of events) {
      if (e.name === SmppEvents.MessageUnknown)
        this.telemetry.unknown({ account: (e.payload as { account: string }).account });
    }
    this.waiters.changed(
      events
        .map((e) => (e.payload as { messageId?: string }).messageId)
        .filter((id): id is string => !!id),
    );
    void this.outbox.publish(events);
  }

  private async recover(): Promise<void> {
    if (this.recovering) return;
    this.recovering = true;
    try {
      const deadAfterMs = this.binds.replicaTtlMs;
      const replicas =
        deadAfterMs === undefined ? undefined : { self: this.binds.replicaId, deadAfterMs };
      for (const account of this.options.accounts) {
        const { parts, unsent, events } = await this.claimRecovery.recoverExpiredClaims(
          account.name,
          account.delivery === 'at-least-once',
          replicas,
        );
        if (parts > 0) {
          const left = parts - unsent;
          this.logger.warn(
            `${parts} part(s) of "${account.name}" were claimed by a process that stopped (or lost its leases) before storing their outcome: ${unsent} never written to a socket, re-queued${left > 0 ? `; ${left} written without an answer, ${account.delivery === 'at-least-once' ? 're-queued (at-least-once)' : 'marked unknown (not re-sent)'}` : ''}`,
          );
          this.afterCommit(events);
          this.dispatchers.get(account.name)?.notify();
        }
      }
    } catch (error) {
      this.logger.warn(
        `Recovery pass failed (${(error as Error).message}); it runs again in ${RECOVERY_EVERY_MS / 1000} s`,
      );
    } finally {
      this.recovering = false;
    }
  }

  /** Retries of failed event dispatches, and events whose process stopped before dispatching them. */
  private async dispatchDueEvents(): Promise<void> {
    try {
      await this.outbox.dispatchDue();
    } catch (error) {
      this.logger.warn(
        `Event dispatch pass failed (${(error as Error).message}); it runs again in ${EVENT_PASS_EVERY_MS / 1000} s`,
      );
    }
  }

  private async checkSchema(): Promise<void> {
    const [row] = (await this.dataSource.query(
      `SELECT to_regclass('smpp_message_parts') IS NOT NULL AS ok`,
    )) as Array<{ ok: boolean }>;
    if (!row?.ok) {
      throw new SmppConfigError([
        'database: the smpp_ tables do not exist. Run the SMPP migrations: add SMPP_MIGRATIONS to the DataSource with migrationsRun: true, or run `typeorm migration:run -d <your data source>`.',
      ]);
    }
  }
}
