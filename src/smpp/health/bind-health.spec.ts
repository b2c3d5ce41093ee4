import { describe, expect, it } from 'vitest';
import type { AccountBindStatus, BindStatus, ClusterBindStatus } from '../binds/bind-status.js';
import { countByMode } from '../binds/bind-status.js';
import type { BindMode } from '../session/session.types.js';
import { evaluateBindHealth } from './bind-health.js';

function bind(mode: BindMode, i: number, bound: boolean, lastError?: string): BindStatus {
  return {
    id: `acc/${mode}#${i}`,
    mode,
    state: bound ? 'bound' : 'backoff',
    since: new Date('2025-01-01T00:00:00Z'),
    failures: bound ? 0 : 2,
    outstanding: 0,
    windowFree: bound ? 10 : 0,
    ...(lastError ? { lastError } : {}),
  };
}

function account(name: string, binds: BindStatus[]): AccountBindStatus {
  const bound = binds.filter((b) => b.state === 'bound').map((b) => b.mode);
  return {
    account: name,
    systemId: `${name}-id`,
    host: 'smpp.example',
    port: 2776,
    tls: true,
    wanted: countByMode(binds.map((b) => b.mode)),
    bound: countByMode(bound),
    canSend: bound.some((m) => m !== 'receiver'),
    canReceive: bound.some((m) => m !== 'transmitter'),
    binds,
  };
}

describe('evaluateBindHealth', () => {
  it.each([
    ['every bind bound', [bind('transceiver', 1, true), bind('transceiver', 2, true)], 'up'],
    [
      'one of two transceivers bound',
      [bind('transceiver', 1, true), bind('transceiver', 2, false)],
      'degraded',
    ],
    [
      'no transceiver bound',
      [bind('transceiver', 1, false), bind('transceiver', 2, false)],
      'down',
    ],
    [
      'a transmitter and a receiver of two each',
      [
        bind('transmitter', 1, true),
        bind('transmitter', 2, false),
        bind('receiver', 3, true),
        bind('receiver', 4, false),
      ],
      'degraded',
    ],
    [
      'transmitters only bound (receiver wanted)',
      [bind('transmitter', 1, true), bind('receiver', 2, false)],
      'down',
    ],
    [
      'receiver only bound (cannot send)',
      [bind('transmitter', 1, false), bind('receiver', 2, true)],
      'down',
    ],
    ['transmitter-only account, bound', [bind('transmitter', 1, true)], 'up'],
  ] as const)('%s: %s', (_name, binds, expected) => {
    expect(evaluateBindHealth([account('acc', [...binds])]).status).toBe(expected);
  });

  it('is as bad as the worst account and explains why, with the last error', () => {
    const health = evaluateBindHealth([
      account('a', [bind('transceiver', 1, true)]),
      account('b', [bind('transceiver', 1, false, 'The SMSC refused the bind: ESME_RBINDFAIL')]),
    ]);
    expect(health.status).toBe('down');
    expect(health.accounts.a.status).toBe('up');
    expect(health.accounts.b).toMatchObject({
      status: 'down',
      canSend: false,
      bound: { transceiver: 0, transmitter: 0, receiver: 0 },
      wanted: { transceiver: 1, transmitter: 0, receiver: 0 },
    });
    expect(health.problems).toEqual([
      'account "b": cannot send or receive receipts: 0 of 1 transceiver bound (last error: The SMSC refused the bind: ESME_RBINDFAIL)',
    ]);
    expect(health.accounts.b.binds[0]).toEqual({
      id: 'acc/transceiver#1',
      mode: 'transceiver',
      state: 'backoff',
      since: '2025-01-01T00:00:00.000Z',
      failures: 2,
      lastError: 'The SMSC refused the bind: ESME_RBINDFAIL',
    });
  });

  it('is down with no account at all', () => {
    expect(evaluateBindHealth([]).status).toBe('down');
  });

  describe('with replicas sharing the budget (from the leases)', () => {
    function cluster(over: Partial<ClusterBindStatus> = {}): ClusterBindStatus {
      return {
        replica: 'r2#token',
        share: 1,
        bound: { transceiver: 4, transmitter: 0, receiver: 0 },
        canSend: true,
        canReceive: true,
        held: 4,
        maxBinds: 4,
        replicas: [
          { replica: 'r1#token', wanted: 2, share: 2, held: 2, bound: 2 },
          { replica: 'r2#token', wanted: 2, share: 1, held: 1, bound: 1 },
          { replica: 'r3#token', wanted: 2, share: 1, held: 1, bound: 1 },
        ],
        checkedAt: new Date('2025-01-01T00:00:00Z'),
        stale: false,
        ...over,
      };
    }
    const withCluster = (binds: BindStatus[], c: ClusterBindStatus) => ({
      ...account('acc', binds),
      cluster: c,
    });

    it('is up while this replica holds its fair share and waits for a slot peers hold, and says so', () => {
      const health = evaluateBindHealth([
        withCluster([bind('transceiver', 1, true), bind('transceiver', 2, false)], cluster()),
      ]);
      expect(health.status).toBe('up');
      expect(health.accounts.acc.note).toMatch(/1 of 2 transceivers bound: waiting for a slot/);
      expect(health.accounts.acc.cluster).toMatchObject({ share: 1, held: 4, maxBinds: 4 });
      expect(health.accounts.acc.cluster?.replicas.map((r) => r.share)).toEqual([2, 1, 1]);
    });

    it('is up with no bind of its own while live peers can send and receive', () => {
      const health = evaluateBindHealth([
        withCluster([bind('transceiver', 1, false)], cluster({ share: 0 })),
      ]);
      expect(health.status).toBe('up');
      expect(health.accounts.acc).toMatchObject({ canSend: true, canReceive: true });
    });

    it('is degraded when a bind within its fair share is missing', () => {
      const health = evaluateBindHealth([
        withCluster(
          [bind('transceiver', 1, false, 'connect ECONNREFUSED'), bind('transceiver', 2, false)],
          cluster({ share: 1 }),
        ),
      ]);
      expect(health.status).toBe('degraded');
      expect(health.problems[0]).toMatch(/0 of 2 transceivers bound \(fair share 1 of 2 wanted\)/);
    });

    it('is down when no live replica can send or receive', () => {
      const none = cluster({
        bound: { transceiver: 0, transmitter: 0, receiver: 0 },
        canSend: false,
        canReceive: false,
        held: 0,
      });
      const health = evaluateBindHealth([withCluster([bind('transceiver', 1, false)], none)]);
      expect(health.status).toBe('down');
      expect(health.problems[0]).toMatch(/cannot send or receive receipts \(no live replica/);
      const sendOnly = cluster({
        bound: { transceiver: 0, transmitter: 2, receiver: 0 },
        canReceive: false,
      });
      expect(
        evaluateBindHealth([withCluster([bind('transceiver', 1, false)], sendOnly)]).status,
      ).toBe('down');
    });

    it('is down when its heartbeat is stale (it cannot serve), whatever the binds', () => {
      const health = evaluateBindHealth([
        withCluster(
          [bind('transceiver', 1, true)],
          cluster({ stale: true, lastError: 'heartbeat failed: connection refused' }),
        ),
      ]);
      expect(health.status).toBe('down');
      expect(health.problems[0]).toMatch(
        /this replica cannot serve: heartbeat failed: connection refused since 2025-01-01T00:00:00.000Z/,
      );
    });
  });
});
