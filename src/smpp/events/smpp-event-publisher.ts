import { Injectable, Logger, type OnModuleInit, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { SmppEventName } from './smpp-events.js';

interface Emitter {
  emitAsync(name: string, payload: unknown): Promise<unknown[]>;
}

interface Readiness {
  waitUntilReady(): Promise<void>;
}

/**
 * Emits domain events through the host's EventEmitter2 when it has one (EventEmitterModule is the
 * host's choice: a library must not call its forRoot, and @nestjs/event-emitter is an optional
 * peer). Waits until listeners are attached, so nothing emitted during bootstrap is lost, and
 * never lets a listener's error reach the pipeline.
 */
@Injectable()
export class SmppEventPublisher implements OnModuleInit {
  private readonly logger = new Logger('SmppEvents');
  private emitter?: Emitter;
  private readiness?: Readiness;

  constructor(private readonly moduleRef: ModuleRef) {}

  async onModuleInit(): Promise<void> {
    const lib = await import('@nestjs/event-emitter').catch(() => undefined);
    if (!lib) return;
    this.emitter = this.find<Emitter>(lib.EventEmitter2);
    this.readiness = this.find<Readiness>(lib.EventEmitterReadinessWatcher);
  }

  get enabled(): boolean {
    return this.emitter !== undefined;
  }

  /**
   * Resolves once every listener has run; rejects with the first listener's error, or when they
   * have not settled within `timeoutMs`. A listener declared with `@OnEvent(name)` alone has its
   * errors swallowed (and logged) by @nestjs/event-emitter (`suppressErrors` defaults to true):
   * declare it with `{ suppressErrors: false }` for a failure to get the event dispatched again.
   */
  async emit(name: SmppEventName, payload: object, timeoutMs: number): Promise<void> {
    const emitter = this.emitter;
    if (!emitter) return;
    await this.readiness?.waitUntilReady();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`listeners of ${name} did not settle within ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref();
    });
    try {
      await Promise.race([emitter.emitAsync(name, payload), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once every listener has run (or failed); never rejects (events not in the outbox). */
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

  private find<T>(token: Type<unknown>): T | undefined {
    try {
      return this.moduleRef.get(token, { strict: false }) as T;
    } catch {
      return undefined;
    }
  }
}
