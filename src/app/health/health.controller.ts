import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { SmppHealthIndicator } from '../../smpp/health/index.js';
import { Public } from '../auth/public.decorator.js';
import { HealthDetailsSchema, HealthStatusSchema, publicHealth } from './health-status.js';

const DATABASE_PING_TIMEOUT_MS = 2_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly smpp: SmppHealthIndicator,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  /**
   * Readiness, for anyone (load balancers, Kubernetes): the status of each account and of the
   * database, nothing more. 200 `ok` / `degraded`, 503 `error`.
   */
  @Get()
  @Public()
  @SkipThrottle()
  @ApiOperation({ summary: 'Readiness: status per account (up, degraded, down), no details' })
  @ApiResponse({ status: 200, description: 'ok or degraded', standardSchema: HealthStatusSchema })
  @ApiResponse({
    status: 503,
    description: 'some account cannot send or receive, or no database',
    standardSchema: HealthStatusSchema,
  })
  async readiness(@Res({ passthrough: true }) res: { status(code: number): unknown }) {
    const result = await this.check();
    res.status(
      result.status === 'error' || result.status === 'shutting_down'
        ? HttpStatus.SERVICE_UNAVAILABLE
        : HttpStatus.OK,
    );
    return publicHealth(result);
  }

  /** Liveness: the process answers. Never depends on the SMSC or the database. */
  @Get('live')
  @Public()
  @SkipThrottle()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiResponse({ status: 200, standardSchema: HealthStatusSchema })
  liveness() {
    return { status: 'ok' };
  }

  /**
   * Readiness with the details (binds by mode, hosts, system_id, last bind errors): API key
   * required. Terminus's shape; 503 when not ready.
   */
  @Get('details')
  @HealthCheck()
  @ApiSecurity('api-key')
  @ApiOperation({ summary: 'Readiness with binds, hosts and last errors (API key required)' })
  @ApiResponse({ status: 200, standardSchema: HealthDetailsSchema })
  @ApiResponse({ status: 503, standardSchema: HealthDetailsSchema })
  details() {
    return this.checks();
  }

  private checks(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.smpp.isHealthy('smpp'),
      this.database.pingCheck('database').withTimeout(DATABASE_PING_TIMEOUT_MS),
    ]);
  }

  /** The check's result, also when it failed (terminus throws a 503 with the result). */
  private async check(): Promise<HealthCheckResult> {
    try {
      return await this.checks();
    } catch (error) {
      if (error instanceof ServiceUnavailableException)
        return error.getResponse() as HealthCheckResult;
      throw error;
    }
  }
}
