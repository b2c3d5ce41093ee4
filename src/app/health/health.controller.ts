import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { SmppHealthIndicator } from '../../smpp/health/index.js';

const DATABASE_PING_TIMEOUT_MS = 2_000;

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly smpp: SmppHealthIndicator,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  /**
   * Readiness: the SMPP binds (from the bind manager's snapshot, no I/O) and a database ping.
   * 200 `ok` / `degraded`, 503 `error` (or `shutting_down`), in terminus's JSON shape.
   */
  @Get()
  @HealthCheck()
  readiness() {
    return this.health.check([
      () => this.smpp.isHealthy('smpp'),
      this.database.pingCheck('database').withTimeout(DATABASE_PING_TIMEOUT_MS),
    ]);
  }

  /** Liveness: the process answers. Never depends on the SMSC or the database. */
  @Get('live')
  @HealthCheck()
  liveness() {
    return this.health.check([]);
  }
}
