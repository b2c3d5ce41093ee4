/**
 * The service as an attacker (and a careless client) meets it: API keys, rate limits, only JSON,
 * bounded bodies and answers, health without details, no secrets in the banner.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiKeyDigest } from '../../src/app/auth/api-keys.js';
import { QueueFullError, SmppBackpressureError } from '../../src/smpp/errors.js';
import { SmppService } from '../../src/smpp/index.js';
import { http, startTestService, TEST_API_KEY, type TestService } from './support.js';

const SECOND_KEY = 'second-key-fedcba9876543210';
const HASHED_KEY = 'a-key-the-service-only-knows-hashed';
const RATE_LIMIT = 8;
const DB_PASSWORD = 'Db-Pa55word-in-the-url';

interface ErrorBody {
  statusCode: number;
  message: string;
  errors?: Array<{ field: string; message: string }>;
}

describe('the HTTP API guarded: keys, limits, hygiene', () => {
  let service: TestService;
  let base: string;
  const message = { to: '+6591234567', text: 'hello' };

  beforeAll(async () => {
    service = await startTestService({
      API_KEYS: `${TEST_API_KEY}, ${SECOND_KEY},${apiKeyDigest(HASHED_KEY)}`,
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    });
    base = service.url;
    // The password form `?password=` must not reach the banner either (see the second describe).
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('401 without a key or with a wrong one; Bearer, X-API-Key and a hashed key are accepted', async () => {
    const none = await http<ErrorBody>(base, '/messages', { json: message, apiKey: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.body.message).toMatch(/Authorization: Bearer/);
    const wrong = await http<ErrorBody>(base, '/messages/00000000-0000-4000-8000-000000000000', {
      apiKey: 'not-a-key-of-this-service',
    });
    expect(wrong.status).toBe(401);
    expect((await http(base, '/metrics', { apiKey: null })).status).toBe(401);
    expect((await http(base, '/health/details', { apiKey: null })).status).toBe(401);

    const viaHeader = await http(base, '/messages', {
      json: message,
      apiKey: null,
      headers: { 'x-api-key': SECOND_KEY },
    });
    expect(viaHeader.status).toBe(202);
    const hashed = await http(base, '/messages', { json: message, apiKey: HASHED_KEY });
    expect(hashed.status).toBe(202);
  });

  it('/health and /health/live answer without a key, and show statuses only', async () => {
    const health = await http<Record<string, unknown>>(base, '/health', { apiKey: null });
    expect([200, 503]).toContain(health.status);
    expect(Object.keys(health.body).sort()).toEqual(['accounts', 'database', 'status']);
    expect(health.text).not.toMatch(/systemId|host|port|lastError|smppuser|127\.0\.0\.1/);
    const live = await http(base, '/health/live', { apiKey: null });
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
  });

  it('429 with Retry-After past the limit, per key: another key still gets through', async () => {
    const key = 'rate-limited-key-0000000000';
    const local = await startTestService(
      { API_KEYS: `${key},${SECOND_KEY}`, RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) },
      { db: service.db },
    );
    try {
      const statuses: number[] = [];
      let limited: Awaited<ReturnType<typeof http<ErrorBody>>> | undefined;
      for (let i = 0; i < RATE_LIMIT + 1 && !limited; i++) {
        const res = await http<ErrorBody>(local.url, '/messages/not-a-uuid', { apiKey: key });
        statuses.push(res.status);
        if (res.status === 429) limited = res;
      }
      expect(statuses.slice(0, RATE_LIMIT)).toEqual(Array(RATE_LIMIT).fill(400));
      expect(limited?.status).toBe(429);
      expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited?.body.message).toMatch(/Too many requests/);
      const other = await http(local.url, '/messages/not-a-uuid', { apiKey: SECOND_KEY });
      expect(other.status).toBe(400);
      // Probes are not counted against anyone.
      expect((await http(local.url, '/health/live', { apiKey: key })).status).toBe(200);
    } finally {
      await local.close();
    }
  });

  it("the module's queue-full and backpressure errors answer 429 with Retry-After", async () => {
    // The store raises these under load (maxQueued, in-memory caps); here send() raises them on demand.
    const smpp = service.app.get(SmppService);
    const spy = vi
      .spyOn(smpp, 'send')
      .mockRejectedValueOnce(new QueueFullError('default', 1000, 5_000))
      .mockRejectedValueOnce(new SmppBackpressureError('pending batch items', 500, 1_500));
    try {
      const full = await http<ErrorBody & { code: string }>(base, '/messages', {
        json: message,
        apiKey: SECOND_KEY,
      });
      expect(full.status).toBe(429);
      expect(full.headers.get('retry-after')).toBe('5');
      expect(full.body).toMatchObject({ statusCode: 429, code: 'SMPP_QUEUE_FULL' });
      const busy = await http<ErrorBody & { code: string }>(base, '/messages', {
        json: message,
        apiKey: SECOND_KEY,
      });
      expect(busy.status).toBe(429);
      expect(busy.headers.get('retry-after')).toBe('2');
      expect(busy.body.code).toBe('SMPP_BACKPRESSURE');
    } finally {
      spy.mockRestore();
    }
  });

  it('415 for a body that is not JSON (form, text), before anything else', async () => {
    const form = await http<ErrorBody>(base, '/messages', {
      raw: 'to=%2B6591234567&text=hi',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      apiKey: SECOND_KEY,
    });
    expect(form.status).toBe(415);
    expect(form.body.message).toMatch(/application\/json/);
    const text = await http(base, '/messages', {
      raw: '{"to":"+6591234567","text":"hi"}',
      headers: { 'content-type': 'text/plain' },
      apiKey: SECOND_KEY,
    });
    expect(text.status).toBe(415);
  });

  it('413 past the documented size limit; a huge value is not echoed back', async () => {
    const tooBig = await http<ErrorBody>(base, '/messages', {
      json: { to: '+6591234567', text: 'x'.repeat(40_000) },
      apiKey: SECOND_KEY,
    });
    expect(tooBig.status).toBe(413);
    const longTo = '9'.repeat(20_000);
    const bad = await http<ErrorBody>(base, '/messages', {
      json: { to: longTo, text: 'x', [`k${'y'.repeat(5_000)}`]: 1 },
      apiKey: SECOND_KEY,
    });
    expect(bad.status).toBe(400);
    expect(bad.text.length).toBeLessThan(2_000);
    for (const e of bad.body.errors ?? []) {
      expect(e.field.length).toBeLessThanOrEqual(64);
      expect(e.message.length).toBeLessThanOrEqual(300);
    }
  });

  it('every 400 has errors[]; no X-Powered-By on any answer', async () => {
    const responses = await Promise.all([
      http<ErrorBody>(base, '/messages', { raw: '{"to":', apiKey: SECOND_KEY }),
      http<ErrorBody>(base, '/messages', { json: { to: 1 }, apiKey: SECOND_KEY }),
      http<ErrorBody>(base, '/messages/x', { apiKey: SECOND_KEY }),
    ]);
    for (const res of responses) {
      expect(res.status).toBe(400);
      expect(res.body.errors?.length).toBeGreaterThan(0);
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
    expect((await http(base, '/health', { apiKey: null })).headers.get('x-powered-by')).toBeNull();
  });
});

describe('the banner and logs with a password in DATABASE_URL', () => {
  it('shows the database as host:port/db only', async () => {
    const probe = await startTestService({}, {});
    await probe.close();
    // The test server's own password (if any) moved to the `?password=` form.
    const url = new URL(probe.db.url);
    const password = decodeURIComponent(url.password) || DB_PASSWORD;
    url.password = '';
    url.searchParams.set('password', password);
    const withPassword = await startTestService({ DATABASE_URL: url.toString() }, { db: probe.db });
    try {
      const lines = withPassword.logs.text().split('\n');
      expect(lines).toContain(`  Database : ${url.hostname}:${url.port}${url.pathname} (pool 10)`);
      expect(lines.filter((l) => l.includes('password='))).toEqual([]);
      expect(lines.filter((l) => l.includes(`:${password}@`))).toEqual([]);
    } finally {
      await withPassword.close();
      await probe.stop();
    }
  });
});
