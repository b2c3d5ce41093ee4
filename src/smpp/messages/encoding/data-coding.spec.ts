import { describe, expect, it } from 'vitest';
import { alphabetOf, decodeText } from './data-coding.js';
import { encodeGsm7 } from './gsm7.js';
import { encodeUcs2 } from './ucs2.js';

describe('alphabetOf (DCS)', () => {
  it('reads the SMPP 3.4 table for 0x00-0x0F', () => {
    expect(alphabetOf(0)).toBe('gsm7');
    expect(alphabetOf(1)).toBe('ascii');
    expect(alphabetOf(2)).toBe('binary');
    expect(alphabetOf(3)).toBe('latin1');
    expect(alphabetOf(4)).toBe('binary');
    expect(alphabetOf(8)).toBe('ucs2');
    for (const dc of [5, 6, 7, 9, 10, 13, 14]) expect(alphabetOf(dc)).toBe('binary');
  });

  it('reads GSM general data coding groups with message class (bits 3-2 alphabet)', () => {
    for (const dc of [0x10, 0x11, 0x12, 0x13]) expect(alphabetOf(dc)).toBe('gsm7');
    for (const dc of [0x14, 0x15, 0x16, 0x17]) expect(alphabetOf(dc)).toBe('binary');
    for (const dc of [0x18, 0x19, 0x1a, 0x1b]) expect(alphabetOf(dc)).toBe('ucs2');
    expect(alphabetOf(0x1c)).toBe('binary'); // reserved alphabet
    // compressed
    expect(alphabetOf(0x20)).toBe('binary');
    expect(alphabetOf(0x38)).toBe('binary');
    // automatic deletion group 01xx xxxx
    expect(alphabetOf(0x40)).toBe('gsm7');
    expect(alphabetOf(0x48)).toBe('ucs2');
    expect(alphabetOf(0x59)).toBe('ucs2');
    expect(alphabetOf(0x44)).toBe('binary');
    expect(alphabetOf(0x60)).toBe('binary');
  });

  it('reads the message waiting and the data coding/message class groups', () => {
    expect(alphabetOf(0x80)).toBe('binary');
    expect(alphabetOf(0xc0)).toBe('gsm7');
    expect(alphabetOf(0xd8)).toBe('gsm7');
    expect(alphabetOf(0xe0)).toBe('ucs2');
    expect(alphabetOf(0xef)).toBe('ucs2');
    // 0xF0-0xFF: bit 2 clear GSM, set 8-bit; class in bits 1-0
    for (const dc of [0xf0, 0xf1, 0xf2, 0xf3]) expect(alphabetOf(dc)).toBe('gsm7');
    for (const dc of [0xf4, 0xf5, 0xf6, 0xf7]) expect(alphabetOf(dc)).toBe('binary');
    expect(alphabetOf(0xf8)).toBe('gsm7');
    expect(alphabetOf(0xff)).toBe('binary');
  });

  it('does not mistake class bits for the SMPP table (dc & 0x0F would)', () => {
    // 0xF1 & 0x0F = 1 (IA5) and 0x18 & 0x0F = 8 (UCS2 by luck), 0xF3 & 0x0F = 3 (Latin-1)
    expect(alphabetOf(0xf1)).toBe('gsm7');
    expect(alphabetOf(0xf3)).toBe('gsm7');
    expect(alphabetOf(0xf8)).toBe('gsm7');
  });
});

describe('decodeText', () => {
  it('decodes GSM septets for 0 and the GSM class values', () => {
    const bytes = encodeGsm7('Price: 5€ @home_')!;
    expect(decodeText(bytes, 0)).toBe('Price: 5€ @home_');
    expect(decodeText(bytes, 0xf0)).toBe('Price: 5€ @home_');
    expect(decodeText(bytes, 0x11)).toBe('Price: 5€ @home_');
  });

  it('decodes UCS2 for 8 and the UCS2 class values', () => {
    const bytes = encodeUcs2('你好 😀');
    expect(decodeText(bytes, 8)).toBe('你好 😀');
    expect(decodeText(bytes, 0x18)).toBe('你好 😀');
    expect(decodeText(bytes, 0xe0)).toBe('你好 😀');
  });

  it('decodes IA5 and Latin-1', () => {
    expect(decodeText(Buffer.from('id:1_$ ok', 'latin1'), 1)).toBe('id:1_$ ok');
    expect(decodeText(Buffer.from('Crêpe', 'latin1'), 3)).toBe('Crêpe');
  });

  it('returns 8-bit data as Latin-1 text, one character per byte (lossless)', () => {
    const bytes = Buffer.from([0x00, 0x7f, 0x80, 0xff, 0x41]);
    for (const dc of [2, 4, 0xf4, 0xf7, 0x15, 0x24, 0x90, 5]) {
      const text = decodeText(bytes, dc);
      expect(text).toHaveLength(5);
      expect(Buffer.from(text, 'latin1').equals(bytes)).toBe(true);
    }
  });
});
