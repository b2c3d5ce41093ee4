import type { PDU } from 'smpp';
import { encodeReceiptText, MESSAGE_STATE, networkErrorCode } from './receipt-format.js';
import type { SimSession } from './sim-session.js';
import type { ResolvedReceiptOptions } from './simulator.options.js';
import type { RawTlv, ReceiptEvent, ReceiptStat, SimulatorLogger } from './simulator.types.js';

export const ESM_CLASS_RECEIPT = 0x04;
export const TLV_8X8_MCC = 0x1503;
export const TLV_8X8_MNC = 0x1504;

/** What one receipt is about: the submit it reports on and the outcome. */
export interface ReceiptRequest {
  systemId: string;
  messageId: string;
  receiptId: string;
  stat: ReceiptStat;
  err: number;
  submitDate: Date;
  text: string;
  sourceAddr: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  destinationAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
}

export interface ReceiptCounters {
  receiptsSent: number;
  receiptsAcked: number;
  receiptsRedelivered: number;
  receiptsAbandoned: number;
}

/** The simulator side the scheduler needs. */
export interface ReceiptSink {
  pickReceiver(systemId: string): SimSession | undefined;
  isSilent(): boolean;
  counters: ReceiptCounters;
  onSent(event: ReceiptEvent): void;
  onAcked(event: ReceiptEvent): void;
  logger: SimulatorLogger;
}

type JobState = 'scheduled' | 'waiting' | 'in-flight';

interface Job {
  req: ReceiptRequest;
  state: JobState;
  attempts: number;
  /** Bumped on every send / suspend: a late response or timer of an older try is ignored. */
  token: number;
  timer?: NodeJS.Timeout;
  fields?: Record<string, unknown>;
}

/**
 * Delivers receipts as deliver_sm to a receiver-capable bind of the submitting system_id, keeps
 * them while none is bound, and re-sends them on an error response, a timeout or a lost connection.
 */
export class ReceiptScheduler {
  private readonly jobs = new Set<Job>();
  private suspended = false;

  constructor(
    private readonly options: ResolvedReceiptOptions,
    private readonly sink: ReceiptSink,
  ) {}

  /** Receipts not yet acknowledged with ESME_ROK (sent or not). */
  get pending(): number {
    return this.jobs.size;
  }

  /** Sends after delayMs (0: right now, synchronously when a receiver is bound). */
  schedule(req: ReceiptRequest, delayMs: number): void {
    const job: Job = { req, state: 'scheduled', attempts: 0, token: 0 };
    this.jobs.add(job);
    if (delayMs <= 0) this.trySend(job);
    else this.arm(job, delayMs);
  }

  /** Sends the receipts that wait for a receiver (of one system_id, or all). */
  flush(systemId?: string): void {
    if (this.suspended) return;
    for (const job of [...this.jobs]) {
      if (job.state === 'waiting' && (systemId === undefined || job.req.systemId === systemId)) {
        this.trySend(job);
      }
    }
  }

  /** Stops every timer; receipts wait (kept) until resume() and a flush. */
  suspend(): void {
    this.suspended = true;
    for (const job of this.jobs) {
      if (job.timer) clearTimeout(job.timer);
      job.timer = undefined;
      job.token++;
      job.state = 'waiting';
    }
  }

  resume(): void {
    this.suspended = false;
  }

  clear(): void {
    this.suspend();
    this.jobs.clear();
  }

  private arm(job: Job, delayMs: number): void {
    job.state = 'scheduled';
    job.timer = setTimeout(() => {
      job.timer = undefined;
      this.trySend(job);
    }, delayMs);
    job.timer.unref();
  }

  private trySend(job: Job): void {
    if (!this.jobs.has(job)) return;
    const session =
      this.suspended || this.sink.isSilent() ? undefined : this.sink.pickReceiver(job.req.systemId);
    if (!session) {
      job.state = 'waiting';
      return;
    }
    job.fields ??= this.buildFields(job.req);
    const token = ++job.token;
    const sequence = session.pdus.request(
      'deliver_sm',
      job.fields,
      (response) => this.onResponse(job, token, session, response),
      this.rawTlvs(),
    );
    if (sequence === undefined) {
      job.state = 'waiting';
      return;
    }
    job.state = 'in-flight';
    job.attempts++;
    this.sink.counters.receiptsSent++;
    if (job.attempts > 1) this.sink.counters.receiptsRedelivered++;
    this.sink.onSent(this.event(job, session));
    job.timer = setTimeout(() => {
      job.timer = undefined;
      session.pdus.forget(sequence);
      this.sink.logger.debug?.(`receipt ${job.req.receiptId}: no deliver_sm_resp in time`);
      this.retry(job, token);
    }, this.options.responseTimeoutMs);
    job.timer.unref();
  }

  private onResponse(job: Job, token: number, session: SimSession, response: PDU | null): void {
    if (job.token !== token || job.state !== 'in-flight') return;
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
    if (response && response.command === 'deliver_sm_resp' && response.command_status === 0) {
      this.jobs.delete(job);
      this.sink.counters.receiptsAcked++;
      this.sink.onAcked(this.event(job, session));
      return;
    }
    this.sink.logger.debug?.(
      `receipt ${job.req.receiptId}: ` +
        (response
          ? `${response.command} status 0x${response.command_status.toString(16)}`
          : 'connection lost before the response'),
    );
    this.retry(job, token);
  }

  private retry(job: Job, token: number): void {
    if (job.token !== token) return;
    const max = this.options.maxAttempts;
    if (max > 0 && job.attempts >= max) {
      this.jobs.delete(job);
      this.sink.counters.receiptsAbandoned++;
      this.sink.logger.warn(`receipt ${job.req.receiptId}: given up after ${job.attempts} tries`);
      return;
    }
    if (this.suspended) {
      job.state = 'waiting';
      return;
    }
    this.arm(job, this.options.redeliverDelayMs);
  }

  private event(job: Job, session: SimSession): ReceiptEvent {
    return {
      messageId: job.req.messageId,
      receiptId: job.req.receiptId,
      systemId: job.req.systemId,
      stat: job.req.stat,
      err: job.req.err,
      bindId: session.id,
      attempt: job.attempts,
    };
  }

  private rawTlvs(): RawTlv[] {
    const network = this.options.destinationNetwork;
    if (!network) return [];
    return [
      { tag: TLV_8X8_MCC, value: Buffer.from(network.mcc, 'ascii') },
      { tag: TLV_8X8_MNC, value: Buffer.from(network.mnc, 'ascii') },
    ];
  }

  private buildFields(req: ReceiptRequest): Record<string, unknown> {
    return {
      service_type: '',
      // A receipt travels back: from the handset to the original sender.
      source_addr_ton: req.destAddrTon,
      source_addr_npi: req.destAddrNpi,
      source_addr: req.destinationAddr,
      dest_addr_ton: req.sourceAddrTon,
      dest_addr_npi: req.sourceAddrNpi,
      destination_addr: req.sourceAddr,
      esm_class: ESM_CLASS_RECEIPT,
      data_coding: 0,
      short_message: encodeReceiptText({
        receiptId: req.receiptId,
        stat: req.stat,
        err: req.err,
        submitDate: req.submitDate,
        doneDate: new Date(),
        text: req.text,
      }),
      receipted_message_id: req.receiptId,
      message_state: MESSAGE_STATE[req.stat],
      network_error_code: networkErrorCode(req.err),
    };
  }
}
