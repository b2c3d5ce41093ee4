/**
 * API keys from API_KEYS: each entry is a key, or its SHA-256 as `sha256:<64 hex digits>` (so the
 * deployment need not hold the key itself). A presented key is hashed and compared with every
 * stored hash in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Plain keys shorter than this are refused at startup (`openssl rand -hex 24` gives 48). */
export const API_KEY_MIN_LENGTH = 16;

const HASHED = /^sha256:[0-9a-f]{64}$/i;

export function isHashedApiKey(entry: string): boolean {
  return HASHED.test(entry);
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The SHA-256 form of a key, for API_KEYS. */
export function apiKeyDigest(key: string): string {
  return `sha256:${hashApiKey(key).toString('hex')}`;
}

export class ApiKeys {
  private readonly hashes: Buffer[];

  constructor(entries: readonly string[]) {
    this.hashes = entries.map((e) =>
      isHashedApiKey(e) ? Buffer.from(e.slice('sha256:'.length), 'hex') : hashApiKey(e),
    );
  }

  /** false: no key is configured, every request is let through. */
  get enabled(): boolean {
    return this.hashes.length > 0;
  }

  /**
   * The matching key's id (the first 8 hex digits of its hash: fit for logs and rate-limit
   * buckets), or undefined. Every stored hash is compared, so the time does not tell which matched.
   */
  match(presented: string): string | undefined {
    const hash = hashApiKey(presented);
    let found: Buffer | undefined;
    for (const stored of this.hashes) if (timingSafeEqual(stored, hash)) found = stored;
    return found?.toString('hex').slice(0, 8);
  }
}
