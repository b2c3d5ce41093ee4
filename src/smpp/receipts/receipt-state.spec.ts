import { describe, expect, it } from 'vitest';
import {
  isReceiptStat,
  normalizeStat,
  partStateOfStat,
  statOfMessageState,
} from './receipt-state.js';

describe('receipt states', () => {
  it('maps stats to part states', () => {
    expect(partStateOfStat('DELIVRD')).toBe('delivered');
    expect(partStateOfStat('UNDELIV')).toBe('undeliverable');
    expect(partStateOfStat('EXPIRED')).toBe('expired');
    expect(partStateOfStat('REJECTD')).toBe('rejected');
    expect(partStateOfStat('DELETED')).toBe('failed');
    expect(partStateOfStat('UNKNOWN')).toBe('unknown');
    expect(partStateOfStat('ACCEPTD')).toBeNull();
    expect(partStateOfStat('ENROUTE')).toBeNull();
  });

  it('is null for stats it does not know, and reads loose spellings', () => {
    expect(partStateOfStat('FAILED')).toBeNull();
    expect(partStateOfStat('')).toBeNull();
    expect(partStateOfStat(null)).toBeNull();
    expect(partStateOfStat(undefined)).toBeNull();
    expect(partStateOfStat('delivrd')).toBe('delivered');
    expect(partStateOfStat('Delivered')).toBe('delivered');
    expect(normalizeStat(' undeliverable ')).toBe('UNDELIV');
    expect(normalizeStat('weird')).toBe('WEIRD');
    expect(isReceiptStat('DELIVRD')).toBe(true);
    expect(isReceiptStat('DELIVERED')).toBe(false);
  });

  it('maps message_state values 1 to 8', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(statOfMessageState)).toEqual([
      'ENROUTE',
      'DELIVRD',
      'EXPIRED',
      'DELETED',
      'UNDELIV',
      'ACCEPTD',
      'UNKNOWN',
      'REJECTD',
    ]);
    for (const v of [0, 9, -1, 1.5, NaN]) expect(statOfMessageState(v)).toBeUndefined();
  });
});
