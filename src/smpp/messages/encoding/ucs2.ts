/**
 * UCS2 as SMPP data_coding 8 carries it: UTF-16BE. Characters outside the BMP (emoji and the
 * like) are surrogate pairs and take two 16-bit units.
 */

/** True for a high (leading) surrogate code unit. */
export function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

/** True for a low (trailing) surrogate code unit. */
export function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** The number of UTF-16 units `text` takes (a surrogate pair counts 2). */
export function ucs2Length(text: string): number {
  return text.length;
}

/**
 * The UTF-16 index of the first surrogate that is not part of a pair (broken UTF-16, which no
 * handset can show), or -1 when the text is well formed.
 */
export function findLoneSurrogate(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    if (u < 0xd800 || u > 0xdfff) continue;
    if (isHighSurrogate(u) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}

/** Encodes `text` as UTF-16BE (2 bytes per unit; surrogate pairs kept as they are). */
export function encodeUcs2(text: string): Buffer {
  const out = Buffer.from(text, 'utf16le');
  return out.swap16();
}

/**
 * Decodes UTF-16BE. An odd trailing byte cannot be a character and decodes to U+FFFD.
 * The input is not modified.
 */
export function decodeUcs2(bytes: Uint8Array): string {
  const even = bytes.length & ~1;
  const copy = Buffer.allocUnsafe(even);
  for (let i = 0; i < even; i += 2) {
    copy[i] = bytes[i + 1]!;
    copy[i + 1] = bytes[i]!;
  }
  const text = copy.toString('utf16le');
  return even === bytes.length ? text : text + '\uFFFD';
}
