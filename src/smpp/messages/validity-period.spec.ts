import { describe, expect, it } from 'vitest';
import { secondsLeft, toSmppValidity, validityForSubmit } from './validity-period.js';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

describe('validityForSubmit', () => {
  it('sends the time left until expiresAt as a relative period', () => {
    expect(validityForSubmit(null, new Date(NOW + 90_500), NOW)).toBe('000000000130000R');
  });

  it('keeps the configured validity when it ends sooner, else the time left', () => {
    const oneMinute = toSmppValidity(60);
    expect(validityForSubmit(oneMinute, new Date(NOW + 3_600_000), NOW)).toBe(oneMinute);
    expect(validityForSubmit(toSmppValidity(7200), new Date(NOW + 600_000), NOW)).toBe(
      '000000001000000R',
    );
    const absolute = toSmppValidity(new Date(NOW + 120_000));
    expect(validityForSubmit(absolute, new Date(NOW + 3_600_000), NOW)).toBe(absolute);
  });

  it('never sends less than one second, and passes the configured one without expiry', () => {
    expect(validityForSubmit(null, new Date(NOW + 200), NOW)).toBe('000000000001000R');
    expect(validityForSubmit('000001000000000R', null, NOW)).toBe('000001000000000R');
    expect(validityForSubmit(null, null, NOW)).toBeUndefined();
  });
});

describe('secondsLeft', () => {
  it('reads relative and absolute SMPP times', () => {
    expect(secondsLeft('000001020304000R', NOW)).toBe(86_400 + 2 * 3600 + 3 * 60 + 4);
    expect(secondsLeft(toSmppValidity(new Date(NOW + 45_000)), NOW)).toBe(45);
    // 13:00 at +04:00 (16 quarter hours) is 09:00 UTC: three hours ago.
    expect(secondsLeft('261201130000016+', NOW)).toBe(-3 * 3600);
    expect(secondsLeft('garbage', NOW)).toBeNull();
  });
});
