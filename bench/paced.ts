import { runBounded } from './app.js';
import { PACED, startPacedApp } from './paced-app.js';
import type { BenchServer } from './database.js';
import { destination } from './raw.js';
import { SmppTelemetry } from '../src/smpp/telemetry/smpp-telemetry.js';
import { benchText } from './texts.js';

export interface PacedResult {
  perS: number;
  targetPerS: number;
  /** ESME_RTHROTTLED answers the simulator gave during the whole run. */
  throttled: number;
  seconds: number;
}

/**
 * 4 binds against the simulator's real 50/s-per-bind throttle (a sliding one-second window),
 * demand above 200/s (a backlog, then 250/s more) for `seconds`: achieved rate in the steady
 * window, and every ESME_RTHROTTLED.
 */
export async function pacedRate(server: BenchServer, seconds: number): Promise<PacedResult> {
  const { perBind, binds } = PACED;
  const db = await server.createDatabase();
  const { sim, app, stop: stopApp } = await startPacedApp(db.url);
  let libThrottled = 0;
  const throttleTimes: number[] = [];
  const t00 = performance.now();
  app.ctx.get(SmppTelemetry).on('submit', (o) => {
    if (o.result === 'throttled') {
      libThrottled++;
      if (process.env.BENCH_DEBUG) throttleTimes.push(Math.round(performance.now() - t00));
    }
  });
  let stop = false;
  let sent = 0;
  try {
    await app.dataSource.query('ANALYZE');
    await sim.resetStats();
    // A backlog first, then more than the binds can take for the whole run.
    await runBounded(1_000, 200, (i) =>
      app.smpp.send({ to: destination(i), text: benchText('paced', i) }),
    );
    sent = 1_000;
    const demandPerS = 250;
    const started = performance.now();
    const feeding = (async () => {
      while (!stop) {
        const due = Math.floor(((performance.now() - started) / 1000) * demandPerS);
        const batch: Promise<unknown>[] = [];
        while (1_000 + due > sent) {
          const i = sent++;
          batch.push(app.smpp.send({ to: destination(i), text: benchText('paced', i) }));
        }
        await Promise.all(batch);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // Steady state: skip the first 2 s (binding, first burst).
    await new Promise((r) => setTimeout(r, 2_000));
    const a = await sim.stats();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const b = await sim.stats();
    const t1 = performance.now();
    stop = true;
    await feeding;
    const queued = (await app.dataSource.query(
      `SELECT count(*)::int AS n FROM smpp_message_parts WHERE status = 'queued'`,
    )) as Array<{ n: number }>;
    if (process.env.BENCH_DEBUG)
      console.log(
        `paced: backlog still queued ${queued[0].n}, library saw ${libThrottled} throttled at ${throttleTimes.join(',')} ms`,
      );
    return {
      perS: (b.submitsAccepted - a.submitsAccepted) / ((t1 - t0) / 1000),
      targetPerS: perBind * binds,
      throttled: b.throttled,
      seconds,
    };
  } finally {
    stop = true;
    await stopApp();
    await db.drop();
  }
}
