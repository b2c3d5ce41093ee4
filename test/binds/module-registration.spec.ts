import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMPP_MIGRATIONS } from '../../migrations/index.js';
import type { SmscSimulator } from '../../src/simulator/index.js';
import type { SmppModuleOptions } from '../../src/smpp/config/smpp-options.interface.js';
import { SMPP_ENTITIES } from '../../src/smpp/entities/index.js';
import { SmppModule } from '../../src/smpp/smpp.module.js';
import { SmppService } from '../../src/smpp/smpp.service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { eventually, startSimulator } from '../support/smpp-app.js';

describe('SmppModule registration', () => {
  let sim: SmscSimulator;
  let db: TestDatabase;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 5 } });
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    await sim?.stop();
  });

  async function boot(imports: unknown[]) {
    const moduleRef = await Test.createTestingModule({ imports: imports as never[] }).compile();
    moduleRef.useLogger(false);
    const app = moduleRef.createNestApplication();
    await app.init();
    return app;
  }

  it('forRootAsync with ConfigService and a named TypeORM DataSource, global for a feature module', async () => {
    @Injectable()
    class Notifier {
      constructor(readonly smpp: SmppService) {}
    }
    @Module({ providers: [Notifier], exports: [Notifier] })
    class NotificationsModule {}

    const app = await boot([
      ConfigModule.forRoot({
        ignoreEnvFile: true,
        load: [
          () => ({ SMPP_SYSTEM_ID: 'smppuser', SMPP_PASSWORD: 'secret', SMPP_PORT: sim.port }),
        ],
      }),
      TypeOrmModule.forRoot({
        name: 'sms',
        type: 'postgres',
        url: db.url,
        entities: SMPP_ENTITIES,
        migrations: SMPP_MIGRATIONS,
        migrationsRun: true,
      }),
      SmppModule.forRootAsync({
        isGlobal: true,
        dataSourceName: 'sms',
        imports: [ConfigModule],
        inject: [ConfigService],
        useFactory: (config: ConfigService): SmppModuleOptions => ({
          accounts: [
            {
              name: 'otp',
              systemId: config.getOrThrow('SMPP_SYSTEM_ID'),
              password: config.getOrThrow('SMPP_PASSWORD'),
              host: '127.0.0.1',
              port: config.getOrThrow<number>('SMPP_PORT'),
              tls: false,
              defaultSender: 'Acme',
            },
          ],
          waitForBindMs: 5000,
        }),
      }),
      NotificationsModule,
    ]);
    try {
      const smpp = app.get(Notifier).smpp;
      const sent = await smpp.send({ to: '+6591235000', text: 'named data source' });
      expect(sent.account).toBe('otp');
      await eventually(
        async () => (await smpp.getMessage(sent.id))?.status === 'delivered',
        'delivered',
      );
    } finally {
      await app.close();
    }
  });

  it('forRootAsync with useClass', async () => {
    @Injectable()
    class SmppConfig {
      createSmppOptions(): SmppModuleOptions {
        return {
          accounts: [
            {
              name: 'default',
              systemId: 'smppuser',
              password: 'secret',
              host: '127.0.0.1',
              port: sim.port,
              tls: false,
            },
          ],
          waitForBindMs: 5000,
        };
      }
    }
    const app = await boot([
      TypeOrmModule.forRoot({
        type: 'postgres',
        url: db.url,
        entities: SMPP_ENTITIES,
        migrations: SMPP_MIGRATIONS,
        migrationsRun: true,
      }),
      SmppModule.forRootAsync({ useClass: SmppConfig }),
    ]);
    try {
      expect(app.get(SmppService).bindStatus()[0].canSend).toBe(true);
    } finally {
      await app.close();
    }
  });
});
