import { readFileSync } from 'node:fs';
import type { SimulatorAccount, SmscSimulatorOptions } from './simulator.options.js';

export type Env = Record<string, string | undefined>;

function integer(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number >= 0 (got "${raw}")`);
  return Number(raw);
}

/** "id:pw,id2:pw2" (a password may contain ':'). */
export function parseAccounts(raw: string): SimulatorAccount[] {
  const accounts = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const colon = entry.indexOf(':');
      if (colon <= 0) throw new Error(`SIM_ACCOUNTS: "${entry}" is not systemId:password`);
      return { systemId: entry.slice(0, colon), password: entry.slice(colon + 1) };
    });
  if (accounts.length === 0) throw new Error('SIM_ACCOUNTS: no account');
  return accounts;
}

/**
 * Simulator options from the environment: SIM_HOST (127.0.0.1; 0.0.0.0 in a container),
 * SIM_PORT (2775), SIM_TLS_PORT with SIM_TLS_KEY / SIM_TLS_CERT (PEM file paths),
 * SIM_ACCOUNTS ("smppuser:secret"), SIM_RECEIPT_DELAY_MS, SIM_SUBMITS_PER_SECOND,
 * SIM_MAX_BINDS, SIM_MESSAGE_ID_STYLE (uuid | hex | decimal), SIM_ENQUIRE_LINK_MS,
 * SIM_MAX_RECORDS (accepted submits kept in memory, default 100 000).
 */
export function simulatorOptionsFromEnv(
  env: Env,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): SmscSimulatorOptions {
  const options: SmscSimulatorOptions = {
    host: env.SIM_HOST?.trim() || '127.0.0.1',
    port: integer(env, 'SIM_PORT') ?? 2775,
    accounts: parseAccounts(env.SIM_ACCOUNTS ?? 'smppuser:secret'),
  };
  const tlsPort = integer(env, 'SIM_TLS_PORT');
  if (tlsPort !== undefined) {
    const keyPath = env.SIM_TLS_KEY?.trim();
    const certPath = env.SIM_TLS_CERT?.trim();
    if (!keyPath || !certPath) {
      throw new Error('SIM_TLS_PORT needs SIM_TLS_KEY and SIM_TLS_CERT (PEM file paths)');
    }
    options.tls = { key: readFile(keyPath), cert: readFile(certPath) };
    options.tlsPort = tlsPort;
  }
  const receiptDelay = integer(env, 'SIM_RECEIPT_DELAY_MS');
  if (receiptDelay !== undefined) options.receipts = { delayMs: receiptDelay };
  const perSecond = integer(env, 'SIM_SUBMITS_PER_SECOND');
  if (perSecond !== undefined) options.submitsPerSecondPerBind = perSecond;
  const maxBinds = integer(env, 'SIM_MAX_BINDS');
  if (maxBinds !== undefined) options.maxBindsPerSystemId = maxBinds;
  const maxRecords = integer(env, 'SIM_MAX_RECORDS');
  if (maxRecords !== undefined) options.maxRecords = maxRecords;
  const enquire = integer(env, 'SIM_ENQUIRE_LINK_MS');
  if (enquire !== undefined) options.enquireLinkMs = enquire;
  const style = env.SIM_MESSAGE_ID_STYLE?.trim();
  if (style) {
    if (style !== 'uuid' && style !== 'hex' && style !== 'decimal') {
      throw new Error(`SIM_MESSAGE_ID_STYLE must be uuid, hex or decimal (got "${style}")`);
    }
    options.messageIdStyle = style;
  }
  return options;
}
