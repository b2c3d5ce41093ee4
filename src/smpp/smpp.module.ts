import { Module } from '@nestjs/common';
import { InProcessBindAllocator } from './binds/bind-allocator.js';
import { BindManager } from './binds/bind-manager.js';
import type { OpenSession } from './binds/bind-session.js';
import { resolveSmppOptions } from './config/resolve-options.js';
import type { SmppModuleOptions } from './config/smpp-options.interface.js';
import { SmppEventPublisher } from './events/smpp-event-publisher.js';
import { SmppSession } from './session/index.js';
import { SmppLifecycle } from './smpp-lifecycle.js';
import { SmppMessaging } from './smpp-messaging.js';
import { SMPP_BIND_ALLOCATOR, SMPP_OPTIONS, SMPP_SESSION_FACTORY } from './smpp.constants.js';
import { SMPP_MODULE_OPTIONS, SmppConfigurableModule } from './smpp.module-definition.js';
import { SmppService } from './smpp.service.js';
import { SmppTelemetry } from './telemetry/smpp-telemetry.js';

const openSession: OpenSession = (options) => SmppSession.open(options);

/**
 * SMS over SMPP 3.4. `SmppModule.forRoot({ accounts: [...] })` or `forRootAsync({ useFactory,
 * inject, imports })` / `useClass` / `useExisting`; `isGlobal: true` to share it app-wide.
 */
@Module({
  providers: [
    {
      provide: SMPP_OPTIONS,
      useFactory: (options: SmppModuleOptions) => resolveSmppOptions(options),
      inject: [SMPP_MODULE_OPTIONS],
    },
    {
      provide: SMPP_BIND_ALLOCATOR,
      useFactory: (options: SmppModuleOptions) => options.bindAllocator ?? new InProcessBindAllocator(),
      inject: [SMPP_MODULE_OPTIONS],
    },
    { provide: SMPP_SESSION_FACTORY, useValue: openSession },
    SmppEventPublisher,
    SmppTelemetry,
    BindManager,
    SmppMessaging,
    SmppLifecycle,
    SmppService,
  ],
  exports: [SmppService, BindManager, SmppTelemetry, SMPP_OPTIONS],
})
export class SmppModule extends SmppConfigurableModule {}
