import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { DEFAULT_ACCOUNTS, SmscSimulator } from '../simulator/index.js';
import type { SimulatorAccount, SmscSimulatorOptions } from '../simulator/index.js';
import type {
  SmppAccountOptions,
  SmppModuleOptions,
} from '../smpp/config/smpp-options.interface.js';
import { SmppModule } from '../smpp/smpp.module.js';
import { SimulatorHandle } from './simulator-handle.js';

export interface SmppTestingModuleOptions {
  /**
   * The accounts, pointed at the simulator (host, port, plain TCP); anything given overrides.
   * Default: one account "default". Each account is its own system_id on the simulator (default:
   * its name, password "secret"); give the same systemId to several to share one.
   */
  accounts?: Array<Partial<SmppAccountOptions>>;
  /**
   * The simulator: options for one the module starts on a free port (and stops on shutdown), or
   * a running SmscSimulator the test owns. Default: receipts after 20 ms, no pacing limit.
   */
  simulator?: SmscSimulatorOptions | SmscSimulator;
  /** Further SmppModule options (reconnect, messages, bindAllocator, ...). */
  smpp?: Omit<SmppModuleOptions, 'accounts'>;
  /** The TypeORM DataSource by name (default: the default one). */
  dataSourceName?: string;
  /** Default true: SmppService and the account handles are visible app-wide. */
  isGlobal?: boolean;
}

const TEST_PASSWORD = 'secret';

/** Fast timings for tests: reconnect within ~100 ms, detect dead links within a few seconds. */
const TEST_ACCOUNT_DEFAULTS: Partial<SmppAccountOptions> = {
  tls: false,
  defaultSender: 'TestBrand',
  enquireLinkMs: 5_000,
  responseTimeoutMs: 2_000,
  connectTimeoutMs: 2_000,
  unbindTimeoutMs: 1_000,
};

function testAccounts(
  accounts: Array<Partial<SmppAccountOptions>>,
  sim: SmscSimulator,
): SmppAccountOptions[] {
  return accounts.map((a, i) => ({
    name: accountName(a, i),
    systemId: accountName(a, i).slice(0, 15),
    password: TEST_PASSWORD,
    host: sim.host,
    port: sim.port,
    ...TEST_ACCOUNT_DEFAULTS,
    ...a,
  }));
}

/** The simulator's accounts: its default one plus every system_id the test accounts use. */
function simulatorAccounts(accounts: Array<Partial<SmppAccountOptions>>): SimulatorAccount[] {
  const byId = new Map(DEFAULT_ACCOUNTS.map((a) => [a.systemId, { ...a }]));
  accounts.forEach((a, i) => {
    const systemId = a.systemId ?? accountName(a, i).slice(0, 15);
    if (!byId.has(systemId))
      byId.set(systemId, { systemId, password: a.password ?? TEST_PASSWORD });
  });
  return [...byId.values()];
}

function accountName(account: Partial<SmppAccountOptions>, index: number): string {
  return account.name ?? (index === 0 ? 'default' : `account${index + 1}`);
}

@Module({})
class SmppSimulatorHostModule {}

/**
 * SmppModule against an SMSC simulator, for an application's tests: the simulator starts on a
 * free port before the module binds and stops after it unbound, with the application.
 *
 * ```ts
 * imports: [TypeOrmModule.forRoot({ ... }), SmppTestingModule.forRoot({ accounts: [{ name: 'otp' }] })]
 * // then: app.get(SimulatorHandle).waitForSubmit({ to: '+6591234567' })
 * ```
 */
@Module({})
export class SmppTestingModule {
  static forRoot(options: SmppTestingModuleOptions = {}): DynamicModule {
    const accountsIn = options.accounts ?? [{}];
    const given = options.simulator instanceof SmscSimulator ? options.simulator : undefined;
    const handle: Provider = {
      provide: SimulatorHandle,
      useFactory: async () => {
        const sim =
          given ??
          new SmscSimulator({
            submitsPerSecondPerBind: 0,
            accounts: simulatorAccounts(accountsIn),
            ...(options.simulator as SmscSimulatorOptions | undefined),
          });
        if (!given) await sim.start();
        const accounts = testAccounts(accountsIn, sim);
        return new SimulatorHandle(sim, new Map(accounts.map((a) => [a.name, a.systemId])), !given);
      },
    };
    const simulatorModule: DynamicModule = {
      module: SmppSimulatorHostModule,
      providers: [handle],
      exports: [SimulatorHandle],
    };
    const names = accountsIn.map(accountName);
    return {
      module: SmppTestingModule,
      global: options.isGlobal ?? true,
      imports: [
        simulatorModule,
        SmppModule.forRootAsync({
          isGlobal: options.isGlobal ?? true,
          dataSourceName: options.dataSourceName,
          accountNames: names,
          imports: [simulatorModule],
          inject: [SimulatorHandle],
          useFactory: (sim: SimulatorHandle): SmppModuleOptions => ({
            reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
            waitForBindMs: 5_000,
            ...options.smpp,
            accounts: testAccounts(accountsIn, sim.simulator),
          }),
        }),
      ],
      exports: [simulatorModule, SmppModule],
    };
  }
}
