import type { LoggerService } from '@nestjs/common';
import type { BindManager } from '../binds/bind-manager.js';
import type { BindSession } from '../binds/bind-session.js';
import type { ResolvedAccount } from '../config/resolved-options.js';
import type { SubmitSmRequest } from '../session/session.types.js';
import { BatchQueue } from '../store/batch-queue.js';
import { BULK_RANK, type ClaimedPart, type MessageStore } from '../store/message-store.js';
import { validityForSubmit } from '../messages/validity-period.js';
import type { SubmitOutcome, SubmitResult } from '../store/part-rows.js';
import type { WrittenMarks } from '../store/written-marks.js';
import { CommandStatus } from '../protocol/command-status.js';
import type { SmppTelemetry, SubmitObservation } from '../telemetry/smpp-telemetry.js';
import { SMPP_PRIORITY_BY_RANK } from '../entities/smpp-entity.types.js';
import { SmppBackpressureError } from '../errors.js';
import { STORE_FAILED_STATUS } from '../store/message-state-writer.js';
import { describeDatabaseError, isTransientDatabaseError } from '../store/transient-error.js';
import { backoffDelay } from '../retry/backoff.js';
import { STORE_RESULT_RETRY } from './store-result-retry.js';
import { type Lane, LaneQueue } from './lane-queue.js';
import { outcomeOfError } from './submit-outcome.js';

/** Parts claimed beyond the binds' windows at most. */
const MAX_LOOKAHEAD = 200;
/** ... and at most what the binds' pace lets through in this long (ms): a claimed part waits little. */
const LOOKAHEAD_MS = 500;
/** How often parts waiting for a window slot look again, besides being woken (ms). */
const WINDOW_RECHECK_MS = 250;
/** A part waiting this long for a window slot goes next whatever its lane (starvation guard, ms). */
const SLOT_MAX_WAIT_MS = 2_000;
/** The most bulk credit (claims owed to bulk) carried from one claim to the next. */
const MAX_BULK_CREDIT = 50;

/**
 * Expires claimed parts not yet written whose expires_at passed (while still this replica's);
 * the ids it expired.
 */
export type ExpireClaimed = (partIds: string[]) => Promise<Set<string>>;

export interface DispatchSettings {
  /** This replica (`instanceId#token`): the claims' holder. */
  instanceId: string;
  maxAttempts: number;
  /** Attempts to store one submit result before giving up on it. */
  maxStoreAttempts: number;
  /** How long a claim holds before a stopped process's parts are recovered (ms). */
  claimLeaseMs: number;
  /** How often to look for parts queued by other processes or due for a retry (ms). */
  pollMs: number;
}

/**
 * Feeds one account's queued parts to its binds: claims as many as the binds have room for,
 * submits each on the bind with the most room, and hands every outcome to the result writer.
 *
 * A part is given to a session only when that session has a free window slot (this dispatcher is
 * the sessions' only submitter, so it counts them), and only after `written_at` was stored for it
 * while the claim was still this replica's: if this process dies, the parts that were not marked
 * cannot have left and go back to the queue. A part keeps its slot until its result is stored, so
 * at most the binds' windows' worth are marked without a stored result and become `unknown`.
 */
export class AccountDispatcher {
  private inFlight = 0;
  /** Submits finished so far, and the parts claimed beyond the windows (see run()). */
  private done = 0;
  private lookahead = 0;
  private wake?: () => void;
  /** What the loop sleeps for: window room (a finished submit wakes it) or new parts (notify()). */
  private sleepingFor?: 'room' | 'parts';
  /** notify() came since the last claim began: claim again before sleeping. */
  private notified = false;
  private running = false;
  private loop?: Promise<void>;
  private readonly abort = new AbortController();
  private readonly settled = new Set<Promise<void>>();
  /** Parts given to each session (marking, waiting for a token, or in flight): at most its window. */
  private readonly handed = new Map<BindSession, number>();
  /** Claimed parts waiting for a window slot: a higher lane takes the next free slot first. */
  private readonly slotWaiters = new LaneQueue<(session: BindSession | undefined) => void>(
    SLOT_MAX_WAIT_MS,
  );
  private slotRecheck?: { timer: NodeJS.Timeout; at: number };
  /**
   * Parts given to each session that have not called its submit() yet (marking written_at): they
   * will take a token. A part is given to a session only when a token is there for it, so parts
   * wait for tokens here, by lane, not in the session's first-come-first-served queue.
   */
  private readonly reserved = new Map<BindSession, number>();
  private readonly marks: BatchQueue<string, boolean>;
  private takenBack = 0;
  /**
   * Bulk's due share of the claims not yet given to it (starvation guard): grows by bulkMinShare
   * per part claimed, shrinks by each bulk part claimed, and is dropped when bulk has no backlog.
   */
  private bulkCredit = 0;

  constructor(
    private readonly account: ResolvedAccount,
    private readonly binds: BindManager,
    private readonly store: MessageStore,
    private readonly results: Pick<BatchQueue<SubmitResult, void>, 'add'>,
    private readonly settings: DispatchSettings,
    private readonly logger: LoggerService,
    private readonly telemetry?: SmppTelemetry,
    written?: WrittenMarks,
    private readonly expireClaimed?: ExpireClaimed,
  ) {
    this.marks = new BatchQueue<string, boolean>(async (ids) => {
      if (!written) return ids.map(() => true);
      const marked = await written.mark(ids, settings.instanceId);
      return ids.map((id) => marked.has(id));
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run().catch((error: unknown) => {
      this.logger.error(
        `Dispatcher of "${this.account.name}" stopped: ${(error as Error).message}`,
      );
    });
  }

  /** New parts were queued (by this process): look at once instead of at the next poll. */
  notify(): void {
    this.notified = true;
    this.wake?.();
  }

  /** Stops claiming; waits for the submits in flight and their results to be stored. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    this.wake?.();
    this.handOutSlots();
    await this.loop;
    await Promise.allSettled([...this.settled]);
  }

  private async run(): Promise<void> {
    let idle = false;
    while (this.running) {
      await this.binds.waitForTransmitter(this.account.name, this.abort.signal);
      if (!this.running) break;
      // The windows, plus a few times what the binds got through during the last claim's round
      // trip: the next parts are at hand when slots free up (a claim per freed slot left the
      // window idle for a database round trip each time), and at low rates almost nothing sits
      // claimed but unsent (such parts become `unknown` if this process dies).
      const room = this.binds.transmitCapacity(this.account.name) + this.lookahead - this.inFlight;
      if (room <= 0) {
        await this.sleep(this.settings.pollMs, 'room');
        continue;
      }
      this.notified = false;
      let parts: ClaimedPart[];
      const doneBefore = this.done;
      const limit = Math.min(room, 200);
      const bulkMin = this.bulkQuota(limit);
      try {
        parts = await this.store.claim(
          this.account.name,
          limit,
          this.settings.instanceId,
          this.settings.claimLeaseMs,
          bulkMin,
        );
        this.countBulk(parts, bulkMin);
        this.lookahead = Math.min(
          MAX_LOOKAHEAD,
          3 * (this.done - doneBefore),
          Math.ceil(
            (this.account.submitsPerSecond *
              this.binds.transmitters(this.account.name).length *
              LOOKAHEAD_MS) /
              1000,
          ),
        );
        if (idle)
          this.logger.log(`Database reachable again; dispatching for "${this.account.name}"`);
        idle = false;
      } catch (error) {
        if (!idle)
          this.logger.error(
            `Cannot claim queued parts of "${this.account.name}": ${(error as Error).message}; retrying`,
          );
        idle = true;
        await this.sleep(1000);
        continue;
      }
      for (const part of parts) this.track(this.submit(part));
      // Fewer than asked for: nothing else was claimable. Claiming again at once, or at every
      // finished submit, found nothing most times (a query each: half the claims at 200 send()/s);
      // new parts of this process notify(), the rest (other replicas', retries coming due) are
      // found by the poll.
      if (parts.length < limit && !this.notified) await this.sleep(this.settings.pollMs, 'parts');
    }
  }

  /** Bulk parts this claim must take first, when bulk has a backlog. */
  private bulkQuota(limit: number): number {
    const share = this.account.lanes.bulkMinShare;
    if (share <= 0) return 0;
    // The epsilon: ten claims of 0.1 add up to 0.9999999999999999.
    return Math.min(limit, Math.floor(this.bulkCredit + share * limit + 1e-9));
  }

  private countBulk(parts: readonly ClaimedPart[], bulkMin: number): void {
    const share = this.account.lanes.bulkMinShare;
    if (share <= 0) return;
    const bulk = parts.reduce((n, p) => n + (p.priority === BULK_RANK ? 1 : 0), 0);
    // Fewer bulk parts than asked for: bulk has no (due) backlog, nothing is owed to it.
    if (bulk < bulkMin) this.bulkCredit = 0;
    else
      this.bulkCredit = Math.min(
        MAX_BULK_CREDIT,
        Math.max(0, this.bulkCredit + share * parts.length - bulk),
      );
  }

  private track(p: Promise<void>): void {
    this.settled.add(p);
    void p.finally(() => this.settled.delete(p));
  }

  private async submit(part: ClaimedPart): Promise<void> {
    this.inFlight++;
    let result: SubmitResult | undefined;
    let started: number | undefined;
    let session: BindSession | undefined;
    try {
      session = await this.takeWindowSlot(SMPP_PRIORITY_BY_RANK[part.priority] ?? 'normal');
      const mark = session ? await this.markWritten(part) : 'failed';
      if (session) this.unreserve(session);
      if (!session || mark === 'failed') {
        // It never left: back to the queue as it was.
        result = { partId: part.id, account: part.account, outcome: { kind: 'requeue' } };
      } else if (mark === 'marked') {
        started = performance.now();
        const resp = await session.submit(toRequest(part));
        result = {
          partId: part.id,
          account: part.account,
          outcome: { kind: 'submitted', smscMessageId: resp.messageId },
        };
      } else if (part.expiresAt && (await this.expireUnsent(part))) {
        // Its expires_at passed while it waited for a slot: ended expired, never sent.
      } else {
        // Recovery handed the part over (this replica looked dead): whoever claims it sends it.
        // (Or cancel() took it: it is cancelled, and not sent.)
        this.takenBack++;
        if (this.takenBack === 1 || this.takenBack % 100 === 0) {
          this.logger.warn(
            `${this.takenBack} claimed part(s) of "${this.account.name}" were cancelled, or handed over by recovery (this replica's heartbeat had expired?), before they were sent; not sent here`,
          );
        }
      }
    } catch (error) {
      const outcome = outcomeOfError(error, {
        attempts: part.attempts,
        maxAttempts: this.settings.maxAttempts,
        atLeastOnce: this.account.delivery === 'at-least-once',
      });
      result = { partId: part.id, account: part.account, outcome };
    } finally {
      this.inFlight--;
      this.done++;
      if (this.sleepingFor === 'room') this.wake?.();
    }
    try {
      if (!result) return;
      const latencyMs =
        started === undefined || result.outcome.kind === 'requeue'
          ? undefined
          : performance.now() - started;
      const outcome = result.outcome;
      // The result first: host code (a telemetry listener) runs only once it is stored.
      await this.storeHoldingSlot(result, () =>
        this.telemetry?.submit({
          account: this.account.name,
          result: observedResult(outcome),
          latencyMs,
        }),
      );
    } finally {
      if (session) this.giveBack(session);
    }
  }

  /**
   * The part keeps its window slot until its result is stored: a replica's parts marked written
   * without a stored result are then at most its binds' windows, which bounds what becomes
   * `unknown` if it dies. A store that hangs (not failing, so not retried) holds the slot no longer
   * than the claim lease: by then recovery decides for the part anyway.
   */
  private async storeHoldingSlot(result: SubmitResult, afterwards: () => void): Promise<void> {
    const stored = this.storeResult(result).then(afterwards);
    let timer: NodeJS.Timeout | undefined;
    const held = new Promise<'held'>((resolve) => {
      timer = setTimeout(() => resolve('held'), this.settings.claimLeaseMs);
    });
    try {
      if ((await Promise.race([stored, held])) === 'held') {
        // Not awaited by stop() either: the write may still land, or the claim expire.
        this.logger.warn(
          `The result of part ${result.partId} of "${this.account.name}" is still being stored after the claim lease (${this.settings.claimLeaseMs} ms); its window slot is given back`,
        );
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A bound transmitter with a free window slot, counted as taken; undefined when the account has
   * no bound transmitter (or the dispatcher stops): the part goes back to the queue. Parts wait
   * by lane (see LaneQueue), so a high part claimed after many bulk parts takes the next slot.
   */
  private takeWindowSlot(lane: Lane): Promise<BindSession | undefined> {
    return new Promise((resolve) => {
      this.slotWaiters.push(lane, resolve);
      this.handOutSlots();
    });
  }

  /** Gives free window slots to the waiting parts, in their lanes' order. */
  private handOutSlots(): void {
    while (this.slotWaiters.size > 0) {
      const sessions = this.running ? this.binds.transmitters(this.account.name) : [];
      if (sessions.length === 0) {
        for (const resolve of this.slotWaiters.drain()) resolve(undefined);
        break;
      }
      const { best, slotFree } = this.freestSession(sessions);
      if (!best) {
        // A free slot but no token: look again when the next token is due. No free slot:
        // giveBack() wakes us; the recheck finds binds that came up meanwhile.
        this.recheckSlotsIn(
          slotFree
            ? Math.max(5, Math.ceil(1000 / this.account.submitsPerSecond))
            : WINDOW_RECHECK_MS,
        );
        return;
      }
      this.handed.set(best, (this.handed.get(best) ?? 0) + 1);
      this.reserved.set(best, (this.reserved.get(best) ?? 0) + 1);
      this.slotWaiters.shift()!(best);
    }
    if (this.slotRecheck) clearTimeout(this.slotRecheck.timer);
    this.slotRecheck = undefined;
  }

  private recheckSlotsIn(ms: number): void {
    const at = performance.now() + ms;
    if (this.slotRecheck && this.slotRecheck.at <= at) return;
    if (this.slotRecheck) clearTimeout(this.slotRecheck.timer);
    const timer = setTimeout(() => {
      this.slotRecheck = undefined;
      this.handOutSlots();
    }, ms);
    this.slotRecheck = { timer, at };
  }

  /** The part given to `session` is about to call its submit() (and take its token), or never will. */
  private unreserve(session: BindSession): void {
    const n = (this.reserved.get(session) ?? 1) - 1;
    if (n <= 0) this.reserved.delete(session);
    else this.reserved.set(session, n);
  }

  /**
   * The session with a free window slot and a token not promised to another part, the most free
   * slots first; `slotFree` when some session has a slot but no token.
   */
  private freestSession(sessions: BindSession[]): { best?: BindSession; slotFree: boolean } {
    let best: BindSession | undefined;
    let bestScore = -Infinity;
    let slotFree = false;
    // Slots still held on sessions that closed or are draining (their results being stored)
    // count too: the windows of the binds held now bound the parts written without a result.
    let held = 0;
    for (const n of this.handed.values()) held += n;
    if (held >= sessions.length * this.account.window) return { slotFree: false };
    for (const session of sessions) {
      const free = this.account.window - (this.handed.get(session) ?? 0);
      if (free <= 0) continue;
      slotFree = true;
      const tokens = session.tokensAvailable() - (this.reserved.get(session) ?? 0);
      if (tokens < 1) continue;
      const score = free * 1000 + Math.min(tokens, 999);
      if (score > bestScore) {
        best = session;
        bestScore = score;
      }
    }
    return { best, slotFree };
  }

  private giveBack(session: BindSession): void {
    const n = (this.handed.get(session) ?? 1) - 1;
    if (n <= 0) this.handed.delete(session);
    else this.handed.set(session, n);
    this.handOutSlots();
  }

  /**
   * A claimed part that was not marked because its expires_at passed: expired (with its event)
   * if it still is this replica's. When that cannot be stored, the claim runs out and recovery
   * re-queues the part (it was never written), where the expiry sweep ends it.
   */
  private async expireUnsent(part: ClaimedPart): Promise<boolean> {
    if (!this.expireClaimed) return false;
    try {
      return (await this.expireClaimed([part.id])).has(part.id);
    } catch (error) {
      this.logger.warn(
        `Cannot expire a part of "${this.account.name}" whose expiresAt passed (${(error as Error).message}); it is not sent, and the expiry sweep ends it after its claim`,
      );
      return true;
    }
  }

  /** Stores written_at while the claim is still ours ('taken-back' if recovery took the part). */
  private async markWritten(part: ClaimedPart): Promise<'marked' | 'taken-back' | 'failed'> {
    try {
      return (await this.marks.add(part.id)) ? 'marked' : 'taken-back';
    } catch (error) {
      this.logger.warn(
        `Cannot store written_at for a part of "${this.account.name}" (${(error as Error).message}); it is not sent now`,
      );
      return 'failed';
    }
  }

  /**
   * A result must not be lost: the write is retried (the claim keeps the part meanwhile), but a
   * bounded number of times. When the database keeps refusing it (a value it will never take),
   * the part ends `failed` with STORE_FAILED; when the database stays unreachable, the claim
   * expires and recovery marks the part `unknown` (or re-queues it, at-least-once).
   */
  private async storeResult(result: SubmitResult): Promise<void> {
    const maxAttempts = this.settings.maxStoreAttempts;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        await this.results.add(result);
        return;
      } catch (error) {
        lastError = error;
        if (attempt === 1)
          this.logger.error(
            `Cannot store the ${result.outcome.kind} result of part ${result.partId} of "${this.account.name}": ${describeDatabaseError(error)}; retrying`,
          );
        if (!this.running && attempt >= 5) break;
        if (attempt < maxAttempts)
          await new Promise((r) => setTimeout(r, backoffDelay(STORE_RESULT_RETRY, attempt)));
      }
    }
    this.telemetry?.storeGiveUp({ account: this.account.name, what: 'submit-result' });
    if (isTransientDatabaseError(lastError) || lastError instanceof SmppBackpressureError) {
      this.logger.error(
        `Gave up storing the result of part ${result.partId} (${describeDatabaseError(lastError)}): its claim expires and recovery marks it`,
      );
      return;
    }
    this.logger.error(
      `Gave up storing the ${result.outcome.kind} result of part ${result.partId} after ${maxAttempts} attempts (${describeDatabaseError(lastError)}): the part is marked failed (${STORE_FAILED_STATUS})`,
    );
    try {
      await this.results.add({
        partId: result.partId,
        account: result.account,
        outcome: { kind: 'failed', errorCode: null, errorStatus: STORE_FAILED_STATUS },
      });
    } catch (error) {
      this.logger.error(
        `Could not mark part ${result.partId} failed either (${describeDatabaseError(error)}): its claim expires and recovery marks it`,
      );
    }
  }

  private sleep(ms: number, until: 'room' | 'parts' = 'parts'): Promise<void> {
    // stop() during a claim: its wake found no sleep to end.
    if (!this.running) return Promise.resolve();
    this.sleepingFor = until;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.sleepingFor = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

function observedResult(outcome: SubmitOutcome): SubmitObservation['result'] {
  switch (outcome.kind) {
    case 'submitted':
      return 'accepted';
    case 'retry':
      return outcome.errorCode === CommandStatus.ESME_RTHROTTLED ? 'throttled' : 'retry';
    case 'failed':
      return 'rejected';
    case 'unknown':
      return 'unknown';
    case 'requeue':
      return 'requeued';
  }
}

function toRequest(part: ClaimedPart): SubmitSmRequest {
  return {
    sourceAddr: part.source,
    sourceAddrTon: part.sourceTon,
    sourceAddrNpi: part.sourceNpi,
    destinationAddr: part.destination,
    destAddrTon: 1,
    destAddrNpi: 1,
    dataCoding: part.dataCoding,
    esmClass: part.esmClass,
    registeredDelivery: part.registeredDelivery,
    // With an expiresAt: the time left (so the SMSC does not deliver it late either).
    validityPeriod: validityForSubmit(part.validityPeriod, part.expiresAt),
    shortMessage: part.body,
    udh: part.udh ?? undefined,
    messagePayload: part.messagePayload ?? undefined,
  };
}
