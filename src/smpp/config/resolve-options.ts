import { hostname } from 'node:os';
import { SmppConfigError, SmppValidationError } from '../errors.js';
import { parseSender } from '../messages/address.js';
import type { BindMode } from '../session/session.types.js';
import { isStorableText } from '../messages/wire-values.js';
import { DEFAULT_RECEIPT_CLOCK_SKEW_MS } from '../receipts/unknown-fit.js';
import { DEFAULTS } from './defaults.js';
import { SMPP_PLAIN_PORT, SMPP_REGION_HOSTS, SMPP_TLS_PORT } from './regions.js';
import { checkTlsPolicy } from './tls-policy.js';
import type { ResolvedAccount, ResolvedLimits, ResolvedReconnect } from './resolved-options.js';
import type { SmppMessagesOptions } from '../messages/send-options.js';
import { type ResolvedRetention, resolveRetention } from '../retention/retention-options.js';
import type {
  SmppAccountOptions,
  SmppLimitsOptions,
  SmppModuleOptions,
  SmppReconnectOptions,
} from './smpp-options.interface.js';

export interface ResolvedSmppOptions {
  accounts: ResolvedAccount[];
  messages: Required<SmppMessagesOptions>;
  dataSourceName?: string;
  reconnect: ResolvedReconnect;
  waitForBindMs?: number;
  instanceId: string;
  claimLeaseMs: number;
  /** false: nothing is ever deleted. */
  retention: ResolvedRetention | false;
  eventMaxAttempts: number;
  limits: ResolvedLimits;
}

/** How long a claimed part may go without a stored outcome before recovery takes it (ms). */
const DEFAULT_CLAIM_LEASE_MS = 120_000;
/** Dispatches of a domain event whose listeners keep failing, before it is dead-lettered. */
const DEFAULT_EVENT_MAX_ATTEMPTS = 8;
/** Back-to-back submits per bind by default (see SmppAccountOptions.submitBurst). */
const DEFAULT_SUBMIT_BURST = 2;
const MAX_SYSTEM_ID = 15;
const MAX_PASSWORD = 8;
const MAX_SYSTEM_TYPE = 12;
/** The width of the varchar(64) columns that hold account names and the instance id. */
const MAX_NAME = 64;
const DEFAULT_MAX_QUEUED = 1_000_000;
const DEFAULT_LIMITS: ResolvedLimits = {
  maxPendingWrites: 10_000,
  maxDeliversInFlight: 2_000,
  maxQuarantined: 10_000,
  maxStoreAttempts: 20,
};

/**
 * Applies defaults and checks every field; throws one SmppConfigError naming every bad field,
 * so a misconfigured deployment fails at startup with the whole list, not one error per restart.
 */
export function resolveSmppOptions(options: SmppModuleOptions): ResolvedSmppOptions {
  const issues: string[] = [];
  if (!options || typeof options !== 'object') {
    throw new SmppConfigError(['options: expected an object with an `accounts` array']);
  }
  const accountsIn: unknown = options.accounts;
  if (!Array.isArray(accountsIn) || accountsIn.length === 0) {
    issues.push('accounts: give at least one account ({ name, systemId, password, ... })');
  }
  const accounts: ResolvedAccount[] = [];
  const seenNames = new Set<string>();
  (Array.isArray(accountsIn) ? (accountsIn as SmppAccountOptions[]) : []).forEach((a, i) => {
    const resolved = resolveAccount(a, `accounts[${i}]`, issues);
    if (!resolved) return;
    if (seenNames.has(resolved.name)) {
      issues.push(
        `accounts[${i}].name: "${resolved.name}" is used twice; account names must be unique`,
      );
    }
    seenNames.add(resolved.name);
    accounts.push(resolved);
  });
  checkSharedBudgets(accounts, issues);

  const reconnect = resolveReconnect(options.reconnect, issues);
  if (options.claimLeaseMs !== undefined && !isPositiveInt(options.claimLeaseMs)) {
    issues.push(
      `claimLeaseMs: expected a positive whole number of ms, got ${show(options.claimLeaseMs)}`,
    );
  }
  if (options.waitForBindMs !== undefined && !isPositiveInt(options.waitForBindMs)) {
    issues.push(
      `waitForBindMs: expected a positive whole number of ms, got ${show(options.waitForBindMs)}`,
    );
  }
  if (
    options.eventMaxAttempts !== undefined &&
    (!isPositiveInt(options.eventMaxAttempts) || options.eventMaxAttempts > 100)
  ) {
    issues.push(
      `eventMaxAttempts: expected a whole number from 1 to 100, got ${show(options.eventMaxAttempts)}`,
    );
  }
  const messages = resolveMessages(options.messages, issues);
  if (
    options.dataSourceName !== undefined &&
    (typeof options.dataSourceName !== 'string' || !options.dataSourceName)
  ) {
    issues.push(
      `dataSourceName: expected the name given to TypeOrmModule.forRoot, got ${show(options.dataSourceName)}`,
    );
  }
  const retention = resolveRetention(options.retention, issues);
  if (options.instanceId !== undefined) {
    if (typeof options.instanceId !== 'string' || options.instanceId.trim() === '')
      issues.push(`instanceId: expected a non-empty string, got ${show(options.instanceId)}`);
    else checkStorableName(options.instanceId, 'instanceId', issues);
  }
  const limits = resolveLimits(options.limits, issues);
  if (issues.length > 0) throw new SmppConfigError(issues);
  return {
    accounts,
    messages,
    dataSourceName: options.dataSourceName,
    reconnect,
    waitForBindMs: options.waitForBindMs,
    instanceId: options.instanceId ?? `${hostname()}-${process.pid}`.slice(0, MAX_NAME),
    claimLeaseMs: options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS,
    retention,
    eventMaxAttempts: options.eventMaxAttempts ?? DEFAULT_EVENT_MAX_ATTEMPTS,
    limits,
  };
}

/** A name stored in a varchar(64) column: at most 64 characters, no NUL, no lone surrogate. */
function checkStorableName(value: string, field: string, issues: string[]): void {
  if (value.length > MAX_NAME)
    issues.push(
      `${field}: at most ${MAX_NAME} characters (the width of its database columns), got ${value.length}`,
    );
  if (!isStorableText(value))
    issues.push(`${field}: must not contain U+0000 or an unpaired UTF-16 surrogate`);
}

function resolveLimits(l: SmppLimitsOptions | undefined, issues: string[]): ResolvedLimits {
  if (l !== undefined && (typeof l !== 'object' || l === null)) {
    issues.push(`limits: expected an object, got ${show(l)}`);
    return DEFAULT_LIMITS;
  }
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof ResolvedLimits>) {
    const v = l?.[key];
    if (v === undefined) continue;
    if (!isPositiveInt(v))
      issues.push(`limits.${key}: expected a positive whole number, got ${show(v)}`);
    else out[key] = v;
  }
  return out;
}

function resolveAccount(
  a: SmppAccountOptions,
  at: string,
  issues: string[],
): ResolvedAccount | undefined {
  if (!a || typeof a !== 'object') {
    issues.push(`${at}: expected an object`);
    return undefined;
  }
  const name = typeof a.name === 'string' && a.name.trim() !== '' ? a.name : undefined;
  if (!name) issues.push(`${at}.name: required, a non-empty string (e.g. "default")`);
  if (name) checkStorableName(name, `${at}.name`, issues);
  const label = name ? `${at} ("${name.slice(0, MAX_NAME)}")` : at;

  checkString(a.systemId, `${label}.systemId`, MAX_SYSTEM_ID, issues, true);
  checkString(a.password, `${label}.password`, MAX_PASSWORD, issues, true, false);
  if (a.systemType !== undefined)
    checkString(a.systemType, `${label}.systemType`, MAX_SYSTEM_TYPE, issues, false);

  const region = a.region ?? DEFAULTS.region;
  if (!(region in SMPP_REGION_HOSTS)) {
    issues.push(
      `${label}.region: unknown region ${show(a.region)}; use 'sg' (Singapore), 'eu' (Europe) or 'id' (Indonesia)`,
    );
  }
  if (a.host !== undefined && (typeof a.host !== 'string' || a.host.trim() === '')) {
    issues.push(`${label}.host: expected a host name or address, got ${show(a.host)}`);
  }
  const tlsIn = a.tls ?? true;
  if (typeof tlsIn !== 'boolean' && (typeof tlsIn !== 'object' || tlsIn === null)) {
    issues.push(`${label}.tls: expected true, false or TLS options, got ${show(a.tls)}`);
  }
  const tls =
    tlsIn === false
      ? false
      : checkTlsPolicy(typeof tlsIn === 'object' && tlsIn !== null ? tlsIn : {}, label, issues);
  const port = a.port ?? (tls === false ? SMPP_PLAIN_PORT : SMPP_TLS_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    issues.push(`${label}.port: expected a port from 1 to 65535, got ${show(a.port)}`);
  }

  const maxBinds = a.maxBinds ?? DEFAULTS.maxBinds;
  if (!isPositiveInt(maxBinds))
    issues.push(`${label}.maxBinds: expected a positive whole number, got ${show(a.maxBinds)}`);
  const binds = resolveBinds(a, label, issues);
  if (binds && isPositiveInt(maxBinds) && binds.length > maxBinds) {
    issues.push(
      `${label}.binds: ${binds.length} binds wanted but maxBinds is ${maxBinds} (8x8 allows 4 per system_id across all processes); want fewer binds`,
    );
  }

  const submitsPerSecond = a.submitsPerSecond ?? DEFAULTS.submitsPerSecond;
  if (!(typeof submitsPerSecond === 'number' && submitsPerSecond > 0)) {
    issues.push(
      `${label}.submitsPerSecond: expected a number above 0, got ${show(a.submitsPerSecond)}`,
    );
  }
  const submitBurst = a.submitBurst ?? DEFAULT_SUBMIT_BURST;
  if (!isPositiveInt(submitBurst))
    issues.push(
      `${label}.submitBurst: expected a positive whole number, got ${show(a.submitBurst)}`,
    );
  const window = a.window ?? DEFAULTS.window;
  if (!isPositiveInt(window))
    issues.push(`${label}.window: expected a positive whole number, got ${show(a.window)}`);

  const timing = (
    key: 'connectTimeoutMs' | 'responseTimeoutMs' | 'enquireLinkMs' | 'unbindTimeoutMs',
  ) => {
    const value = a[key] ?? DEFAULTS[key];
    if (!isPositiveInt(value))
      issues.push(`${label}.${key}: expected a positive whole number of ms, got ${show(a[key])}`);
    return value;
  };
  const delivery = a.delivery ?? 'at-most-once';
  if (delivery !== 'at-most-once' && delivery !== 'at-least-once') {
    issues.push(
      `${label}.delivery: expected 'at-most-once' or 'at-least-once', got ${show(a.delivery)}`,
    );
  }
  if (
    a.defaultSender !== undefined &&
    (typeof a.defaultSender !== 'string' || a.defaultSender.trim() === '')
  ) {
    issues.push(
      `${label}.defaultSender: expected a sender id (up to 11 letters/digits, or a number), got ${show(a.defaultSender)}`,
    );
  } else if (a.defaultSender !== undefined) {
    // Checked as send() checks `from`, so a bad default fails at startup, not on every send.
    try {
      parseSender(a.defaultSender);
    } catch (error) {
      if (!(error instanceof SmppValidationError)) throw error;
      for (const e of error.errors) issues.push(`${label}.defaultSender: ${e.message}`);
    }
  }

  const smartEncoding = a.smartEncoding ?? false;
  if (typeof smartEncoding !== 'boolean')
    issues.push(`${label}.smartEncoding: expected true or false, got ${show(a.smartEncoding)}`);
  const receiptClockSkewMs = a.receiptClockSkewMs ?? DEFAULT_RECEIPT_CLOCK_SKEW_MS;
  if (!(Number.isInteger(receiptClockSkewMs) && receiptClockSkewMs >= 0))
    issues.push(
      `${label}.receiptClockSkewMs: expected a whole number of ms, 0 or more, got ${show(a.receiptClockSkewMs)}`,
    );

  const maxQueued = a.maxQueued ?? DEFAULT_MAX_QUEUED;
  if (!isPositiveInt(maxQueued))
    issues.push(`${label}.maxQueued: expected a positive whole number, got ${show(a.maxQueued)}`);
  const lanes = resolveLanes(a.lanes, label, issues);

  return {
    name: name ?? '',
    systemId: a.systemId,
    password: a.password,
    systemType: a.systemType ?? '',
    region: region as ResolvedAccount['region'],
    host: a.host ?? SMPP_REGION_HOSTS[region as ResolvedAccount['region']] ?? '',
    port,
    tls,
    binds: binds ?? [],
    maxBinds,
    submitsPerSecond,
    submitBurst,
    window,
    defaultSender: a.defaultSender,
    smartEncoding,
    connectTimeoutMs: timing('connectTimeoutMs'),
    responseTimeoutMs: timing('responseTimeoutMs'),
    enquireLinkMs: timing('enquireLinkMs'),
    unbindTimeoutMs: timing('unbindTimeoutMs'),
    delivery,
    receiptClockSkewMs,
    maxQueued,
    lanes,
  };
}

/** Default share of the claims kept for bulk while it has a backlog. */
export const DEFAULT_BULK_MIN_SHARE = 0.1;

function resolveLanes(
  lanes: SmppAccountOptions['lanes'],
  label: string,
  issues: string[],
): ResolvedAccount['lanes'] {
  if (lanes === undefined) return { bulkMinShare: DEFAULT_BULK_MIN_SHARE };
  if (typeof lanes !== 'object' || lanes === null) {
    issues.push(`${label}.lanes: expected an object { bulkMinShare }, got ${show(lanes)}`);
    return { bulkMinShare: DEFAULT_BULK_MIN_SHARE };
  }
  const share = lanes.bulkMinShare ?? DEFAULT_BULK_MIN_SHARE;
  if (typeof share !== 'number' || !Number.isFinite(share) || share < 0 || share > 1) {
    issues.push(
      `${label}.lanes.bulkMinShare: expected a number from 0 to 1 (e.g. 0.1 keeps a tenth of the sends for bulk), got ${show(lanes.bulkMinShare)}`,
    );
    return { bulkMinShare: DEFAULT_BULK_MIN_SHARE };
  }
  return { bulkMinShare: share };
}

function resolveBinds(
  a: SmppAccountOptions,
  label: string,
  issues: string[],
): BindMode[] | undefined {
  const b = a.binds ?? { transceivers: 1 };
  const counts = b as Partial<Record<'transceivers' | 'transmitters' | 'receivers', unknown>>;
  const hasTrx = counts.transceivers !== undefined;
  const hasSplit = counts.transmitters !== undefined || counts.receivers !== undefined;
  if (typeof b !== 'object' || b === null || hasTrx === hasSplit) {
    issues.push(
      `${label}.binds: give either { transceivers: n } or { transmitters: n, receivers: m }`,
    );
    return undefined;
  }
  const count = (key: 'transceivers' | 'transmitters' | 'receivers') => {
    const v = counts[key] ?? 0;
    if (!Number.isInteger(v) || (v as number) < 0) {
      issues.push(`${label}.binds.${key}: expected a whole number >= 0, got ${show(counts[key])}`);
      return 0;
    }
    return v as number;
  };
  const modes: BindMode[] = hasTrx
    ? Array<BindMode>(count('transceivers')).fill('transceiver')
    : [
        ...Array<BindMode>(count('transmitters')).fill('transmitter'),
        ...Array<BindMode>(count('receivers')).fill('receiver'),
      ];
  if (modes.length === 0) {
    issues.push(`${label}.binds: at least one bind is needed`);
    return undefined;
  }
  return modes;
}

/** Accounts that share a system_id on one host share its bind budget. */
function checkSharedBudgets(accounts: ResolvedAccount[], issues: string[]): void {
  const byKey = new Map<string, ResolvedAccount[]>();
  for (const acc of accounts) {
    const key = bindBudgetKey(acc);
    byKey.set(key, [...(byKey.get(key) ?? []), acc]);
  }
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    const wanted = group.reduce((n, acc) => n + acc.binds.length, 0);
    const max = Math.min(...group.map((acc) => acc.maxBinds));
    if (wanted > max) {
      issues.push(
        `accounts ${group.map((g) => `"${g.name}"`).join(', ')} share system_id "${group[0].systemId}" and want ${wanted} binds together, above its maxBinds of ${max}`,
      );
    }
  }
}

/** The key a bind budget is counted under: the system_id at one SMSC. */
export function bindBudgetKey(
  account: Pick<ResolvedAccount, 'host' | 'port' | 'systemId'>,
): string {
  return `${account.systemId}@${account.host}`;
}

function resolveMessages(
  m: SmppMessagesOptions | undefined,
  issues: string[],
): Required<SmppMessagesOptions> {
  const out = {
    maxParts: m?.maxParts ?? 10,
    concatenation: m?.concatenation ?? 'udh8',
    maxAttempts: m?.maxAttempts ?? 5,
    registeredDelivery: m?.registeredDelivery ?? 1,
  };
  if (!isPositiveInt(out.maxParts) || out.maxParts > 255)
    issues.push(
      `messages.maxParts: expected a whole number from 1 to 255, got ${show(m?.maxParts)}`,
    );
  if (!['udh8', 'udh16', 'payload'].includes(out.concatenation)) {
    issues.push(
      `messages.concatenation: expected 'udh8', 'udh16' or 'payload', got ${show(m?.concatenation)}`,
    );
  }
  if (!isPositiveInt(out.maxAttempts))
    issues.push(
      `messages.maxAttempts: expected a positive whole number, got ${show(m?.maxAttempts)}`,
    );
  if (
    !Number.isInteger(out.registeredDelivery) ||
    out.registeredDelivery < 0 ||
    out.registeredDelivery > 255
  ) {
    issues.push(
      `messages.registeredDelivery: expected 0 to 255, got ${show(m?.registeredDelivery)}`,
    );
  }
  return out;
}

function resolveReconnect(
  r: SmppReconnectOptions | undefined,
  issues: string[],
): ResolvedReconnect {
  const d = DEFAULTS.reconnect;
  const out = {
    initialDelayMs: r?.initialDelayMs ?? d.initialDelayMs,
    maxDelayMs: r?.maxDelayMs ?? d.maxDelayMs,
    multiplier: r?.multiplier ?? d.multiplier,
    jitter: r?.jitter ?? d.jitter,
  };
  if (!isPositiveInt(out.initialDelayMs))
    issues.push(
      `reconnect.initialDelayMs: expected a positive whole number of ms, got ${show(r?.initialDelayMs)}`,
    );
  if (!isPositiveInt(out.maxDelayMs) || out.maxDelayMs < out.initialDelayMs) {
    issues.push(
      `reconnect.maxDelayMs: expected a whole number of ms >= initialDelayMs, got ${show(r?.maxDelayMs)}`,
    );
  }
  if (!(typeof out.multiplier === 'number' && out.multiplier >= 1))
    issues.push(`reconnect.multiplier: expected a number >= 1, got ${show(r?.multiplier)}`);
  if (!(typeof out.jitter === 'number' && out.jitter >= 0 && out.jitter <= 1))
    issues.push(`reconnect.jitter: expected a number from 0 to 1, got ${show(r?.jitter)}`);
  return out;
}

function checkString(
  value: unknown,
  field: string,
  max: number,
  issues: string[],
  required: boolean,
  echo = true,
): void {
  if (value === undefined || value === null || value === '') {
    if (required) issues.push(`${field}: required`);
    return;
  }
  if (typeof value !== 'string') {
    issues.push(`${field}: expected a string${echo ? `, got ${show(value)}` : ''}`);
    return;
  }
  if (value.length > max) {
    issues.push(`${field}: at most ${max} characters (SMPP 3.4), got ${value.length}`);
  }
  if (!/^[\x20-\x7e]*$/.test(value))
    issues.push(`${field}: only printable ASCII characters are allowed`);
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
