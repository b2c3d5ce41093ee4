import { describe, expect, it } from 'vitest';
import { canEncodeLatin1, decodeLatin1, encodeLatin1, firstNonLatin1 } from './latin1.js';

describe('Latin-1', () => {
  it('encodes U+0000..U+00FF one octet each and refuses anything above', () => {
    expect(encodeLatin1('Café ÿ')!.toString('hex')).toBe('436166e920ff');
    expect(encodeLatin1('price: 5€')).toBeNull();
    expect(canEncodeLatin1('€')).toBe(false);
    expect(firstNonLatin1('ab€')).toEqual({ char: '€', index: 2 });
    expect(firstNonLatin1('a😀')).toEqual({ char: '😀', index: 1 });
    expect(firstNonLatin1('àéî')).toBeNull();
  });

  it('decodes every byte (lossless)', () => {
    const all = Buffer.from([...Array(256).keys()]);
    expect(Buffer.from(decodeLatin1(all), 'latin1').equals(all)).toBe(true);
    expect(decodeLatin1(all.subarray(0x41, 0x43))).toBe('AB');
  });
});
