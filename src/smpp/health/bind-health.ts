import type {
  AccountBindStatus,
  BindStatus,
  ClusterBindStatus,
  ReplicaBindStatus,
} from '../binds/bind-status.js';
import type { BindMode } from '../session/session.types.js';

/** up: every wanted bind is bound; degraded: some are missing but every account can still do its job; down: some account cannot. */
export type BindHealthStatus = 'up' | 'degraded' | 'down';

/** One bind as the health check reports it. */
export interface BindHealthDetail {
  id: string;
  mode: BindMode;
  state: BindStatus['state'];
  since: string;
  failures: number;
  lastError?: string;
}

/** The account's bind budget across the live replicas (shared leases only). */
export interface ClusterHealthDetail {
  /** This replica, and its fair share of the budget. */
  replica: string;
  share: number;
  /** Binds bound by any live replica, by mode; live leases of the budget and the budget. */
  bound: ClusterBindStatus['bound'];
  held: number;
  maxBinds: number;
  replicas: ReplicaBindStatus[];
  /** The last heartbeat of this replica (ISO time). */
  checkedAt?: string;
}

/**
 * One account as the health check reports it (never the password). `canSend` / `canReceive`
 * speak for the account (through any live replica); `bound` / `wanted` / `binds` are this
 * replica's own binds.
 */
export interface AccountHealthDetail extends Omit<
  AccountBindStatus,
  'account' | 'binds' | 'cluster'
> {
  status: BindHealthStatus;
  binds: BindHealthDetail[];
  cluster?: ClusterHealthDetail;
  /** Why the account is degraded or down. */
  problem?: string;
  /** Not a problem, for operators: e.g. waiting for a slot held by a live peer. */
  note?: string;
}

export interface BindHealth {
  status: BindHealthStatus;
  accounts: Record<string, AccountHealthDetail>;
  /** One line per account that is not up. */
  problems: string[];
}

const MODES: readonly BindMode[] = ['transceiver', 'transmitter', 'receiver'];

/**
 * Health from a bind status snapshot (BindManager.status()): no I/O. The account must be able to
 * send (a transmitter or transceiver bound) and, when it wants receivers, to receive (a receiver or
 * transceiver bound: receipts and MO arrive there), through this replica or any live peer (the
 * peers' binds are read from the shared leases by the heartbeat): a replica that cannot, and one
 * whose heartbeat is stale (database unreachable), is down. Own binds missing within the fair
 * share only degrade it; a replica waiting for a slot that live peers hold is up (it can queue,
 * the peers send: a Kubernetes readiness probe must keep it in the Service).
 */
export function evaluateBindHealth(snapshot: readonly AccountBindStatus[]): BindHealth {
  const accounts: Record<string, AccountHealthDetail> = {};
  const problems: string[] = [];
  let status: BindHealthStatus = 'up';
  for (const account of snapshot) {
    const detail = evaluateAccount(account);
    accounts[account.account] = detail;
    if (detail.problem) problems.push(`account "${account.account}": ${detail.problem}`);
    if (detail.status === 'down') status = 'down';
    else if (detail.status === 'degraded' && status === 'up') status = 'degraded';
  }
  if (snapshot.length === 0) {
    status = 'down';
    problems.push('no SMPP account is configured');
  }
  return { status, accounts, problems };
}

function evaluateAccount(a: AccountBindStatus): AccountHealthDetail {
  const cluster = a.cluster;
  const wantsSend = a.wanted.transceiver + a.wanted.transmitter > 0;
  const wantsReceive = a.wanted.transceiver + a.wanted.receiver > 0;
  const canSend = a.canSend || (!!cluster && !cluster.stale && cluster.canSend);
  const canReceive = a.canReceive || (!!cluster && !cluster.stale && cluster.canReceive);
  const missing = MODES.filter((m) => a.bound[m] < a.wanted[m]).map(
    (m) => `${a.bound[m]} of ${a.wanted[m]} ${m}${a.wanted[m] === 1 ? '' : 's'} bound`,
  );
  const cannot = [
    ...(wantsSend && !canSend ? ['send'] : []),
    ...(wantsReceive && !canReceive ? ['receive receipts'] : []),
  ];
  const lastError = a.binds.find((b) => b.state !== 'bound' && b.lastError)?.lastError;
  const because = lastError ? ` (last error: ${lastError})` : '';
  const wantedTotal = MODES.reduce((n, m) => n + a.wanted[m], 0);
  const boundTotal = MODES.reduce((n, m) => n + a.bound[m], 0);
  // What this replica should hold: all it wants, or its fair share of a shared budget.
  const expected = cluster ? Math.min(wantedTotal, cluster.share) : wantedTotal;
  let status: BindHealthStatus = 'up';
  let problem: string | undefined;
  let note: string | undefined;
  if (cluster?.stale) {
    status = 'down';
    problem = `this replica cannot serve: ${cluster.lastError ?? 'no bind-budget heartbeat stored'}${cluster.checkedAt ? ` since ${cluster.checkedAt.toISOString()}` : ''} (database unreachable?)`;
  } else if (cannot.length > 0) {
    status = 'down';
    problem = `cannot ${cannot.join(' or ')}${cluster ? ' (no live replica has such a bind)' : ''}: ${missing.join(', ')}${because}`;
  } else if (boundTotal < expected) {
    status = 'degraded';
    problem = `${missing.join(', ')}${cluster && expected < wantedTotal ? ` (fair share ${expected} of ${wantedTotal} wanted)` : ''}${because}`;
  } else if (missing.length > 0 && cluster) {
    note = `${missing.join(', ')}: waiting for a slot (fair share ${cluster.share}; ${cluster.held} of ${cluster.maxBinds} held by live replicas)`;
  } else if (missing.length > 0) {
    status = 'degraded';
    problem = `${missing.join(', ')}${because}`;
  }
  return {
    status,
    systemId: a.systemId,
    host: a.host,
    port: a.port,
    tls: a.tls,
    canSend,
    canReceive,
    bound: { ...a.bound },
    wanted: { ...a.wanted },
    binds: a.binds.map((b) => ({
      id: b.id,
      mode: b.mode,
      state: b.state,
      since: b.since.toISOString(),
      failures: b.failures,
      ...(b.lastError ? { lastError: b.lastError } : {}),
    })),
    ...(cluster
      ? {
          cluster: {
            replica: cluster.replica,
            share: cluster.share,
            bound: { ...cluster.bound },
            held: cluster.held,
            maxBinds: cluster.maxBinds,
            replicas: cluster.replicas.map((r) => ({ ...r })),
            ...(cluster.checkedAt ? { checkedAt: cluster.checkedAt.toISOString() } : {}),
          },
        }
      : {}),
    ...(problem ? { problem } : {}),
    ...(note ? { note } : {}),
  };
}
