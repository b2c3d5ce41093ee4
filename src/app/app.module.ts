import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SmppHealthModule } from '../smpp/health/index.js';
import { SMPP_ENTITIES, SMPP_MIGRATIONS, SmppModule } from '../smpp/index.js';
import type { ServiceConfig } from './config/service-config.js';
import { MessageEventsListener } from './events/message-events.listener.js';
import { HealthController } from './health/health.controller.js';
import { MessagesController } from './messages/messages.controller.js';
import { MessageConflictFilter } from './messages/message-conflict.filter.js';
import { MessageStoreFilter } from './messages/message-store.filter.js';
import { SmppCapacityFilter } from './messages/smpp-capacity.filter.js';
import { SmppValidationFilter } from './messages/smpp-validation.filter.js';
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
        TerminusModule.forRoot({ errorLogStyle: 'pretty' }),
        SmppHealthModule,
      ],
      controllers: [MessagesController, HealthController, MetricsController],
      providers: [
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
