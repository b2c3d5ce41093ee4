import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';

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

interface TelemetryEvents {
  submit: [SubmitObservation];
  receipt: [ReceiptObservation];
  quarantine: [QuarantineObservation];
  storeGiveUp: [StoreGiveUpObservation];
  unknown: [UnknownObservation];
}

/**
 * In-process measurements for metrics (Prometheus and the like): subscribe with `on('submit')` /
 * `on('receipt')`. Cheap when nobody listens; never carries message text or passwords.
 */
@Injectable()
export class SmppTelemetry extends EventEmitter<TelemetryEvents> {
  submit(observation: SubmitObservation): void {
    if (this.listenerCount('submit') > 0) this.emit('submit', observation);
  }

  receipt(observation: ReceiptObservation): void {
    if (this.listenerCount('receipt') > 0) this.emit('receipt', observation);
  }

  quarantine(observation: QuarantineObservation): void {
    if (this.listenerCount('quarantine') > 0) this.emit('quarantine', observation);
  }

  storeGiveUp(observation: StoreGiveUpObservation): void {
    if (this.listenerCount('storeGiveUp') > 0) this.emit('storeGiveUp', observation);
  }

  unknown(observation: UnknownObservation): void {
    if (this.listenerCount('unknown') > 0) this.emit('unknown', observation);
  }
}
