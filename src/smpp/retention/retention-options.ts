/**
 * How long finished and abandoned rows are kept (module option `retention`). Every period may be
 * `false` to keep that kind of row for ever; `retention: false` keeps everything (for hosts that
 * archive elsewhere).
 */
export interface SmppRetentionOptions {
  /** Messages in a final state (delivered, undeliverable, expired, rejected, failed, cancelled), with their parts and receipts, this many days after they finished (default 30). */
  finishedMessagesDays?: number | false;
  /**
   * Messages left `unknown` (a part's outcome could not be known: no submit_sm_resp, no receipt),
   * with their parts and receipts, this many days after they became unknown (default 30). A late
   * receipt can still settle such a message for a while; after this period nobody will.
   */
  unknownMessagesDays?: number | false;
  /**
   * Messages left `submitted` (accepted by the SMSC, and no final receipt ever came: none was asked
   * for with `registeredDelivery: 0`, or the SMSC sent none), with their parts and receipts, this
   * many days after they were submitted (their last update; default 30). No SMSC sends a receipt
   * after the message's validity period (8x8's longest is days).
   */
  submittedMessagesDays?: number | false;
  /** Outbox events this many hours after they were dispatched to the listeners (default 24). */
  dispatchedEventsHours?: number | false;
  /** Dead-lettered outbox events, days after they were dead-lettered (default 30). */
  deadLetteredEventsDays?: number | false;
  /** Receipts that never matched a message, days after they arrived (default 7). */
  unmatchedReceiptsDays?: number | false;
  /** Fragments of a concatenated MO whose other parts never came, hours after they arrived (default 24). */
  incompleteFragmentsHours?: number | false;
  /** Complete MO (inbound) messages, days after they arrived (default 30). */
  inboundMessagesDays?: number | false;
  /** Quarantined (never storable) deliver_sm PDUs, days after they arrived (default 30). */
  quarantinedPdusDays?: number | false;
  /** Bind leases this many hours after they expired (a process that died; default 1). */
  expiredLeasesHours?: number | false;
  /** Time between purge runs, ms (default 600 000; each run starts ±20 % of it at random). */
  everyMs?: number;
  /** Rows deleted per transaction (default 1 000; for messages: messages, with their parts and receipts). */
  batchSize?: number;
  /** Pause between two batches, ms, at least (default 20): the purge leaves the database to the live traffic. */
  pauseMs?: number;
  /**
   * Share of the time the purge keeps the database busy, at most (default 0.5): after a batch that
   * took t ms it pauses t × (1 − busyShare) / busyShare ms if that is longer than `pauseMs`. A
   * database slowed by the live traffic (or by the purge's own WAL) so gets longer pauses. 1: only
   * `pauseMs`.
   */
  busyShare?: number;
  /**
   * A table the purge deleted this many rows from since its last VACUUM is vacuumed (plain
   * `VACUUM (ANALYZE)`, throttled like autovacuum) before the purge goes on, and at the end of the
   * run: the space of the purged rows is reused by the next inserts instead of growing the files
   * (default 50 000; `false`: leave it to autovacuum).
   */
  vacuumAfterRows?: number | false;
  /**
   * The purge's VACUUMs sleep this long per 200 units of I/O cost (Postgres' vacuum_cost_delay;
   * default 10, a fifth of autovacuum's pace: they leave the disk and the WAL to the live commits;
   * 0: unthrottled).
   */
  vacuumCostDelayMs?: number;
}

export type RetentionPeriodKey = Exclude<
  keyof SmppRetentionOptions,
  'everyMs' | 'batchSize' | 'pauseMs' | 'busyShare' | 'vacuumAfterRows' | 'vacuumCostDelayMs'
>;

/** Every period in ms (null: kept for ever), and the run's pacing. */
export interface ResolvedRetention {
  periodsMs: Record<RetentionPeriodKey, number | null>;
  everyMs: number;
  batchSize: number;
  pauseMs: number;
  busyShare: number;
  /** null: the purge never vacuums. */
  vacuumAfterRows: number | null;
  vacuumCostDelayMs: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Documented defaults (README, docs/operations.md). */
export const RETENTION_DEFAULTS = {
  finishedMessagesDays: 30,
  unknownMessagesDays: 30,
  submittedMessagesDays: 30,
  dispatchedEventsHours: 24,
  deadLetteredEventsDays: 30,
  unmatchedReceiptsDays: 7,
  incompleteFragmentsHours: 24,
  inboundMessagesDays: 30,
  quarantinedPdusDays: 30,
  expiredLeasesHours: 1,
  everyMs: 600_000,
  batchSize: 1_000,
  pauseMs: 20,
  busyShare: 0.5,
  vacuumAfterRows: 50_000,
  vacuumCostDelayMs: 10,
} as const satisfies Required<SmppRetentionOptions>;

const UNIT_MS: Record<RetentionPeriodKey, number> = {
  finishedMessagesDays: DAY_MS,
  unknownMessagesDays: DAY_MS,
  submittedMessagesDays: DAY_MS,
  dispatchedEventsHours: HOUR_MS,
  deadLetteredEventsDays: DAY_MS,
  unmatchedReceiptsDays: DAY_MS,
  incompleteFragmentsHours: HOUR_MS,
  inboundMessagesDays: DAY_MS,
  quarantinedPdusDays: DAY_MS,
  expiredLeasesHours: HOUR_MS,
};

const MAX_BATCH = 50_000;
/** Below this a VACUUM per few batches would cost more than the space it gives back. */
const MIN_VACUUM_AFTER = 1_000;
const MAX_VACUUM_AFTER = 100_000_000;

/** Applies the defaults; adds one issue per bad field. `false` turns retention off. */
export function resolveRetention(
  input: SmppRetentionOptions | false | undefined,
  issues: string[],
): ResolvedRetention | false {
  if (input === false) return false;
  if (input !== undefined && (typeof input !== 'object' || input === null)) {
    issues.push(
      `retention: expected false (keep everything) or an object such as { finishedMessagesDays: 30 }, got ${show(input)}`,
    );
    return false;
  }
  const o = input ?? {};
  const known = new Set(Object.keys(RETENTION_DEFAULTS));
  for (const key of Object.keys(o)) {
    if (!known.has(key))
      issues.push(`retention.${key}: unknown option; known are ${[...known].join(', ')}`);
  }
  const periodsMs = {} as Record<RetentionPeriodKey, number | null>;
  for (const key of Object.keys(UNIT_MS) as RetentionPeriodKey[]) {
    const value = o[key] ?? RETENTION_DEFAULTS[key];
    if (value === false) {
      periodsMs[key] = null;
    } else if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
      periodsMs[key] = Math.round(value * UNIT_MS[key]);
    } else {
      issues.push(
        `retention.${key}: expected a number above 0 (or false to keep these rows), got ${show(o[key])}`,
      );
      periodsMs[key] = null;
    }
  }
  const inRange = (
    key: 'everyMs' | 'batchSize' | 'pauseMs' | 'busyShare' | 'vacuumCostDelayMs',
    min: number,
    max: number,
    { whole = true, meaning = '' } = {},
  ): number => {
    const value = o[key] ?? RETENTION_DEFAULTS[key];
    const fits = whole ? Number.isInteger(value) : Number.isFinite(value);
    if (typeof value !== 'number' || !fits || value < min || value > max) {
      issues.push(
        `retention.${key}: expected a ${whole ? 'whole number' : 'number'} from ${min} to ${max}${meaning}, got ${show(o[key])}`,
      );
      return RETENTION_DEFAULTS[key];
    }
    return value;
  };
  const everyMs = inRange('everyMs', 1_000, 7 * DAY_MS);
  const batchSize = inRange('batchSize', 1, MAX_BATCH);
  const pauseMs = inRange('pauseMs', 0, 60_000);
  // Postgres' own range for vacuum_cost_delay.
  const vacuumCostDelayMs = inRange('vacuumCostDelayMs', 0, 100);
  const busyShare = inRange('busyShare', 0.05, 1, {
    whole: false,
    meaning: ' (the share of time the purge may keep the database busy)',
  });
  const vacuum = o.vacuumAfterRows ?? RETENTION_DEFAULTS.vacuumAfterRows;
  let vacuumAfterRows: number | null = null;
  if (vacuum !== false) {
    if (Number.isInteger(vacuum) && vacuum >= MIN_VACUUM_AFTER && vacuum <= MAX_VACUUM_AFTER) {
      vacuumAfterRows = vacuum;
    } else {
      issues.push(
        `retention.vacuumAfterRows: expected a whole number from ${MIN_VACUUM_AFTER} to ${MAX_VACUUM_AFTER} (or false to leave vacuuming to autovacuum), got ${show(o.vacuumAfterRows)}`,
      );
      vacuumAfterRows = RETENTION_DEFAULTS.vacuumAfterRows;
    }
  }
  return { periodsMs, everyMs, batchSize, pauseMs, busyShare, vacuumAfterRows, vacuumCostDelayMs };
}

/** The pause after a batch that took `batchMs` (see SmppRetentionOptions.busyShare). */
export function pauseAfterBatch(
  batchMs: number,
  options: Pick<ResolvedRetention, 'pauseMs' | 'busyShare'>,
): number {
  const share = Math.round((Math.max(0, batchMs) * (1 - options.busyShare)) / options.busyShare);
  return Math.max(options.pauseMs, share);
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined)
    return String(v);
  return JSON.stringify(v) ?? String(v);
}
