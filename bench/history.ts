import type { BenchApp } from './app.js';
import type { BenchServer } from './database.js';
import { checkpoint } from './checkpoint.js';
import { generateHistory, type HistoryCounts } from './history-data.js';
import { pipelineRates } from './pipeline.js';
import { purgeUnderLoad, type PurgeUnderLoad } from './purge.js';

export interface HistoryResult {
  counts: HistoryCounts;
  generateSeconds: number;
  /** pg_total_relation_size per table (with indexes and TOAST), MB per million history messages. */
  mbPerMillion: Record<string, number>;
  pipelineSubmitPerS: number;
  pipelineReceiptPerS: number;
  purge: PurgeUnderLoad;
}

/** Retention period of the purge; the history is spread so that `oldShare` of it is older. */
const RETENTION_DAYS = 30;

/**
 * The pipeline on a database holding `messages` finished messages (generated in SQL), then a purge
 * of the oldest `oldShare` of them (with their parts, receipts and events) while send() runs at
 * 200/s, then a refill of as many (space reused?).
 */
export async function historyPhase(
  server: BenchServer,
  messages: number,
  oldShare: number,
  pipelineN: number,
  log: (line: string) => void,
): Promise<HistoryResult> {
  const db = await server.createDatabase();
  try {
    let counts: HistoryCounts | undefined;
    let generateSeconds = 0;
    let mbPerMillion: Record<string, number> = {};
    const prepare = async (app: BenchApp) => {
      const started = performance.now();
      counts = await generateHistory(app.dataSource, {
        messages,
        spreadDays: RETENTION_DAYS / (1 - oldShare),
        chunk: 200_000,
        onProgress: (done) =>
          log(
            `  history: ${done} messages generated (${Math.round((performance.now() - started) / 1000)} s)`,
          ),
      });
      generateSeconds = (performance.now() - started) / 1000;
      // As autovacuum would have left a month-old database: visibility map set, statistics current.
      await app.dataSource.query(`VACUUM ANALYZE`);
      // A month-old database's pages are long on disk: the bulk load is not written back during
      // the loops that are measured.
      await checkpoint(app.dataSource, log);
      const sizes = (await app.dataSource.query(
        `SELECT c.relname AS table, pg_total_relation_size(c.oid)::float8 AS bytes
           FROM pg_class c WHERE c.relkind = 'r' AND c.relname LIKE 'smpp\\_%' ORDER BY 1`,
      )) as Array<{ table: string; bytes: number }>;
      mbPerMillion = Object.fromEntries(
        sizes
          .filter((s) => s.bytes > 65_536)
          .map((s) => [s.table, Math.round((s.bytes / 1048576) * (1e6 / messages))]),
      );
    };
    const p = await pipelineRates(server, pipelineN, 500, { database: db, prepare });
    if (!counts) throw new Error('no history was generated');
    const purge = await purgeUnderLoad(db.url, 200, RETENTION_DAYS, log);
    return {
      counts,
      generateSeconds,
      mbPerMillion,
      pipelineSubmitPerS: p.submitPerS,
      pipelineReceiptPerS: p.receiptPerS,
      purge,
    };
  } finally {
    await db.drop();
  }
}
