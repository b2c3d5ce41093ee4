import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { StandardSchemaValidationPipe } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SmppHealthModule } from '../smpp/health/index.js';
import { SMPP_ENTITIES, SMPP_MIGRATIONS, SmppModule } from '../smpp/index.js';
import { ApiKeyThrottlerGuard } from './auth/api-key-throttler.guard.js';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { ApiKeys } from './auth/api-keys.js';
import type { ServiceConfig } from './config/service-config.js';
import { MessageEventsListener } from './events/message-events.listener.js';
import { HealthController } from './health/health.controller.js';
import { MessagesController } from './messages/messages.controller.js';
import { MessageConflictFilter } from './messages/message-conflict.filter.js';
import { MessageStoreFilter } from './messages/message-store.filter.js';
import { SmppCapacityFilter } from './messages/smpp-capacity.filter.js';
import { SmppValidationFilter } from './messages/smpp-validation.filter.js';
import { HttpExceptionFilter } from './http/http-exception.filter.js';
import { schemaValidationError } from './http/field-errors.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { SmppMetrics } from './metrics/smpp-metrics.js';
import {
  SERVICE_RESOURCES,
  type ServiceResources,
  ServiceResourcesShutdown,
} from './service-resources.js';

/**
 * The reference service: REST over SmppModule, /health for Kubernetes, /metrics for Prometheus.
 * Everything is read from ConfigService, the way an application wires the module.
 */
@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig, resources: ServiceResources = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // The configuration was validated from the environment before (validateServiceEnv), and
        // the zero-config pieces filled in; ConfigService serves it to the factories below.
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validatePredefined: false,
          skipProcessEnv: true,
          load: [() => config],
        }),
        EventEmitterModule.forRoot(),
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (c: ConfigService<ServiceConfig, true>) => ({
            type: 'postgres' as const,
            url: c.get('database', { infer: true }).url,
            poolSize: c.get('database', { infer: true }).poolSize,
            entities: SMPP_ENTITIES,
            migrations: SMPP_MIGRATIONS,
            migrationsRun: true,
            logging: false,
            applicationName: 'nestjs-smpp',
          }),
        }),
        SmppModule.forRootAsync({
          isGlobal: true,
          inject: [ConfigService],
          useFactory: (c: ConfigService<ServiceConfig, true>) => ({
            accounts: [c.get('smpp', { infer: true })],
          }),
        }),
        // No log per failed probe (a bind still connecting at start is not an error, and its
        // details stay out of the logs); the bind manager logs bind failures itself.
        TerminusModule.forRoot({ logger: false }),
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: 60_000, limit: config.http.rateLimitPerMinute }],
        }),
        SmppHealthModule,
      ],
      controllers: [MessagesController, HealthController, MetricsController],
      providers: [
        { provide: ApiKeys, useValue: new ApiKeys(config.http.apiKeys) },
        // In this order: who is asking (API key), then how often (per key).
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: ApiKeyThrottlerGuard },
        {
          provide: APP_PIPE,
          useValue: new StandardSchemaValidationPipe({ exceptionFactory: schemaValidationError }),
        },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_FILTER, useClass: SmppValidationFilter },
        { provide: APP_FILTER, useClass: MessageStoreFilter },
        { provide: APP_FILTER, useClass: MessageConflictFilter },
        { provide: APP_FILTER, useClass: SmppCapacityFilter },
        { provide: SERVICE_RESOURCES, useValue: resources },
        ServiceResourcesShutdown,
        SmppMetrics,
        MessageEventsListener,
      ],
    };
  }
}
