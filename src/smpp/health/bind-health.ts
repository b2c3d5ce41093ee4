import type { AccountBindStatus, BindStatus } from '../binds/bind-status.js';
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

/** One account as the health check reports it (never the password). */
export interface AccountHealthDetail extends Omit<AccountBindStatus, 'account' | 'binds'> {
  status: BindHealthStatus;
  binds: BindHealthDetail[];
  /** Why the account is degraded or down. */
  problem?: string;
}

export interface BindHealth {
  status: BindHealthStatus;
  accounts: Record<string, AccountHealthDetail>;
  /** One line per account that is not up. */
  problems: string[];
}

const MODES: readonly BindMode[] = ['transceiver', 'transmitter', 'receiver'];

/**
 * Health from a bind status snapshot (BindManager.status()): no I/O. An account must be able to
 * send (a transmitter or transceiver bound) and, when it wants receivers, to receive (a receiver or
 * transceiver bound: receipts and MO arrive there); missing binds beyond that only degrade it.
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
  const wantsSend = a.wanted.transceiver + a.wanted.transmitter > 0;
  const wantsReceive = a.wanted.transceiver + a.wanted.receiver > 0;
  const missing = MODES.filter((m) => a.bound[m] < a.wanted[m]).map(
    (m) => `${a.bound[m]} of ${a.wanted[m]} ${m}${a.wanted[m] === 1 ? '' : 's'} bound`,
  );
  const cannot = [
    ...(wantsSend && !a.canSend ? ['send'] : []),
    ...(wantsReceive && !a.canReceive ? ['receive receipts'] : []),
  ];
  const lastError = a.binds.find((b) => b.state !== 'bound' && b.lastError)?.lastError;
  let status: BindHealthStatus = 'up';
  let problem: string | undefined;
  if (cannot.length > 0) {
    status = 'down';
    problem = `cannot ${cannot.join(' or ')}: ${missing.join(', ')}${lastError ? ` (last error: ${lastError})` : ''}`;
  } else if (missing.length > 0) {
    status = 'degraded';
    problem = `${missing.join(', ')}${lastError ? ` (last error: ${lastError})` : ''}`;
  }
  return {
    status,
    systemId: a.systemId,
    host: a.host,
    port: a.port,
    tls: a.tls,
    canSend: a.canSend,
    canReceive: a.canReceive,
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
    ...(problem ? { problem } : {}),
  };
}
