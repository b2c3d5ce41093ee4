import { type INestApplication, Logger, type LoggerService } from '@nestjs/common';
import { EventEmitterModule, EventEmitter2 } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SMPP_MIGRATIONS } from '../../migrations/index.js';
import { SmscSimulator } from '../../src/simulator/index.js';
import type { SmscSimulatorOptions } from '../../src/simulator/index.js';
import type {
  SmppAccountOptions,
  SmppModuleOptions,
} from '../../src/smpp/config/smpp-options.interface.js';
import { SMPP_ENTITIES } from '../../src/smpp/entities/index.js';
import { SmppService } from '../../src/smpp/smpp.service.js';
import { SimulatorHandle, SmppTestingModule } from '../../src/testing/index.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export { RecordingLogger } from './recording-logger.js';

export interface RecordedEvent {
  name: string;
  payload: Record<string, unknown>;
  /** When this process emitted it (Date.now()). */
  at: number;
}

export interface SmppTestApp {
  app: INestApplication;
  smpp: SmppService;
  /** The simulator as SmppTestingModule gives it to tests: await submits, inject MOs, faults. */
  sim: SimulatorHandle;
  db: TestDatabase;
  events: RecordedEvent[];
  close(): Promise<void>;
}

export interface SmppTestAppOptions {
  simulator: SmscSimulator;
  account?: Partial<SmppAccountOptions>;
  module?: Partial<SmppModuleOptions>;
  /** Reuse a database (e.g. a second "replica"); default: a fresh one. */
  db?: TestDatabase;
  /** Without EventEmitterModule (the host did not install it). */
  noEvents?: boolean;
  /** Several accounts instead of the one default account. */
  accounts?: Array<Partial<SmppAccountOptions>>;
  /** Receives every log line (e.g. a RecordingLogger). */
  logger?: LoggerService;
  /** Connect TypeORM here instead of db.url (e.g. through a TCP proxy). */
  databaseUrl?: string;
  /** TypeORM pool size (default 10). */
  poolSize?: number;
}

/** Fast timings for tests: reconnect within ~100 ms, detect dead links within a second. */
export function testAccount(
  sim: SmscSimulator,
  overrides: Partial<SmppAccountOptions> = {},
): SmppAccountOptions {
  return {
    name: 'default',
    systemId: 'smppuser',
    password: 'secret',
    host: '127.0.0.1',
    port: sim.port,
    tls: false,
    defaultSender: 'TestBrand',
    enquireLinkMs: 5_000,
    responseTimeoutMs: 2_000,
    connectTimeoutMs: 2_000,
    unbindTimeoutMs: 1_000,
    ...overrides,
  };
}

/** A real Nest app: TypeORM on a fresh Postgres database, EventEmitter, SmppModule bound to the simulator (SmppTestingModule). */
export async function createSmppTestApp(options: SmppTestAppOptions): Promise<SmppTestApp> {
  const db = options.db ?? (await createTestDatabase());
  const events: RecordedEvent[] = [];
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({
        type: 'postgres',
        url: options.databaseUrl ?? db.url,
        entities: SMPP_ENTITIES,
        migrations: SMPP_MIGRATIONS,
        migrationsRun: true,
        logging: false,
        poolSize: options.poolSize ?? 10,
        // A cut connection must fail fast, not hang the pool.
        extra: { connectionTimeoutMillis: 2_000 },
      }),
      ...(options.noEvents ? [] : [EventEmitterModule.forRoot({ wildcard: true })]),
      // The simulator is the test file's (shared by several apps), so the module does not stop it.
      SmppTestingModule.forRoot({
        simulator: options.simulator,
        // The simulator's default system_id, shared when there are several accounts.
        accounts: (options.accounts ?? [options.account ?? {}]).map((a) => ({
          systemId: 'smppuser',
          password: 'secret',
          ...a,
        })),
        smpp: options.module,
      }),
    ],
  }).compile();
  moduleRef.useLogger(options.logger ?? (process.env.SMPP_TEST_LOGS ? new Logger() : false));
  const app = moduleRef.createNestApplication();
  if (!options.noEvents) {
    app.get(EventEmitter2).onAny((name: string | string[], payload: unknown) => {
      events.push({
        name: String(name),
        payload: payload as Record<string, unknown>,
        at: Date.now(),
      });
    });
  }
  try {
    await app.init();
  } catch (error) {
    await app.close().catch(() => undefined);
    if (!options.db) await db.drop();
    throw error;
  }
  return {
    app,
    smpp: app.get(SmppService),
    sim: app.get(SimulatorHandle),
    db,
    events,
    close: async () => {
      await app.close();
      if (!options.db) await db.drop();
    },
  };
}

export async function startSimulator(options: SmscSimulatorOptions = {}): Promise<SmscSimulator> {
  const sim = new SmscSimulator({ submitsPerSecondPerBind: 0, ...options });
  await sim.start();
  return sim;
}

/** Polls until `check` returns a truthy value (or throws on timeout with `what`). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(
    `Timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
  );
}
