import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { BindManager } from '../binds/bind-manager.js';
import { SmppConfigError } from '../errors.js';
import { type AccountHealthDetail, evaluateBindHealth } from './bind-health.js';

/** Everything of the indicator's result besides `status`: details for operators. */
export type SmppHealthDetails = {
  accounts: Record<string, AccountHealthDetail>;
  /** One line per account that is not up. */
  message?: string;
};

/** The indicator's result with its details removed: `{ [key]: { status } }`. */
export function smppHealthStatusOnly<const Key extends string>(
  result: HealthIndicatorResult<Key>,
): HealthIndicatorResult<Key> {
  const out: Record<string, { status: HealthIndicatorResult[string]['status'] }> = {};
  for (const key of Object.keys(result) as Key[]) out[key] = { status: result[key].status };
  return out as HealthIndicatorResult<Key>;
}

/**
 * Terminus health indicator for the SMPP binds, per ACCOUNT rather than per replica. Reads
 * BindManager's snapshot (no network I/O, so it is cheap enough for every readiness probe: the
 * other replicas' binds come from the shared leases, read by the bind-budget heartbeat) and
 * reports, per account, this replica's binds by mode, its fair share, and every live replica's
 * share and binds; never the password.
 *
 * - `up`: every account can send and receive somewhere and this replica holds its fair share
 *   (a replica waiting for a slot that live peers hold is up: it queues, they send);
 * - `degraded` (HTTP stays 200): some of this replica's binds within its share are missing, but
 *   every account can still send and receive;
 * - `down` (HTTP 503): some account cannot send or cannot receive through any live replica, or
 *   this replica cannot serve (its heartbeat could not be stored: database unreachable).
 *
 * The result is `{ [key]: { status, accounts, message? } }`: `status` alone is the summary,
 * `accounts` and `message` are details an unauthenticated caller need not see (smppHealthStatusOnly).
 *
 *     @Get('health') @HealthCheck()
 *     check() { return this.health.check([() => this.smpp.isHealthy('smpp')]); }
 */
@Injectable()
export class SmppHealthIndicator {
  private bindManager?: BindManager;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly moduleRef: ModuleRef,
  ) {}

  isHealthy<const Key extends string = 'smpp'>(
    key: Key = 'smpp' as Key,
  ): HealthIndicatorResult<Key> {
    const session = this.indicators.check(key);
    const health = evaluateBindHealth(this.binds().status());
    const data: SmppHealthDetails = {
      accounts: health.accounts,
      ...(health.problems.length > 0 ? { message: health.problems.join('; ') } : {}),
    };
    if (health.status === 'up') return session.up(data);
    if (health.status === 'degraded') return session.degraded(data);
    return session.down(data);
  }

  /** SmppModule need not be global: its BindManager is found wherever it was imported. */
  private binds(): BindManager {
    if (!this.bindManager) {
      try {
        this.bindManager = this.moduleRef.get(BindManager, { strict: false });
      } catch {
        throw new SmppConfigError([
          'SmppHealthIndicator: no SmppModule was found. Import SmppModule.forRoot(...) or forRootAsync(...) in the application.',
        ]);
      }
    }
    return this.bindManager;
  }
}
