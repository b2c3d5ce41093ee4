import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { BindManager } from './binds/bind-manager.js';
import type { ResolvedSmppOptions } from './config/resolve-options.js';
import { SmppRetention } from './retention/smpp-retention.js';
import { SmppMessaging } from './smpp-messaging.js';
import { SMPP_OPTIONS } from './smpp.constants.js';

/**
 * Starts binding once the application has bootstrapped (event listeners exist by then), off the
 * startup path unless `waitForBindMs` asks to wait; on shutdown drains and unbinds gracefully.
 */
@Injectable()
export class SmppLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SmppModule');

  constructor(
    @Inject(SMPP_OPTIONS) private readonly options: ResolvedSmppOptions,
    private readonly binds: BindManager,
    private readonly messaging: SmppMessaging,
    private readonly retention: SmppRetention,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.messaging.start();
    this.retention.start();
    this.binds.start();
    if (this.options.waitForBindMs) {
      this.logger.log(`Waiting up to ${this.options.waitForBindMs} ms for the binds`);
      try {
        await this.binds.waitUntilBound(this.options.waitForBindMs);
      } catch (error) {
        // Startup fails: leave nothing binding in the background.
        await this.retention.stop();
        await this.messaging.stopDispatching();
        await this.binds.stop();
        throw error;
      }
    }
  }

  /** Stop taking parts, let the submits in flight finish, unbind, then store the last receipts. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.retention.stop();
    await this.messaging.stopDispatching();
    await this.binds.stop();
    await this.messaging.drain();
  }
}
