import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { SmppHealthIndicator } from './smpp-health.indicator.js';

/**
 * Provides SmppHealthIndicator. A separate module (and entry point, `nestjs-smpp/health`) so that
 * @nestjs/terminus is needed only by applications that use it. Import it next to SmppModule and
 * TerminusModule.
 */
@Module({
  imports: [TerminusModule],
  providers: [SmppHealthIndicator],
  exports: [SmppHealthIndicator],
})
export class SmppHealthModule {}
