/**
 * Helpers for the reference service's end-to-end tests: a logger that records every line, the
 * service on a fresh database of the test server, HTTP calls, and a strict Prometheus text parser.
 */
import { createServiceApp, type ServiceApp } from '../../src/app/service-app.js';
import type { Env } from '../../src/app/config/service-env.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { RecordingLogger } from '../support/recording-logger.js';

export { eventually } from '../support/smpp-app.js';

export { RecordingLogger } from '../support/recording-logger.js';

/** The API key every test service accepts (API_KEYS), and that http() sends by default. */
export const TEST_API_KEY = 'test-api-key-0123456789abcdef';

export interface TestService extends ServiceApp {
  db: TestDatabase;
  logs: RecordingLogger;
  /** Closes the service (once) and drops its database (unless it was given). */
  stop(): Promise<void>;
}

/**
 * The real service (createServiceApp, as main.ts runs it) on a fresh database of the test server
 * (migrations run by the service itself), listening on a free port. Zero-config SMPP unless `env`
 * names an SMSC. API_KEYS is TEST_API_KEY unless `env` sets API_KEYS (an empty value: none).
 */
export async function startTestService(
  env: Env = {},
  options: { db?: TestDatabase } = {},
): Promise<TestService> {
  const db = options.db ?? (await createTestDatabase({ migrate: false }));
  const logs = new RecordingLogger();
  let service: ServiceApp;
  try {
    service = await createServiceApp({
      env: { PORT: '0', DATABASE_URL: db.url, API_KEYS: TEST_API_KEY, ...env },
      logger: logs,
    });
  } catch (error) {
    if (!options.db) await db.drop();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    ...service,
    db,
    logs,
    stop: () =>
      (stopped ??= (async () => {
        await service.close();
        if (!options.db) await db.drop();
      })()),
  };
}

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

/** fetch + JSON (when the response is JSON); sends TEST_API_KEY unless `apiKey` says otherwise (null: none). */
export async function http<T = unknown>(
  base: string,
  path: string,
  init: {
    method?: string;
    json?: unknown;
    raw?: string;
    headers?: Record<string, string>;
    apiKey?: string | null;
  } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...init.headers };
  const apiKey = init.apiKey === undefined ? TEST_API_KEY : init.apiKey;
  if (apiKey !== null) headers.authorization ??= `Bearer ${apiKey}`;
  let body: string | undefined;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] ??= 'application/json';
  } else if (init.raw !== undefined) {
    body = init.raw;
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  if (res.headers.get('content-type')?.includes('application/json')) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, text, body: parsed as T };
}

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  type: string;
  help: string;
  samples: PromSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\["\\\\n])*"`;
const SAMPLE = new RegExp(
  `^(${NAME})(?:\\{((?:${LABEL})(?:,(?:${LABEL}))*)?,?\\})? (\\S+)(?: (-?\\d+))?$`,
);
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)$/;

/**
 * Parses the Prometheus text format (0.0.4) strictly: every line is a HELP, a TYPE or a sample of
 * a family declared before it; anything else throws with the line.
 */
export function parsePrometheus(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const familyOf = (sample: string): PromFamily | undefined =>
    families.get(sample) ?? families.get(sample.replace(/_(bucket|sum|count|total|created)$/, ''));
  text.split('\n').forEach((line, i) => {
    const fail = (why: string) => {
      throw new Error(`metrics line ${i + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line === '') return;
    let m: RegExpMatchArray | null;
    if ((m = line.match(new RegExp(`^# HELP (${NAME}) (.*)$`)))) {
      const f = families.get(m[1]) ?? { name: m[1], type: 'untyped', help: '', samples: [] };
      f.help = m[2];
      families.set(m[1], f);
    } else if (
      (m = line.match(new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`)))
    ) {
      const f = families.get(m[1]) ?? { name: m[1], type: 'untyped', help: '', samples: [] };
      if (f.samples.length > 0) fail('TYPE after samples');
      f.type = m[2];
      families.set(m[1], f);
    } else if (line.startsWith('#')) {
      fail('unknown comment');
    } else if ((m = line.match(SAMPLE))) {
      if (!VALUE.test(m[3])) fail('bad value');
      const family = familyOf(m[1]);
      if (!family) fail('sample of an undeclared family');
      const labels: Record<string, string> = {};
      for (const pair of (m[2] ?? '').match(new RegExp(LABEL, 'g')) ?? []) {
        const eq = pair.indexOf('=');
        labels[pair.slice(0, eq)] = JSON.parse(pair.slice(eq + 1)) as string;
      }
      family!.samples.push({ name: m[1], labels, value: Number(m[3].replace('Inf', 'Infinity')) });
    } else {
      fail('not a HELP, TYPE or sample line');
    }
  });
  return families;
}

/** The value of one sample (labels must match exactly those given, others ignored); 0 when absent. */
export function sampleValue(
  families: Map<string, PromFamily>,
  name: string,
  labels: Record<string, string> = {},
): number {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        return s.value;
    }
  }
  return 0;
}
