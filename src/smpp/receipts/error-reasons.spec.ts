import { describe, expect, it } from 'vitest';
import { ERROR_REASONS_8X8, errorReason } from './error-reasons.js';

describe('8x8 err codes', () => {
  it('has every code of the table, 0 to 61 but 6', () => {
    expect(ERROR_REASONS_8X8.size).toBe(61);
    for (let code = 0; code <= 61; code++) {
      expect(errorReason(code) === undefined, String(code)).toBe(code === 6);
    }
  });

  it('reads known codes, as numbers or digits', () => {
    expect(errorReason(0)).toBe('no reason');
    expect(errorReason(1)).toBe('absent subscriber');
    expect(errorReason('046')).toBe('subscriber not reachable');
    expect(errorReason('36')).toBe('SMS expired');
    expect(errorReason(61)).toBe('session expired');
  });

  it('is undefined for unknown codes', () => {
    for (const code of [6, 62, -1, 999, 1.5, NaN, '', 'abc', '0x1B', '1000', null, undefined]) {
      expect(errorReason(code), String(code)).toBeUndefined();
    }
  });
});
