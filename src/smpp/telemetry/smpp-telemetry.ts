import { EventEmitter } from 'node:events';
import { Injectable, Logger } from '@nestjs/common';

/** One submit_sm and what came of it. */
export interface SubmitObservation {
  account: string;
  /** accepted, throttled (ESME_RTHROTTLED), retry (other temporary error), rejected, unknown (no answer), requeued (never left). */
  result: 'accepted' | 'throttled' | 'retry' | 'rejected' | 'unknown' | 'requeued';
  /** submit_sm -> submit_sm_resp, ms (absent when it never left). */
  latencyMs?: number;
}

/** One stored receipt. */
export interface ReceiptObservation {
  account: string;
  stat: string;
  /** matched at once, parked (its id not stored yet), or matched later (a parked one). */
  match: 'matched' | 'parked' | 'matched-late';
  duplicate: boolean;
  /** submit_sm_resp stored -> final receipt, ms, when known. */
  sinceSubmitMs?: number;
}

/** A domain event whose listeners failed: retried later, or given up on (dead-lettered). */
export interface EventDispatchObservation {
  /** The event name, e.g. `smpp.message.delivered`. */
  name: string;
  /** retry: a listener threw, tried again later; dead-lettered: attempts exhausted, kept with the error. */
  result: 'retry' | 'dead-lettered';
  attempts: number;
}

/** A deliver_sm kept in the quarantine (it could never be stored). */
export interface QuarantineObservation {
  account: string;
  /** receipt, mo (inbound message), or pdu (could not even be read as a deliver_sm). */
  kind: 'receipt' | 'mo' | 'pdu';
}

/** A write this module gave up on after a bounded number of attempts (the part ended failed). */
export interface StoreGiveUpObservation {
  account: string;
  /** What was being written. */
  what: 'submit-result';
}

/** A part whose outcome is not known (its submit_sm left, no answer came). */
export interface UnknownObservation {
  account: string;
}

/** An `unknown` part matched to a parked receipt by destination, text and submit date. */
export interface UnknownResolvedObservation {
  account: string;
}

interface TelemetryEvents {
  submit: [SubmitObservation];
  receipt: [ReceiptObservation];
  event: [EventDispatchObservation];
  quarantine: [QuarantineObservation];
  storeGiveUp: [StoreGiveUpObservation];
  unknown: [UnknownObservation];
  unknownResolved: [UnknownResolvedObservation];
}

type TelemetryName = keyof TelemetryEvents;

/**
 * In-process measurements for metrics (Prometheus and the like): subscribe with `on('submit')` /
 * `on('receipt')` / `on('event')` / `on('quarantine')` / `on('storeGiveUp')` / `on('unknown')` /
 * `on('unknownResolved')`. Cheap when nobody listens; never carries message text or
 * passwords. Observations are made after the change they describe is stored, and a listener that
 * throws (or rejects) is logged once and otherwise ignored: it never reaches the pipeline.
 */
@Injectable()
export class SmppTelemetry extends EventEmitter<TelemetryEvents> {
  private readonly logger = new Logger('SmppTelemetry');
  private readonly reported = new WeakSet<object>();

  submit(observation: SubmitObservation): void {
    this.observe('submit', observation);
  }

  receipt(observation: ReceiptObservation): void {
    this.observe('receipt', observation);
  }

  event(observation: EventDispatchObservation): void {
    this.observe('event', observation);
  }

  quarantine(observation: QuarantineObservation): void {
    this.observe('quarantine', observation);
  }

  storeGiveUp(observation: StoreGiveUpObservation): void {
    this.observe('storeGiveUp', observation);
  }

  unknown(observation: UnknownObservation): void {
    this.observe('unknown', observation);
  }

  unknownResolved(observation: UnknownResolvedObservation): void {
    this.observe('unknownResolved', observation);
  }

  private observe<K extends TelemetryName>(name: K, observation: TelemetryEvents[K][0]): void {
    if (this.listenerCount(name) === 0) return;
    for (const listener of this.listeners(name) as Array<(o: unknown) => unknown>) {
      try {
        const returned = listener.call(this, observation);
        if (isThenable(returned))
          returned.then(undefined, (error: unknown) => this.failed(name, listener, error));
      } catch (error) {
        this.failed(name, listener, error);
      }
    }
  }

  /** One log line per failing listener (not per observation: a broken hook would flood the log). */
  private failed(name: string, listener: object, error: unknown): void {
    if (this.reported.has(listener)) return;
    this.reported.add(listener);
    this.logger.error(
      `A telemetry listener of "${name}" threw (${error instanceof Error ? error.message : String(error)}); ignored (further failures of this listener are not logged)`,
    );
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
