/**
 * Values from the wire or the API made fit for Postgres: `text` and `jsonb` take neither U+0000
 * nor a lone UTF-16 surrogate (jsonb rejects the `\ud800` escape JSON.stringify writes for it).
 */

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** Whether a string can be stored in a text or jsonb value as it is. */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !hasLoneSurrogate(text);
}

/** NUL removed, lone surrogates replaced by U+FFFD; the same string when nothing had to change. */
export function storableText(text: string): string {
  if (isStorableText(text)) return text;
  return text.replaceAll('\u0000', '').replace(LONE_SURROGATES, '\ufffd');
}

/** A wire string cut to its column's width (characters), and made storable. */
export function fitColumn(value: string, width: number): string {
  const clean = storableText(value);
  return clean.length > width ? clean.slice(0, width) : clean;
}
