import { SMPP_PLAIN_PORT, SMPP_REGION_HOSTS, SMPP_TLS_PORT } from '../smpp/index.js';
import type { ServiceConfig } from './config/service-config.js';
import { redactDatabaseUrl } from './config/service-env.js';

/** The startup banner: where the API listens, which SMSC, which database. Never a password. */
export function serviceBanner(config: ServiceConfig, baseUrl: string): string[] {
  const key = config.http.apiKeys.length > 0 ? ` -H "authorization: Bearer $API_KEY"` : '';
  return [
    'nestjs-smpp reference service is up',
    `  HTTP API : ${baseUrl}  (POST /messages, GET /messages/:id, GET /health, GET /metrics; docs at ${baseUrl}/docs)`,
    `  Auth     : ${describeAuth(config)}`,
    `  SMSC     : ${describeSmsc(config)}`,
    `  Database : ${describeDatabase(config)}`,
    `  Try      : curl -s -X POST ${baseUrl}/messages${key} -H 'content-type: application/json' -d '{"to":"+6591234567","text":"Hello from nestjs-smpp"}'`,
  ];
}

export function describeAuth(config: ServiceConfig): string {
  const { apiKeys, unauthenticated, rateLimitPerMinute } = config.http;
  const limit = `${rateLimitPerMinute} requests/minute per key`;
  if (apiKeys.length > 0) return `${apiKeys.length} API key(s) (API_KEYS), ${limit}`;
  if (unauthenticated === 'allowed')
    return `NONE (ALLOW_UNAUTHENTICATED=true: a gateway in front must authenticate), ${limit.replace('key', 'client address')}`;
  return `none: simulator mode, nothing is billed; set API_KEYS before using a real SMSC`;
}

export function describeSmsc(config: ServiceConfig): string {
  const a = config.smpp;
  const plain = a.tls === false;
  const host = a.host ?? SMPP_REGION_HOSTS[a.region ?? 'sg'];
  const port = a.port ?? (plain ? SMPP_PLAIN_PORT : SMPP_TLS_PORT);
  const binds = a.binds
    ? 'transceivers' in a.binds
      ? `${a.binds.transceivers} transceiver(s)`
      : `${a.binds.transmitters} transmitter(s) + ${a.binds.receivers} receiver(s)`
    : '1 transceiver';
  if (config.smsc.simulator) {
    return `in-process SMSC simulator on ${host}:${port} (plain TCP, ${binds}); set SMPP_HOST / SMPP_SYSTEM_ID for a real SMSC`;
  }
  const where = a.host ? host : `${host} (8x8 region ${a.region ?? 'sg'})`;
  return `${where}:${port} over ${plain ? 'plain TCP' : 'TLS'} as system_id ${a.systemId}, ${binds}`;
}

export function describeDatabase(config: ServiceConfig): string {
  const embedded = config.database.embedded;
  if (embedded) {
    return `embedded Postgres on 127.0.0.1:${embedded.port}, data in ${embedded.dataDir}; set DATABASE_URL for your own`;
  }
  return `${redactDatabaseUrl(config.database.url)} (pool ${config.database.poolSize})`;
}
