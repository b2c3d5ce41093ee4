/**
 * The reference service's configuration, from environment variables. `validateServiceEnv` checks
 * every variable against one schema (zod) plus the rules that tie variables together, and throws
 * ONE error naming every bad one (secrets are never echoed); it has the shape of @nestjs/config's
 * `validate` option.
 */
import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import type { SmppBindsOptions } from '../../smpp/index.js';
import { API_KEY_MIN_LENGTH, isHashedApiKey } from '../auth/api-keys.js';
import {
  boolean,
  list,
  oneOf,
  optional,
  positiveNumber,
  postgresUrl,
  secret,
  sender,
  text,
  wholeNumber,
} from './env-schema.js';

export type Env = Record<string, string | undefined>;

const MAX_BINDS = 4;

const readableFile = () =>
  optional(
    z.string().refine(
      (path) => {
        try {
          accessSync(path, constants.R_OK);
          return true;
        } catch {
          return false;
        }
      },
      { error: (i) => `cannot read the file ${JSON.stringify(i.input)}` },
    ),
  );

/** One line per variable: adding a variable is adding a line (and a line in .env.example). */
const ENV_SCHEMA = z.object({
  PORT: wholeNumber(0, 65_535),
  DATABASE_URL: postgresUrl(),
  DATABASE_POOL_SIZE: wholeNumber(1, 100),
  API_KEYS: list(),
  ALLOW_UNAUTHENTICATED: boolean(),
  RATE_LIMIT_PER_MINUTE: wholeNumber(1, 1_000_000),
  LOG_FORMAT: oneOf(['json', 'pretty']),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'log', 'info', 'debug', 'verbose']),
  SMPP_SYSTEM_ID: text(15),
  SMPP_PASSWORD: secret(8),
  SMPP_REGION: oneOf(['sg', 'eu', 'id']),
  SMPP_HOST: text(255),
  SMPP_PORT: wholeNumber(1, 65_535),
  SMPP_TLS: boolean(),
  SMPP_TLS_CA_FILE: readableFile(),
  SMPP_TLS_CERT_FILE: readableFile(),
  SMPP_TLS_KEY_FILE: readableFile(),
  SMPP_TLS_SERVERNAME: text(255),
  SMPP_TRANSCEIVERS: wholeNumber(1, MAX_BINDS),
  SMPP_TRANSMITTERS: wholeNumber(0, MAX_BINDS),
  SMPP_RECEIVERS: wholeNumber(0, MAX_BINDS),
  SMPP_SUBMITS_PER_SECOND: positiveNumber(10_000),
  SMPP_WINDOW: wholeNumber(1, 1_000),
  SMPP_ENQUIRE_LINK_MS: wholeNumber(1_000, 3_600_000),
  SMPP_RESPONSE_TIMEOUT_MS: wholeNumber(100, 600_000),
  SMPP_DEFAULT_SENDER: sender(),
});

type ParsedEnv = z.infer<typeof ENV_SCHEMA>;

/** Every variable the service reads (the ones .env.example lists), in the order problems are listed. */
export const SERVICE_ENV_VARIABLES = Object.keys(ENV_SCHEMA.shape) as Array<keyof ParsedEnv>;

export type LogLevelName = 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';

/** The validated environment. Absent optional variables stay undefined (the module's defaults apply). */
export interface ServiceEnv {
  /** PORT: where the HTTP API listens (default 3000; 0 picks a free port). */
  port: number;
  /** DATABASE_URL; undefined: zero-config embedded Postgres under .data/pg. */
  databaseUrl?: string;
  /** DATABASE_POOL_SIZE: connections of this process (default 10). */
  databasePoolSize: number;
  auth: {
    /** API_KEYS: plain keys or `sha256:<hex>`; empty: no authentication. */
    apiKeys: string[];
    /** ALLOW_UNAUTHENTICATED: a real SMSC without API keys is accepted (a gateway authenticates). */
    allowUnauthenticated: boolean;
  };
  /** RATE_LIMIT_PER_MINUTE: requests per API key (or per client address without keys). Default 600. */
  rateLimitPerMinute: number;
  log: { format?: 'json' | 'pretty'; level: LogLevelName };
  smpp: SmppEnv;
}

export interface SmppEnv {
  /** true when neither SMPP_HOST nor SMPP_SYSTEM_ID is set: the service starts the SMSC simulator in-process. */
  simulator: boolean;
  systemId?: string;
  password?: string;
  region: 'sg' | 'eu' | 'id';
  host?: string;
  port?: number;
  tls?: boolean;
  /** SMPP_TLS_*: files to read and the name to verify (TLS only). */
  tlsFiles: { ca?: string; cert?: string; key?: string; servername?: string };
  binds?: SmppBindsOptions;
  submitsPerSecond?: number;
  window?: number;
  enquireLinkMs?: number;
  responseTimeoutMs?: number;
  defaultSender?: string;
}

/** The configuration is invalid; `problems` has one line per bad variable. */
export class EnvValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSee .env.example for every variable and its default.',
    );
    this.name = 'EnvValidationError';
  }
}

/** Validates the environment; throws EnvValidationError listing every bad variable. */
export function validateServiceEnv(raw: Env): ServiceEnv {
  // Variable by variable, so that the rules below see every good value even when others are bad.
  const problems: string[] = [];
  const e: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(ENV_SCHEMA.shape)) {
    const result = schema.safeParse(raw[name]);
    if (result.success) e[name] = result.data;
    else problems.push(...result.error.issues.map((i) => `${name}: ${i.message}`));
  }
  return checkedEnv(e as ParsedEnv, raw, problems);
}

function checkedEnv(e: ParsedEnv, raw: Env, problems: string[]): ServiceEnv {
  const has = (name: keyof ParsedEnv) => (raw[name]?.trim() ?? '') !== '';

  const simulator = !has('SMPP_HOST') && !has('SMPP_SYSTEM_ID');
  if (!simulator) {
    if (!has('SMPP_SYSTEM_ID'))
      problems.push(
        'SMPP_SYSTEM_ID: required when SMPP_HOST is set (leave both unset to use the built-in simulator)',
      );
    if (!has('SMPP_PASSWORD')) problems.push('SMPP_PASSWORD: required with SMPP_SYSTEM_ID');
  } else if (has('SMPP_PASSWORD')) {
    problems.push(
      'SMPP_PASSWORD: set without SMPP_SYSTEM_ID; set both (or neither, to use the built-in simulator)',
    );
  }
  const binds = checkBinds(e, has, problems);
  checkTlsFiles(e, has, problems);
  const apiKeys = e.API_KEYS ?? [];
  for (const key of apiKeys) {
    if (key.startsWith('sha256:') ? !isHashedApiKey(key) : key.length < API_KEY_MIN_LENGTH)
      problems.push(
        `API_KEYS: each key is at least ${API_KEY_MIN_LENGTH} characters, or sha256:<64 hex digits> (one is not; keys are never shown)`,
      );
  }
  if (!simulator && apiKeys.length === 0 && !e.ALLOW_UNAUTHENTICATED) {
    problems.push(
      'API_KEYS: required with a real SMSC (anyone who reaches the port could send SMS billed to the account); set API_KEYS, or ALLOW_UNAUTHENTICATED=true when a gateway in front authenticates',
    );
  }

  if (problems.length > 0) throw new EnvValidationError(inVariableOrder(problems));
  const level = e.LOG_LEVEL === 'info' ? 'log' : (e.LOG_LEVEL ?? 'log');
  return {
    port: e.PORT ?? 3000,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE ?? 10,
    auth: { apiKeys, allowUnauthenticated: e.ALLOW_UNAUTHENTICATED ?? false },
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE ?? 600,
    log: { format: e.LOG_FORMAT, level },
    smpp: {
      simulator,
      systemId: e.SMPP_SYSTEM_ID,
      password: e.SMPP_PASSWORD,
      region: e.SMPP_REGION ?? 'sg',
      host: e.SMPP_HOST,
      port: e.SMPP_PORT,
      tls: e.SMPP_TLS,
      tlsFiles: {
        ca: e.SMPP_TLS_CA_FILE,
        cert: e.SMPP_TLS_CERT_FILE,
        key: e.SMPP_TLS_KEY_FILE,
        servername: e.SMPP_TLS_SERVERNAME,
      },
      binds,
      submitsPerSecond: e.SMPP_SUBMITS_PER_SECOND,
      window: e.SMPP_WINDOW,
      enquireLinkMs: e.SMPP_ENQUIRE_LINK_MS,
      responseTimeoutMs: e.SMPP_RESPONSE_TIMEOUT_MS,
      defaultSender: e.SMPP_DEFAULT_SENDER,
    },
  };
}

/** SMPP_* variables the service does not know (probably typos). */
export function unknownSmppVariables(raw: Env): string[] {
  const known = new Set<string>(SERVICE_ENV_VARIABLES);
  return Object.keys(raw).filter(
    (k) => k.startsWith('SMPP_') && !known.has(k) && raw[k] !== undefined,
  );
}

/** A database URL fit for a log line: host:port/database only (no user, password or parameters). */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

function inVariableOrder(problems: string[]): string[] {
  const rank = (p: string) => SERVICE_ENV_VARIABLES.indexOf(p.split(':')[0] as keyof ParsedEnv);
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
    .map(({ p }) => p);
}

function checkBinds(
  e: ParsedEnv,
  has: (name: keyof ParsedEnv) => boolean,
  problems: string[],
): SmppBindsOptions | undefined {
  const split = has('SMPP_TRANSMITTERS') || has('SMPP_RECEIVERS');
  if (has('SMPP_TRANSCEIVERS') && split) {
    problems.push(
      'SMPP_TRANSCEIVERS: give either SMPP_TRANSCEIVERS or SMPP_TRANSMITTERS + SMPP_RECEIVERS, not both',
    );
    return undefined;
  }
  if (!split)
    return e.SMPP_TRANSCEIVERS === undefined ? undefined : { transceivers: e.SMPP_TRANSCEIVERS };
  if (!has('SMPP_TRANSMITTERS'))
    problems.push('SMPP_TRANSMITTERS: required with SMPP_RECEIVERS (0 or more)');
  if (!has('SMPP_RECEIVERS'))
    problems.push('SMPP_RECEIVERS: required with SMPP_TRANSMITTERS (0 or more)');
  const transmitters = e.SMPP_TRANSMITTERS;
  const receivers = e.SMPP_RECEIVERS;
  if (transmitters === undefined || receivers === undefined) return undefined;
  if (transmitters + receivers === 0) {
    problems.push(
      'SMPP_TRANSMITTERS: at least one bind is needed (SMPP_TRANSMITTERS + SMPP_RECEIVERS is 0)',
    );
    return undefined;
  }
  if (transmitters + receivers > MAX_BINDS) {
    problems.push(
      `SMPP_TRANSMITTERS: ${transmitters} transmitters + ${receivers} receivers = ${transmitters + receivers} binds; 8x8 allows ${MAX_BINDS} per system_id across all processes`,
    );
    return undefined;
  }
  return { transmitters, receivers };
}

function checkTlsFiles(
  e: ParsedEnv,
  has: (name: keyof ParsedEnv) => boolean,
  problems: string[],
): void {
  const tlsVariables = [
    'SMPP_TLS_CA_FILE',
    'SMPP_TLS_CERT_FILE',
    'SMPP_TLS_KEY_FILE',
    'SMPP_TLS_SERVERNAME',
  ] as const;
  if (e.SMPP_TLS === false) {
    for (const name of tlsVariables.filter(has))
      problems.push(`${name}: set with SMPP_TLS=false; TLS options need TLS`);
  }
  if (has('SMPP_TLS_CERT_FILE') !== has('SMPP_TLS_KEY_FILE')) {
    problems.push(
      'SMPP_TLS_CERT_FILE: a client certificate needs both SMPP_TLS_CERT_FILE and SMPP_TLS_KEY_FILE',
    );
  }
}
