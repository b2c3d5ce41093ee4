/**
 * Shared by the fault scenarios: a real Nest app (TypeORM on its own Postgres database,
 * EventEmitter, SmppModule) bound to the simulator, with its log lines captured; uniquely marked
 * messages; and the check of every message against what the simulator accepted.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import type { SmscSimulator, SubmitRecord } from '../../src/simulator/index.js';
import type {
  SmppAccountOptions,
  SmppModuleOptions,
} from '../../src/smpp/config/smpp-options.interface.js';
import type { SmppService } from '../../src/smpp/smpp.service.js';
import type { TestDatabase } from '../support/database.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { createSmppTestApp, type RecordedEvent, testAccount } from '../support/smpp-app.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type EventRecord = RecordedEvent;

export interface FaultApp {
  app: INestApplication;
  smpp: SmppService;
  db: TestDatabase;
  logs: RecordingLogger;
  events: EventRecord[];
  close(): Promise<void>;
}

export interface FaultAppOptions {
  simulator: SmscSimulator;
  account?: Partial<SmppAccountOptions>;
  module?: Partial<SmppModuleOptions>;
  /** Reuse a database; default: a fresh one (dropped by close()). */
  db?: TestDatabase;
  /** Connect TypeORM here instead of db.url (e.g. through a TCP proxy). */
  databaseUrl?: string;
  /** TypeORM pool size (default 10). */
  poolSize?: number;
}

/** The tests' account with the fault suite's sender (see testAccount). */
export function faultAccount(
  sim: SmscSimulator,
  overrides: Partial<SmppAccountOptions> = {},
): SmppAccountOptions {
  return testAccount(sim, { defaultSender: 'FaultTest', ...overrides });
}

/** The test app of test/support/smpp-app.ts, with its log lines captured; binds counted in-process unless the scenario says otherwise. */
export async function createFaultApp(options: FaultAppOptions): Promise<FaultApp> {
  const logs = new RecordingLogger();
  const t = await createSmppTestApp({
    simulator: options.simulator,
    account: { defaultSender: 'FaultTest', ...options.account },
    module: { bindAllocator: 'in-process', ...options.module },
    db: options.db,
    databaseUrl: options.databaseUrl,
    poolSize: options.poolSize,
    logger: logs,
  });
  return { ...t, logs };
}

export interface MarkedMessage {
  i: number;
  to: string;
  text: string;
  clientRef: string;
}

/**
 * `n` messages, each with a unique marker in every part ("[scenario-i]"), a distinct destination,
 * and a clientRef; every 10th is long enough for two parts (UDH), every 25th is UCS2.
 */
export function markedMessages(scenario: string, n: number): MarkedMessage[] {
  return Array.from({ length: n }, (_, i) => {
    const marker = `[${scenario}-${i}]`;
    let text = `Code ${String(i).padStart(6, '0')} ${marker}`;
    if (i % 10 === 9)
      text = Array.from({ length: 12 }, () => marker)
        .join(' ')
        .padEnd(200, '.');
    if (i % 25 === 24) text = `Код ${marker} ✓`;
    return { i, to: `+6590${String(i).padStart(6, '0')}`, text, clientRef: `${scenario}-${i}` };
  });
}

/** Calls `fn` for each item with at most `concurrency` pending. */
export async function forEachBounded<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * Sends the messages at about `perSecond` (open loop), resolves with their ids by index. Runs in
 * the background: a test that fails before awaiting it does not leave an unhandled rejection.
 */
export function sendPaced(
  smpp: SmppService,
  messages: readonly MarkedMessage[],
  perSecond: number,
  onSent?: (m: MarkedMessage, id: string) => void,
): Promise<string[]> {
  const running = sendPacedNow(smpp, messages, perSecond, onSent);
  running.catch(() => undefined);
  return running;
}

async function sendPacedNow(
  smpp: SmppService,
  messages: readonly MarkedMessage[],
  perSecond: number,
  onSent?: (m: MarkedMessage, id: string) => void,
): Promise<string[]> {
  const ids: string[] = new Array<string>(messages.length);
  const started = Date.now();
  const pending: Promise<void>[] = [];
  for (const m of messages) {
    const due = started + (m.i - messages[0].i) * (1000 / perSecond);
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      smpp.send({ to: m.to, text: m.text, clientRef: m.clientRef }).then((sent) => {
        ids[m.i - messages[0].i] = sent.id;
        onSent?.(m, sent.id);
      }),
    );
  }
  await Promise.all(pending);
  return ids;
}

export interface PartRow {
  message_id: string;
  client_ref: string | null;
  message_status: string;
  seq: number;
  status: string;
  destination: string;
  body: Buffer;
  udh: Buffer | null;
  message_payload: Buffer | null;
  smsc_message_id: string | null;
}

export interface Verdict {
  messages: number;
  parts: number;
  byStatus: Record<string, number>;
  /** Messages stuck in queued/submitting, or claimed as accepted while the SMSC never got a part. */
  lost: number;
  /** Messages with a part the SMSC accepted more than once. */
  duplicated: number;
  unknown: number;
  /**
   * Parts that were `unknown` (no submit_sm_resp stored) and were resolved from a receipt that
   * matched no SMSC id, by destination, text and submit date (store/unknown-resolver.ts).
   */
  resolvedUnknown: number;
  problems: string[];
}

function contentKey(destination: string, content: Buffer): string {
  return `${destination}\u0000${content.toString('hex')}`;
}

/** Accepted submits per (destination, exact bytes incl. UDH), over one or more simulators' records. */
export function acceptedCounts(records: Iterable<SubmitRecord>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) {
    const key = contentKey(r.destinationAddr, r.messagePayload ?? r.shortMessage);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const ACCEPTED_STATES = new Set(['submitted', 'delivered', 'undeliverable', 'expired', 'rejected']);

/**
 * Every message of the database against what the simulator accepted: final state or `unknown`,
 * never queued/submitting; a part the store calls accepted was accepted exactly once; no part
 * was accepted twice.
 */
export async function checkEveryMessage(
  db: TestDatabase,
  records: Iterable<SubmitRecord>,
): Promise<Verdict> {
  const rows = (await db.dataSource.query(
    `SELECT p.message_id, m.client_ref, m.status AS message_status, p.seq, p.status, m.destination,
            p.body, p.udh, p.message_payload, p.smsc_message_id
       FROM smpp_message_parts p JOIN smpp_messages m ON m.id = p.message_id
      ORDER BY p.message_id, p.seq`,
  )) as PartRow[];
  const counts = acceptedCounts(records);
  const byStatus: Record<string, number> = {};
  const lost = new Set<string>();
  const duplicated = new Set<string>();
  const unknown = new Set<string>();
  const messages = new Set<string>();
  const problems: string[] = [];
  const seenStatus = new Set<string>();
  for (const p of rows) {
    if (!messages.has(p.message_id)) {
      messages.add(p.message_id);
      byStatus[p.message_status] = (byStatus[p.message_status] ?? 0) + 1;
      if (p.message_status === 'unknown') unknown.add(p.message_id);
    }
    const content = p.message_payload ?? (p.udh ? Buffer.concat([p.udh, p.body]) : p.body);
    const n = counts.get(contentKey(p.destination, content)) ?? 0;
    const where = `message ${p.client_ref ?? p.message_id} part ${p.seq} (${p.status})`;
    if (n > 1) {
      duplicated.add(p.message_id);
      problems.push(`${where}: accepted ${n} times`);
    }
    if (p.status === 'queued' || p.status === 'submitting') {
      lost.add(p.message_id);
      if (!seenStatus.has(p.status)) problems.push(`${where}: still ${p.status}`);
      seenStatus.add(p.status);
    } else if (ACCEPTED_STATES.has(p.status) && n === 0) {
      lost.add(p.message_id);
      problems.push(`${where}: stored as accepted but the SMSC never accepted it`);
    }
  }
  const [{ n: resolvedUnknown }] = (await db.dataSource.query(
    `SELECT count(*)::int AS n FROM smpp_message_parts WHERE unknown_resolved_at IS NOT NULL`,
  )) as Array<{ n: number }>;
  return {
    messages: messages.size,
    parts: rows.length,
    byStatus,
    lost: lost.size,
    duplicated: duplicated.size,
    unknown: unknown.size,
    resolvedUnknown,
    problems: problems.slice(0, 20),
  };
}

/** Polls until every part left queued/submitting (or throws after timeoutMs). */
export async function waitUntilSettled(db: TestDatabase, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const [row] = (await db.dataSource.query(
        `SELECT count(*)::int AS n FROM smpp_message_parts WHERE status IN ('queued', 'submitting')`,
      )) as Array<{ n: number }>;
      return row.n === 0;
    },
    'every part settled (none queued or submitting)',
    timeoutMs,
    200,
  );
}

/** Polls until `check` is truthy; throws with `what` after timeoutMs. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  timeoutMs = 10_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
  );
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface ScenarioResult {
  scenario: string;
  messages: number;
  lost: number;
  duplicated: number;
  unknown: number;
  /** `unknown` parts resolved from receipts (see Verdict.resolvedUnknown). */
  resolvedUnknown?: number;
  /** What was detected how fast, in words with the figure ("re-bound 180 ms after ..."). */
  detection: string;
  notes?: string;
  byStatus?: Record<string, number>;
}

/** Writes a scenario's row for docs/reliability.md to .data/fault-results/<file>.json. */
export async function recordResult(file: string, result: ScenarioResult): Promise<void> {
  const dir = join(ROOT, '.data', 'fault-results');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, `${file}.json`),
    JSON.stringify({ ...result, at: new Date().toISOString() }, null, 2),
  );
}

/** Fails the test if any unhandled rejection or uncaught exception happens while it is installed. */
export function trapProcessErrors(): { errors: unknown[]; dispose(): void } {
  const errors: unknown[] = [];
  const onRejection = (reason: unknown) => errors.push(reason);
  const onException = (error: unknown) => errors.push(error);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    errors,
    dispose() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

export function statusSummary(byStatus: Record<string, number>): string {
  return Object.entries(byStatus)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
