import type { SmppAccountOptions } from '../../smpp/index.js';

/**
 * What the service runs with, once the environment is validated and the zero-config pieces (if
 * any) are started. Held by @nestjs/config's ConfigService; the modules read it from there.
 */
export interface ServiceConfig {
  http: {
    port: number;
    /** API_KEYS entries (plain or sha256:<hex>); empty: no authentication. */
    apiKeys: string[];
    /** Why there is no authentication, when there is none (for the banner). */
    unauthenticated?: 'simulator' | 'allowed';
    rateLimitPerMinute: number;
  };
  database: {
    url: string;
    poolSize: number;
    /** Set when the service started its own embedded Postgres. */
    embedded?: { dataDir: string; port: number };
  };
  /** The one SMPP account of the service (name "default"). */
  smpp: SmppAccountOptions;
  /** Where the SMSC is, for the banner: the in-process simulator, or an SMSC (8x8) by region/host. */
  smsc: { simulator: boolean; region?: string };
}
