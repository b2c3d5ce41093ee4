import { canEncodeGsm7 } from './gsm7.js';

/**
 * Smart encoding: typographic characters that alone would force a text into UCS2 (70 characters
 * per SMS instead of 160), replaced by their GSM-7 look-alikes. Applied only when the whole text
 * is GSM-7 afterwards; otherwise the text goes UCS2 anyway and is left exactly as written.
 * Letters are never changed (no é -> e): only punctuation, dashes, spaces and invisible characters.
 */

export interface SmartEncodingRule {
  /** The character replaced: one UTF-16 code unit, none of them GSM-7. */
  from: string;
  /** What it becomes: GSM-7 characters, or '' (removed). */
  to: string;
  name: string;
}

/** One kind of replacement made in a text, and how often. */
export interface SmartReplacement {
  from: string;
  to: string;
  count: number;
}

const rule = (code: number, to: string, name: string): SmartEncodingRule => ({
  from: String.fromCharCode(code),
  to,
  name,
});

const SPACES: ReadonlyArray<readonly [number, string]> = [
  [0x00a0, 'no-break space'],
  [0x1680, 'ogham space mark'],
  [0x2000, 'en quad'],
  [0x2001, 'em quad'],
  [0x2002, 'en space'],
  [0x2003, 'em space'],
  [0x2004, 'three-per-em space'],
  [0x2005, 'four-per-em space'],
  [0x2006, 'six-per-em space'],
  [0x2007, 'figure space'],
  [0x2008, 'punctuation space'],
  [0x2009, 'thin space'],
  [0x200a, 'hair space'],
  [0x202f, 'narrow no-break space'],
  [0x205f, 'medium mathematical space'],
  [0x3000, 'ideographic space'],
];

/** Fullwidth ASCII (U+FF01-U+FF5E) maps to ASCII; the grave accent is not GSM-7 and maps to '. */
const FULLWIDTH: SmartEncodingRule[] = Array.from({ length: 0x5e }, (_, i) => {
  const ascii = String.fromCharCode(0x21 + i);
  return rule(
    0xff01 + i,
    ascii === '`' ? "'" : ascii,
    `fullwidth ${ascii === '`' ? 'grave accent' : ascii}`,
  );
});

/** The table, documented in the README ("Estimating and smart encoding"). */
export const SMART_ENCODING_RULES: readonly SmartEncodingRule[] = [
  rule(0x2018, "'", 'left single quotation mark'),
  rule(0x2019, "'", 'right single quotation mark / apostrophe'),
  rule(0x201a, "'", 'single low-9 quotation mark'),
  rule(0x201b, "'", 'single high-reversed-9 quotation mark'),
  rule(0x2032, "'", 'prime'),
  rule(0x2035, "'", 'reversed prime'),
  rule(0x2039, "'", 'single left-pointing angle quotation mark'),
  rule(0x203a, "'", 'single right-pointing angle quotation mark'),
  rule(0x0060, "'", 'grave accent (backtick)'),
  rule(0x00b4, "'", 'acute accent'),
  rule(0x201c, '"', 'left double quotation mark'),
  rule(0x201d, '"', 'right double quotation mark'),
  rule(0x201e, '"', 'double low-9 quotation mark'),
  rule(0x201f, '"', 'double high-reversed-9 quotation mark'),
  rule(0x2033, '"', 'double prime'),
  rule(0x2036, '"', 'reversed double prime'),
  rule(0x00ab, '"', 'left-pointing double angle quotation mark'),
  rule(0x00bb, '"', 'right-pointing double angle quotation mark'),
  rule(0x2010, '-', 'hyphen'),
  rule(0x2011, '-', 'non-breaking hyphen'),
  rule(0x2012, '-', 'figure dash'),
  rule(0x2013, '-', 'en dash'),
  rule(0x2014, '-', 'em dash'),
  rule(0x2015, '-', 'horizontal bar'),
  rule(0x2212, '-', 'minus sign'),
  rule(0x2022, '-', 'bullet'),
  rule(0x2043, '-', 'hyphen bullet'),
  rule(0x2026, '...', 'horizontal ellipsis'),
  ...SPACES.map(([code, name]) => rule(code, ' ', name)),
  rule(0x2028, '\n', 'line separator'),
  rule(0x2029, '\n', 'paragraph separator'),
  rule(0x200b, '', 'zero-width space'),
  rule(0x200c, '', 'zero-width non-joiner'),
  rule(0x200d, '', 'zero-width joiner'),
  rule(0x2060, '', 'word joiner'),
  rule(0xfeff, '', 'zero-width no-break space (byte order mark)'),
  rule(0x00ad, '', 'soft hyphen'),
  ...FULLWIDTH,
];

const REPLACEMENT: ReadonlyMap<number, string> = new Map(
  SMART_ENCODING_RULES.map((r) => [r.from.charCodeAt(0), r.to]),
);

export interface SmartEncodingResult {
  /** The text to encode: the replaced text, or the original when smart encoding did not apply. */
  text: string;
  /** What was replaced, distinct characters in order of first appearance; empty when not applied. */
  replacements: SmartReplacement[];
}

/**
 * Replaces the characters of {@link SMART_ENCODING_RULES} when the result is a non-empty GSM-7
 * text; otherwise returns `text` unchanged with no replacements.
 */
export function applySmartEncoding(text: string): SmartEncodingResult {
  let out = '';
  let counts: Map<string, SmartReplacement> | undefined;
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const to = REPLACEMENT.get(text.charCodeAt(i));
    if (to === undefined) continue;
    const from = text[i]!;
    counts ??= new Map();
    const seen = counts.get(from);
    if (seen) seen.count++;
    else counts.set(from, { from, to, count: 1 });
    out += text.slice(copied, i) + to;
    copied = i + 1;
  }
  if (!counts) return { text, replacements: [] };
  out += text.slice(copied);
  if (out.length === 0 || !canEncodeGsm7(out)) return { text, replacements: [] };
  return { text: out, replacements: [...counts.values()] };
}
