import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { BenchApp } from './app.js';
import { checkpoint } from './checkpoint.js';
import { startPacedApp } from './paced-app.js';
import { generateHistory } from './history-data.js';
import { destination } from './raw.js';
import { benchText } from './texts.js';
import { sampleWaits, type WaitSamples } from './wait-sampler.js';

/** The loop before the purge: long enough that its p99 is not a handful of sends. */
const BASELINE_S = 30;

export interface PurgeUnderLoad {
  /** Rows deleted, all tables. */
  rows: number;
  perTable: Record<string, number>;
  /** VACUUMs the purge made as it went, per table. */
  vacuums: Record<string, number>;
  /** VACUUMs it left to another VACUUM (autovacuum): one that had cleared them, or held the table. */
  vacuumedElsewhere: Record<string, number>;
  /** What the sessions of the database waited on during the purge (pg_stat_activity samples). */
  waits: WaitSamples;
  seconds: number;
  rowsPerS: number;
  /** send() latency of the sends made while the purge ran (open loop at `ratePerS`). */
  sendP50Ms: number;
  sendP99Ms: number;
  sendMaxMs: number;
  sends: number;
  /** The same open loop just before the purge (BASELINE_S): what the machine gives without it. */
  sendP99MsBeforePurge: number;
  /** The app's process during the loop before the purge and during it. */
  processBefore: ProcessWatch;
  processDuring: ProcessWatch;
  dbMbBeforePurge: number;
  dbMbAfterPurge: number;
  dbMbAfterRefill: number;
  refilledMessages: number;
}

/**
 * On a database holding a history, on the paced set-up (4 binds x 50/s, receipts flowing):
 * SmppService.purge() while send() runs at `ratePerS` (open loop) until the purge is over (the
 * purge vacuums what it deleted from as it goes: option retention.vacuumAfterRows), then a refill
 * with as many new finished messages as were purged. Database sizes before the purge, after it
 * and after the refill show whether the space is reused. Nothing here vacuums: what the figures
 * show is what the module does on its own.
 */
export async function purgeUnderLoad(
  databaseUrl: string,
  ratePerS: number,
  retentionDays: number,
  log: (line: string) => void,
): Promise<PurgeUnderLoad> {
  const { app, stop } = await startPacedApp(databaseUrl, {
    retention: {
      finishedMessagesDays: retentionDays,
      // The history's events are as old as their messages: purge those of the purged messages.
      dispatchedEventsHours: retentionDays * 24,
      // Only on demand here (the periodic run would start a week after startup).
      everyMs: 7 * 24 * 3_600_000,
    },
  });
  const dbMb = async () => {
    const [row] = (await app.dataSource.query(
      `SELECT pg_database_size(current_database())::float8 / 1048576 AS mb`,
    )) as Array<{ mb: number }>;
    return row.mb;
  };
  try {
    const send = (i: number, run: string) =>
      app.smpp.send({ to: destination(i), text: benchText(run, i) });
    // The pipeline phase just wrote at full speed: its pages are not written back during the loops.
    await checkpoint(app.dataSource, log);
    // Warm-up: a second at the rate.
    await openLoop(send, ratePerS, 'purge-warm', () => false, ratePerS);
    let watch = watchProcess(app);
    const baseline = await openLoop(
      send,
      ratePerS,
      'purge-base',
      () => false,
      ratePerS * BASELINE_S,
    );
    const processBefore = watch();
    const [{ n: messagesBefore }] = (await app.dataSource.query(
      `SELECT count(*)::int AS n FROM smpp_messages`,
    )) as Array<{ n: number }>;
    const dbMbBeforePurge = await dbMb();
    let done = false;
    // Every 200 ms: the sampler is a session of the same server, and samples taken more often took
    // a share of the 2 cores the measured send() latency depends on.
    const sampler = await sampleWaits(databaseUrl, 200);
    const purging = app.smpp.purge().finally(() => {
      done = true;
    });
    watch = watchProcess(app);
    const latencies = await openLoop(send, ratePerS, 'purge', () => done);
    const processDuring = watch();
    const result = await purging;
    const waits = await sampler.stop();
    if (!result.ran) throw new Error(`the purge did not run: ${result.skipped}`);
    const rows = Object.values(result.purged).reduce((a, b) => a + b, 0);
    const dbMbAfterPurge = await dbMb();
    // Back to as many messages as before the purge: what was sent during it counts as refilled.
    const [{ n: messagesNow }] = (await app.dataSource.query(
      `SELECT count(*)::int AS n FROM smpp_messages`,
    )) as Array<{ n: number }>;
    const refilledMessages = Math.max(0, messagesBefore - messagesNow);
    await generateHistory(app.dataSource, {
      messages: refilledMessages,
      spreadDays: 1,
      tag: 'refill',
    });
    const dbMbAfterRefill = await dbMb();
    const at = quantiles(latencies);
    return {
      rows,
      perTable: Object.fromEntries(Object.entries(result.purged).filter(([, n]) => n > 0)),
      vacuums: result.vacuums,
      vacuumedElsewhere: result.vacuumedElsewhere,
      waits,
      seconds: result.durationMs / 1000,
      rowsPerS: rows / (result.durationMs / 1000),
      sendP50Ms: at(0.5),
      sendP99Ms: at(0.99),
      sendMaxMs: at(1),
      sendP99MsBeforePurge: quantiles(baseline)(0.99),
      sends: latencies.length,
      processBefore,
      processDuring,
      dbMbBeforePurge,
      dbMbAfterPurge,
      dbMbAfterRefill,
      refilledMessages,
    };
  } finally {
    await stop();
  }
}

export interface ProcessWatch {
  /** Event loop delay, p99 (ms). */
  loopP99Ms: number;
  /** Share of 10 ms samples in which a query waited for a free pool connection. */
  poolWaitShare: number;
  /** Most pool connections in use at once. */
  poolBusyMax: number;
}

/** Watches the app's event loop and connection pool until the returned function is called. */
function watchProcess(app: BenchApp): () => ProcessWatch {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const pool = (
    app.dataSource.driver as unknown as {
      master: { waitingCount: number; totalCount: number; idleCount: number };
    }
  ).master;
  let samples = 0;
  let waiting = 0;
  let busyMax = 0;
  const timer = setInterval(() => {
    samples++;
    if (pool.waitingCount > 0) waiting++;
    busyMax = Math.max(busyMax, pool.totalCount - pool.idleCount);
  }, 10);
  return () => {
    clearInterval(timer);
    delay.disable();
    return {
      loopP99Ms: Math.round(delay.percentile(99) / 1e5) / 10,
      poolWaitShare: Math.round((waiting / Math.max(1, samples)) * 1000) / 1000,
      poolBusyMax: busyMax,
    };
  };
}

function quantiles(values: number[]): (q: number) => number {
  const sorted = [...values].sort((a, b) => a - b);
  return (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** send() at `ratePerS`, each call at its time whatever the others do, until `stop()` (or `max` calls). */
async function openLoop(
  send: (i: number, run: string) => Promise<unknown>,
  ratePerS: number,
  run: string,
  stop: () => boolean,
  max = Infinity,
): Promise<number[]> {
  const interval = 1000 / ratePerS;
  const latencies: number[] = [];
  const pending: Promise<unknown>[] = [];
  const started = performance.now();
  for (let i = 0; i < max && !stop(); i++) {
    const wait = started + i * interval - performance.now();
    if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
    const t = performance.now();
    pending.push(send(i, run).then(() => latencies.push(performance.now() - t)));
  }
  await Promise.all(pending);
  return latencies;
}
