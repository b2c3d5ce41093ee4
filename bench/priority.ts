import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { runBounded } from './app.js';
import { startPacedApp } from './paced-app.js';
import type { BenchServer } from './database.js';
import { destination } from './raw.js';
import { benchText } from './texts.js';

export interface PriorityResult {
  otpP50: number;
  otpP99: number;
  otpMax: number;
  otps: number;
  /** send({ waitFor: 'submitted' }) resolving: the response stored and read back. */
  confirmedP50: number;
  confirmedP99: number;
  /** Bulk parts' share of the submits the simulator accepted while the OTPs flowed. */
  bulkShare: number;
  /** ESME_RTHROTTLED answers of the simulator over the whole phase. */
  throttled: number;
  bulk: number;
  queueSeconds: number;
  /** Bulk parts still queued when the last OTP was submitted (the backlog the OTPs overtook). */
  bulkLeft: number;
  rssStartMb: number;
  rssEndMb: number;
  /** Heap used after a full GC: what stays reachable (a leak shows here, not in RSS). */
  heapStartMb: number;
  heapEndMb: number;
  /** RSS every 5 s (MB), from the app's start to the end of the phase. */
  rssSeries: number[];
}

const MB = 1024 * 1024;

/** A full garbage collection, without starting node with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * The paced set-up (4 binds x 50/s against the simulator's throttle, receipts flowing): `bulk`
 * messages of priority `bulk` are queued, then `otps` messages of priority `high`, one every
 * 100 ms. An OTP's wait is send() until the simulator accepted its submit_sm (and answered it);
 * also reported: until send({ waitFor: 'submitted' }) resolved (the response stored, read back).
 * The app runs in this process: RSS is sampled here.
 */
export async function priorityPhase(
  server: BenchServer,
  bulk: number,
  otps: number,
  log: (line: string) => void,
): Promise<PriorityResult> {
  const db = await server.createDatabase();
  const { sim, app, stop } = await startPacedApp(db.url);
  const rssSeries: number[] = [];
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rssSeries.push(m.rss / MB);
    if (process.env.BENCH_DEBUG)
      log(`priority: rss ${Math.round(m.rss / MB)} MB, heap ${Math.round(m.heapUsed / MB)} MB`);
  }, 5_000);
  try {
    await app.dataSource.query('ANALYZE');
    await sim.resetStats();
    collectGarbage();
    const start = process.memoryUsage();
    rssSeries.push(start.rss / MB);

    const q0 = performance.now();
    await runBounded(bulk, 200, (i) =>
      app.smpp.send({ to: destination(i), text: benchText('bulk', i), priority: 'bulk' }),
    );
    const queueSeconds = (performance.now() - q0) / 1000;
    log(`priority: ${bulk} bulk messages queued in ${queueSeconds.toFixed(1)} s`);

    const a = await sim.stats();
    const confirmed: number[] = [];
    const sentAt = new Map<string, number>();
    const pending: Promise<unknown>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < otps; i++) {
      const wait = t0 + i * 100 - performance.now();
      if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
      const text = benchText('otp', i);
      sentAt.set(text, Date.now());
      const t = performance.now();
      pending.push(
        app.smpp
          .send({
            to: destination(5_000_000 + i),
            text,
            priority: 'high',
            waitFor: 'submitted',
            waitTimeoutMs: 120_000,
          })
          .then(() => confirmed.push(performance.now() - t)),
      );
    }
    await Promise.all(pending);
    const b = await sim.stats();
    // send() -> the simulator accepted it (it answers at once: submit_sm_resp), one clock (Date).
    const waits = (await sim.submitTimes('[otp-')).map(([text, at]) => at - sentAt.get(text)!);
    const [left] = (await app.dataSource.query(
      `SELECT count(*)::int AS n FROM smpp_message_parts WHERE status = 'queued'`,
    )) as Array<{ n: number }>;
    const rssEnd = process.memoryUsage().rss;
    collectGarbage();
    const end = process.memoryUsage();
    rssSeries.push(rssEnd / MB);

    waits.sort((x, y) => x - y);
    confirmed.sort((x, y) => x - y);
    const at = (q: number, of = waits) => of[Math.min(of.length - 1, Math.floor(q * of.length))];
    const accepted = b.submitsAccepted - a.submitsAccepted;
    return {
      otpP50: at(0.5),
      otpP99: at(0.99),
      otpMax: waits[waits.length - 1],
      otps: waits.length,
      confirmedP50: at(0.5, confirmed),
      confirmedP99: at(0.99, confirmed),
      bulkShare: accepted > 0 ? Math.max(0, accepted - otps) / accepted : 0,
      throttled: b.throttled,
      bulk,
      queueSeconds,
      bulkLeft: left.n,
      rssStartMb: start.rss / MB,
      rssEndMb: rssEnd / MB,
      heapStartMb: start.heapUsed / MB,
      heapEndMb: end.heapUsed / MB,
      rssSeries,
    };
  } finally {
    clearInterval(sampler);
    await stop();
    await db.drop();
  }
}
