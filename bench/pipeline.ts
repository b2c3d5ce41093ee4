import { type BenchApp, createBenchApp, runBounded, sqlTimes } from './app.js';
import { postgresCpuSeconds } from './cpu.js';
import { profiled } from './profiler.js';
import type { BenchServer } from './database.js';
import { destination } from './raw.js';
import { SimProcess } from './sim-control.js';
import { benchText } from './texts.js';

export interface PipelineResult {
  /** CPU per message while measured: this process (the app), the simulator, local Postgres (µs). */
  cpuUsPerMessage: { app: number; sim: number; postgres: number };
  submitPerS: number;
  receiptPerS: number;
  statuses: Record<string, number>;
  duplicates: number;
}

/**
 * N messages through SmppService.send(): 1 bind, window 10, no pacing, receipts on, everything
 * persisted (messages, parts, results, receipts, events' outbox). Rates from the first send() to the
 * last submit stored, and to the last receipt matched.
 */
export async function pipelineRates(
  server: BenchServer,
  total: number,
  concurrency: number,
  options: {
    /** Run on this database (kept afterwards) instead of a new one. */
    database?: { url: string };
    /** Called once the app is up (schema migrated), before the warm-up: e.g. fill in a history. */
    prepare?: (app: BenchApp) => Promise<void>;
  } = {},
): Promise<PipelineResult> {
  const sim = await SimProcess.start({ submitsPerSecondPerBind: 0, receipts: { delayMs: 20 } });
  const created = options.database ? undefined : await server.createDatabase();
  const db = options.database ?? created!;
  const app = await createBenchApp({
    databaseUrl: db.url,
    port: sim.port,
    account: { binds: { transceivers: 1 }, window: 10, submitsPerSecond: Infinity, submitBurst: 1 },
    waitForBindMs: 10_000,
    // Measured on its own (the history phase): no purge during the measurement.
    module: { retention: false },
  });
  try {
    await options.prepare?.(app);
    // Warm-up: JIT, pools, plans.
    const warm = 1_000;
    await runBounded(warm, concurrency, (i) =>
      app.smpp.send({ to: destination(i), text: benchText('warm', i) }),
    );
    await app.waitForCount('smpp.message.delivered', warm, 60_000);
    await sim.clearSubmits();
    // Statistics as on any database older than a minute (autovacuum analyses it): the queries
    // must not depend on the planner seeing an empty or a busy table.
    await app.dataSource.query('ANALYZE');

    const sim0 = (await sim.elu()).cpu;
    const pg0 = postgresCpuSeconds();
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    const sending = runBounded(total, concurrency, (i) =>
      app.smpp.send({ to: destination(i), text: benchText('pipe', i) }),
    ).then(() => {
      if (process.env.BENCH_DEBUG)
        console.log(`all queued after ${(performance.now() - started).toFixed(0)} ms`);
    });
    // Generous on a shared, loaded machine: the rate is measured, the timeout only ends a stuck run.
    const timeoutMs = Math.max(180_000, total * 60);
    const [submittedAt, receivedAt] = await profiled('pipeline', async () => [
      await app.waitForCount('smpp.message.submitted', warm + total, timeoutMs),
      await app.waitForCount('smpp.message.delivered', warm + total, timeoutMs),
    ]);
    await sending;
    const cpu = process.cpuUsage(cpu0);
    const simElu = await sim.elu();
    const pgSeconds = postgresCpuSeconds() - pg0;
    const us = (c: NodeJS.CpuUsage) => c.user + c.system;
    const cpuUsPerMessage = {
      app: Math.round(us(cpu) / total),
      sim: Math.round((us(simElu.cpu) - us(sim0)) / total),
      postgres: Math.round((pgSeconds * 1e6) / total),
    };
    if (process.env.BENCH_DEBUG) {
      console.log(
        [...sqlTimes]
          .sort((a, b) => b[1].ms - a[1].ms)
          .slice(0, 15)
          .map(([k, v]) => `${String(v.ms).padStart(7)} ms ${String(v.n).padStart(6)}x ${k}`)
          .join('\n') +
          '\n' +
          `app ELU ${performance.eventLoopUtilization(elu0).utilization.toFixed(2)} cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms; sim ELU ${simElu.utilization.toFixed(2)}`,
      );
    }
    const statuses = Object.fromEntries(
      (
        (await app.dataSource.query(
          `SELECT status, count(*)::int AS n FROM smpp_messages GROUP BY status`,
        )) as Array<{ status: string; n: number }>
      ).map((r) => [r.status, r.n]),
    );
    return {
      cpuUsPerMessage,
      submitPerS: total / ((submittedAt - started) / 1000),
      receiptPerS: total / ((receivedAt - started) / 1000),
      statuses,
      duplicates: await sim.duplicates(),
    };
  } finally {
    await app.close();
    await sim.stop();
    await created?.drop();
  }
}
