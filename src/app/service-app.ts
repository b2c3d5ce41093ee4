/**
 * Builds and starts the reference service: validates the environment, starts the zero-config
 * pieces it needs (embedded Postgres, in-process simulator), creates the Nest application and
 * listens. `src/main.ts` and the end-to-end tests both use it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { type INestApplication, Logger, type LoggerService, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { SmscSimulator } from '../simulator/index.js';
import type { SmppAccountOptions, SmppTlsOptions } from '../smpp/index.js';
import { AppModule } from './app.module.js';
import { serviceBanner } from './banner.js';
import type { ServiceConfig } from './config/service-config.js';
import {
  type Env,
  type ServiceEnv,
  unknownSmppVariables,
  validateServiceEnv,
} from './config/service-env.js';
import { applyHttpHygiene } from './http/http-hygiene.js';
import { ServiceLogger } from './logging/service-logger.js';
import { setupOpenApi } from './openapi.js';
import type { ServiceResources } from './service-resources.js';
import {
  SIMULATOR_DEFAULT_SENDER,
  startZeroConfigDatabase,
  startZeroConfigSimulator,
} from './zero-config.js';

export interface CreateServiceAppOptions {
  /** The environment to read (default: process.env). */
  env?: Env;
  /** Nest's logger (default: ServiceLogger, from LOG_FORMAT and LOG_LEVEL). */
  logger?: LoggerService | LogLevel[] | false;
  /** Where the embedded Postgres keeps its data when DATABASE_URL is not set (default: .data/pg). */
  dataDir?: string;
  /** Listen on SIGTERM / SIGINT and shut down gracefully (main.ts: true; tests: false). */
  shutdownHooks?: boolean;
}

export interface ServiceApp {
  app: INestApplication;
  config: ServiceConfig;
  /** http://localhost:PORT */
  url: string;
  /** The in-process simulator, when the service started one (zero-config SMPP). */
  simulator?: SmscSimulator;
  /** Graceful shutdown: the same as a SIGTERM (stop HTTP, drain, unbind, close the database, stop what was started). */
  close(): Promise<void>;
}

export async function createServiceApp(options: CreateServiceAppOptions = {}): Promise<ServiceApp> {
  const env = options.env ?? process.env;
  let loggerOption = options.logger;
  if (loggerOption === undefined) {
    // The log format is known before the environment is validated, so that the error is logged in it.
    const format = env.LOG_FORMAT?.trim().toLowerCase();
    loggerOption = new ServiceLogger({
      format: format === 'json' || format === 'pretty' ? format : undefined,
      level: 'log',
    });
  }
  Logger.overrideLogger(loggerOption);
  const logger = new Logger('Service');
  const settings = validateServiceEnv(env);
  if (options.logger === undefined) {
    loggerOption = new ServiceLogger({ format: settings.log.format, level: settings.log.level });
    Logger.overrideLogger(loggerOption);
  }
  for (const name of unknownSmppVariables(env)) {
    logger.warn(`${name} is not a variable this service reads (a typo?); see .env.example`);
  }

  const resources: ServiceResources = {};
  const stopResources = async () => {
    await resources.simulator?.stop();
    await resources.database?.stop();
  };
  let app: NestExpressApplication | undefined;
  try {
    const config = await resolveServiceConfig(settings, resources, options.dataDir ?? '.data/pg');
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, resources), {
      logger: loggerOption,
      // applyHttpHygiene installs the JSON parser (JSON only, size limit, errors in the API's shape).
      bodyParser: false,
      // Throw startup errors to the caller (which stops what it started) instead of exiting.
      abortOnError: false,
      // From the first moment of a shutdown, new requests get 503 + Connection: close.
      return503OnClosing: true,
    });
    applyHttpHygiene(app);
    setupOpenApi(app);
    if (options.shutdownHooks)
      app.enableShutdownHooks(['SIGTERM', 'SIGINT', 'SIGHUP'], { useProcessExit: true });
    await app.listen(config.http.port);
    const port = (app.getHttpServer().address() as AddressInfo).port;
    const url = `http://localhost:${port}`;
    logger.log(serviceBanner(config, url).join('\n'));
    const started = app;
    return {
      app: started,
      config,
      url,
      simulator: resources.simulator,
      close: () => started.close(),
    };
  } catch (error) {
    // Startup failed: release what was started (closing the app stops the resources itself).
    if (app) await app.close().catch(() => undefined);
    else await stopResources().catch(() => undefined);
    throw error;
  }
}

/** The configuration the modules read, with the zero-config pieces started where needed. */
async function resolveServiceConfig(
  settings: ServiceEnv,
  resources: ServiceResources,
  dataDir: string,
): Promise<ServiceConfig> {
  let database: ServiceConfig['database'];
  const poolSize = settings.databasePoolSize;
  if (settings.databaseUrl) {
    database = { url: settings.databaseUrl, poolSize };
  } else {
    resources.database = await startZeroConfigDatabase(dataDir);
    database = {
      url: resources.database.url,
      poolSize,
      embedded: { dataDir: resolve(resources.database.dataDir), port: resources.database.port },
    };
  }

  const s = settings.smpp;
  const common: Omit<SmppAccountOptions, 'systemId' | 'password'> = {
    name: 'default',
    region: s.region,
    ...(s.binds ? { binds: s.binds } : {}),
    ...(s.submitsPerSecond !== undefined ? { submitsPerSecond: s.submitsPerSecond } : {}),
    ...(s.window !== undefined ? { window: s.window } : {}),
    ...(s.enquireLinkMs !== undefined ? { enquireLinkMs: s.enquireLinkMs } : {}),
    ...(s.responseTimeoutMs !== undefined ? { responseTimeoutMs: s.responseTimeoutMs } : {}),
    ...(s.defaultSender !== undefined ? { defaultSender: s.defaultSender } : {}),
  };
  let smpp: SmppAccountOptions;
  if (s.simulator) {
    const sim = await startZeroConfigSimulator();
    resources.simulator = sim.simulator;
    smpp = {
      ...common,
      systemId: sim.systemId,
      password: sim.password,
      host: sim.simulator.host,
      port: sim.simulator.port,
      tls: false,
      defaultSender: s.defaultSender ?? SIMULATOR_DEFAULT_SENDER,
    };
  } else {
    smpp = {
      ...common,
      systemId: s.systemId ?? '',
      password: s.password ?? '',
      ...(s.host !== undefined ? { host: s.host } : {}),
      ...(s.port !== undefined ? { port: s.port } : {}),
      tls: s.tls === false ? false : tlsFromFiles(s.tlsFiles),
    };
  }
  const { apiKeys, allowUnauthenticated } = settings.auth;
  return {
    http: {
      port: settings.port,
      apiKeys,
      ...(apiKeys.length === 0
        ? { unauthenticated: allowUnauthenticated ? ('allowed' as const) : ('simulator' as const) }
        : {}),
      rateLimitPerMinute: settings.rateLimitPerMinute,
    },
    database,
    smpp,
    smsc: { simulator: s.simulator, region: s.region },
  };
}

/** SMPP_TLS_* files read into the TLS options (true: the defaults, verified TLS 1.2+). */
function tlsFromFiles(files: ServiceEnv['smpp']['tlsFiles']): true | SmppTlsOptions {
  const read = (path: string | undefined) => (path ? readFileSync(path) : undefined);
  const tls: SmppTlsOptions = {
    ...(files.ca ? { ca: read(files.ca) } : {}),
    ...(files.cert ? { cert: read(files.cert) } : {}),
    ...(files.key ? { key: read(files.key) } : {}),
    ...(files.servername ? { servername: files.servername } : {}),
  };
  return Object.keys(tls).length === 0 ? true : tls;
}
