/**
 * The service configured from the environment for an SMSC of its own (here a simulator the test
 * runs, as docker-compose runs one): SMPP_HOST / SMPP_PORT / SMPP_TLS=false / credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmscSimulator } from '../../src/simulator/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  eventually,
  http,
  parsePrometheus,
  sampleValue,
  startTestService,
  type TestService,
} from './support.js';

const SYSTEM_ID = 'acme01';
const PASSWORD = 'Zq8#wX2k';

function smscEnv(sim: SmscSimulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SMPP_HOST: '127.0.0.1',
    SMPP_PORT: String(sim.port),
    SMPP_TLS: 'false',
    SMPP_SYSTEM_ID: SYSTEM_ID,
    SMPP_PASSWORD: PASSWORD,
    SMPP_DEFAULT_SENDER: 'ACME',
    SMPP_ENQUIRE_LINK_MS: '5000',
    SMPP_RESPONSE_TIMEOUT_MS: '2000',
    ...extra,
  };
}

interface HealthBody {
  status: string;
  details: Record<string, { status: string; [key: string]: unknown }>;
}

describe('an SMSC from the environment, with fewer binds than wanted', () => {
  let sim: SmscSimulator;
  let service: TestService;

  beforeAll(async () => {
    // The SMSC allows one bind for the system_id; the service wants two transceivers.
    sim = new SmscSimulator({
      accounts: [{ systemId: SYSTEM_ID, password: PASSWORD, maxBinds: 1 }],
    });
    await sim.start();
    service = await startTestService(
      smscEnv(sim, { SMPP_TRANSCEIVERS: '2', SMPP_SUBMITS_PER_SECOND: '20', SMPP_WINDOW: '5' }),
    );
  });
  afterAll(async () => {
    await service?.stop();
    await sim?.stop();
  });

  it('binds with the configured account and says so in the banner', async () => {
    await eventually(
      () => sim.binds.length === 1 && sim.stats.refusedBinds >= 1,
      'one bind up, one refused',
    );
    expect(sim.binds[0]).toMatchObject({ systemId: SYSTEM_ID, mode: 'transceiver' });
    expect(service.simulator).toBeUndefined();
    expect(service.config.smpp).toMatchObject({
      submitsPerSecond: 20,
      window: 5,
      tls: false,
      binds: { transceivers: 2 },
    });
    expect(service.logs.text()).toContain(
      `SMSC     : 127.0.0.1:${sim.port} over plain TCP as system_id ${SYSTEM_ID}, 2 transceiver(s)`,
    );
  });

  it('/health is degraded (200) while one of two binds is missing; /health/details says why', async () => {
    const open = await eventually(async () => {
      const r = await http<{ status: string; accounts: Record<string, string> }>(
        service.url,
        '/health',
        { apiKey: null },
      );
      return r.body.status === 'degraded' ? r : null;
    }, 'degraded');
    expect(open.status).toBe(200);
    expect(open.body.accounts).toEqual({ default: 'degraded' });
    const res = await eventually(async () => {
      const r = await http<HealthBody>(service.url, '/health/details');
      return r.body.status === 'degraded' ? r : null;
    }, 'degraded');
    expect(res.status).toBe(200);
    expect(res.body.details.smpp).toMatchObject({
      status: 'degraded',
      accounts: {
        default: {
          status: 'degraded',
          canSend: true,
          canReceive: true,
          bound: { transceiver: 1 },
          wanted: { transceiver: 2 },
          problem: expect.stringContaining('1 of 2 transceivers bound'),
        },
      },
    });
    expect(JSON.stringify(res.body)).toContain('ESME_RBINDFAIL');
  });

  it('sends, and never shows the password in logs, /health or /metrics', async () => {
    const sent = await http<{ id: string }>(service.url, '/messages', {
      json: { to: '+6591234567', text: 'hello' },
    });
    expect(sent.status).toBe(202);
    await eventually(
      async () =>
        (await http<{ status: string }>(service.url, `/messages/${sent.body.id}`)).body.status ===
        'delivered',
      'delivered',
    );
    const metrics = parsePrometheus((await http<string>(service.url, '/metrics')).text);
    expect(sampleValue(metrics, 'smpp_binds_up', { account: 'default', mode: 'transceiver' })).toBe(
      1,
    );
    expect(
      sampleValue(metrics, 'smpp_binds_wanted', { account: 'default', mode: 'transceiver' }),
    ).toBe(2);
    const texts = {
      logs: service.logs.text(),
      health: (await http(service.url, '/health/details')).text,
      metrics: (await http(service.url, '/metrics')).text,
    };
    expect(texts.logs).toContain('ESME_RBINDFAIL');
    for (const [where, text] of Object.entries(texts)) expect(text, where).not.toContain(PASSWORD);
  });
});

describe('a shutdown in the middle of the traffic loses nothing', () => {
  let sim: SmscSimulator;
  let db: TestDatabase;
  const services: TestService[] = [];

  beforeAll(async () => {
    sim = new SmscSimulator({
      accounts: [{ systemId: SYSTEM_ID, password: PASSWORD }],
      submitsPerSecondPerBind: 0,
      // The first ten destinations get their receipts quickly, the others only after the shutdown
      // (6 s, so that a loaded machine's slow stop still comes first).
      receipts: {
        delayMs: 6_000,
        rules: [{ destinationPrefix: '659200000', stat: 'DELIVRD', delayMs: 20 }],
      },
    });
    await sim.start();
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    for (const s of services) await s.stop();
    await sim?.stop();
    await db?.drop();
  });

  it('stops with submits and receipts in flight; after a restart every message is delivered once', async () => {
    const first = await startTestService(smscEnv(sim, { SMPP_SUBMITS_PER_SECOND: '100' }), { db });
    services.push(first);
    const ids = (
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          http<{ id: string }>(first.url, '/messages', {
            json: { to: `+659200${String(i).padStart(4, '0')}`, text: `m${i}` },
          }),
        ),
      )
    ).map((r) => r.body.id);
    // Stops once receipts came back and one of the other thirty was submitted (its receipt due
    // after the stop): how far the traffic gets by the fifth receipt depends on the machine.
    await eventually(
      () => sim.stats.receiptsAcked >= 5 && sim.stats.submitsAccepted > 10,
      'the first receipts acknowledged and a slow one submitted',
    );
    await first.close();

    const afterFirst = sim.stats;
    expect(afterFirst.bindsNow.total).toBe(0);
    // Receipts the SMSC still holds (for the next bind); queued parts wait in the database.
    expect(sim.pendingReceipts).toBeGreaterThan(0);
    // Every receipt the SMSC got an answer for is stored.
    const [{ n: stored }] = (await db.dataSource.query(
      'SELECT count(*)::int AS n FROM smpp_receipts',
    )) as Array<{ n: number }>;
    expect(stored).toBeGreaterThanOrEqual(afterFirst.receiptsAcked);

    const second = await startTestService(smscEnv(sim), { db });
    services.push(second);
    await eventually(
      async () => {
        const rows = (await db.dataSource.query(
          `SELECT status FROM smpp_messages WHERE id = ANY($1::uuid[])`,
          [ids],
        )) as Array<{ status: string }>;
        return (
          rows.length === ids.length &&
          rows.every((r) => r.status === 'delivered') &&
          sim.pendingReceipts === 0
        );
      },
      'every message delivered and every receipt acknowledged',
      30_000,
    );
    expect(sim.duplicateSubmits()).toEqual([]);
    expect(sim.stats.submitsAccepted).toBe(ids.length);
    await second.close();
    expect(sim.pendingReceipts).toBe(0);
  }, 60_000);
});
