import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { SmppMetrics } from './smpp-metrics.js';

@ApiTags('metrics')
@ApiSecurity('api-key')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: SmppMetrics) {}

  /** Prometheus text format (API key required, as `authorization: Bearer` in the scrape config). */
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (text format 0.0.4)' })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus text', schema: { type: 'string' } })
  scrape(): Promise<string> {
    return this.metrics.metrics();
  }
}
