/**
 * Fault 6 in real time: the password is wrong for 3 minutes with the module's default reconnect
 * settings (maxDelayMs 60 s). At most 6 bind attempts in any minute (the library makes one per
 * 48-60 s), one log line, bound at the next attempt once the password is right.
 */
import { describe, it } from 'vitest';
import { runWrongPassword } from '../faults/wrong-password.js';

describe('soak: wrong password for 3 minutes (default reconnect settings)', () => {
  it('at most 6 attempts a minute, one log line, binds as soon as the password is right', async () => {
    await runWrongPassword({
      wrongForMs: 180_000,
      windowMs: 60_000,
      maxAttemptsPerWindow: 6,
      resultFile: '6-wrong-password-3min',
      label: 'wrong password for 3 min, default reconnect (maxDelayMs 60 s)',
    });
  }, 330_000);
});
