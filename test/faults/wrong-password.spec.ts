/**
 * Fault 6, scaled to fit `npm test`: reconnect.maxDelayMs 2 s (1/30 of the 60 s default) and the
 * password wrong for 12 s. Asserted: every gap between two attempts >= 0.8 x maxDelayMs (the
 * jitter), so at most 7 attempts in any 10 s (with the default 60 s that is at most 2 a minute,
 * within the 6 a minute allowed); one log line; bound at the next attempt once the password is
 * right. The real 3-minute run with the defaults is test/soak/wrong-password.soak.spec.ts.
 */
import { describe, it } from 'vitest';
import { runWrongPassword } from './wrong-password.js';

describe('fault 6: wrong password (scaled: maxDelayMs 2 s, 12 s)', () => {
  it('no hammering, one log line, binds as soon as the password is right', async () => {
    await runWrongPassword({
      wrongForMs: 12_000,
      maxDelayMs: 2_000,
      windowMs: 10_000,
      maxAttemptsPerWindow: 7,
      resultFile: '6-wrong-password-scaled',
      label:
        'wrong password for 12 s, maxDelayMs 2 s (the 3 min / 60 s case scaled 1:30 in time between attempts)',
    });
  }, 90_000);
});
