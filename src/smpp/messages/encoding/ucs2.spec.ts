import { describe, expect, it } from 'vitest';
import { decodeUcs2, encodeUcs2, findLoneSurrogate, ucs2Length } from './ucs2.js';

describe('UCS2 (UTF-16BE)', () => {
  it('encodes big-endian, astral characters as surrogate pairs', () => {
    expect(encodeUcs2('A你').toString('hex')).toBe('00414f60');
    expect(encodeUcs2('😀').toString('hex')).toBe('d83dde00');
    expect(ucs2Length('a😀')).toBe(3);
  });

  it('round-trips, and decodes an odd trailing byte to U+FFFD without touching the input', () => {
    const text = 'Привет 👋 你好 €';
    const bytes = encodeUcs2(text);
    const copy = Buffer.from(bytes);
    expect(decodeUcs2(bytes)).toBe(text);
    expect(bytes.equals(copy)).toBe(true);
    expect(decodeUcs2(Buffer.from([0x00, 0x41, 0x00]))).toBe('A\uFFFD');
    expect(decodeUcs2(Buffer.alloc(0))).toBe('');
  });

  it('finds unpaired surrogates', () => {
    expect(findLoneSurrogate('ok 😀')).toBe(-1);
    expect(findLoneSurrogate('ab\ud83d')).toBe(2);
    expect(findLoneSurrogate('a\ude00b')).toBe(1);
    expect(findLoneSurrogate('\ud83d\ud83d\ude00')).toBe(0);
  });
});
