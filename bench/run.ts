// `npm run bench`: the five measurements of docs/reliability.md, on loopback against the simulator
// (in a child process) and Postgres (DATABASE_URL, else an embedded one). Prints a table, and as
// its last line one JSON object. Never part of `npm test`.
//
// Environment: DATABASE_URL (else embedded Postgres), BENCH_N (messages for raw and pipeline,
// default 20000), BENCH_PACED_S (default 30), BENCH_LATENCY_S (seconds of the send() latency
// loop, default 10), BENCH_PHASES (comma list of raw, pipeline, paced, latency, memory, history,
// priority; default all), BENCH_PRIORITY_BULK (bulk messages queued before the OTPs of the
// priority phase, default 50000), BENCH_CPU_PROF (a folder: CPU profile of the pipeline phase),
// BENCH_DEBUG, BENCH_SQL (query timings of the pipeline phase), BENCH_HISTORY (finished
// messages of the history phase, default 2000000; more for bigger runs), BENCH_HISTORY_OLD (share
// of the history past retention, purged under load; default 0.125).
import { cpus } from 'node:os';
import { BenchServer } from './database.js';
import { sendLatency } from './latency.js';
import { queuedMemory } from './memory.js';
import { pacedRate } from './paced.js';
import { pipelineRates } from './pipeline.js';
import { rawSubmitRate } from './raw.js';
import { SimProcess } from './sim-control.js';
import { historyPhase } from './history.js';
import { priorityPhase } from './priority.js';
import { topWaits } from './wait-sampler.js';
import { benchText } from './texts.js';

const N = Number(process.env.BENCH_N ?? 20_000);
const PACED_S = Number(process.env.BENCH_PACED_S ?? 30);
const LATENCY_S = Number(process.env.BENCH_LATENCY_S ?? 10);
const PHASES = new Set(
  (process.env.BENCH_PHASES ?? 'raw,pipeline,paced,latency,memory,history,priority').split(','),
);
const PRIORITY_BULK = Number(process.env.BENCH_PRIORITY_BULK ?? 50_000);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 2_000_000);
const HISTORY_OLD = Number(process.env.BENCH_HISTORY_OLD ?? 0.125);

interface Summary {
  raw_submit_per_s: number | null;
  pipeline_submit_per_s: number | null;
  pipeline_receipt_per_s: number | null;
  ratio: number | null;
  paced_per_s: number | null;
  paced_target_per_s: number | null;
  throttled: number | null;
  send_p50_ms: number | null;
  send_p99_ms: number | null;
  rss_mb_10k: number | null;
  rss_mb_100k: number | null;
  history_rows: number | null;
  pipeline_submit_per_s_history: number | null;
  history_ratio: number | null;
  send_p99_ms_during_purge: number | null;
  purge_rows_per_s: number | null;
  db_mb_before_purge: number | null;
  db_mb_after_refill: number | null;
  send_p99_ms_before_purge: number | null;
  otp_wait_p50_ms: number | null;
  otp_wait_p99_ms: number | null;
  bulk_share_while_otp: number | null;
  priority_throttled: number | null;
  rss_mb_start: number | null;
  rss_mb_end: number | null;
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const started = Date.now();
  const server = await BenchServer.start();
  const s: Summary = {
    raw_submit_per_s: null,
    pipeline_submit_per_s: null,
    pipeline_receipt_per_s: null,
    ratio: null,
    paced_per_s: null,
    paced_target_per_s: null,
    throttled: null,
    send_p50_ms: null,
    send_p99_ms: null,
    rss_mb_10k: null,
    rss_mb_100k: null,
    history_rows: null,
    pipeline_submit_per_s_history: null,
    history_ratio: null,
    send_p99_ms_during_purge: null,
    purge_rows_per_s: null,
    db_mb_before_purge: null,
    db_mb_after_refill: null,
    send_p99_ms_before_purge: null,
    otp_wait_p50_ms: null,
    otp_wait_p99_ms: null,
    bulk_share_while_otp: null,
    priority_throttled: null,
    rss_mb_start: null,
    rss_mb_end: null,
  };
  const rows: Array<[string, string, string]> = [];
  let rawWithReceipts: number | undefined;
  log(
    `nestjs-smpp bench: ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}, node ${process.version}, Postgres: ${server.source}, N = ${N}`,
  );
  log(`Postgres settings: ${await server.settings()}`);
  try {
    if (PHASES.has('raw')) {
      // The ceiling: bare smpp@0.5.1, 1 bind, window 10, pre-encoded bytes, no receipts, nothing stored.
      const sim = await SimProcess.start({
        submitsPerSecondPerBind: 0,
        receipts: { enabled: false },
      });
      try {
        await rawSubmitRate(sim.port, 2_000, 10, (i) => benchText('rawwarm', i));
        const runs: number[] = [];
        const cpu0 = process.cpuUsage();
        const sim0 = (await sim.elu()).cpu;
        for (let k = 0; k < 3; k++)
          runs.push(await rawSubmitRate(sim.port, N, 10, (i) => benchText(`raw${k}`, i)));
        const cpu = process.cpuUsage(cpu0);
        const simCpu = (await sim.elu()).cpu;
        const perMessage = (user: number, system: number) => Math.round((user + system) / (3 * N));
        runs.sort((a, b) => a - b);
        s.raw_submit_per_s = round(runs[1], 0);
        rows.push([
          'raw smpp@0.5.1 (1 bind, window 10)',
          `${s.raw_submit_per_s} submit/s`,
          `median of 3 x ${N}: ${runs.map((r) => r.toFixed(0)).join(', ')}; CPU per message: client ${perMessage(cpu.user, cpu.system)} µs, simulator ${perMessage(simCpu.user - sim0.user, simCpu.system - sim0.system)} µs`,
        ]);
      } finally {
        await sim.stop();
      }
      // The same SMPP traffic as the pipeline (a receipt per submit, acknowledged), nothing stored:
      // shown for comparison, not in the JSON.
      const withReceipts = await SimProcess.start({
        submitsPerSecondPerBind: 0,
        receipts: { delayMs: 20 },
      });
      try {
        await rawSubmitRate(withReceipts.port, 2_000, 10, (i) => benchText('rawrwarm', i), true);
        rawWithReceipts = await rawSubmitRate(
          withReceipts.port,
          N,
          10,
          (i) => benchText('rawr', i),
          true,
        );
        rows.push([
          'raw, with a receipt per submit (acknowledged)',
          `${Math.round(rawWithReceipts)} submit/s`,
          "the pipeline's SMPP traffic without persistence (not in the JSON)",
        ]);
      } finally {
        await withReceipts.stop();
      }
    }
    if (PHASES.has('pipeline')) {
      const p = await pipelineRates(server, N, 500);
      s.pipeline_submit_per_s = round(p.submitPerS, 0);
      s.pipeline_receipt_per_s = round(p.receiptPerS, 0);
      if (s.raw_submit_per_s) s.ratio = round(p.submitPerS / s.raw_submit_per_s, 3);
      const vsReceipts = rawWithReceipts
        ? `; ${round(p.submitPerS / rawWithReceipts, 3)} of raw with receipts`
        : '';
      const states = Object.entries(p.statuses)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      rows.push([
        'pipeline send() (1 bind, window 10, persisted)',
        `${s.pipeline_submit_per_s} submit/s`,
        `ratio ${s.ratio ?? '-'}${vsReceipts}; ${states}; duplicates ${p.duplicates}`,
      ]);
      const c = p.cpuUsPerMessage;
      rows.push([
        'pipeline, receipts matched',
        `${s.pipeline_receipt_per_s} receipt/s`,
        `CPU per message: app ${c.app} µs, simulator ${c.sim} µs, Postgres ${c.postgres} µs`,
      ]);
    }
    if (PHASES.has('paced')) {
      const p = await pacedRate(server, PACED_S);
      s.paced_per_s = round(p.perS, 1);
      s.paced_target_per_s = p.targetPerS;
      s.throttled = p.throttled;
      rows.push([
        'paced (4 binds x 50/s, demand 250/s)',
        `${s.paced_per_s} submit/s`,
        `target ${p.targetPerS}; ESME_RTHROTTLED ${p.throttled} in ${p.seconds + 2} s`,
      ]);
    }
    if (PHASES.has('latency')) {
      const l = await sendLatency(server, 200, LATENCY_S);
      s.send_p50_ms = round(l.p50, 2);
      s.send_p99_ms = round(l.p99, 2);
      rows.push([
        'send() latency at 200/s (durably queued)',
        `p50 ${s.send_p50_ms} ms, p99 ${s.send_p99_ms} ms`,
        `max ${round(l.max, 1)} ms over ${l.count} sends`,
      ]);
    }
    if (PHASES.has('memory')) {
      const m = await queuedMemory(server);
      s.rss_mb_10k = round(m.rss10k, 1);
      s.rss_mb_100k = round(m.rss100k, 1);
      rows.push([
        'RSS with 10k / 100k queued (binds refused)',
        `${s.rss_mb_10k} MB / ${s.rss_mb_100k} MB`,
        `heap ${round(m.heap10k)} / ${round(m.heap100k)} MB; ${m.queued} of ${m.total} parts queued`,
      ]);
    }
    if (PHASES.has('history')) {
      const h = await historyPhase(server, HISTORY, HISTORY_OLD, N, log);
      s.history_rows = h.counts.messages;
      s.pipeline_submit_per_s_history = round(h.pipelineSubmitPerS, 0);
      if (s.pipeline_submit_per_s)
        s.history_ratio = round(h.pipelineSubmitPerS / s.pipeline_submit_per_s, 3);
      const pu = h.purge;
      s.send_p99_ms_during_purge = round(pu.sendP99Ms, 2);
      s.purge_rows_per_s = round(pu.rowsPerS, 0);
      s.db_mb_before_purge = round(pu.dbMbBeforePurge, 0);
      s.db_mb_after_refill = round(pu.dbMbAfterRefill, 0);
      s.send_p99_ms_before_purge = round(pu.sendP99MsBeforePurge, 2);
      const c = h.counts;
      rows.push([
        `history: ${c.messages} finished messages`,
        `generated in ${round(h.generateSeconds, 0)} s`,
        `${c.parts} parts, ${c.receipts} receipts, ${c.events} events; MB per million messages: ${Object.entries(
          h.mbPerMillion,
        )
          .map(([t, mb]) => `${t} ${mb}`)
          .join(', ')}`,
      ]);
      rows.push([
        'pipeline send() on the history',
        `${s.pipeline_submit_per_s_history} submit/s`,
        `${round(h.pipelineReceiptPerS, 0)} receipt/s; ratio to the empty database ${s.history_ratio ?? '-'}`,
      ]);
      rows.push([
        'purge under load (send() at 200/s)',
        `${s.purge_rows_per_s} rows/s`,
        `${pu.rows} rows in ${round(pu.seconds, 0)} s (${Object.entries(pu.perTable)
          .map(([t, n]) => `${t} ${n}`)
          .join(
            ', ',
          )}); send() p50 ${round(pu.sendP50Ms, 2)} ms, p99 ${s.send_p99_ms_during_purge} ms, max ${round(pu.sendMaxMs, 1)} ms over ${pu.sends} sends; p99 just before the purge ${s.send_p99_ms_before_purge} ms`,
      ]);
      const watch = (w: typeof pu.processBefore) =>
        `event loop delay p99 ${w.loopP99Ms} ms (5 ms of it the sampling timer), pool busy at most ${w.poolBusyMax}, waiting for a connection in ${round(w.poolWaitShare * 100, 1)} % of 10 ms samples`;
      rows.push([
        'the app during the purge',
        `${pu.processDuring.loopP99Ms} ms loop p99`,
        `during: ${watch(pu.processDuring)}; before: ${watch(pu.processBefore)}`,
      ]);
      rows.push([
        'waits during the purge',
        `${pu.waits.samples} samples`,
        `live sessions: ${topWaits(pu.waits.others) || 'none active'}; the purge: ${topWaits(pu.waits.purge)}; blocked by the purge ${pu.waits.blockedByPurge}; VACUUMs ${
          topWaits(pu.vacuums, Infinity) || 'none'
        }; left to another VACUUM ${
          topWaits(pu.vacuumedElsewhere, Infinity) || 'none'
        }; autovacuum workers: ${topWaits(pu.waits.autovacuum) || 'none seen'}`,
      ]);
      rows.push([
        'database size: before purge / after purge / after refill',
        `${s.db_mb_before_purge} / ${round(pu.dbMbAfterPurge, 0)} / ${s.db_mb_after_refill} MB`,
        `refilled ${pu.refilledMessages} messages; growth ${round(((pu.dbMbAfterRefill - pu.dbMbBeforePurge) / pu.dbMbBeforePurge) * 100, 1)} %`,
      ]);
    }
    if (PHASES.has('priority')) {
      const p = await priorityPhase(server, PRIORITY_BULK, 200, log);
      s.otp_wait_p50_ms = round(p.otpP50, 1);
      s.otp_wait_p99_ms = round(p.otpP99, 1);
      s.bulk_share_while_otp = round(p.bulkShare, 3);
      s.priority_throttled = p.throttled;
      // `throttled` counts every paced phase: it must stay 0.
      s.throttled = (s.throttled ?? 0) + p.throttled;
      s.rss_mb_start = round(p.rssStartMb, 1);
      s.rss_mb_end = round(p.rssEndMb, 1);
      rows.push([
        `priority: ${p.otps} OTPs (1 per 100 ms) over ${p.bulk} bulk (4 binds x 50/s)`,
        `p50 ${s.otp_wait_p50_ms} ms, p99 ${s.otp_wait_p99_ms} ms`,
        `send() -> submit_sm_resp, max ${round(p.otpMax, 0)} ms (target p99 <= 1000); waitFor 'submitted' resolved p50 ${round(p.confirmedP50, 0)} ms, p99 ${round(p.confirmedP99, 0)} ms; bulk share ${s.bulk_share_while_otp}, ${p.bulkLeft} bulk still queued; ESME_RTHROTTLED ${p.throttled}`,
      ]);
      rows.push([
        'priority: app RSS start / end',
        `${s.rss_mb_start} MB / ${s.rss_mb_end} MB`,
        `heap after GC ${round(p.heapStartMb)} / ${round(p.heapEndMb)} MB; bulk queued in ${round(p.queueSeconds, 0)} s; RSS every 5 s: ${p.rssSeries.map((r) => Math.round(r)).join(' ')}`,
      ]);
    }
  } finally {
    await server.close();
  }
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), 8));
  log('');
  for (const r of rows) log(`${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2]}`);
  log(`(${Math.round((Date.now() - started) / 1000)} s)`);
  log(JSON.stringify(s));
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
