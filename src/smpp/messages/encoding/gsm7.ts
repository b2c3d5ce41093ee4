/**
 * GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table, as SMPP carries it with
 * data_coding 0: UNPACKED septets, one per byte (the SMSC packs them for the air interface).
 *
 * Extension-table characters are sent as the escape septet 0x1B followed by their code and count
 * as two septets. All lookup tables are built once, at module load.
 */

/** The escape septet that introduces an extension-table character. */
export const GSM7_ESCAPE = 0x1b;

/** The 128 characters of the default alphabet, by septet value. 0x1B (escape) is shown as a space. */
const BASIC: readonly string[] = [
  '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
  'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', ' ', 'Æ', 'æ', 'ß', 'É',
  ' ', '!', '"', '#', '¤', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/',
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
  '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
  'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
  '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
]; // prettier-ignore

/** The extension table: septet after 0x1B -> character. */
const EXTENSION: ReadonlyArray<readonly [number, string]> = [
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
];

/** The default alphabet, in septet order (0x1B excluded), for tests and documentation. */
export const GSM7_BASIC_CHARACTERS: string = BASIC.filter((_, i) => i !== GSM7_ESCAPE).join('');
/** The extension-table characters (each costs two septets). */
export const GSM7_EXTENSION_CHARACTERS: string = EXTENSION.map(([, c]) => c).join('');

/**
 * Encoder lookup by UTF-16 code unit for code units below 0x400 (Latin and Greek: every GSM
 * character but the euro sign). Values: -1 not GSM, 0..0x7F a basic septet, 0x100 | code an
 * extension character (0x1B + code).
 */
const LOOKUP_LIMIT = 0x400;
const EXT_FLAG = 0x100;
const ENCODE_LOOKUP: Int16Array = (() => {
  const table = new Int16Array(LOOKUP_LIMIT).fill(-1);
  BASIC.forEach((ch, septet) => {
    if (septet !== GSM7_ESCAPE) table[ch.charCodeAt(0)] = septet;
  });
  for (const [code, ch] of EXTENSION) {
    const unit = ch.charCodeAt(0);
    if (unit < LOOKUP_LIMIT) table[unit] = EXT_FLAG | code;
  }
  return table;
})();
const EURO = 0x20ac;
const EURO_CODE = 0x65;

/** Decoder: extension code -> character (undefined: not defined, decodes to a space). */
const DECODE_EXTENSION: ReadonlyArray<string | undefined> = (() => {
  const table: Array<string | undefined> = new Array<string | undefined>(128).fill(undefined);
  for (const [code, ch] of EXTENSION) table[code] = ch;
  return table;
})();

/** Septet value for a code unit: -1 not GSM, 0..0x7F basic, 0x100 | code extension. */
function lookup(unit: number): number {
  if (unit < LOOKUP_LIMIT) return ENCODE_LOOKUP[unit]!;
  return unit === EURO ? EXT_FLAG | EURO_CODE : -1;
}

/** True when every character of `text` is in the GSM default alphabet or its extension table. */
export function canEncodeGsm7(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (lookup(text.charCodeAt(i)) < 0) return false;
  }
  return true;
}

/**
 * The number of septets `text` takes in GSM 7-bit (extension characters count 2),
 * or -1 when some character is not GSM.
 */
export function gsm7Length(text: string): number {
  let septets = 0;
  for (let i = 0; i < text.length; i++) {
    const v = lookup(text.charCodeAt(i));
    if (v < 0) return -1;
    septets += v >= EXT_FLAG ? 2 : 1;
  }
  return septets;
}

/** Whether `char` (one character) is a GSM extension-table character (costs 2 septets). */
export function isGsm7Extension(char: string): boolean {
  return char.length === 1 && lookup(char.charCodeAt(0)) >= EXT_FLAG;
}

/**
 * The first character of `text` that GSM 7-bit cannot carry (a whole code point: an emoji is
 * returned complete) and its UTF-16 index, or null when the whole text is GSM.
 */
export function firstNonGsm7(text: string): { char: string; index: number } | null {
  for (let i = 0; i < text.length; i++) {
    if (lookup(text.charCodeAt(i)) < 0) {
      return { char: String.fromCodePoint(text.codePointAt(i)!), index: i };
    }
  }
  return null;
}

/**
 * Encodes `text` as unpacked GSM septets (one per byte; extension characters as 0x1B + code).
 * Returns null when some character is not GSM: nothing is ever replaced silently. Callers that
 * need an error naming the character use {@link firstNonGsm7}.
 */
export function encodeGsm7(text: string): Buffer | null {
  const septets = gsm7Length(text);
  if (septets < 0) return null;
  const out = Buffer.allocUnsafe(septets);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const v = lookup(text.charCodeAt(i));
    if (v >= EXT_FLAG) {
      out[o++] = GSM7_ESCAPE;
      out[o++] = v & 0x7f;
    } else {
      out[o++] = v;
    }
  }
  return out;
}

/**
 * Decodes unpacked GSM septets (one per byte).
 * - 0x1B + a code the extension table does not define (0x1B 0x1B included) decodes to a space,
 *   as does a 0x1B that ends the buffer.
 * - A byte above 0x7F is not a septet: it decodes to U+FFFD so the damage is visible.
 */
export function decodeGsm7(bytes: Uint8Array): string {
  let out = '';
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b > 0x7f) {
      out += '\uFFFD';
    } else if (b === GSM7_ESCAPE) {
      i++;
      if (i >= n) {
        out += ' ';
        break;
      }
      const next = bytes[i]!;
      out += (next <= 0x7f ? DECODE_EXTENSION[next] : undefined) ?? ' ';
    } else {
      out += BASIC[b]!;
    }
  }
  return out;
}
