import { decodeGsm7 } from './gsm7.js';
import { decodeLatin1 } from './latin1.js';
import { decodeUcs2 } from './ucs2.js';

/** The SMPP 3.4 data_coding values this library sends. */
export const DataCoding = {
  /** SMSC default alphabet: GSM 03.38 at 8x8 and most SMSCs (unpacked septets). */
  GSM7: 0,
  /** IA5 / ASCII. */
  IA5: 1,
  /** 8-bit binary (SMPP 3.4 table, value 2). */
  BINARY_2: 2,
  /** ISO-8859-1. */
  LATIN1: 3,
  /** 8-bit binary. */
  BINARY: 4,
  /** UCS2 (UTF-16BE). */
  UCS2: 8,
} as const;

/**
 * How the bytes of a message are to be read:
 * - 'gsm7': unpacked GSM 03.38 septets
 * - 'ascii': IA5
 * - 'latin1': ISO-8859-1
 * - 'ucs2': UTF-16BE
 * - 'binary': 8-bit data, compressed text, or a character set this library does not decode
 */
export type Alphabet = 'gsm7' | 'ascii' | 'latin1' | 'ucs2' | 'binary';

/**
 * The alphabet a data_coding (DCS) octet selects.
 *
 * - 0x00-0x0F: the SMPP 3.4 table (0 GSM, 1 IA5, 3 Latin-1, 8 UCS2; 2 and 4 8-bit binary; 5, 6, 7,
 *   9, 10, 13, 14 are national or pictogram sets this library does not decode: 'binary').
 * - 0x10-0x7F: GSM 03.38 general data coding groups (00xx xxxx and 01xx xxxx, the latter with
 *   automatic deletion): bit 5 set means compressed ('binary'); otherwise bits 3-2 give the
 *   alphabet: 00 GSM, 01 8-bit, 10 UCS2, 11 reserved ('binary'). Bits 1-0 are the message class.
 * - 0x80-0xBF: reserved ('binary').
 * - 0xC0-0xDF: message waiting indication, GSM; 0xE0-0xEF: message waiting indication, UCS2.
 * - 0xF0-0xFF: data coding / message class: bit 2 clear GSM, set 8-bit data.
 */
export function alphabetOf(dataCoding: number): Alphabet {
  const dcs = dataCoding & 0xff;
  if (dcs <= 0x0f) {
    switch (dcs) {
      case 0x00:
        return 'gsm7';
      case 0x01:
        return 'ascii';
      case 0x03:
        return 'latin1';
      case 0x08:
        return 'ucs2';
      default:
        return 'binary';
    }
  }
  if (dcs <= 0x7f) {
    if (dcs & 0x20) return 'binary';
    switch ((dcs >> 2) & 0x03) {
      case 0:
        return 'gsm7';
      case 2:
        return 'ucs2';
      default:
        return 'binary';
    }
  }
  if (dcs <= 0xbf) return 'binary';
  if (dcs <= 0xdf) return 'gsm7';
  if (dcs <= 0xef) return 'ucs2';
  return dcs & 0x04 ? 'binary' : 'gsm7';
}

/** Decodes `bytes` in the given alphabet (see {@link decodeText} for the rules). */
export function decodeAlphabet(bytes: Uint8Array, alphabet: Alphabet): string {
  switch (alphabet) {
    case 'gsm7':
      return decodeGsm7(bytes);
    case 'ucs2':
      return decodeUcs2(bytes);
    default:
      // ascii: IA5 is 7-bit; a stray high byte is kept as its Latin-1 character rather than
      // having its top bit stripped. binary: Latin-1 maps byte n to U+00nn, which is lossless
      // (Buffer.from(text, 'latin1') gives the bytes back) and readable when the data is ASCII.
      return decodeLatin1(bytes);
  }
}

/**
 * Decodes an inbound short_message or message_payload (WITHOUT its UDH) by its data_coding.
 *
 * 0 (and the other GSM DCS values) as unpacked GSM septets; 1 IA5 and 3 Latin-1 as Latin-1;
 * 8 (and the UCS2 DCS values) as UTF-16BE. 8-bit binary (2, 4, 0xF4-0xF7, ...), compressed data
 * and character sets this library does not know are returned as LATIN-1 text: one character per
 * byte, so `Buffer.from(result, 'latin1')` gives the exact bytes back. Never throws.
 */
export function decodeText(bytes: Uint8Array, dataCoding: number): string {
  return decodeAlphabet(bytes, alphabetOf(dataCoding));
}
