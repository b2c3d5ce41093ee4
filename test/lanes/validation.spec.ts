/** Bad priority, expiry and schedule values are refused before anything is stored, naming the field. */
import { describe, expect, it } from 'vitest';
import { resolveSmppOptions } from '../../src/smpp/config/resolve-options.js';
import { SmppConfigError, SmppValidationError } from '../../src/smpp/errors.js';
import { MAX_EXPIRY_MS, MAX_SCHEDULE_AHEAD_MS } from '../../src/smpp/messages/lanes-and-time.js';
import { draftMessage } from '../../src/smpp/messages/message-draft.js';
import type { SendOptions } from '../../src/smpp/messages/send-options.js';

const account = {
  name: 'default',
  systemId: 'acme_otp',
  password: 'secret',
  defaultSender: 'Acme',
};
const options = resolveSmppOptions({ accounts: [account] });
const accounts = new Map(options.accounts.map((a) => [a.name, a]));

function draft(extra: Record<string, unknown>) {
  return draftMessage(
    { to: '+6591234567', text: 'hi', ...extra } as SendOptions,
    accounts,
    'default',
    options.messages,
  );
}

function fieldsOf(extra: Record<string, unknown>): string[] {
  try {
    draft(extra);
  } catch (error) {
    expect(error).toBeInstanceOf(SmppValidationError);
    return (error as SmppValidationError).errors.map((e) => e.field);
  }
  throw new Error('expected an SmppValidationError');
}

describe('send() lanes and time values', () => {
  const now = Date.now();
  it.each([
    ['an unknown priority', { priority: 'urgent' }, 'priority'],
    ['a numeric priority', { priority: 1 }, 'priority'],
    ['a negative ttlMs', { ttlMs: -1 }, 'ttlMs'],
    ['a fractional ttlMs', { ttlMs: 1.5 }, 'ttlMs'],
    ['a ttlMs beyond 7 days', { ttlMs: MAX_EXPIRY_MS + 1 }, 'ttlMs'],
    ['a ttlMs as a string', { ttlMs: '60000' }, 'ttlMs'],
    ['expiresAt and ttlMs together', { ttlMs: 60_000, expiresAt: new Date(now + 60_000) }, 'ttlMs'],
    ['an expiresAt in the past', { expiresAt: new Date(now - 1) }, 'expiresAt'],
    [
      'an expiresAt beyond 7 days',
      { expiresAt: new Date(now + MAX_EXPIRY_MS + 60_000) },
      'expiresAt',
    ],
    ['an expiresAt without a zone', { expiresAt: '2030-01-01T00:00:00' }, 'expiresAt'],
    ['an invalid Date', { expiresAt: new Date('nope') }, 'expiresAt'],
    ['a sendAt that is no time', { sendAt: 'tomorrow' }, 'sendAt'],
    [
      'a sendAt beyond 30 days',
      { sendAt: new Date(now + MAX_SCHEDULE_AHEAD_MS + 60_000) },
      'sendAt',
    ],
    [
      'an expiresAt before sendAt',
      { sendAt: new Date(now + 3_600_000), expiresAt: new Date(now + 60_000) },
      'expiresAt',
    ],
  ])('refuses %s', (_what, extra, field) => {
    expect(fieldsOf(extra)).toEqual([field]);
  });

  it('stores the lane rank, the send time and the expiry it was given', () => {
    const sendAt = new Date(now + 3_600_000);
    const m = draft({ priority: 'bulk', sendAt, expiresAt: new Date(now + 7_200_000) });
    expect(m).toMatchObject({ priority: 2, sendAt, expiresAt: new Date(now + 7_200_000) });
    expect(draft({}).priority).toBe(1);
    expect(draft({ priority: 'high' }).priority).toBe(0);
    const ttl = draft({ ttlMs: 120_000 });
    expect(ttl.expiresAt!.getTime()).toBeGreaterThan(now + 119_000);
  });
});

describe('lanes.bulkMinShare', () => {
  it('defaults to 0.1 and takes 0..1', () => {
    expect(options.accounts[0].lanes).toEqual({ bulkMinShare: 0.1 });
    const zero = resolveSmppOptions({ accounts: [{ ...account, lanes: { bulkMinShare: 0 } }] });
    expect(zero.accounts[0].lanes.bulkMinShare).toBe(0);
  });

  it.each([[-0.1], [1.5], ['0.2'], [Number.NaN]])('refuses %s', (bulkMinShare) => {
    try {
      resolveSmppOptions({
        accounts: [{ ...account, lanes: { bulkMinShare: bulkMinShare as number } }],
      });
      throw new Error('expected an SmppConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(SmppConfigError);
      expect((error as SmppConfigError).issues.join()).toContain('lanes.bulkMinShare');
    }
  });
});
