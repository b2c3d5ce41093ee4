/**
 * POST /messages/estimate and smartEncoding on POST /messages, over HTTP against the real service
 * (zero-config SMPP: the in-process simulator), on a fresh Postgres database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http, startTestService, type TestService } from './support.js';

const RATE_LIMIT = 40;
const TYPOGRAPHIC = '\u201CYour code\u201D \u2014 123456\u2026';

interface EstimateBody {
  encoding: string;
  parts: number;
  charactersPerPart: number;
  charactersLeftInLastPart: number;
  characters: number;
  ucs2Characters: string[];
  replacements: Array<{ from: string; to: string; count: number }>;
}

interface ErrorBody {
  statusCode: number;
  message: string;
  errors?: Array<{ field: string; message: string }>;
}

interface MessageBody {
  id: string;
  encoding: string;
  status: string;
  parts: Array<{ seq: number; smscMessageId: string | null }>;
  smartReplacements?: Array<{ from: string; to: string; count: number }>;
}

describe('POST /messages/estimate and smartEncoding over HTTP', () => {
  let service: TestService;
  let base: string;
  const estimate = (json: unknown, apiKey?: string | null) =>
    http<EstimateBody & ErrorBody>(base, '/messages/estimate', { json, apiKey });
  const send = (json: unknown) => http<MessageBody & ErrorBody>(base, '/messages', { json });

  beforeAll(async () => {
    service = await startTestService({ RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) });
    base = service.url;
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('200 with the estimate; nothing is stored', async () => {
    const res = await estimate({ text: 'a'.repeat(161) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      encoding: 'gsm7',
      parts: 2,
      charactersPerPart: 153,
      charactersLeftInLastPart: 145,
      characters: 161,
      ucs2Characters: [],
      replacements: [],
    });
    const [{ n }] = (await service.db.dataSource.query(
      'SELECT count(*)::int AS n FROM smpp_messages',
    )) as Array<{ n: number }>;
    expect(n).toBe(0);
  });

  it('names the characters that force UCS2, and what smart encoding would replace', async () => {
    const plain = await estimate({ text: TYPOGRAPHIC });
    expect(plain.body).toMatchObject({
      encoding: 'ucs2',
      parts: 1,
      charactersPerPart: 70,
      characters: TYPOGRAPHIC.length,
      ucs2Characters: ['\u201C', '\u201D', '\u2014', '\u2026'],
      replacements: [],
    });
    const smart = await estimate({ text: TYPOGRAPHIC, smartEncoding: true });
    expect(smart.status).toBe(200);
    expect(smart.body).toMatchObject({
      encoding: 'gsm7',
      charactersPerPart: 160,
      characters: '"Your code" - 123456...'.length,
      ucs2Characters: [],
      replacements: [
        { from: '\u201C', to: '"', count: 1 },
        { from: '\u201D', to: '"', count: 1 },
        { from: '\u2014', to: '-', count: 1 },
        { from: '\u2026', to: '...', count: 1 },
      ],
    });
    const emoji = await estimate({ text: `${'\u4F60'.repeat(66)}\u{1F600}xyz` });
    expect(emoji.body).toMatchObject({ parts: 2, characters: 71, charactersLeftInLastPart: 62 });
  });

  it('400 with the same field errors as POST /messages for the same text', async () => {
    const cases: unknown[] = [
      { text: '' },
      { text: 'a'.repeat(1531) },
      { text: '\u4F60', encoding: 'gsm7' },
      { text: 'nul\u0000' },
    ];
    for (const body of cases) {
      const est = await estimate(body);
      const sent = await send({ to: '+6591234567', ...(body as object) });
      expect(est.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(sent.status).toBe(400);
      expect(est.body.errors).toEqual(sent.body.errors);
      expect(est.body.errors![0]!.field).toBe('text');
    }
  });

  it('400 for a body of the wrong shape: unknown field, wrong types, no text', async () => {
    const res = await estimate({
      text: 'hi',
      to: '+6591234567',
      smartEncoding: 'yes',
      encoding: 'utf8',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'to', message: expect.stringContaining('unknown field') },
        { field: 'smartEncoding', message: expect.stringContaining('expected true or false') },
        { field: 'encoding', message: "expected 'auto', 'gsm7', 'ucs2' or 'latin1'" },
      ]),
    );
    expect((await estimate({})).body.errors).toEqual([
      { field: 'text', message: 'required: the message text' },
    ]);
    expect((await estimate([1])).status).toBe(400);
  });

  it('POST /messages with smartEncoding: GSM-7, and GET /messages/:id lists the replacements', async () => {
    const sent = await send({ to: '+6591234567', text: TYPOGRAPHIC, smartEncoding: true });
    expect(sent.status).toBe(202);
    const replacements = [
      { from: '\u201C', to: '"', count: 1 },
      { from: '\u201D', to: '"', count: 1 },
      { from: '\u2014', to: '-', count: 1 },
      { from: '\u2026', to: '...', count: 1 },
    ];
    expect(sent.body).toMatchObject({ encoding: 'gsm7', smartReplacements: replacements });
    const got = await eventually(async () => {
      const res = await http<MessageBody>(base, `/messages/${sent.body.id}`);
      return res.body.parts?.[0]?.smscMessageId ? res : null;
    }, 'the message submitted');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ encoding: 'gsm7', smartReplacements: replacements });
    expect(got.body.parts).toHaveLength(1);
    const record = service.simulator!.submits.find(
      (s) => s.messageId === got.body.parts[0]!.smscMessageId,
    );
    expect(record).toMatchObject({ dataCoding: 0, text: '"Your code" - 123456...' });

    const plain = await send({ to: '+6591234567', text: TYPOGRAPHIC });
    expect(plain.body.encoding).toBe('ucs2');
    expect(plain.body).not.toHaveProperty('smartReplacements');
  });

  it('needs the API key, and counts against the rate limit', async () => {
    const none = await estimate({ text: 'hi' }, null);
    expect(none.status).toBe(401);
    let limited: Awaited<ReturnType<typeof estimate>> | undefined;
    // At most two windows' worth: the limit is per minute, and a window may end mid-loop.
    for (let i = 0; i < 2 * RATE_LIMIT + 2 && !limited; i++) {
      const res = await estimate({ text: 'hi' });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(200);
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
