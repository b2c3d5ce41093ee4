import { Injectable, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMPP_MIGRATIONS } from '../../migrations/index.js';
import type { SmscSimulator } from '../../src/simulator/index.js';
import {
  BindUpEvent,
  InjectSmppAccount,
  MessageDeliveredEvent,
  OnSmppEvent,
  SMPP_MODULE_OPTIONS,
  SmppAccount,
  SmppConfigError,
  SmppModule,
  type SmppModuleOptions,
  SmppService,
  SmppValidationError,
} from '../../src/smpp/index.js';
import { SimulatorHandle, SmppTestingModule } from '../../src/testing/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { eventually, startSimulator, testAccount } from '../support/smpp-app.js';

@Injectable()
class OtpNotifier {
  readonly delivered: MessageDeliveredEvent[] = [];
  readonly bindsUp: BindUpEvent[] = [];

  constructor(
    @InjectSmppAccount('otp') readonly otp: SmppAccount<'otp'>,
    @InjectSmppAccount('ghost') readonly ghost: SmppAccount,
  ) {}

  @OnSmppEvent('message.delivered')
  onDelivered(event: MessageDeliveredEvent): void {
    this.delivered.push(event);
  }

  @OnSmppEvent('smpp.bind.up')
  onBindUp(event: BindUpEvent): void {
    this.bindsUp.push(event);
  }
}

@Module({ providers: [OtpNotifier], exports: [OtpNotifier] })
class NotificationsModule {}

describe('injection the Nest way', () => {
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

  const typeOrm = () =>
    TypeOrmModule.forRoot({ type: 'postgres', url: db.url, migrations: SMPP_MIGRATIONS });

  async function boot(imports: unknown[]) {
    const moduleRef = await Test.createTestingModule({ imports: imports as never[] }).compile();
    moduleRef.useLogger(false);
    const app = moduleRef.createNestApplication();
    try {
      await app.init();
    } catch (error) {
      await app.close().catch(() => undefined);
      throw error;
    }
    return app;
  }

  it('an account handle injected by name (forRootAsync + accountNames); typed events reach @OnSmppEvent', async () => {
    const options: SmppModuleOptions = {
      accounts: [testAccount(sim, { name: 'bulk' }), testAccount(sim, { name: 'otp' })],
      waitForBindMs: 5_000,
    };
    const app = await boot([
      typeOrm(),
      EventEmitterModule.forRoot(),
      SmppModule.forRootAsync({
        isGlobal: true,
        accountNames: ['otp'],
        useFactory: () => options,
      }),
      NotificationsModule,
    ]);
    try {
      const notifier = app.get(OtpNotifier);
      expect(notifier.otp.name).toBe('otp');
      const sent = await notifier.otp.send({ to: '+6591235100', text: 'via the handle' });
      expect(sent.account).toBe('otp');
      await eventually(
        () => notifier.delivered.find((e) => e.messageId === sent.id),
        'the delivered event at @OnSmppEvent',
      );
      expect(notifier.bindsUp.map((e) => e.account).sort()).toEqual(
        expect.arrayContaining(['bulk', 'otp']),
      );
      expect(notifier.otp.bindStatus()?.canSend).toBe(true);
      expect(await notifier.otp.findByClientRef('none')).toBeNull();

      // A handle of an account the module does not have: rejected like send({ account }).
      await expect(notifier.ghost.send({ to: '+6591235101', text: 'x' })).rejects.toThrow(
        SmppValidationError,
      );
      const smpp = app.get(SmppService);
      expect(() => smpp.account('nope')).toThrow(/unknown account "nope"; configured: bulk, otp/);
      expect(smpp.account('otp')).toBe(smpp.account('otp'));
      expect(smpp.accountNames()).toEqual(['bulk', 'otp']);
      expect(app.get(SMPP_MODULE_OPTIONS)).toMatchObject({ accounts: options.accounts });
    } finally {
      await app.close();
    }
  });

  it('a dataSourceName returned by the factory (not given to forRootAsync) is a configuration error', async () => {
    const error = await boot([
      typeOrm(),
      SmppModule.forRootAsync({
        useFactory: () => ({ dataSourceName: 'sms', accounts: [testAccount(sim)] }),
      }),
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmppConfigError);
    expect((error as Error).message).toMatch(/forRootAsync\(\{ dataSourceName: 'sms'/);
  });

  it('without a TypeORM DataSource the startup fails with a SmppConfigError that says what to import', async () => {
    const error = await boot([SmppModule.forRoot({ accounts: [testAccount(sim)] })]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SmppConfigError);
    expect((error as Error).message).toMatch(/TypeOrmModule\.forRoot/);
  });

  it('SmppTestingModule starts its own simulator with the app and stops it on close', async () => {
    const app = await boot([typeOrm(), SmppTestingModule.forRoot({ accounts: [{ name: 'otp' }] })]);
    const handle = app.get(SimulatorHandle);
    const port = handle.port;
    try {
      expect(handle.simulator.binds.map((b) => b.systemId)).toEqual(['otp']);
      await app.get(SmppService).send({ to: '+6591235102', text: 'to the testing sim' });
      const [submit] = await handle.waitForSubmits(1, { to: '+6591235102' });
      expect(submit.text).toBe('to the testing sim');
    } finally {
      await app.close();
    }
    // Stopped after the module unbound: nothing listens on its port any more.
    const { createConnection } = await import('node:net');
    const refused = await new Promise<boolean>((done) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        done(false);
      });
      socket.once('error', () => done(true));
    });
    expect(refused).toBe(true);
  });
});
