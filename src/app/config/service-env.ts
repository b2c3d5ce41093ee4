/**
 * The reference service's configuration, from environment variables. `validateServiceEnv` checks
 * every variable and throws ONE error naming every bad one (the password is never echoed); it has
 * the shape of @nestjs/config's `validate` option.
 */
import { SmppValidationError } from '../../smpp/errors.js';
import type { SmppBindsOptions, SmppRegion } from '../../smpp/index.js';
import { parseSender } from '../../smpp/messages/address.js';

export type Env = Record<string, string | undefined>;

/** The validated environment. Absent optional variables stay undefined (the module's defaults apply). */
export interface ServiceEnv {
  /** PORT: where the HTTP API listens (default 3000; 0 picks a free port). */
  port: number;
  /** DATABASE_URL; undefined: zero-config embedded Postgres under .data/pg. */
  databaseUrl?: string;
  smpp: SmppEnv;
}

export interface SmppEnv {
  /** true when neither SMPP_HOST nor SMPP_SYSTEM_ID is set: the service starts the SMSC simulator in-process. */
  simulator: boolean;
  systemId?: string;
  password?: string;
  region: SmppRegion;
  host?: string;
  port?: number;
  tls?: boolean;
  binds?: SmppBindsOptions;
  submitsPerSecond?: number;
  window?: number;
  enquireLinkMs?: number;
  responseTimeoutMs?: number;
  defaultSender?: string;
}

/** Every variable the service reads (the ones .env.example lists). */
export const SERVICE_ENV_VARIABLES = [
  'PORT',
  'DATABASE_URL',
  'SMPP_SYSTEM_ID',
  'SMPP_PASSWORD',
  'SMPP_REGION',
  'SMPP_HOST',
  'SMPP_PORT',
  'SMPP_TLS',
  'SMPP_TRANSCEIVERS',
  'SMPP_TRANSMITTERS',
  'SMPP_RECEIVERS',
  'SMPP_SUBMITS_PER_SECOND',
  'SMPP_WINDOW',
  'SMPP_ENQUIRE_LINK_MS',
  'SMPP_RESPONSE_TIMEOUT_MS',
  'SMPP_DEFAULT_SENDER',
] as const;

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

const REGIONS: readonly SmppRegion[] = ['sg', 'eu', 'id'];
const MAX_BINDS = 4;

/** Validates the environment; throws EnvValidationError listing every bad variable. */
export function validateServiceEnv(raw: Env): ServiceEnv {
  const problems: string[] = [];
  const read = new Reader(raw, problems);

  const port = read.integer('PORT', 0, 65_535) ?? 3000;
  const databaseUrl = read.databaseUrl('DATABASE_URL');

  const systemId = read.text('SMPP_SYSTEM_ID', 15);
  const password = read.secret('SMPP_PASSWORD', 8);
  const host = read.text('SMPP_HOST', 255);
  const simulator = !read.has('SMPP_HOST') && !read.has('SMPP_SYSTEM_ID');
  if (!simulator) {
    if (!read.has('SMPP_SYSTEM_ID')) {
      problems.push(
        'SMPP_SYSTEM_ID: required when SMPP_HOST is set (leave both unset to use the built-in simulator)',
      );
    }
    if (!read.has('SMPP_PASSWORD')) problems.push('SMPP_PASSWORD: required with SMPP_SYSTEM_ID');
  } else if (read.has('SMPP_PASSWORD')) {
    problems.push(
      'SMPP_PASSWORD: set without SMPP_SYSTEM_ID; set both (or neither, to use the built-in simulator)',
    );
  }

  const region = read.oneOf('SMPP_REGION', REGIONS) ?? 'sg';
  const smppPort = read.integer('SMPP_PORT', 1, 65_535);
  const tls = read.boolean('SMPP_TLS');
  const binds = readBinds(read, problems);
  const submitsPerSecond = read.positiveNumber('SMPP_SUBMITS_PER_SECOND', 10_000);
  const window = read.integer('SMPP_WINDOW', 1, 1_000);
  const enquireLinkMs = read.integer('SMPP_ENQUIRE_LINK_MS', 1_000, 3_600_000);
  const responseTimeoutMs = read.integer('SMPP_RESPONSE_TIMEOUT_MS', 100, 600_000);
  const defaultSender = read.sender('SMPP_DEFAULT_SENDER');

  if (problems.length > 0) throw new EnvValidationError(problems);
  return {
    port,
    databaseUrl,
    smpp: {
      simulator,
      systemId,
      password,
      region,
      host,
      port: smppPort,
      tls,
      binds,
      submitsPerSecond,
      window,
      enquireLinkMs,
      responseTimeoutMs,
      defaultSender,
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

/** A database URL fit for a log line: the password removed. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function readBinds(read: Reader, problems: string[]): SmppBindsOptions | undefined {
  const transceivers = read.integer('SMPP_TRANSCEIVERS', 1, MAX_BINDS);
  const transmitters = read.integer('SMPP_TRANSMITTERS', 0, MAX_BINDS);
  const receivers = read.integer('SMPP_RECEIVERS', 0, MAX_BINDS);
  const split = read.has('SMPP_TRANSMITTERS') || read.has('SMPP_RECEIVERS');
  if (read.has('SMPP_TRANSCEIVERS') && split) {
    problems.push(
      'SMPP_TRANSCEIVERS: give either SMPP_TRANSCEIVERS or SMPP_TRANSMITTERS + SMPP_RECEIVERS, not both',
    );
    return undefined;
  }
  if (split) {
    if (!read.has('SMPP_TRANSMITTERS'))
      problems.push('SMPP_TRANSMITTERS: required with SMPP_RECEIVERS (0 or more)');
    if (!read.has('SMPP_RECEIVERS'))
      problems.push('SMPP_RECEIVERS: required with SMPP_TRANSMITTERS (0 or more)');
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
  return transceivers === undefined ? undefined : { transceivers };
}

/** Reads one variable at a time and records what is wrong with it. */
class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  /** Set and not blank. */
  has(name: string): boolean {
    return (this.env[name]?.trim() ?? '') !== '';
  }

  private value(name: string): string | undefined {
    const v = this.env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  }

  private bad(name: string, expected: string, got?: string): undefined {
    this.problems.push(
      `${name}: expected ${expected}${got === undefined ? '' : `, got ${JSON.stringify(got)}`}`,
    );
    return undefined;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const v = this.value(name);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      return this.bad(name, `a whole number from ${min} to ${max}`, v);
    }
    return Number(v);
  }

  positiveNumber(name: string, max: number): number | undefined {
    const v = this.value(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^\d+(\.\d+)?$/.test(v) || n <= 0 || n > max)
      return this.bad(name, `a number above 0, at most ${max}`, v);
    return n;
  }

  boolean(name: string): boolean | undefined {
    const v = this.value(name)?.toLowerCase();
    if (v === undefined) return undefined;
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    return this.bad(name, 'true or false', this.env[name]);
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const v = this.value(name)?.toLowerCase();
    if (v === undefined) return undefined;
    if ((values as readonly string[]).includes(v)) return v as T;
    return this.bad(name, values.join(', ').replace(/, ([^,]*)$/, ' or $1'), this.env[name]);
  }

  text(name: string, maxLength: number): string | undefined {
    const v = this.value(name);
    if (v === undefined) return undefined;
    if (v.length > maxLength) return this.bad(name, `at most ${maxLength} characters`, v);
    if (!/^[\x21-\x7e]+$/.test(v))
      return this.bad(name, 'printable ASCII characters without spaces', v);
    return v;
  }

  /** Like text(), but the value is never echoed in an error. Not trimmed: spaces may be part of it. */
  secret(name: string, maxLength: number): string | undefined {
    const v = this.env[name];
    if (v === undefined || v === '') return undefined;
    if (v.length > maxLength) {
      this.problems.push(`${name}: at most ${maxLength} characters (SMPP 3.4), got ${v.length}`);
      return undefined;
    }
    if (!/^[\x20-\x7e]+$/.test(v)) {
      this.problems.push(`${name}: only printable ASCII characters are allowed`);
      return undefined;
    }
    return v;
  }

  /** The same rules as send()'s `from`. */
  sender(name: string): string | undefined {
    const v = this.value(name);
    if (v === undefined) return undefined;
    try {
      parseSender(v);
      return v;
    } catch (error) {
      if (!(error instanceof SmppValidationError)) throw error;
      this.problems.push(`${name}: ${error.errors.map((e) => e.message).join('; ')}`);
      return undefined;
    }
  }

  databaseUrl(name: string): string | undefined {
    const v = this.value(name);
    if (v === undefined) return undefined;
    let url: URL | undefined;
    try {
      url = new URL(v);
    } catch {
      url = undefined;
    }
    if (!url || !['postgres:', 'postgresql:'].includes(url.protocol) || !url.hostname) {
      // The URL may hold a password: never echo it.
      this.problems.push(
        `${name}: expected a Postgres URL such as postgres://user:password@host:5432/database`,
      );
      return undefined;
    }
    return v;
  }
}
