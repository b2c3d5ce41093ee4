export const DEFAULTS = {
  region: 'sg',
  maxBinds: 4,
  submitsPerSecond: 50,
  window: 10,
  connectTimeoutMs: 10_000,
  responseTimeoutMs: 10_000,
  enquireLinkMs: 30_000,
  unbindTimeoutMs: 5_000,
  reconnect: { initialDelayMs: 1_000, maxDelayMs: 60_000, multiplier: 2, jitter: 0.2 },
} as const;
