import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { SmppConfigError } from '../../src/smpp/errors.js';
import { CommandStatus } from '../../src/smpp/protocol/command-status.js';
import { SmppModule } from '../../src/smpp/smpp.module.js';
import {
  createSmppTestApp,
  eventually,
  RecordingLogger,
  type SmppTestApp,
  startSimulator,
} from '../support/smpp-app.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function setup(
  options: Parameters<typeof createSmppTestApp>[0] extends infer O
    ? Omit<O & object, 'simulator'>
    : never,
  sim?: SmscSimulator,
) {
  const simulator = sim ?? (await startSimulator());
  if (!sim) cleanups.push(() => simulator.stop());
  const t = await createSmppTestApp({ simulator, ...options });
  cleanups.push(() => t.close());
  return { sim: simulator, t };
}

function binds(t: SmppTestApp) {
  return t.smpp.bindStatus()[0];
}

describe('binds', () => {
  it('binds transmitters and receivers as configured and reports them without the password', async () => {
    const { sim, t } = await setup({ account: { binds: { transmitters: 2, receivers: 1 } } });
    await eventually(
      () => binds(t).bound.receiver === 1 && binds(t).bound.transmitter === 2,
      'all binds',
    );
    expect(binds(t)).toMatchObject({
      account: 'default',
      systemId: 'smppuser',
      wanted: { transceiver: 0, transmitter: 2, receiver: 1 },
      canSend: true,
      canReceive: true,
    });
    expect(sim.binds.map((b) => b.mode).sort()).toEqual(['receiver', 'transmitter', 'transmitter']);
    expect(JSON.stringify(t.smpp.bindStatus())).not.toContain('secret');
  });

  it('never shows the SMSC more than 4 binds nor a 5th attempt while connections drop again and again', async () => {
    const { sim, t } = await setup({ account: { binds: { transceivers: 4 } } });
    await eventually(() => binds(t).bound.transceiver === 4, '4 binds');
    for (let i = 0; i < 20; i++) {
      sim.dropAllConnections();
      await new Promise((r) => setTimeout(r, 20 + (i % 4) * 30));
    }
    await eventually(() => binds(t).bound.transceiver === 4, '4 binds again');
    expect(sim.stats.maxConcurrentBinds.smppuser).toBe(4);
    expect(sim.stats.refusedBinds).toBe(0);
  });

  it('backs off to the maximum at once after a refused password, says so in one line, and binds once it is right', async () => {
    const sim = await startSimulator();
    cleanups.push(() => sim.stop());
    sim.setPassword('smppuser', 'changed');
    const logger = new RecordingLogger();
    // Scaled: maxDelayMs 1 s stands for 60 s, so "at most 6 a minute" becomes at most 6 in 6 s.
    const { t } = await setup(
      {
        logger,
        module: { reconnect: { initialDelayMs: 50, maxDelayMs: 1000 }, waitForBindMs: undefined },
      },
      sim,
    );
    const start = Date.now();
    await new Promise((r) => setTimeout(r, 3000));
    const attempts = sim.stats.bindAttempts;
    const elapsed = Date.now() - start;
    expect(attempts).toBeLessThanOrEqual(Math.ceil(elapsed / 1000 / 0.8) + 1);
    expect(attempts).toBeGreaterThanOrEqual(2);
    const refusals = logger.lines.filter(
      (l) => l.level === 'error' && /ESME_RINVPASWD/.test(l.message),
    );
    expect(refusals).toHaveLength(1);
    expect(refusals[0].message).toMatch(/password is wrong/);
    expect(logger.text()).not.toContain('secret');
    sim.setPassword('smppuser', 'secret');
    await eventually(() => binds(t).canSend, 'bound with the right password', 5000);
  });

  it('detects a silent SMSC within enquire_link interval + response timeout and re-binds', async () => {
    const { sim, t } = await setup({ account: { enquireLinkMs: 300, responseTimeoutMs: 300 } });
    const downs: number[] = [];
    t.app
      .get((await import('@nestjs/event-emitter')).EventEmitter2)
      .on('smpp.bind.down', () => downs.push(Date.now()));
    await eventually(() => binds(t).canSend, 'bound');
    const silentAt = Date.now();
    sim.goSilent(true);
    await eventually(() => downs.length > 0, 'bind down', 5000);
    expect(downs[0] - silentAt).toBeLessThan(300 + 300 + 500);
    sim.goSilent(false);
    sim.dropAllConnections();
    await eventually(() => binds(t).canSend, 're-bound', 5000);
  });

  it('a broken frame drops only that session, which re-binds; an unreadable PDU in a sound frame does not', async () => {
    const sim = await startSimulator({
      accounts: [
        { systemId: 'acc_a', password: 'pw' },
        { systemId: 'acc_b', password: 'pw' },
      ],
    });
    cleanups.push(() => sim.stop());
    const { t } = await setup(
      {
        accounts: [
          { name: 'a', systemId: 'acc_a', password: 'pw' },
          { name: 'b', systemId: 'acc_b', password: 'pw' },
        ],
      },
      sim,
    );
    const downs: string[] = [];
    t.app
      .get((await import('@nestjs/event-emitter')).EventEmitter2)
      .on('smpp.bind.down', (e: { account: string }) => downs.push(e.account));
    await eventually(() => t.smpp.bindStatus().every((a) => a.canSend), 'both bound');
    // A soundly framed deliver_sm that cannot be read is kept in the quarantine, the bind stays.
    sim.sendMalformed('truncated-tlv', { systemId: 'acc_a' });
    await eventually(async () => {
      const [row] = (await t.db.dataSource.query(
        `SELECT count(*)::int AS n FROM smpp_quarantined_pdus WHERE account = 'a'`,
      )) as Array<{ n: number }>;
      return row.n === 1;
    }, 'the unreadable deliver_sm quarantined');
    expect(downs).toEqual([]);
    expect(t.smpp.bindStatus()[0].canSend).toBe(true);
    // Broken frames: the stream cannot be read any further.
    for (const kind of ['length-8', 'oversized-length', 'random-bytes'] as const) {
      sim.sendMalformed(kind, { systemId: 'acc_a' });
      await eventually(() => downs.length > 0, `down after ${kind}`);
      await eventually(() => t.smpp.bindStatus()[0].canSend, `a re-bound after ${kind}`, 5000);
      expect(downs.every((a) => a === 'a')).toBe(true);
      downs.length = 0;
    }
    const sent = await t.smpp.send({
      account: 'a',
      to: '+6591234000',
      text: 'still works',
      waitFor: 'submitted',
    });
    expect(sent.status).toMatch(/submitted|delivered/);
  });

  it('unbinds gracefully when the application closes', async () => {
    const sim = await startSimulator();
    cleanups.push(() => sim.stop());
    const reasons: string[] = [];
    sim.on('unbind', (e) => reasons.push(e.reason));
    const t = await createSmppTestApp({ simulator: sim, account: { binds: { transceivers: 2 } } });
    await eventually(() => binds(t).bound.transceiver === 2, 'bound');
    await t.close();
    await eventually(() => reasons.length === 2, 'both closed');
    expect(reasons).toEqual(['unbind', 'unbind']);
  });

  it('fails startup with every bad option named', async () => {
    const error = await Test.createTestingModule({
      imports: [
        SmppModule.forRoot({
          accounts: [
            {
              name: 'x',
              systemId: 'much_too_long_system_id',
              password: 'waytoolongpw',
              region: 'mars' as never,
              binds: { transceivers: 5 },
            },
          ],
        }),
      ],
    })
      .compile()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmppConfigError);
    const text = (error as SmppConfigError).message;
    expect(text).toMatch(/systemId/);
    expect(text).toMatch(/password/);
    expect(text).toMatch(/region/);
    expect(text).toMatch(/maxBinds is 4/);
    expect(text).not.toContain('waytoolongpw');
  });

  it('fails startup clearly when there is no TypeORM DataSource', async () => {
    const sim = await startSimulator();
    cleanups.push(() => sim.stop());
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmppModule.forRoot({
          accounts: [
            {
              name: 'd',
              systemId: 'smppuser',
              password: 'secret',
              host: '127.0.0.1',
              port: sim.port,
              tls: false,
            },
          ],
        }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    const app = moduleRef.createNestApplication();
    const error = await app.init().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmppConfigError);
    expect((error as Error).message).toMatch(/TypeOrmModule.forRoot/);
    await app.close().catch(() => undefined);
  });

  it('with waitForBindMs, startup fails with the reason when no bind comes up in time', async () => {
    const sim = await startSimulator();
    cleanups.push(() => sim.stop());
    sim.refuseBinds(CommandStatus.ESME_RBINDFAIL);
    const error = await createSmppTestApp({ simulator: sim, module: { waitForBindMs: 500 } }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).name).toBe('BindTimeoutError');
    expect((error as Error).message).toMatch(/ESME_RBINDFAIL/);
  });
});
