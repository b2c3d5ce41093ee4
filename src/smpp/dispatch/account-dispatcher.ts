import type { LoggerService } from '@nestjs/common';
import type { BindManager } from '../binds/bind-manager.js';
import type { BindSession } from '../binds/bind-session.js';
import type { ResolvedAccount } from '../config/resolved-options.js';
import type { SubmitSmRequest } from '../session/session.types.js';
import { BatchQueue } from '../store/batch-queue.js';
import type { ClaimedPart, MessageStore } from '../store/message-store.js';
import type { SubmitOutcome, SubmitResult } from '../store/part-rows.js';
import type { WrittenMarks } from '../store/written-marks.js';
import { CommandStatus } from '../protocol/command-status.js';
import type { SmppTelemetry, SubmitObservation } from '../telemetry/smpp-telemetry.js';
import { SmppBackpressureError } from '../errors.js';
import { STORE_FAILED_STATUS } from '../store/message-state-writer.js';
import { describeDatabaseError, isTransientDatabaseError } from '../store/transient-error.js';
import { backoffDelay } from '../retry/backoff.js';
import { STORE_RESULT_RETRY } from './store-result-retry.js';
import { outcomeOfError } from './submit-outcome.js';

/** Parts claimed beyond the binds' windows at most. */
const MAX_LOOKAHEAD = 200;
/** How often a part waiting for a window slot looks again, besides being woken (ms). */
const WINDOW_RECHECK_MS = 250;

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
 * cannot have left and go back to the queue; at most the binds' windows' worth are `unknown`.
 */
export class AccountDispatcher {
  private inFlight = 0;
  /** Submits finished so far, and the parts claimed beyond the windows (see run()). */
  private done = 0;
  private lookahead = 0;
  private wake?: () => void;
  private running = false;
  private loop?: Promise<void>;
  private readonly abort = new AbortController();
  private readonly settled = new Set<Promise<void>>();
  /** Parts given to each session (marking, waiting for a token, or in flight): at most its window. */
  private readonly handed = new Map<BindSession, number>();
  private readonly windowWaiters = new Set<() => void>();
  private readonly marks: BatchQueue<string, boolean>;
  private takenBack = 0;

  constructor(
    private readonly account: ResolvedAccount,
    private readonly binds: BindManager,
    private readonly store: MessageStore,
    private readonly results: BatchQueue<SubmitResult, void>,
    private readonly settings: DispatchSettings,
    private readonly logger: LoggerService,
    private readonly telemetry?: SmppTelemetry,
    written?: WrittenMarks,
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
    this.wake?.();
  }

  /** Stops claiming; waits for the submits in flight and their results to be stored. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    this.wake?.();
    for (const wake of [...this.windowWaiters]) wake();
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
        await this.sleep(this.settings.pollMs);
        continue;
      }
      let parts: ClaimedPart[];
      const doneBefore = this.done;
      try {
        parts = await this.store.claim(
          this.account.name,
          Math.min(room, 200),
          this.settings.instanceId,
          this.settings.claimLeaseMs,
        );
        this.lookahead = Math.min(MAX_LOOKAHEAD, 3 * (this.done - doneBefore));
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
      if (parts.length === 0) {
        await this.sleep(this.settings.pollMs);
        continue;
      }
      for (const part of parts) this.track(this.submit(part));
    }
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
      session = await this.takeWindowSlot();
      const mark = session ? await this.markWritten(part) : 'failed';
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
      } else {
        // Recovery handed the part over (this replica looked dead): whoever claims it sends it.
        this.takenBack++;
        if (this.takenBack === 1 || this.takenBack % 100 === 0) {
          this.logger.warn(
            `${this.takenBack} claimed part(s) of "${this.account.name}" were handed over by recovery before they were sent (this replica's heartbeat had expired?); not sent here`,
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
      if (session) this.giveBack(session);
      this.inFlight--;
      this.done++;
      this.wake?.();
    }
    if (!result) return;
    const latencyMs =
      started === undefined || result.outcome.kind === 'requeue'
        ? undefined
        : performance.now() - started;
    // The result first: host code (a telemetry listener) runs only once it is stored.
    await this.storeResult(result);
    this.telemetry?.submit({
      account: this.account.name,
      result: observedResult(result.outcome),
      latencyMs,
    });
  }

  /**
   * A bound transmitter with a free window slot, counted as taken; undefined when the account has
   * no bound transmitter (or the dispatcher stops): the part goes back to the queue.
   */
  private async takeWindowSlot(): Promise<BindSession | undefined> {
    for (;;) {
      if (!this.running) return undefined;
      const sessions = this.binds.transmitters(this.account.name);
      if (sessions.length === 0) return undefined;
      let best: BindSession | undefined;
      let bestScore = -Infinity;
      for (const session of sessions) {
        const free = this.account.window - (this.handed.get(session) ?? 0);
        if (free <= 0) continue;
        const score = free * 1000 + Math.min(session.tokensAvailable(), 999);
        if (score > bestScore) {
          best = session;
          bestScore = score;
        }
      }
      if (best) {
        this.handed.set(best, (this.handed.get(best) ?? 0) + 1);
        return best;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, WINDOW_RECHECK_MS);
        const waiters = this.windowWaiters;
        function wake() {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        }
        waiters.add(wake);
      });
    }
  }

  private giveBack(session: BindSession): void {
    const n = (this.handed.get(session) ?? 1) - 1;
    if (n <= 0) this.handed.delete(session);
    else this.handed.set(session, n);
    const [first] = this.windowWaiters;
    first?.();
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

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
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
    validityPeriod: part.validityPeriod ?? undefined,
    shortMessage: part.body,
    udh: part.udh ?? undefined,
    messagePayload: part.messagePayload ?? undefined,
  };
}
