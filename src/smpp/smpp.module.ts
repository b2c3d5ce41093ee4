import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type BindAllocator, InProcessBindAllocator } from './binds/bind-allocator.js';
import { BindManager } from './binds/bind-manager.js';
import type { OpenSession } from './binds/bind-session.js';
import { PostgresBindAllocator } from './binds/postgres-bind-allocator.js';
import { resolveSmppOptions } from './config/resolve-options.js';
import type { SmppModuleOptions } from './config/smpp-options.interface.js';
import { SmppConfigError } from './errors.js';
import { SmppEventPublisher } from './events/smpp-event-publisher.js';
import { SmppRetention } from './retention/smpp-retention.js';
import { SmppSession } from './session/index.js';
import { getSmppAccountToken, requestedAccountNames, SmppAccount } from './smpp-account.js';
import { SmppLifecycle } from './smpp-lifecycle.js';
import { SmppMessaging } from './smpp-messaging.js';
import {
  SMPP_BIND_ALLOCATOR,
  SMPP_DATA_SOURCE,
  SMPP_OPTIONS,
  SMPP_SESSION_FACTORY,
} from './smpp.constants.js';
import {
  SMPP_MODULE_OPTIONS,
  type SmppModuleAsyncOptions,
  type SmppModuleForRootOptions,
  SmppConfigurableModule,
} from './smpp.module-definition.js';
import { SmppService } from './smpp.service.js';
import { SmppTelemetry } from './telemetry/smpp-telemetry.js';

const openSession: OpenSession = (options) => SmppSession.open(options);

/**
 * The bind budget: shared through Postgres leases by default (a DataSource is required anyway, and
 * replicas that each counted alone would exceed 8x8's 4 binds per system_id).
 */
function createBindAllocator(
  options: SmppModuleOptions,
  dataSourceName: string | undefined,
  dataSource: DataSource | undefined,
): BindAllocator {
  const choice = options.bindAllocator ?? 'postgres';
  if (choice === 'in-process') return new InProcessBindAllocator();
  if (choice === 'postgres') {
    // Lease timing is checked first (the constructor), then that the DataSource exists.
    const allocator = new PostgresBindAllocator(
      () => requireDataSource(dataSourceName, dataSource),
      options.bindLease,
    );
    requireDataSource(dataSourceName, dataSource);
    return allocator;
  }
  if (typeof choice === 'object' && choice !== null && typeof choice.acquire === 'function')
    return choice;
  throw new SmppConfigError([
    `bindAllocator: expected 'postgres', 'in-process' or a BindAllocator, got ${JSON.stringify(choice) ?? String(choice)}`,
  ]);
}

/** A clear configuration error when the application has no such DataSource. */
function requireDataSource(
  name: string | undefined,
  dataSource: DataSource | undefined,
): DataSource {
  if (dataSource) return dataSource;
  throw new SmppConfigError([
    `dataSourceName: no TypeORM DataSource ${name ? `named "${name}" ` : ''}was found. Import TypeOrmModule.forRoot({ type: 'postgres', ..., migrations: SMPP_MIGRATIONS, migrationsRun: true }) in the application module${name ? ` with name: "${name}"` : ''}.`,
  ]);
}

/**
 * The DataSource by its token (optional, so that a missing one is reported as such), and the bind
 * allocator that may need it. Resolved in this order: options, allocator, DataSource, so that a
 * bad option is named before a missing DataSource.
 */
function dataSourceProviders(name: string | undefined): Provider[] {
  const dataSource = { token: getDataSourceToken(name), optional: true };
  return [
    {
      provide: SMPP_DATA_SOURCE,
      useFactory: (_options: unknown, _allocator: unknown, found: DataSource | undefined) =>
        requireDataSource(name, found),
      inject: [SMPP_OPTIONS, SMPP_BIND_ALLOCATOR, dataSource],
    },
    {
      provide: SMPP_BIND_ALLOCATOR,
      useFactory: (options: SmppModuleOptions, _resolved: unknown, found: DataSource | undefined) =>
        createBindAllocator(options, name, found),
      inject: [SMPP_MODULE_OPTIONS, SMPP_OPTIONS, dataSource],
    },
  ];
}

/** Resolves and checks the options; the DataSource named by a factory must be the one given to forRootAsync. */
function optionsProvider(dataSourceName: string | undefined): Provider {
  return {
    provide: SMPP_OPTIONS,
    useFactory: (options: SmppModuleOptions) => {
      const resolved = resolveSmppOptions(options);
      if (resolved.dataSourceName !== undefined && resolved.dataSourceName !== dataSourceName) {
        throw new SmppConfigError([
          `dataSourceName: "${resolved.dataSourceName}" was returned by the options factory; give it to SmppModule.forRootAsync({ dataSourceName: '${resolved.dataSourceName}', useFactory, ... }) itself, so that the DataSource can be injected`,
        ]);
      }
      return resolved;
    },
    inject: [SMPP_MODULE_OPTIONS],
  };
}

function accountProviders(names: Iterable<string>): Provider[] {
  return [...new Set(names)].map((name) => ({
    provide: getSmppAccountToken(name),
    // Not checked here: names seen by @InjectSmppAccount anywhere in the process are provided too;
    // a handle of an account this module does not have rejects its send() with SmppValidationError.
    useFactory: (smpp: SmppService) => new SmppAccount(smpp, name),
    inject: [SmppService],
  }));
}

function withRuntimeProviders(
  definition: DynamicModule,
  dataSourceName: string | undefined,
  accountNames: Iterable<string>,
): DynamicModule {
  const accounts = accountProviders([...accountNames, ...requestedAccountNames()]);
  return {
    ...definition,
    providers: [
      ...(definition.providers ?? []),
      optionsProvider(dataSourceName),
      ...dataSourceProviders(dataSourceName),
      ...accounts,
    ],
    exports: [
      ...(definition.exports ?? []),
      SMPP_MODULE_OPTIONS,
      ...accounts.map((p) => (p as { provide: string }).provide),
    ],
  };
}

/**
 * SMS over SMPP 3.4. `SmppModule.forRoot({ accounts: [...] })` or `forRootAsync({ useFactory,
 * inject, imports })` / `useClass` / `useExisting`; `isGlobal: true` to share it app-wide.
 */
@Module({
  providers: [
    { provide: SMPP_SESSION_FACTORY, useValue: openSession },
    SmppEventPublisher,
    SmppTelemetry,
    BindManager,
    SmppMessaging,
    SmppRetention,
    SmppLifecycle,
    SmppService,
  ],
  exports: [SmppService, BindManager, SmppTelemetry],
})
export class SmppModule extends SmppConfigurableModule {
  static override forRoot(options: SmppModuleForRootOptions): DynamicModule {
    const accounts = Array.isArray(options?.accounts) ? options.accounts : [];
    return withRuntimeProviders(super.forRoot(options), options?.dataSourceName, [
      ...accounts.map((a) => a?.name).filter((n): n is string => typeof n === 'string'),
      ...(options?.accountNames ?? []),
    ]);
  }

  static override forRootAsync(options: SmppModuleAsyncOptions): DynamicModule {
    return withRuntimeProviders(
      super.forRootAsync(options),
      options.dataSourceName,
      options.accountNames ?? [],
    );
  }
}
