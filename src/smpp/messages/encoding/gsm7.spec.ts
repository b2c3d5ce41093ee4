import { describe, expect, it } from 'vitest';
import {
  GSM7_BASIC_CHARACTERS,
  GSM7_EXTENSION_CHARACTERS,
  canEncodeGsm7,
  decodeGsm7,
  encodeGsm7,
  firstNonGsm7,
  gsm7Length,
  isGsm7Extension,
} from './gsm7.js';

describe('GSM 03.38 codec', () => {
  it('has the 127 characters of the default alphabet and the 10 of the extension table', () => {
    expect(GSM7_BASIC_CHARACTERS).toHaveLength(127);
    expect(new Set(GSM7_BASIC_CHARACTERS).size).toBe(127);
    expect(GSM7_EXTENSION_CHARACTERS).toBe('\f^{}\\[~]|€');
  });

  it('encodes the default alphabet one septet per byte, in table order', () => {
    const bytes = encodeGsm7(GSM7_BASIC_CHARACTERS)!;
    const expected = [...Array(128).keys()].filter((v) => v !== 0x1b);
    expect([...bytes]).toEqual(expected);
  });

  it('encodes the extension table as 0x1B + code', () => {
    expect([...encodeGsm7(GSM7_EXTENSION_CHARACTERS)!]).toEqual([
      0x1b, 0x0a, 0x1b, 0x14, 0x1b, 0x28, 0x1b, 0x29, 0x1b, 0x2f, 0x1b, 0x3c, 0x1b, 0x3d, 0x1b,
      0x3e, 0x1b, 0x40, 0x1b, 0x65,
    ]);
  });

  it('encodes known characters to their septets', () => {
    expect([...encodeGsm7('@£$¥èéùìòÇ\nØø\rÅå')!]).toEqual([...Array(16).keys()]);
    expect([...encodeGsm7('ΔΦΓΛΩΠΨΣΘΞ')!]).toEqual([
      0x10, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a,
    ]);
    expect([...encodeGsm7('_¤¡§¿äöñüà€')!]).toEqual([
      0x11, 0x24, 0x40, 0x5f, 0x60, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f, 0x1b, 0x65,
    ]);
  });

  it('round-trips the whole alphabet and extension table', () => {
    const all = GSM7_BASIC_CHARACTERS + GSM7_EXTENSION_CHARACTERS;
    expect(decodeGsm7(encodeGsm7(all)!)).toBe(all);
  });

  it('counts extension characters as two septets', () => {
    expect(gsm7Length('abc')).toBe(3);
    expect(gsm7Length('€')).toBe(2);
    expect(gsm7Length('a{b}c')).toBe(7);
    expect(gsm7Length('')).toBe(0);
    expect(gsm7Length('a你')).toBe(-1);
    for (const c of GSM7_EXTENSION_CHARACTERS) expect(isGsm7Extension(c)).toBe(true);
    expect(isGsm7Extension('a')).toBe(false);
    expect(isGsm7Extension('你')).toBe(false);
  });

  it('refuses what GSM cannot carry rather than replacing it', () => {
    for (const text of ['你', 'ç', '`', 'Ā', 'a😀', '\t', 'á', '\u001b', 'ŝ']) {
      expect(canEncodeGsm7(text), text).toBe(false);
      expect(encodeGsm7(text), text).toBeNull();
    }
    expect(canEncodeGsm7('Hello, world! 100% [ok] {€}')).toBe(true);
  });

  it('names the first character that is not GSM, a whole emoji included', () => {
    expect(firstNonGsm7('hello')).toBeNull();
    expect(firstNonGsm7('ab你c')).toEqual({ char: '你', index: 2 });
    expect(firstNonGsm7('ok 😀!')).toEqual({ char: '😀', index: 3 });
  });

  it('decodes an unknown escape pair, a double escape and a trailing escape to a space', () => {
    expect(decodeGsm7(Buffer.from([0x41, 0x1b, 0x41, 0x42]))).toBe('A B');
    expect(decodeGsm7(Buffer.from([0x41, 0x1b, 0x1b, 0x42]))).toBe('A B');
    expect(decodeGsm7(Buffer.from([0x41, 0x1b]))).toBe('A ');
  });

  it('decodes a byte above 0x7F to U+FFFD', () => {
    expect(decodeGsm7(Buffer.from([0x41, 0x80, 0xff]))).toBe('A\uFFFD\uFFFD');
    expect(decodeGsm7(Buffer.from([0x1b, 0xc0]))).toBe(' ');
  });

  it('decodes an empty buffer to an empty string', () => {
    expect(decodeGsm7(Buffer.alloc(0))).toBe('');
  });
});
