/**
 * ISO-8859-1 (Latin-1) as SMPP data_coding 3 carries it: one octet per character, U+0000..U+00FF.
 * Used only when asked for: many SMSCs (8x8 included) expect GSM (0) or UCS2 (8).
 */

/** The first character outside Latin-1 (a whole code point) and its UTF-16 index, or null. */
export function firstNonLatin1(text: string): { char: string; index: number } | null {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0xff) {
      return { char: String.fromCodePoint(text.codePointAt(i)!), index: i };
    }
  }
  return null;
}

/** True when every character of `text` is in Latin-1. */
export function canEncodeLatin1(text: string): boolean {
  return firstNonLatin1(text) === null;
}

/**
 * Encodes `text` as Latin-1, or returns null when some character is outside it
 * (Node's own 'latin1' encoder would silently keep only the low byte).
 */
export function encodeLatin1(text: string): Buffer | null {
  return canEncodeLatin1(text) ? Buffer.from(text, 'latin1') : null;
}

/** Decodes Latin-1 (every byte is a character; lossless). */
export function decodeLatin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
