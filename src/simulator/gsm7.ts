/**
 * A small GSM 03.38 coder: default alphabet plus the extension table (0x1B escape), unpacked
 * (one septet per byte), as SMSCs exchange it over SMPP with data_coding 0.
 */

const ESC = 0x1b;

// Index = septet value. 0x1B is the escape to the extension table.
const DEFAULT_ALPHABET =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

const EXTENSION: ReadonlyArray<[string, number]> = [
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
];

const encodeDefault = new Map<string, number>();
for (let i = 0; i < DEFAULT_ALPHABET.length; i++) {
  if (i !== ESC) encodeDefault.set(DEFAULT_ALPHABET[i], i);
}
const encodeExtension = new Map<string, number>(EXTENSION);
const decodeExtension = new Map<number, string>(EXTENSION.map(([c, v]) => [v, c]));

/** Replacement for characters outside GSM 03.38. */
const REPLACEMENT = 0x3f; // '?'

/** True when every character of the text is in the default alphabet or the extension table. */
export function isGsm7(text: string): boolean {
  for (const ch of text) {
    if (!encodeDefault.has(ch) && !encodeExtension.has(ch)) return false;
  }
  return true;
}

/** Septets one character takes: 1, 2 for the extension table (and for '?' replacements: 1). */
export function gsm7CharLength(ch: string): number {
  return encodeExtension.has(ch) ? 2 : 1;
}

export function gsm7Length(text: string): number {
  let n = 0;
  for (const ch of text) n += gsm7CharLength(ch);
  return n;
}

/** Unpacked septets; characters outside GSM 03.38 become '?'. */
export function encodeGsm7(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const septet = encodeDefault.get(ch);
    if (septet !== undefined) {
      out.push(septet);
      continue;
    }
    const ext = encodeExtension.get(ch);
    if (ext !== undefined) out.push(ESC, ext);
    else out.push(REPLACEMENT);
  }
  return Buffer.from(out);
}

export function decodeGsm7(bytes: Buffer): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const septet = bytes[i] & 0x7f;
    if (septet === ESC && i + 1 < bytes.length) {
      const ext = decodeExtension.get(bytes[i + 1] & 0x7f);
      if (ext !== undefined) {
        text += ext;
        i++;
        continue;
      }
    }
    text += septet === ESC ? ' ' : DEFAULT_ALPHABET[septet];
  }
  return text;
}
