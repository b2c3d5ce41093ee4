import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveSmppOptions } from '../config/resolve-options.js';
import { SmppValidationError } from '../errors.js';
import { GSM7_BASIC_CHARACTERS, GSM7_EXTENSION_CHARACTERS } from './encoding/gsm7.js';
import { type Concatenation, planMessage } from './encoding/segmenter.js';
import { SMART_ENCODING_RULES } from './encoding/smart-encoding.js';
import { estimateMessage, type EstimateInput, type EstimateLimits } from './estimate.js';
import { draftMessage } from './message-draft.js';

const a = (n: number) => 'a'.repeat(n);
const han = (n: number) => '\u4F60'.repeat(n);
const EMOJI = '\u{1F600}';

function errorsOf(fn: () => unknown): { field: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SmppValidationError);
    return [...(e as SmppValidationError).errors];
  }
  throw new Error('expected a SmppValidationError');
}

/** send()'s own validation and planning, for the same options. */
function draft(input: EstimateInput, limits: EstimateLimits = {}, smartDefault = false) {
  const options = resolveSmppOptions({
    accounts: [
      {
        name: 'a',
        systemId: 'sys',
        password: 'pw',
        host: 'localhost',
        tls: false,
        defaultSender: 'Brand',
        smartEncoding: smartDefault,
      },
    ],
    messages: limits,
  });
  return draftMessage(
    { to: '+6591234567', ...input },
    new Map(options.accounts.map((x) => [x.name, x])),
    'a',
    options.messages,
  );
}

describe('estimateMessage: boundaries', () => {
  it.each([
    // text, encoding, parts, per part, left in the last part, characters
    [a(1), 'gsm7', 1, 160, 159, 1],
    [a(160), 'gsm7', 1, 160, 0, 160],
    [a(161), 'gsm7', 2, 153, 145, 161],
    [a(306), 'gsm7', 2, 153, 0, 306],
    [a(307), 'gsm7', 3, 153, 152, 307],
    [han(1), 'ucs2', 1, 70, 69, 1],
    [han(70), 'ucs2', 1, 70, 0, 70],
    [han(71), 'ucs2', 2, 67, 63, 71],
    [han(134), 'ucs2', 2, 67, 0, 134],
    [han(135), 'ucs2', 3, 67, 66, 135],
  ] as const)('%#: %s.length -> %s, %i part(s)', (text, encoding, parts, per, left, chars) => {
    expect(estimateMessage({ text })).toEqual({
      encoding,
      parts,
      charactersPerPart: per,
      charactersLeftInLastPart: left,
      characters: chars,
      ucs2Characters: encoding === 'ucs2' ? ['\u4F60'] : [],
      replacements: [],
    });
  });

  it('counts escapes as 2 septets and never splits one across parts', () => {
    // 158 + 2 = 160 septets: one part, full.
    expect(estimateMessage({ text: `${a(158)}\u20AC` })).toMatchObject({
      parts: 1,
      characters: 160,
      charactersLeftInLastPart: 0,
    });
    // 159 + 2 = 161: two parts.
    expect(estimateMessage({ text: `${a(159)}\u20AC` })).toMatchObject({
      parts: 2,
      characters: 161,
      charactersLeftInLastPart: 153 - 8,
    });
    // The escape would start at septet 153: it moves whole to part 2 (part 1 holds 152).
    expect(estimateMessage({ text: `${a(152)}{${a(10)}` })).toMatchObject({
      parts: 2,
      characters: 164,
      charactersLeftInLastPart: 153 - 12,
    });
    // Every extension character costs 2.
    expect(estimateMessage({ text: GSM7_EXTENSION_CHARACTERS }).characters).toBe(
      2 * GSM7_EXTENSION_CHARACTERS.length,
    );
  });

  it('never splits a surrogate pair across parts, and counts an emoji as 2 units', () => {
    expect(estimateMessage({ text: `${han(66)}${EMOJI}${han(3)}` })).toMatchObject({
      encoding: 'ucs2',
      parts: 2,
      characters: 71,
      // Part 1 would end inside the emoji: it holds 66 units, part 2 the other 5.
      charactersLeftInLastPart: 67 - 5,
      ucs2Characters: ['\u4F60', EMOJI],
    });
    expect(estimateMessage({ text: `${a(68)}${EMOJI}` })).toMatchObject({
      parts: 1,
      characters: 70,
      charactersLeftInLastPart: 0,
    });
  });

  it('honours udh16 and payload concatenation as send() does', () => {
    expect(estimateMessage({ text: a(305) }, { concatenation: 'udh16' })).toMatchObject({
      parts: 3,
      charactersPerPart: 152,
      charactersLeftInLastPart: 3 * 152 - 305,
    });
    // payload: one PDU, split (and billed) by the SMSC as udh8 parts.
    expect(estimateMessage({ text: a(307) }, { concatenation: 'payload' })).toMatchObject({
      parts: 3,
      charactersPerPart: 153,
    });
  });

  it('lists the characters that forced UCS2, distinct, in order of first appearance', () => {
    expect(
      estimateMessage({ text: `\u00E9a\u4F60b${EMOJI}\u4F60\u0416\u00E1${EMOJI}` }).ucs2Characters,
    ).toEqual(['\u4F60', EMOJI, '\u0416', '\u00E1']);
    // Asked for UCS2, a GSM text has no character that forced it.
    expect(estimateMessage({ text: 'hello', encoding: 'ucs2' })).toMatchObject({
      encoding: 'ucs2',
      characters: 5,
      ucs2Characters: [],
    });
    expect(estimateMessage({ text: 'caf\u00E1', encoding: 'latin1' })).toMatchObject({
      encoding: 'latin1',
      charactersPerPart: 140,
      ucs2Characters: [],
    });
  });
});

describe('estimateMessage: smart encoding', () => {
  const typographic = '\u201CHello\u201D \u2014 it\u2019s 5\u00A0min\u2026';

  it('off: the typographic characters force UCS2 and are named', () => {
    expect(estimateMessage({ text: typographic })).toMatchObject({
      encoding: 'ucs2',
      characters: typographic.length,
      ucs2Characters: ['\u201C', '\u201D', '\u2014', '\u2019', '\u00A0', '\u2026'],
      replacements: [],
    });
  });

  it('on: GSM-7, with the replacements and the replaced length', () => {
    expect(estimateMessage({ text: typographic, smartEncoding: true })).toEqual({
      encoding: 'gsm7',
      parts: 1,
      charactersPerPart: 160,
      characters: '"Hello" - it\'s 5 min...'.length,
      charactersLeftInLastPart: 160 - '"Hello" - it\'s 5 min...'.length,
      ucs2Characters: [],
      replacements: [
        { from: '\u201C', to: '"', count: 1 },
        { from: '\u201D', to: '"', count: 1 },
        { from: '\u2014', to: '-', count: 1 },
        { from: '\u2019', to: "'", count: 1 },
        { from: '\u00A0', to: ' ', count: 1 },
        { from: '\u2026', to: '...', count: 1 },
      ],
    });
  });

  it('on, with another character that forces UCS2: nothing replaced', () => {
    expect(estimateMessage({ text: `${typographic} \u4F60`, smartEncoding: true })).toMatchObject({
      encoding: 'ucs2',
      replacements: [],
      ucs2Characters: ['\u201C', '\u201D', '\u2014', '\u2019', '\u00A0', '\u2026', '\u4F60'],
    });
  });

  it('makes encoding gsm7 possible, and leaves an explicit ucs2 alone', () => {
    expect(
      estimateMessage({ text: typographic, encoding: 'gsm7', smartEncoding: true }),
    ).toMatchObject({
      encoding: 'gsm7',
    });
    expect(
      estimateMessage({ text: typographic, encoding: 'ucs2', smartEncoding: true }),
    ).toMatchObject({ encoding: 'ucs2', replacements: [] });
  });

  it('the ellipsis makes the text longer: the estimate counts the replaced text', () => {
    // 158 characters + 1 ellipsis: 159 UCS2 units would be 3 parts; as GSM-7, 161 septets are 2.
    const text = `${a(158)}\u2026`;
    expect(estimateMessage({ text })).toMatchObject({ encoding: 'ucs2', parts: 3 });
    expect(estimateMessage({ text, smartEncoding: true })).toMatchObject({
      encoding: 'gsm7',
      parts: 2,
      characters: 161,
    });
  });
});

describe('estimateMessage: validation, as send()', () => {
  it.each([
    ['empty text', { text: '' }],
    ['no text', { text: undefined as unknown as string }],
    ['a number as text', { text: 42 as unknown as string }],
    ['NUL', { text: 'a\u0000b' }],
    ['a lone surrogate', { text: 'a\uD83Db' }],
    ['an unknown encoding', { text: 'hi', encoding: 'utf8' as never }],
    ['gsm7 for a Chinese text', { text: han(3), encoding: 'gsm7' as const }],
    ['latin1 for an emoji', { text: EMOJI, encoding: 'latin1' as const }],
    ['too many parts', { text: a(153 * 10 + 1) }],
    ['smartEncoding not a boolean', { text: 'hi', smartEncoding: 'yes' as never }],
  ])('%s: the same field errors as send()', (_, input) => {
    const estimated = errorsOf(() => estimateMessage(input));
    expect(estimated.length).toBeGreaterThan(0);
    expect(errorsOf(() => draft(input))).toEqual(estimated);
  });

  it('names what is wrong and what to do', () => {
    expect(errorsOf(() => estimateMessage({ text: '' }))).toEqual([
      { field: 'text', message: 'text is empty: give at least one character' },
    ]);
    expect(errorsOf(() => estimateMessage({ text: a(1531) }))[0]!.message).toMatch(
      /needs 11 parts .* more than maxParts 10 .* shorten it to at most 1530/,
    );
    expect(estimateMessage({ text: a(1531) }, { maxParts: 11 }).parts).toBe(11);
    expect(errorsOf(() => estimateMessage(null as never))).toEqual([
      { field: 'message', message: 'expected an object { text, encoding?, smartEncoding? }' },
    ]);
  });
});

describe('estimateMessage: property, it is what send() stores', () => {
  const pieces = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...GSM7_BASIC_CHARACTERS) },
    { weight: 2, arbitrary: fc.constantFrom(...GSM7_EXTENSION_CHARACTERS) },
    { weight: 2, arbitrary: fc.constantFrom(...SMART_ENCODING_RULES.map((r) => r.from)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('\u4F60', '\u0416', '\u00E1', EMOJI, '\u{1F44D}\u{1F3FD}'),
    },
    { weight: 1, arbitrary: fc.constantFrom(a(150), a(66), `${a(151)}\u20AC`, han(66)) },
  );
  const text = fc.array(pieces, { minLength: 1, maxLength: 40 }).map((p) => p.join(''));
  const input = fc.record({
    text,
    encoding: fc.constantFrom('auto', 'ucs2', undefined),
    smartEncoding: fc.constantFrom(true, false, undefined),
  });
  const limits = fc.record({
    concatenation: fc.constantFrom<Concatenation>('udh8', 'udh16'),
    maxParts: fc.constant(255),
  });

  it('parts, encoding and lengths match the stored draft and the segmenter', () => {
    fc.assert(
      fc.property(input, limits, fc.boolean(), (raw, lim, accountSmart) => {
        const i: EstimateInput = {
          text: raw.text,
          ...(raw.encoding ? { encoding: raw.encoding } : {}),
          ...(raw.smartEncoding !== undefined ? { smartEncoding: raw.smartEncoding } : {}),
        };
        const smart = i.smartEncoding ?? accountSmart;
        const est = estimateMessage({ ...i, smartEncoding: smart }, lim);
        const stored = draft(i, lim, accountSmart);
        expect(est.parts).toBe(stored.parts.length);
        expect(est.encoding).toBe(stored.encoding);
        expect(est.replacements).toEqual(stored.smartReplacements ?? []);
        expect(stored.text).toBe(i.text);
        const units = stored.parts.map((p) => p.body.length / (est.encoding === 'ucs2' ? 2 : 1));
        expect(units.reduce((n, u) => n + u, 0)).toBe(est.characters);
        expect(est.charactersPerPart - units[units.length - 1]!).toBe(est.charactersLeftInLastPart);
        for (const u of units) expect(u).toBeLessThanOrEqual(est.charactersPerPart);
        expect(est.charactersLeftInLastPart).toBeGreaterThanOrEqual(0);
        // The segmenter's own answer for the text as encoded.
        const encoded = est.replacements.reduce((t, r) => t.replaceAll(r.from, r.to), i.text);
        expect(planMessage(encoded, { ...lim, encoding: i.encoding }).parts).toHaveLength(
          est.parts,
        );
        // Every part but the last is full, but for an escape or emoji moved to the next one.
        for (const u of units.slice(0, -1))
          expect(u).toBeGreaterThanOrEqual(est.charactersPerPart - 1);
        expect(est.characters).toBeGreaterThan(est.charactersPerPart * (est.parts - 1) - est.parts);
        if (est.encoding === 'gsm7') expect(est.ucs2Characters).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});
