import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  type EventDispatchObservation,
  type QuarantineObservation,
  type ReceiptObservation,
  type StoreGiveUpObservation,
  type UnknownObservation,
  type UnknownResolvedObservation,
  type SubmitObservation,
  SmppTelemetry,
} from '../../smpp/advanced.js';
import { SmppService } from '../../smpp/index.js';
import { registerStoreGauges } from './store-gauges.js';

/** Receipt `stat` values kept as label values; anything else is counted as "other" (bounded labels). */
const KNOWN_STATS = new Set([
  'DELIVRD',
  'EXPIRED',
  'UNDELIV',
  'ACCEPTD',
  'UNKNOWN',
  'ENROUTE',
  'REJECTD',
  'DELETED',
]);

/**
 * Prometheus metrics of the SMPP module, in a registry of their own (not prom-client's global one):
 * bind gauges and the window in use are read from SmppService.bindStatus() at scrape time; submits and
 * receipts are counted from SmppTelemetry's observations; what the store holds (queue, outbox,
 * retention) from SmppService.stats(). Nothing carries a password or a text.
 */
@Injectable()
export class SmppMetrics implements OnModuleInit, OnModuleDestroy {
  readonly registry = new Registry();

  private readonly submits = new Counter({
    name: 'smpp_submits_total',
    help: 'submit_sm outcomes: accepted, throttled (ESME_RTHROTTLED), retry (other temporary error), rejected, unknown (no response), requeued (no bind had room)',
    labelNames: ['account', 'result'] as const,
    registers: [this.registry],
  });

  private readonly throttled = new Counter({
    name: 'smpp_throttled_total',
    help: 'submit_sm answered with ESME_RTHROTTLED (retried later by the module)',
    labelNames: ['account'] as const,
    registers: [this.registry],
  });

  private readonly receipts = new Counter({
    name: 'smpp_receipts_total',
    help: 'Delivery receipts stored, by receipt stat (each receipt counted once; duplicates included)',
    labelNames: ['account', 'stat'] as const,
    registers: [this.registry],
  });

  private readonly receiptMatches = new Counter({
    name: 'smpp_receipt_matches_total',
    help: 'How receipts found their message: matched at once, parked (message id not stored yet), matched-late (a parked receipt matched afterwards)',
    labelNames: ['account', 'match'] as const,
    registers: [this.registry],
  });

  private readonly duplicateReceipts = new Counter({
    name: 'smpp_receipts_duplicate_total',
    help: 'Matched receipts that changed nothing (sent again, or the part was already final)',
    labelNames: ['account'] as const,
    registers: [this.registry],
  });

  private readonly submitLatency = new Histogram({
    name: 'smpp_submit_response_seconds',
    help: 'submit_sm -> submit_sm_resp',
    labelNames: ['account'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly receiptLatency = new Histogram({
    name: 'smpp_submit_to_receipt_seconds',
    help: 'submit_sm accepted -> final delivery receipt',
    labelNames: ['account'] as const,
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400, 172_800],
    registers: [this.registry],
  });

  private readonly quarantined = new Counter({
    name: 'smpp_inbound_quarantined_total',
    help: 'deliver_sm that could never be stored, kept raw in smpp_quarantined_pdus and acknowledged (kind: receipt, mo, pdu)',
    labelNames: ['account', 'kind'] as const,
    registers: [this.registry],
  });

  private readonly storeGiveUps = new Counter({
    name: 'smpp_store_give_ups_total',
    help: 'Writes given up after their bounded attempts (a submit result: the part ends failed, or recovery marks it)',
    labelNames: ['account', 'what'] as const,
    registers: [this.registry],
  });

  private readonly unknowns = new Counter({
    name: 'smpp_messages_unknown_total',
    help: 'Messages whose outcome is unknown (a submit_sm left and no answer came)',
    labelNames: ['account'] as const,
    registers: [this.registry],
  });

  private readonly unknownsResolved = new Counter({
    name: 'smpp_unknown_resolved_total',
    help: 'Unknown parts matched to a receipt by destination, text and submit date (no SMSC id was stored for them)',
    labelNames: ['account'] as const,
    registers: [this.registry],
  });

  private readonly eventFailures = new Counter({
    name: 'smpp_event_dispatch_failures_total',
    help: 'Domain event dispatches whose listener threw: retry (dispatched again later) or dead-lettered (attempts exhausted, kept in smpp_outbox_events)',
    labelNames: ['event', 'result'] as const,
    registers: [this.registry],
  });

  private readonly onEventFailure = (o: EventDispatchObservation) =>
    this.eventFailures.inc({ event: o.name, result: o.result });
  private readonly onQuarantine = (o: QuarantineObservation) =>
    this.quarantined.inc({ account: o.account, kind: o.kind });
  private readonly onStoreGiveUp = (o: StoreGiveUpObservation) =>
    this.storeGiveUps.inc({ account: o.account, what: o.what });
  private readonly onUnknown = (o: UnknownObservation) => this.unknowns.inc({ account: o.account });
  private readonly onUnknownResolved = (o: UnknownResolvedObservation) =>
    this.unknownsResolved.inc({ account: o.account });

  private readonly onSubmit = (o: SubmitObservation) => {
    this.submits.inc({ account: o.account, result: o.result });
    if (o.result === 'throttled') this.throttled.inc({ account: o.account });
    if (o.latencyMs !== undefined)
      this.submitLatency.observe({ account: o.account }, o.latencyMs / 1000);
  };

  private readonly onReceipt = (o: ReceiptObservation) => {
    this.receiptMatches.inc({ account: o.account, match: o.match });
    // A parked receipt is observed again when it is matched later: count the receipt once.
    if (o.match !== 'matched-late') {
      this.receipts.inc({ account: o.account, stat: statLabel(o.stat) });
      if (o.duplicate) this.duplicateReceipts.inc({ account: o.account });
    }
    if (o.sinceSubmitMs !== undefined)
      this.receiptLatency.observe({ account: o.account }, o.sinceSubmitMs / 1000);
  };

  constructor(
    private readonly smpp: SmppService,
    private readonly telemetry: SmppTelemetry,
  ) {
    const service = this.smpp;
    new Gauge({
      name: 'smpp_binds_up',
      help: 'Binds bound now, per account and mode',
      labelNames: ['account', 'mode'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const a of service.bindStatus()) {
          for (const [mode, n] of Object.entries(a.bound))
            this.set({ account: a.account, mode }, n);
        }
      },
    });
    new Gauge({
      name: 'smpp_binds_wanted',
      help: 'Binds this process wants, per account and mode',
      labelNames: ['account', 'mode'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const a of service.bindStatus()) {
          for (const [mode, n] of Object.entries(a.wanted))
            this.set({ account: a.account, mode }, n);
        }
      },
    });
    new Gauge({
      name: 'smpp_window_in_use',
      help: 'Requests sent and not yet answered, over all binds of the account',
      labelNames: ['account'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const a of service.bindStatus()) {
          this.set(
            { account: a.account },
            a.binds.reduce((n, b) => n + b.outstanding, 0),
          );
        }
      },
    });
    registerStoreGauges(this.registry, this.smpp);
    collectDefaultMetrics({ register: this.registry });
  }

  onModuleInit(): void {
    this.telemetry.on('submit', this.onSubmit);
    this.telemetry.on('receipt', this.onReceipt);
    this.telemetry.on('quarantine', this.onQuarantine);
    this.telemetry.on('storeGiveUp', this.onStoreGiveUp);
    this.telemetry.on('unknown', this.onUnknown);
    this.telemetry.on('unknownResolved', this.onUnknownResolved);
    this.telemetry.on('event', this.onEventFailure);
  }

  onModuleDestroy(): void {
    this.telemetry.off('submit', this.onSubmit);
    this.telemetry.off('receipt', this.onReceipt);
    this.telemetry.off('quarantine', this.onQuarantine);
    this.telemetry.off('storeGiveUp', this.onStoreGiveUp);
    this.telemetry.off('unknown', this.onUnknown);
    this.telemetry.off('unknownResolved', this.onUnknownResolved);
    this.telemetry.off('event', this.onEventFailure);
  }

  /** The Prometheus text exposition. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

function statLabel(stat: string): string {
  const s = stat.toUpperCase();
  if (s === '') return 'none';
  return KNOWN_STATS.has(s) ? s : 'other';
}
