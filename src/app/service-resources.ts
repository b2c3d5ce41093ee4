import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { SmscSimulator } from '../simulator/index.js';
import type { EmbeddedPostgresHandle } from './database/embedded-postgres.js';

/** What the service started itself (zero-config) and must stop last. */
export interface ServiceResources {
  database?: EmbeddedPostgresHandle;
  simulator?: SmscSimulator;
}

export const SERVICE_RESOURCES = Symbol('SERVICE_RESOURCES');

/**
 * Stops the embedded Postgres and the in-process simulator at the very end of the shutdown:
 * SmppModule has drained and unbound (beforeApplicationShutdown), then this closes the database
 * connections itself (TypeORM would otherwise close them after us: root-module hooks run first),
 * and only then stops what the service started.
 */
@Injectable()
export class ServiceResourcesShutdown implements OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  constructor(
    @Inject(SERVICE_RESOURCES) private readonly resources: ServiceResources,
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    const { simulator, database } = this.resources;
    if (simulator) {
      await simulator.stop();
      this.logger.log('In-process SMSC simulator stopped');
    }
    if (database) {
      await database.stop();
      this.logger.log('Embedded Postgres stopped');
    }
  }
}
