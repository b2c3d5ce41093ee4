import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canEncodeGsm7, GSM7_BASIC_CHARACTERS, GSM7_EXTENSION_CHARACTERS } from './gsm7.js';
import { applySmartEncoding, SMART_ENCODING_RULES } from './smart-encoding.js';

const hex = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
const RULE_CHARS = SMART_ENCODING_RULES.map((r) => r.from);

describe('the smart-encoding table', () => {
  it('holds single characters that force UCS2, each once, and fits the column bound (256)', () => {
    expect(SMART_ENCODING_RULES.length).toBeLessThanOrEqual(256);
    expect(new Set(RULE_CHARS).size).toBe(RULE_CHARS.length);
    for (const r of SMART_ENCODING_RULES) {
      expect(r.from, r.name).toHaveLength(1);
      expect(canEncodeGsm7(r.from), `${hex(r.from)} ${r.name} is already GSM-7`).toBe(false);
      expect(canEncodeGsm7(r.to), `${hex(r.from)} ${r.name} -> ${JSON.stringify(r.to)}`).toBe(true);
      expect(r.name.length).toBeGreaterThan(0);
    }
  });

  it('covers every Unicode space separator (Zs) but the plain space, as a space', () => {
    const spaces: string[] = [];
    for (let cp = 0; cp <= 0xffff; cp++) {
      const c = String.fromCharCode(cp);
      if (cp !== 0x20 && /\p{Zs}/u.test(c)) spaces.push(c);
    }
    expect(spaces.length).toBe(16);
    for (const s of spaces)
      expect(SMART_ENCODING_RULES.find((r) => r.from === s)?.to, hex(s)).toBe(' ');
  });

  it('maps the fullwidth ASCII block to ASCII (the grave accent to an apostrophe)', () => {
    for (let cp = 0xff01; cp <= 0xff5e; cp++) {
      const ascii = String.fromCharCode(cp - 0xfee0);
      const to = SMART_ENCODING_RULES.find((r) => r.from === String.fromCharCode(cp))?.to;
      expect(to).toBe(ascii === '`' ? "'" : ascii);
    }
  });

  it.each([
    ['\u2018', "'"],
    ['\u2019', "'"],
    ['\u201A', "'"],
    ['\u2032', "'"],
    ['\u201C', '"'],
    ['\u201D', '"'],
    ['\u201E', '"'],
    ['\u2033', '"'],
    ['\u00AB', '"'],
    ['\u00BB', '"'],
    ['\u2012', '-'],
    ['\u2013', '-'],
    ['\u2014', '-'],
    ['\u2015', '-'],
    ['\u2212', '-'],
    ['\u2022', '-'],
    ['\u2026', '...'],
    ['\u00A0', ' '],
    ['\u202F', ' '],
    ['\u3000', ' '],
    ['\u200B', ''],
    ['\u200D', ''],
    ['\u00AD', ''],
    ['\uFEFF', ''],
    ['`', "'"],
    ['\uFF11', '1'],
  ])('has %s -> %j (the documented entries)', (from, to) => {
    expect(SMART_ENCODING_RULES.find((r) => r.from === from)?.to).toBe(to);
  });
});

describe('applySmartEncoding', () => {
  it.each(SMART_ENCODING_RULES.map((r) => [hex(r.from), r] as const))(
    'replaces %s alone in a GSM-7 text',
    (_, r) => {
      const result = applySmartEncoding(`a${r.from}b`);
      expect(result).toEqual({
        text: `a${r.to}b`,
        replacements: [{ from: r.from, to: r.to, count: 1 }],
      });
    },
  );

  it('counts each character once, in order of first appearance', () => {
    expect(applySmartEncoding('It\u2019s \u201Cfine\u201D \u2014 isn\u2019t it\u2026')).toEqual({
      text: 'It\'s "fine" - isn\'t it...',
      replacements: [
        { from: '\u2019', to: "'", count: 2 },
        { from: '\u201C', to: '"', count: 1 },
        { from: '\u201D', to: '"', count: 1 },
        { from: '\u2014', to: '-', count: 1 },
        { from: '\u2026', to: '...', count: 1 },
      ],
    });
  });

  it('leaves the text as written when something else forces UCS2 anyway', () => {
    for (const text of [
      '\u201CHi\u201D \u4F60\u597D',
      'It\u2019s \u{1F600}',
      'caf\u00E1 \u2014 ok',
    ]) {
      expect(applySmartEncoding(text)).toEqual({ text, replacements: [] });
    }
  });

  it('leaves a text that would become empty as it is', () => {
    expect(applySmartEncoding('\u200B\u00AD')).toEqual({ text: '\u200B\u00AD', replacements: [] });
  });

  it('returns a GSM-7 text unchanged', () => {
    const text = `${GSM7_BASIC_CHARACTERS}${GSM7_EXTENSION_CHARACTERS}`;
    expect(applySmartEncoding(text)).toEqual({ text, replacements: [] });
  });

  it('property: applied, the text is GSM-7 and is the input with every table character replaced', () => {
    const gsm = fc.constantFrom(...`${GSM7_BASIC_CHARACTERS}${GSM7_EXTENSION_CHARACTERS}`);
    const table = fc.constantFrom(...RULE_CHARS);
    const other = fc.constantFrom('\u4F60', '\u{1F600}', '\u00E1', '\u0416');
    const text = fc
      .array(fc.oneof({ weight: 6, arbitrary: gsm }, { weight: 3, arbitrary: table }, other), {
        minLength: 1,
        maxLength: 60,
      })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(text, (input) => {
        const { text: out, replacements } = applySmartEncoding(input);
        const mapped = [...input]
          .map((c) => SMART_ENCODING_RULES.find((r) => r.from === c)?.to ?? c)
          .join('');
        const applies = mapped !== input && mapped.length > 0 && canEncodeGsm7(mapped);
        expect(out).toBe(applies ? mapped : input);
        if (!applies) expect(replacements).toEqual([]);
        else {
          const tableCount = [...input].filter((c) => RULE_CHARS.includes(c)).length;
          expect(replacements.reduce((n, r) => n + r.count, 0)).toBe(tableCount);
          expect(new Set(replacements.map((r) => r.from)).size).toBe(replacements.length);
        }
      }),
      { numRuns: 500 },
    );
  });
});
