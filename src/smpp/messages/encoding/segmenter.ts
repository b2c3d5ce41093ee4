import { SmppValidationError } from '../../errors.js';
import { DataCoding } from './data-coding.js';
import { GSM7_ESCAPE, encodeGsm7, firstNonGsm7 } from './gsm7.js';
import { encodeLatin1, firstNonLatin1 } from './latin1.js';
import { encodeUcs2, findLoneSurrogate, isHighSurrogate } from './ucs2.js';
import { buildConcatUdh } from '../../protocol/udh.js';

/** The encoding a caller may ask for; 'auto' picks GSM 7-bit when every character fits, else UCS2. */
export type EncodingChoice = 'auto' | 'gsm7' | 'ucs2' | 'latin1';
/** The encoding a plan uses. */
export type MessageEncoding = 'gsm7' | 'ucs2' | 'latin1';
/**
 * How a text longer than one message is carried:
 * - 'udh8': UDH `05 00 03 REF TOTAL SEQ` in every part (the default, the most widely supported)
 * - 'udh16': UDH `06 08 04 REFHI REFLO TOTAL SEQ` (one septet / unit / octet less per part)
 * - 'payload': the whole text in the message_payload TLV (0x0424); the SMSC splits it.
 */
export type Concatenation = 'udh8' | 'udh16' | 'payload';

export interface PlanOptions {
  /** Default 'auto'. */
  encoding?: EncodingChoice;
  /** The most parts the text may need, 1 to 255 (default 10). */
  maxParts?: number;
  /** Default 'udh8'. */
  concatenation?: Concatenation;
  /**
   * The concatenation reference shared by the parts: a non-negative integer, used modulo 256
   * (udh8) or 65536 (udh16). When absent a rolling per-process reference is used.
   */
  reference?: number;
}

export interface MessagePart {
  /** 1-based. */
  seq: number;
  total: number;
  /** The encoded part, without UDH. Empty when the plan uses message_payload. */
  body: Buffer;
  /** The UDH including its UDHL byte; present on every part of a text of 2 parts or more (udh8/udh16). */
  udh?: Buffer;
}

export interface MessagePlan {
  encoding: MessageEncoding;
  /** SMPP data_coding: 0 GSM, 8 UCS2, 3 Latin-1. */
  dataCoding: 0 | 8 | 3;
  /** The length of the whole text: GSM septets (extension characters 2), UCS2 units (emoji 2), or octets. */
  units: number;
  parts: MessagePart[];
  /** The whole encoded text, when concatenation is 'payload' (then `parts` is one part with an empty body). */
  messagePayload?: Buffer;
}

interface Limits {
  /** Units in a message that stands alone. */
  single: number;
  /** Units per part with an 8-bit / 16-bit reference UDH. */
  udh8: number;
  udh16: number;
  /** Bytes per unit in the encoded buffer. */
  bytesPerUnit: number;
  dataCoding: 0 | 8 | 3;
  unitName: string;
}

/**
 * Units per message. GSM: 140 octets = 160 septets; a 6-octet UDH leaves 153, a 7-octet one 152.
 * UCS2: 70 units; 67 / 66. Latin-1: 140 octets; 134 / 133.
 */
export const PART_LIMITS: Readonly<Record<MessageEncoding, Readonly<Limits>>> = {
  gsm7: {
    single: 160,
    udh8: 153,
    udh16: 152,
    bytesPerUnit: 1,
    dataCoding: DataCoding.GSM7,
    unitName: 'GSM-7 characters (extension characters such as € count 2)',
  },
  ucs2: {
    single: 70,
    udh8: 67,
    udh16: 66,
    bytesPerUnit: 2,
    dataCoding: DataCoding.UCS2,
    unitName: 'UCS2 units (an emoji counts 2)',
  },
  latin1: {
    single: 140,
    udh8: 134,
    udh16: 133,
    bytesPerUnit: 1,
    dataCoding: DataCoding.LATIN1,
    unitName: 'Latin-1 characters',
  },
};

const ENCODING_CHOICES: ReadonlySet<string> = new Set(['auto', 'gsm7', 'ucs2', 'latin1']);
const CONCATENATIONS: ReadonlySet<string> = new Set(['udh8', 'udh16', 'payload']);
const DEFAULT_MAX_PARTS = 10;
const MAX_UDH_PARTS = 255;

let nextReference = Math.floor(Math.random() * 0x10000);

function describeChar(char: string): string {
  const cp = char.codePointAt(0) ?? 0;
  return `'${char}' (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}

function encodeFor(
  text: string,
  choice: EncodingChoice,
): { encoding: MessageEncoding; bytes: Buffer } {
  if (choice === 'auto' || choice === 'gsm7') {
    const gsm = encodeGsm7(text);
    if (gsm) return { encoding: 'gsm7', bytes: gsm };
    if (choice === 'gsm7') {
      const bad = firstNonGsm7(text)!;
      throw new SmppValidationError([
        {
          field: 'text',
          message: `encoding 'gsm7' cannot carry ${describeChar(bad.char)} at position ${bad.index}: use encoding 'ucs2' or 'auto', or remove the character`,
        },
      ]);
    }
  }
  if (choice === 'latin1') {
    const bytes = encodeLatin1(text);
    if (bytes) return { encoding: 'latin1', bytes };
    const bad = firstNonLatin1(text)!;
    throw new SmppValidationError([
      {
        field: 'text',
        message: `encoding 'latin1' cannot carry ${describeChar(bad.char)} at position ${bad.index}: use encoding 'ucs2' or 'auto', or remove the character`,
      },
    ]);
  }
  const lone = findLoneSurrogate(text);
  if (lone >= 0) {
    throw new SmppValidationError([
      {
        field: 'text',
        message: `text has a broken UTF-16 character (an unpaired surrogate U+${text.charCodeAt(lone).toString(16).toUpperCase()}) at position ${lone}: fix the string where it was cut or decoded`,
      },
    ]);
  }
  return { encoding: 'ucs2', bytes: encodeUcs2(text) };
}

/**
 * End offsets of the parts of `bytes`, at most `maxBytes` each, never splitting a GSM escape pair
 * (0x1B + code) or a UTF-16 surrogate pair.
 */
function splitEnds(bytes: Buffer, maxBytes: number, encoding: MessageEncoding): number[] {
  const ends: number[] = [];
  const len = bytes.length;
  let start = 0;
  while (start < len) {
    let end = start + maxBytes;
    if (end >= len) {
      end = len;
    } else if (encoding === 'gsm7') {
      // The encoder never emits 0x1B except as the first byte of an escape pair.
      if (bytes[end - 1] === GSM7_ESCAPE) end -= 1;
    } else if (encoding === 'ucs2') {
      if (isHighSurrogate((bytes[end - 2]! << 8) | bytes[end - 1]!)) end -= 2;
    }
    ends.push(end);
    start = end;
  }
  return ends;
}

function validateOptions(options: PlanOptions): {
  choice: EncodingChoice;
  maxParts: number;
  concatenation: Concatenation;
  reference: number | undefined;
} {
  const errors: { field: string; message: string }[] = [];
  const choice = options.encoding ?? 'auto';
  if (!ENCODING_CHOICES.has(choice)) {
    errors.push({
      field: 'encoding',
      message: `unknown encoding ${JSON.stringify(choice)}: use 'auto', 'gsm7', 'ucs2' or 'latin1'`,
    });
  }
  const concatenation = options.concatenation ?? 'udh8';
  if (!CONCATENATIONS.has(concatenation)) {
    errors.push({
      field: 'concatenation',
      message: `unknown concatenation ${JSON.stringify(concatenation)}: use 'udh8', 'udh16' or 'payload'`,
    });
  }
  const maxParts = options.maxParts ?? DEFAULT_MAX_PARTS;
  if (!Number.isInteger(maxParts) || maxParts < 1 || maxParts > MAX_UDH_PARTS) {
    errors.push({
      field: 'maxParts',
      message: `maxParts ${String(maxParts)} is not allowed: give a whole number from 1 to ${MAX_UDH_PARTS}`,
    });
  }
  const reference = options.reference;
  if (reference !== undefined && (!Number.isSafeInteger(reference) || reference < 0)) {
    errors.push({
      field: 'reference',
      message: `reference ${String(reference)} is not allowed: give a non-negative whole number (it is used modulo 256 for udh8, 65536 for udh16)`,
    });
  }
  if (errors.length > 0) throw new SmppValidationError(errors);
  return { choice, maxParts, concatenation, reference };
}

/**
 * Picks the encoding of `text` and splits it into SMPP parts.
 *
 * A text that fits one message (160 GSM septets, 70 UCS2 units, 140 Latin-1 octets) is one part
 * without UDH. A longer one is split into parts of 153 / 67 / 134 units (udh8) or 152 / 66 / 133
 * (udh16); a part never ends inside a GSM escape pair or a surrogate pair (the whole character moves
 * to the next part). With 'payload' the whole text goes into `messagePayload` and `parts` holds one
 * part with an empty body; maxParts still applies, counted as udh8 parts, since the SMSC splits
 * (and bills) the text that way.
 *
 * Throws SmppValidationError for an empty text (or one with broken UTF-16), an encoding that
 * cannot carry the text, a text that needs more than maxParts parts, and bad options.
 */
export function planMessage(text: string, options: PlanOptions = {}): MessagePlan {
  if (typeof text !== 'string' || text.length === 0) {
    throw new SmppValidationError([
      {
        field: 'text',
        message:
          typeof text === 'string'
            ? 'text is empty: give at least one character'
            : `text must be a string, got ${typeof text}`,
      },
    ]);
  }
  const { choice, maxParts, concatenation, reference } = validateOptions(options);
  const { encoding, bytes } = encodeFor(text, choice);
  const limits = PART_LIMITS[encoding];
  const units = bytes.length / limits.bytesPerUnit;
  const dataCoding = limits.dataCoding;

  const single = units <= limits.single;
  const perPart = concatenation === 'udh16' ? limits.udh16 : limits.udh8;
  const ends = single ? [bytes.length] : splitEnds(bytes, perPart * limits.bytesPerUnit, encoding);
  if (ends.length > maxParts) {
    throw new SmppValidationError([
      {
        field: 'text',
        message:
          `text is ${units} ${limits.unitName} and needs ${ends.length} parts of at most ${perPart} each, ` +
          `more than maxParts ${maxParts} allows: shorten it to at most ${perPart * maxParts} ` +
          `(or ${limits.single} for a single message), or raise maxParts`,
      },
    ]);
  }

  if (concatenation === 'payload') {
    return {
      encoding,
      dataCoding,
      units,
      parts: [{ seq: 1, total: 1, body: Buffer.alloc(0) }],
      messagePayload: bytes,
    };
  }
  if (single) {
    return { encoding, dataCoding, units, parts: [{ seq: 1, total: 1, body: bytes }] };
  }

  let ref: number;
  if (reference !== undefined) {
    ref = reference % 0x10000;
  } else {
    ref = nextReference;
    nextReference = (nextReference + 1) & 0xffff;
  }
  const total = ends.length;
  const parts: MessagePart[] = new Array<MessagePart>(total);
  let start = 0;
  for (let i = 0; i < total; i++) {
    const end = ends[i]!;
    const seq = i + 1;
    const udh = buildConcatUdh(concatenation === 'udh16' ? 'udh16' : 'udh8', ref, total, seq);
    parts[i] = { seq, total, body: bytes.subarray(start, end), udh };
    start = end;
  }
  return { encoding, dataCoding, units, parts };
}
