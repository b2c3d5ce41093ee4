import { describe, expect, it } from 'vitest';
import { resolveSmppOptions } from '../../src/smpp/config/resolve-options.js';
import { SmppConfigError } from '../../src/smpp/errors.js';

const account = { name: 'default', systemId: 'acme_otp', password: 'secret' };

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SmppConfigError);
    return (error as SmppConfigError).issues;
  }
  throw new Error('expected an SmppConfigError');
}

describe('resolveSmppOptions', () => {
  it('applies the 8x8 defaults: Singapore, TLS on 2776, one transceiver, 4 binds, 50/s, window 10', () => {
    const { accounts, reconnect } = resolveSmppOptions({ accounts: [account] });
    expect(accounts[0]).toMatchObject({
      host: 'smpp.8x8.com',
      port: 2776,
      tls: {},
      binds: ['transceiver'],
      maxBinds: 4,
      submitsPerSecond: 50,
      submitBurst: 2,
      window: 10,
      enquireLinkMs: 30_000,
      responseTimeoutMs: 10_000,
      delivery: 'at-most-once',
    });
    expect(reconnect).toEqual({
      initialDelayMs: 1000,
      maxDelayMs: 60_000,
      multiplier: 2,
      jitter: 0.2,
    });
  });

  it('maps regions to hosts and tls:false to the plain port 2775', () => {
    const { accounts } = resolveSmppOptions({
      accounts: [
        { ...account, name: 'eu', region: 'eu', tls: false },
        { ...account, name: 'id', region: 'id', systemId: 'other' },
      ],
    });
    expect(accounts.map((a) => [a.host, a.port, a.tls])).toEqual([
      ['smpp.8x8.uk', 2775, false],
      ['smpp.8x8.id', 2776, {}],
    ]);
  });

  it('lets host and port override the region preset (simulator, other SMSCs)', () => {
    const { accounts } = resolveSmppOptions({
      accounts: [
        {
          ...account,
          host: '127.0.0.1',
          port: 12775,
          tls: false,
          binds: { transmitters: 2, receivers: 1 },
        },
      ],
    });
    expect(accounts[0]).toMatchObject({
      host: '127.0.0.1',
      port: 12775,
      binds: ['transmitter', 'transmitter', 'receiver'],
    });
  });

  it('names every bad field in one error', () => {
    const issues = issuesOf(() =>
      resolveSmppOptions({
        accounts: [
          {
            name: 'default',
            systemId: 'a_system_id_that_is_too_long',
            password: 'password-too-long',
            region: 'us' as never,
            port: 70000,
            binds: { transceivers: 5 },
            window: 0,
          },
        ],
        reconnect: { jitter: 2 },
      }),
    );
    const text = issues.join('\n');
    expect(text).toMatch(/systemId: at most 15 characters/);
    expect(text).toMatch(/password: at most 8 characters/);
    expect(text).toMatch(/region: unknown region "us"/);
    expect(text).toMatch(/port: expected a port from 1 to 65535, got 70000/);
    expect(text).toMatch(/5 binds wanted but maxBinds is 4/);
    expect(text).toMatch(/window: expected a positive whole number/);
    expect(text).toMatch(/reconnect.jitter/);
    expect(issues.length).toBe(7);
  });

  it('never echoes the password in an error', () => {
    const issues = issuesOf(() =>
      resolveSmppOptions({ accounts: [{ ...account, password: 'hunter2-but-long' }] }),
    );
    expect(issues.join('\n')).not.toContain('hunter2');
  });

  it('refuses missing accounts, duplicate names, and binds shared past the budget', () => {
    expect(issuesOf(() => resolveSmppOptions({ accounts: [] }))[0]).toMatch(/at least one account/);
    const issues = issuesOf(() =>
      resolveSmppOptions({
        accounts: [
          { ...account, binds: { transceivers: 3 } },
          { ...account, binds: { transceivers: 2 } },
        ],
      }),
    );
    expect(issues.join('\n')).toMatch(/"default" is used twice/);
    expect(issues.join('\n')).toMatch(/share system_id "acme_otp" and want 5 binds together/);
  });

  it('refuses binds given both ways or none', () => {
    const issues = issuesOf(() =>
      resolveSmppOptions({
        accounts: [{ ...account, binds: { transceivers: 1, transmitters: 1 } as never }],
      }),
    );
    expect(issues[0]).toMatch(
      /either \{ transceivers: n \} or \{ transmitters: n, receivers: m \}/,
    );
    expect(
      issuesOf(() =>
        resolveSmppOptions({
          accounts: [{ ...account, binds: { transmitters: 0, receivers: 0 } }],
        }),
      )[0],
    ).toMatch(/at least one bind/);
  });

  it('lists names, instanceId and limits that no column or counter takes, all at once', () => {
    const issues = issuesOf(() =>
      resolveSmppOptions({
        accounts: [
          { ...account, name: 'a'.repeat(65), maxQueued: 0 },
          { ...account, name: 'nul\u0000name', systemId: 'other', defaultSender: 'S'.repeat(40) },
        ],
        instanceId: 'i'.repeat(65),
        limits: { maxPendingWrites: -1, maxQuarantined: 1.5 },
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^accounts\[0\]\.name: at most 64 characters .*got 65/),
        expect.stringMatching(/maxQueued: expected a positive whole number/),
        expect.stringMatching(/^accounts\[1\]\.name: must not contain U\+0000/),
        expect.stringMatching(/^instanceId: at most 64 characters/),
        expect.stringMatching(
          /^accounts\[1\] .*\.defaultSender: the alphanumeric sender .* is 40 characters/,
        ),
        expect.stringMatching(/^limits\.maxPendingWrites: expected a positive whole number/),
        expect.stringMatching(/^limits\.maxQuarantined: expected a positive whole number/),
      ]),
    );
  });

  it('smartEncoding: false by default, a boolean or a named issue', () => {
    expect(resolveSmppOptions({ accounts: [account] }).accounts[0].smartEncoding).toBe(false);
    expect(
      resolveSmppOptions({ accounts: [{ ...account, smartEncoding: true }] }).accounts[0]
        .smartEncoding,
    ).toBe(true);
    expect(
      issuesOf(() =>
        resolveSmppOptions({ accounts: [{ ...account, smartEncoding: 'yes' as never }] }),
      ),
    ).toEqual([expect.stringMatching(/\.smartEncoding: expected true or false, got "yes"$/)]);
  });

  it('defaults maxQueued to 1 000 000 and the in-memory limits', () => {
    const resolved = resolveSmppOptions({ accounts: [account] });
    expect(resolved.accounts[0].maxQueued).toBe(1_000_000);
    expect(resolved.limits).toEqual({
      maxPendingWrites: 10_000,
      maxDeliversInFlight: 2_000,
      maxQuarantined: 10_000,
      maxStoreAttempts: 20,
    });
  });
});
