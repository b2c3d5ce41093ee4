import { describe, expect, it } from 'vitest';
import { SmppValidationError } from '../errors.js';
import { destinationAddress, normalizeDestination, parseSender } from './address.js';

function errorOf(fn: () => unknown): { field: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SmppValidationError);
    const errors = (e as SmppValidationError).errors;
    expect(errors).toHaveLength(1);
    return errors[0]!;
  }
  throw new Error('expected a SmppValidationError');
}

describe('normalizeDestination', () => {
  it.each([
    ['+6591234567', '6591234567'],
    ['6591234567', '6591234567'],
    ['+65 9123 4567', '6591234567'],
    ['+1 (415) 555-0100', '14155550100'],
    ['+44.20.7946.0018', '442079460018'],
    ['  +49-30-1234567  ', '49301234567'],
    ['+65\u00a09123\u00a04567', '6591234567'],
    ['12345678', '12345678'],
    ['123456789012345', '123456789012345'],
  ])('%j -> %j', (input, digits) => {
    expect(normalizeDestination(input)).toBe(digits);
  });

  it.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['1234567', 'has 7 digits'],
    ['+1234567890123456', 'has 16 digits'],
    ['06591234567', 'starts with 0'],
    ['+0065 9123 4567', 'starts with 0'],
    ['0065 9123 4567', 'starts with 0'],
    ['65912345x7', 'characters a phone number cannot have'],
    ['6591+234567', 'characters a phone number cannot have'],
    ['++6591234567', 'characters a phone number cannot have'],
    ['+65/91234567', 'characters a phone number cannot have'],
    ['tel:+6591234567', 'characters a phone number cannot have'],
  ])('%j is refused (%s)', (input, what) => {
    const err = errorOf(() => normalizeDestination(input));
    expect(err.field).toBe('to');
    expect(err.message).toContain(what);
    expect(err.message).toContain('"+6591234567"');
  });

  it('refuses what is not a string', () => {
    expect(errorOf(() => normalizeDestination(6591234567 as unknown as string)).field).toBe('to');
  });

  it('destinationAddress is TON 1 / NPI 1 without +', () => {
    expect(destinationAddress('+65 9123 4567')).toEqual({ addr: '6591234567', ton: 1, npi: 1 });
    expect(() => destinationAddress('123')).toThrow(SmppValidationError);
  });
});

describe('parseSender', () => {
  it.each([
    ['ACME', { addr: 'ACME', ton: 5, npi: 0 }],
    ['8x8 Inc', { addr: '8x8 Inc', ton: 5, npi: 0 }],
    ['Shop-Now.sg', { addr: 'Shop-Now.sg', ton: 5, npi: 0 }],
    ["Bob's & Co", { addr: "Bob's & Co", ton: 5, npi: 0 }],
    ['  ACME  ', { addr: 'ACME', ton: 5, npi: 0 }],
    ['A', { addr: 'A', ton: 5, npi: 0 }],
    ['12-34', { addr: '12-34', ton: 5, npi: 0 }],
    ['123', { addr: '123', ton: 3, npi: 0 }],
    ['72000', { addr: '72000', ton: 3, npi: 0 }],
    ['12345678', { addr: '12345678', ton: 3, npi: 0 }],
    ['123456789', { addr: '123456789', ton: 1, npi: 1 }],
    ['6591234567', { addr: '6591234567', ton: 1, npi: 1 }],
    ['+6591234567', { addr: '6591234567', ton: 1, npi: 1 }],
    ['+12345678', { addr: '12345678', ton: 1, npi: 1 }],
    ['1234567890123456', { addr: '1234567890123456', ton: 1, npi: 1 }],
  ])('%j -> %j', (input, address) => {
    expect(parseSender(input)).toEqual(address);
  });

  it.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['12', 'too short'],
    ['+1234567', 'too short for an international number'],
    ['12345678901234567', 'has 17 digits'],
    ['+12345678901234567', 'has 17 digits'],
    ['0912345678', 'starts with 0'],
    ['+0065912345', 'starts with 0'],
    ['ACME Company', 'is 12 characters'],
    ['Café', 'characters networks do not carry'],
    ['ACME€', 'characters networks do not carry'],
    ['[ACME]', 'characters networks do not carry'],
    ['Shop😀', 'characters networks do not carry'],
    ['你好', 'characters networks do not carry'],
  ])('%j is refused (%s)', (input, what) => {
    const err = errorOf(() => parseSender(input));
    expect(err.field).toBe('from');
    expect(err.message).toContain(what);
  });

  it('ignores surrounding whitespace but keeps a control character out of an alphanumeric sender', () => {
    expect(parseSender('ACME\n')).toEqual({ addr: 'ACME', ton: 5, npi: 0 });
    expect(errorOf(() => parseSender('AC\tME')).message).toContain(
      'characters networks do not carry',
    );
  });

  it('refuses what is not a string', () => {
    expect(errorOf(() => parseSender(undefined as unknown as string)).field).toBe('from');
  });
});
