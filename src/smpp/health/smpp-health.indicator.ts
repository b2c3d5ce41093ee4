import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { BindManager } from '../binds/bind-manager.js';
import { SmppConfigError } from '../errors.js';
import { evaluateBindHealth } from './bind-health.js';

/**
 * Terminus health indicator for the SMPP binds. Reads BindManager's snapshot (no network I/O, so
 * it is cheap enough for every readiness probe) and reports, per account, the binds bound and
 * wanted by mode; never the password.
 *
 * - `up`: every account has all the binds it wants;
 * - `degraded` (HTTP stays 200): some binds are missing, but every account can still send and
 *   receive (a transmitter or transceiver bound, and a receiver or transceiver when it wants one);
 * - `down` (HTTP 503): some account cannot send or cannot receive.
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
    const data = {
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
