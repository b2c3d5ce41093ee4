import { startPacedApp } from './paced-app.js';
import type { BenchServer } from './database.js';
import { destination } from './raw.js';
import { benchText } from './texts.js';

export interface LatencyResult {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

/**
 * send() at `ratePerS` (open loop: each call starts at its time, whatever the others do) for
 * `seconds`, on the paced set-up (4 binds at 50/s, receipts flowing): how long until each message
 * is durably queued (send() resolved).
 */
export async function sendLatency(
  server: BenchServer,
  ratePerS: number,
  seconds: number,
): Promise<LatencyResult> {
  const db = await server.createDatabase();
  const { app, stop } = await startPacedApp(db.url);
  try {
    await app.dataSource.query('ANALYZE');
    // Warm-up: a second at the same rate, not measured.
    await openLoop(app.smpp.send.bind(app.smpp), ratePerS, 1, 'lat-warm');
    const latencies = await openLoop(app.smpp.send.bind(app.smpp), ratePerS, seconds, 'lat');
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    return {
      p50: at(0.5),
      p99: at(0.99),
      max: latencies[latencies.length - 1],
      count: latencies.length,
    };
  } finally {
    await stop();
    await db.drop();
  }
}

async function openLoop(
  send: (o: { to: string; text: string }) => Promise<unknown>,
  ratePerS: number,
  seconds: number,
  run: string,
): Promise<number[]> {
  const total = Math.round(ratePerS * seconds);
  const interval = 1000 / ratePerS;
  const latencies: number[] = [];
  const pending: Promise<unknown>[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
    const t = performance.now();
    pending.push(
      send({ to: destination(i), text: benchText(run, i) }).then(() =>
        latencies.push(performance.now() - t),
      ),
    );
  }
  await Promise.all(pending);
  return latencies;
}
