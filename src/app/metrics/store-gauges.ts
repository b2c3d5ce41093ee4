import { Logger } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SmppService, SmppStoreStats } from '../../smpp/index.js';

/** One read of SmppService.stats() serves every gauge of a scrape (and scrapes this close together). */
const CACHE_MS = 5_000;

/**
 * Gauges of what the store holds, read from SmppService.stats() at scrape time (a handful of index
 * lookups): queue depth per account and state, outbox backlog and dead letters, quarantine, the
 * age of the oldest row retention governs, table sizes, and rows purged per table.
 */
export function registerStoreGauges(registry: Registry, smpp: SmppService): void {
  const logger = new Logger('SmppMetrics');
  let cached: { at: number; stats: Promise<SmppStoreStats | null> } | undefined;
  const read = (): Promise<SmppStoreStats | null> => {
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.stats;
    const stats = smpp.stats().catch((error: unknown) => {
      logger.warn(`Store statistics unavailable: ${(error as Error).message}`);
      return null;
    });
    cached = { at: Date.now(), stats };
    return stats;
  };
  const gauge = (
    name: string,
    help: string,
    labelNames: string[],
    fill: (set: (labels: Record<string, string>, value: number) => void, s: SmppStoreStats) => void,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const s = await read();
        this.reset();
        if (s) fill((labels, value) => this.set(labels, value), s);
      },
    });

  gauge('smpp_store_stats_up', '1 when the store statistics below could be read', [], (set) =>
    set({}, 1),
  );
  gauge(
    'smpp_queue_parts',
    'Parts waiting for a bind (queued) or handed to one (submitting), per account',
    ['account', 'status'],
    (set, s) => {
      for (const q of s.queue) set({ account: q.account, status: q.status }, q.parts);
    },
  );
  gauge(
    'smpp_outbox_backlog',
    'Events written and not yet dispatched to the listeners',
    [],
    (set, s) => set({}, s.outboxBacklog),
  );
  gauge('smpp_outbox_backlog_age_seconds', 'Age of the oldest undispatched event', [], (set, s) =>
    set({}, s.outboxBacklogAgeSeconds ?? 0),
  );
  gauge('smpp_outbox_dead_letters', 'Events given up on after their retries', [], (set, s) =>
    set({}, s.deadLetters),
  );
  gauge('smpp_quarantined_pdus', 'Quarantined (never storable) deliver_sm PDUs', [], (set, s) =>
    set({}, s.quarantined),
  );
  gauge(
    'smpp_oldest_row_age_seconds',
    'Age of the oldest row retention governs, per table (finished messages, unmatched receipts, dispatched events, MO fragments and messages, quarantine); above the retention period the purge is not keeping up',
    ['table'],
    (set, s) => {
      for (const [table, age] of Object.entries(s.oldestAgeSeconds))
        if (age !== null && age !== undefined) set({ table }, age);
    },
  );
  gauge(
    'smpp_unsettled_oldest_age_seconds',
    'Age of the oldest message whose outcome is still open, per status (submitted: no final receipt yet; unknown: no submit_sm_resp came), since its last update',
    ['status'],
    (set, s) => {
      for (const [status, age] of Object.entries(s.oldestUnsettledAgeSeconds))
        if (age !== null) set({ status }, age);
    },
  );
  gauge('smpp_table_rows_estimate', "Rows per table (Postgres' estimate)", ['table'], (set, s) => {
    for (const t of s.tables) set({ table: t.table }, t.rowsEstimate);
  });
  gauge('smpp_table_bytes', 'Size per table with indexes and TOAST', ['table'], (set, s) => {
    for (const t of s.tables) set({ table: t.table }, t.bytes);
  });
  new Counter({
    name: 'smpp_retention_purged_rows_total',
    help: 'Rows deleted by retention per table, by this process',
    labelNames: ['table'],
    registers: [registry],
    async collect() {
      const s = await read();
      this.reset();
      if (s) for (const [table, n] of Object.entries(s.purgedTotal)) this.inc({ table }, n);
    },
  });
}
