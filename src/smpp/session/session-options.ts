import type { ConnectOptions } from 'smpp';
import type { BindMode, SessionOptions, SessionTimings } from './session.types.js';

/** Defaults for the fields the contract documents with one. */
export const SESSION_DEFAULTS: Readonly<
  SessionTimings & { window: number; submitsPerSecond: number }
> = {
  connectTimeoutMs: 10_000,
  responseTimeoutMs: 10_000,
  enquireLinkMs: 30_000,
  unbindTimeoutMs: 5_000,
  window: 10,
  submitsPerSecond: 50,
};

const MODES: readonly BindMode[] = ['transceiver', 'transmitter', 'receiver'];
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\x00-\x1f\x7f]/;

/** SessionOptions with every documented default filled in. */
export type ResolvedSessionOptions = SessionOptions & { submitBurst: number; label: string };

/** Problems that make the options unusable (an empty list when they are fine). */
export function sessionOptionIssues(o: SessionOptions): string[] {
  const issues: string[] = [];
  if (o === null || typeof o !== 'object') return ['options must be an object'];
  if (typeof o.host !== 'string' || o.host.length === 0)
    issues.push('host must be a non-empty string');
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535)
    issues.push('port must be an integer from 1 to 65535');
  cstring(o.systemId, 'systemId', issues);
  cstring(o.password, 'password', issues);
  if (o.systemType !== undefined) cstring(o.systemType, 'systemType', issues);
  if (!MODES.includes(o.mode)) issues.push(`mode must be one of ${MODES.join(', ')}`);
  if (o.window !== undefined && (!Number.isInteger(o.window) || o.window < 1)) {
    issues.push('window must be an integer >= 1');
  }
  if (
    o.submitsPerSecond !== undefined &&
    (typeof o.submitsPerSecond !== 'number' || !(o.submitsPerSecond >= 0))
  ) {
    issues.push('submitsPerSecond must be a number >= 0 (0 or Infinity: unpaced)');
  }
  if (o.submitBurst !== undefined && (!Number.isFinite(o.submitBurst) || o.submitBurst < 1)) {
    issues.push('submitBurst must be a finite number >= 1');
  }
  for (const key of [
    'connectTimeoutMs',
    'responseTimeoutMs',
    'enquireLinkMs',
    'unbindTimeoutMs',
  ] as const) {
    const v = o[key];
    if (v !== undefined && (!Number.isFinite(v) || v <= 0))
      issues.push(`${key} must be a finite number > 0`);
  }
  if (o.tls !== undefined && o.tls !== false && (o.tls === null || typeof o.tls !== 'object')) {
    issues.push('tls must be false or an object of TLS options');
  }
  if (o.onDeliver !== undefined && typeof o.onDeliver !== 'function')
    issues.push('onDeliver must be a function');
  if (o.onMalformedDeliver !== undefined && typeof o.onMalformedDeliver !== 'function')
    issues.push('onMalformedDeliver must be a function');
  return issues;
}

function cstring(v: unknown, field: string, issues: string[]): void {
  if (typeof v !== 'string') issues.push(`${field} must be a string`);
  else if (CONTROL_CHARS.test(v)) issues.push(`${field} must not contain control characters`);
}

/** Fills defaults; call after sessionOptionIssues() returned nothing. */
export function resolveSessionOptions(o: SessionOptions): ResolvedSessionOptions {
  const submitsPerSecond = o.submitsPerSecond ?? SESSION_DEFAULTS.submitsPerSecond;
  return {
    ...o,
    connectTimeoutMs: o.connectTimeoutMs ?? SESSION_DEFAULTS.connectTimeoutMs,
    responseTimeoutMs: o.responseTimeoutMs ?? SESSION_DEFAULTS.responseTimeoutMs,
    enquireLinkMs: o.enquireLinkMs ?? SESSION_DEFAULTS.enquireLinkMs,
    unbindTimeoutMs: o.unbindTimeoutMs ?? SESSION_DEFAULTS.unbindTimeoutMs,
    window: o.window ?? SESSION_DEFAULTS.window,
    submitsPerSecond,
    submitBurst: Math.max(
      1,
      o.submitBurst ?? (Number.isFinite(submitsPerSecond) ? submitsPerSecond : 1),
    ),
    label: o.label ?? `${o.systemId}@${o.host}:${o.port}`,
  };
}

/** The options for smpp's Session (net.connect / tls.connect). TLS: minVersion TLSv1.2, verified by default. */
export function connectOptions(o: SessionOptions): Omit<ConnectOptions, 'socket'> {
  const base: Omit<ConnectOptions, 'socket'> = { host: o.host, port: o.port };
  if (!o.tls) return base;
  const tls: Omit<ConnectOptions, 'socket'> = {
    ...base,
    tls: true,
    minVersion: o.tls.minVersion ?? 'TLSv1.2',
  };
  for (const key of [
    'ca',
    'cert',
    'key',
    'passphrase',
    'servername',
    'rejectUnauthorized',
  ] as const) {
    if (o.tls[key] !== undefined) Object.assign(tls, { [key]: o.tls[key] });
  }
  return tls;
}
