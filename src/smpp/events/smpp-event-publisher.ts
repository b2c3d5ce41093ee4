import { Injectable, Logger, Optional } from '@nestjs/common';
import { EventEmitter2, EventEmitterReadinessWatcher } from '@nestjs/event-emitter';
import type { SmppEventName } from './smpp-events.js';

/**
 * Emits domain events through the host's EventEmitter2 when it has one (EventEmitterModule is the
 * host's choice: a library must not call its forRoot). Waits until listeners are attached, so
 * nothing emitted during bootstrap is lost, and never lets a listener's error reach the pipeline.
 */
@Injectable()
export class SmppEventPublisher {
  private readonly logger = new Logger('SmppEvents');

  constructor(
    @Optional() private readonly emitter?: EventEmitter2,
    @Optional() private readonly readiness?: EventEmitterReadinessWatcher,
  ) {}

  get enabled(): boolean {
    return this.emitter !== undefined;
  }

  /** Resolves once every listener has run (or failed); never rejects. */
  async publish(name: SmppEventName, payload: object): Promise<void> {
    if (!this.emitter) return;
    try {
      await this.readiness?.waitUntilReady();
      await this.emitter.emitAsync(name, payload);
    } catch (error) {
      this.logger.error(
        `A listener of ${name} failed: ${(error as Error)?.message ?? String(error)}`,
      );
    }
  }
}
