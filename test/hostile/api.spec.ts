/**
 * The reference service driven as a hostile client would: random bodies (NUL, lone surrogates,
 * 10 000 characters, control characters, wrong types, unknown fields) mixed with valid sends, all
 * at once. Every valid send is stored and delivered (by the in-process simulator), every invalid
 * one is a 400 naming a field, and nothing is a 5xx.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http, startTestService, type TestService } from '../e2e/support.js';

interface Reply {
  id?: string;
  message?: string;
  status?: string;
  statusCode?: number;
  errors?: Array<{ field: string; message: string }>;
}

type Body = Record<string, unknown>;

/** Strings the database cannot hold, or no column can: what the boundary must refuse. */
const hostileString = fc.oneof(
  fc.string({ maxLength: 20 }).map((s) => `${s}\u0000${s}`),
  fc.string({ maxLength: 20 }).map((s) => `${s}\ud800${s}`),
  fc.string({ maxLength: 20 }).map((s) => `\udfff${s}`),
  fc.constant('x'.repeat(10_000)),
  fc.constant('\u0000'.repeat(300)),
);
const controlString = fc
  .array(fc.integer({ min: 0, max: 0x1f }), { minLength: 1, maxLength: 12 })
  .map((codes) => String.fromCharCode(...codes));
const wrongType = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.constant({ $ne: '' }),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
);

/** A valid text: well-formed Unicode without NUL, short enough for maxParts. */
const validText = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  .filter((t) => !t.includes('\u0000') && t.trim().length > 0);

const validBody = fc
  .record({ text: validText, number: fc.integer({ min: 0, max: 999_999 }) })
  .map(({ text, number }): Body => ({ to: `+6581${String(number).padStart(6, '0')}`, text }));

/** A fresh clientRef per request, so a replayed (shrunk) case never meets its earlier self. */
function withFreshClientRef(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const b = body as Body;
  return 'clientRef' in b ? b : { ...b, clientRef: `hostile-${randomUUID()}` };
}

/** A valid body with one field broken, or a body that is not an object at all. */
const invalidBody = fc.oneof(
  fc.tuple(validBody, hostileString).map(([b, s]): unknown => ({ ...b, text: s })),
  fc.tuple(validBody, hostileString).map(([b, s]): unknown => ({ ...b, clientRef: s })),
  fc
    .tuple(validBody, fc.oneof(hostileString, controlString))
    .map(([b, s]): unknown => ({ ...b, to: s })),
  fc
    .tuple(validBody, fc.oneof(hostileString, controlString))
    .map(([b, s]): unknown => ({ ...b, from: s })),
  fc
    .tuple(validBody, wrongType, fc.constantFrom('to', 'text', 'from', 'clientRef', 'encoding'))
    .map(([b, v, field]): unknown => ({ ...b, [field]: v })),
  fc.tuple(validBody, fc.string({ minLength: 1, maxLength: 8 })).map(([b, key]): unknown => ({
    ...b,
    [`x_${key}`]: 1,
  })),
  fc.constantFrom<unknown>([], 42, 'text', null, true, [{ to: '+6591234567', text: 'hi' }]),
);

const request = fc.oneof(
  {
    weight: 3,
    arbitrary: validBody.map((body) => ({ valid: true as const, body: body as unknown })),
  },
  { weight: 2, arbitrary: invalidBody.map((body) => ({ valid: false as const, body })) },
);

describe('hostile API input (property-based, over HTTP)', () => {
  let service: TestService;
  let base: string;
  const accepted: string[] = [];

  beforeAll(async () => {
    service = await startTestService();
    base = service.url;
    await eventually(
      async () => (await http(base, '/health')).status === 200,
      'the service to be ready',
      30_000,
    );
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('answers every valid send 202 and every invalid one 400, never a 5xx, all at once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 10, maxLength: 30 }), async (requests) => {
        const replies = await Promise.all(
          requests.map((r) =>
            http<Reply>(base, '/messages', {
              raw: JSON.stringify(withFreshClientRef(r.body)),
            }).then((res) => ({ ...r, res })),
          ),
        );
        for (const { valid, body, res } of replies) {
          const what = `${valid ? 'valid' : 'invalid'} ${JSON.stringify(body).slice(0, 120)} -> ${res.status} ${res.text.slice(0, 200)}`;
          expect(res.status, what).toBeLessThan(500);
          if (valid) {
            expect(res.status, what).toBe(202);
            accepted.push(res.body.id as string);
          } else {
            expect(res.status, what).toBe(400);
            // Field errors from the module, or the JSON parser's message for a body that is not
            // an object or array (`42`, `"text"`, `true`, `null`).
            expect(
              res.body.errors?.length ?? String(res.body.message ?? '').length,
              what,
            ).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 6, endOnFailure: true },
    );
    expect(accepted.length).toBeGreaterThan(0);
    // Every valid one is stored and delivered by the simulator.
    await eventually(
      async () => {
        const rows: Array<{ n: number }> = await service.db.dataSource.query(
          `SELECT count(*)::int AS n FROM smpp_messages WHERE id = ANY($1::uuid[]) AND status = 'delivered'`,
          [accepted],
        );
        return rows[0].n === accepted.length;
      },
      `${accepted.length} valid sends delivered`,
      60_000,
    );
    const stored: Array<{ n: number }> = await service.db.dataSource.query(
      `SELECT count(*)::int AS n FROM smpp_messages`,
    );
    expect(stored[0].n).toBe(accepted.length);
    expect(service.logs.text()).not.toMatch(
      /MessageStoreError|unsupported Unicode|invalid byte sequence/,
    );
  }, 120_000);

  it('answers a clientRef reused for another message 409, and the same message again 200', async () => {
    const body = { to: '+6591230001', text: 'first', clientRef: 'conflict-1' };
    const first = await http<Reply>(base, '/messages', { json: body });
    expect(first.status).toBe(202);
    const again = await http<Reply>(base, '/messages', { json: body });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    for (const change of [{ text: 'second' }, { to: '+6591230002' }, { from: 'Other' }]) {
      const other = await http<{ code: string; existingId: string; fields: string[] }>(
        base,
        '/messages',
        { json: { ...body, ...change } },
      );
      expect(other.status).toBe(409);
      expect(other.body).toMatchObject({
        code: 'SMPP_MESSAGE_CONFLICT',
        existingId: first.body.id,
        fields: Object.keys(change),
      });
    }
  });
});
