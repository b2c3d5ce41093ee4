import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './time-ordered-id.js';

/** The milliseconds an id was made at: its first 48 bits. */
const timeOfId = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId', () => {
  it('is a UUID version 7 with the RFC 9562 variant', () => {
    for (let i = 0; i < 1_000; i++) expect(timeOrderedId()).toMatch(UUID_V7);
  });

  it('starts with the milliseconds it was made at', () => {
    const at = Date.UTC(2026, 11, 2, 1, 2, 3, 456);
    expect(timeOfId(timeOrderedId(at))).toBe(at);
    expect(timeOrderedId(0).startsWith('00000000-0000-7')).toBe(true);
    // The last millisecond 48 bits hold (year 10889).
    expect(timeOfId(timeOrderedId(2 ** 48 - 1))).toBe(2 ** 48 - 1);
  });

  it('sorts by time, as text and as Postgres sorts uuids (bytewise)', () => {
    const times = [1, 255, 256, 65_535, 1_764_633_600_000, 1_764_633_600_001, 2 ** 47 + 3];
    const ids = times.map((t) => timeOrderedId(t));
    expect([...ids].reverse().sort()).toEqual(ids);
  });

  it('does not repeat within a millisecond', () => {
    const at = Date.now();
    const ids = new Set(Array.from({ length: 100_000 }, () => timeOrderedId(at)));
    expect(ids.size).toBe(100_000);
  });
});
