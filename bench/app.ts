import 'reflect-metadata';
import { type INestApplicationContext, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { SMPP_MIGRATIONS } from '../migrations/index.js';
import type {
  SmppAccountOptions,
  SmppModuleOptions,
} from '../src/smpp/config/smpp-options.interface.js';
import { SMPP_ENTITIES } from '../src/smpp/entities/index.js';
import { SmppModule } from '../src/smpp/smpp.module.js';
import { SmppService } from '../src/smpp/smpp.service.js';

export const sqlTimes = new Map<string, { n: number; ms: number }>();
const sqlTimer = {
  logQuery: () => undefined,
  logQueryError: () => undefined,
  logSchemaBuild: () => undefined,
  logMigration: () => undefined,
  log: () => undefined,
  logQuerySlow(time: number, query: string) {
    const key = query.replace(/\s+/g, ' ').trim().slice(0, 70);
    const e = sqlTimes.get(key) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += time;
    sqlTimes.set(key, e);
  },
};

export interface BenchApp {
  ctx: INestApplicationContext;
  smpp: SmppService;
  dataSource: DataSource;
  /** Counts of domain events by name (smpp.message.submitted, smpp.message.delivered, ...). */
  counts: Map<string, number>;
  /** Resolves when `name` has been seen `n` times; resolves with performance.now() of that moment. */
  waitForCount(name: string, n: number, timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

/** A standalone Nest application: TypeORM (Postgres), EventEmitter, SmppModule bound to the simulator. */
export async function createBenchApp(options: {
  databaseUrl: string;
  port: number;
  account: Partial<SmppAccountOptions>;
  waitForBindMs?: number;
  poolSize?: number;
  /** More module options (e.g. retention). */
  module?: Partial<SmppModuleOptions>;
}): Promise<BenchApp> {
  const smppModule: DynamicModule = SmppModule.forRoot({
    accounts: [
      {
        name: 'default',
        systemId: 'smppuser',
        password: 'secret',
        host: '127.0.0.1',
        port: options.port,
        tls: false,
        defaultSender: 'BenchBrand',
        ...options.account,
      },
    ],
    reconnect: { initialDelayMs: 200, maxDelayMs: 2_000 },
    waitForBindMs: options.waitForBindMs,
    ...options.module,
  });

  @Module({
    imports: [
      TypeOrmModule.forRoot({
        type: 'postgres',
        url: options.databaseUrl,
        entities: SMPP_ENTITIES,
        migrations: SMPP_MIGRATIONS,
        migrationsRun: true,
        logging: false,
        poolSize: options.poolSize ?? 10,
        ...(process.env.BENCH_SQL ? { maxQueryExecutionTime: 0.001, logger: sqlTimer } : {}),
      }),
      EventEmitterModule.forRoot({ wildcard: false }),
      smppModule,
    ],
  })
  class BenchModule {}

  const ctx = await NestFactory.createApplicationContext(BenchModule, {
    logger: process.env.BENCH_LOGS ? undefined : false,
  });
  ctx.enableShutdownHooks();
  const counts = new Map<string, number>();
  const targets = new Map<string, Array<{ n: number; resolve: (t: number) => void }>>();
  ctx.get(EventEmitter2).onAny((event: string | string[]) => {
    const name = String(event);
    const n = (counts.get(name) ?? 0) + 1;
    counts.set(name, n);
    const waiting = targets.get(name);
    if (!waiting) return;
    const now = performance.now();
    for (const w of [...waiting]) {
      if (n >= w.n) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(now);
      }
    }
  });
  return {
    ctx,
    smpp: ctx.get(SmppService),
    dataSource: ctx.get<DataSource>(getDataSourceToken()),
    counts,
    waitForCount(name, n, timeoutMs) {
      if ((counts.get(name) ?? 0) >= n) return Promise.resolve(performance.now());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `timed out: ${name} seen ${counts.get(name) ?? 0} of ${n} times in ${timeoutMs} ms`,
              ),
            ),
          timeoutMs,
        );
        const list = targets.get(name) ?? [];
        targets.set(name, list);
        list.push({
          n,
          resolve: (t) => {
            clearTimeout(timer);
            resolve(t);
          },
        });
      });
    },
    close: () => ctx.close(),
  };
}

/** Runs `total` calls of `fn(i)` with at most `concurrency` of them pending. */
export async function runBounded(
  total: number,
  concurrency: number,
  fn: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}
