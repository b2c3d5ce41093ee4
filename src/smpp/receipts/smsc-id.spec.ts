import { describe, expect, it } from 'vitest';
import { smscIdCandidates } from './smsc-id.js';

describe('smscIdCandidates', () => {
  it('puts the exact id first and deduplicates', () => {
    const c = smscIdCandidates('abc');
    expect(c[0]).toBe('abc');
    expect(new Set(c).size).toBe(c.length);
  });

  it('converts hex to decimal and back, in both cases', () => {
    const c = smscIdCandidates('0A1B');
    expect(c[0]).toBe('0A1B');
    expect(c).toEqual(expect.arrayContaining(['0a1b', 'A1B', 'a1b', '2587']));
    expect(smscIdCandidates('2587')).toEqual(expect.arrayContaining(['a1b', 'A1B']));
  });

  it('lists both readings of an all-digit id', () => {
    // "10" is ten in decimal (hex a) and sixteen in hex
    expect(smscIdCandidates('10')).toEqual(['10', 'a', 'A', '16']);
  });

  it('strips leading zeros', () => {
    expect(smscIdCandidates('000123')).toEqual(
      expect.arrayContaining(['000123', '123', '7b', '7B', '291']),
    );
    expect(smscIdCandidates('0000')).toEqual(['0000', '0']);
  });

  it('is exact for long ids (BigInt)', () => {
    const dec = '18446744073709551615';
    expect(smscIdCandidates(dec)).toContain('ffffffffffffffff');
    expect(smscIdCandidates('FFFFFFFFFFFFFFFF')).toContain(dec);
  });

  it('only case-folds a UUID', () => {
    const id = '3A1F0C2E-8D4B-4F6A-9E21-7B5C3D2A1F00';
    expect(smscIdCandidates(id)).toEqual([id, id.toLowerCase()]);
    expect(smscIdCandidates(id.toLowerCase())).toEqual([id.toLowerCase(), id]);
  });

  it('does not convert what is not a clean number', () => {
    expect(smscIdCandidates('msg-123')).toEqual(['msg-123', 'MSG-123']);
    expect(smscIdCandidates('0x1F')).toEqual(['0x1F', '0x1f', '0X1F']);
  });

  it('trims spaces and control characters', () => {
    expect(smscIdCandidates(' ab\0')).toEqual([' ab\0', 'ab', 'AB', '171']);
  });

  it('copes with empty and huge ids', () => {
    expect(smscIdCandidates('')).toEqual(['']);
    const long = '9'.repeat(100);
    expect(smscIdCandidates(long)).toEqual([long]);
  });
});
