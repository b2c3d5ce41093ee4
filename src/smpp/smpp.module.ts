import { Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type BindAllocator, InProcessBindAllocator } from './binds/bind-allocator.js';
import { BindManager } from './binds/bind-manager.js';
import type { OpenSession } from './binds/bind-session.js';
import { PostgresBindAllocator } from './binds/postgres-bind-allocator.js';
import { type ResolvedSmppOptions, resolveSmppOptions } from './config/resolve-options.js';
import type { SmppModuleOptions } from './config/smpp-options.interface.js';
import { SmppConfigError } from './errors.js';
import { SmppEventPublisher } from './events/smpp-event-publisher.js';
import { SmppRetention } from './retention/smpp-retention.js';
import { SmppSession } from './session/index.js';
import { SmppLifecycle } from './smpp-lifecycle.js';
import { SmppMessaging } from './smpp-messaging.js';
import { SMPP_BIND_ALLOCATOR, SMPP_OPTIONS, SMPP_SESSION_FACTORY } from './smpp.constants.js';
import { SMPP_MODULE_OPTIONS, SmppConfigurableModule } from './smpp.module-definition.js';
import { SmppService } from './smpp.service.js';
import { SmppTelemetry } from './telemetry/smpp-telemetry.js';

const openSession: OpenSession = (options) => SmppSession.open(options);

/**
 * The bind budget: shared through Postgres leases by default (a DataSource is required anyway, and
 * replicas that each counted alone would exceed 8x8's 4 binds per system_id), resolved lazily
 * because the host's DataSource may be created after this provider.
 */
function createBindAllocator(
  options: SmppModuleOptions,
  resolved: ResolvedSmppOptions,
  moduleRef: ModuleRef,
): BindAllocator {
  const choice = options.bindAllocator ?? 'postgres';
  if (choice === 'in-process') return new InProcessBindAllocator();
  if (choice === 'postgres') {
    const token = getDataSourceToken(resolved.dataSourceName);
    return new PostgresBindAllocator(
      () => moduleRef.get<DataSource>(token, { strict: false }),
      options.bindLease,
    );
  }
  if (typeof choice === 'object' && choice !== null && typeof choice.acquire === 'function')
    return choice;
  throw new SmppConfigError([
    `bindAllocator: expected 'postgres', 'in-process' or a BindAllocator, got ${JSON.stringify(choice) ?? String(choice)}`,
  ]);
}

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
      useFactory: createBindAllocator,
      inject: [SMPP_MODULE_OPTIONS, SMPP_OPTIONS, ModuleRef],
    },
    { provide: SMPP_SESSION_FACTORY, useValue: openSession },
    SmppEventPublisher,
    SmppTelemetry,
    BindManager,
    SmppMessaging,
    SmppRetention,
    SmppLifecycle,
    SmppService,
  ],
  exports: [SmppService, BindManager, SmppTelemetry, SMPP_OPTIONS],
})
export class SmppModule extends SmppConfigurableModule {}
