/**
 * The reference service end to end: the real application (createServiceApp, as `npm start` runs
 * it) on a fresh Postgres database, with zero-config SMPP (the in-process simulator), over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { CommandStatus } from '../../src/smpp/index.js';
import {
  eventually,
  http,
  parsePrometheus,
  sampleValue,
  startTestService,
  type TestService,
} from './support.js';

interface MessageBody {
  id: string;
  account: string;
  to: string;
  from: string;
  status: string;
  encoding: string;
  parts: Array<{
    seq: number;
    smscMessageId: string | null;
    status: string;
    errorCode: number | null;
  }>;
  clientRef?: string;
  createdAt: string;
  submittedAt?: string;
  doneAt?: string;
  text?: string;
}

interface ErrorBody {
  statusCode: number;
  message: string;
  errors?: Array<{ field: string; message: string }>;
}

interface HealthBody {
  status: string;
  info?: Record<string, unknown>;
  error?: Record<string, unknown>;
  details: Record<string, { status: string; [key: string]: unknown }>;
}

describe('reference service over HTTP (zero-config SMPP)', () => {
  let service: TestService;
  let sim: SmscSimulator;
  let base: string;
  const sentIds: string[] = [];

  const post = (json: unknown) => http<MessageBody & ErrorBody>(base, '/messages', { json });
  const get = (id: string) => http<MessageBody & ErrorBody>(base, `/messages/${id}`);
  const health = () => http<HealthBody>(base, '/health/details');
  const publicHealth = () =>
    http<{ status: string; accounts: Record<string, string>; database: string }>(base, '/health', {
      apiKey: null,
    });
  const live = () => http<HealthBody>(base, '/health/live', { apiKey: null });
  const storedMessages = async () =>
    (
      (await service.db.dataSource.query('SELECT count(*)::int AS n FROM smpp_messages')) as Array<{
        n: number;
      }>
    )[0].n;

  beforeAll(async () => {
    service = await startTestService();
    sim = service.simulator!;
    base = service.url;
    await eventually(async () => (await health()).status === 200, 'the service to be ready');
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('starts the simulator in-process and says where everything is in one banner', () => {
    expect(sim).toBeDefined();
    expect(service.config.smpp).toMatchObject({ host: '127.0.0.1', port: sim.port, tls: false });
    const text = service.logs.text();
    expect(text).toContain(`HTTP API : ${base}`);
    expect(text).toContain(`in-process SMSC simulator on 127.0.0.1:${sim.port}`);
    expect(text).toMatch(/Database : 127\.0\.0\.1:\d+\/smpp_t_\S+ \(pool 10\)/);
    expect(text).toContain('Auth     : 1 API key(s) (API_KEYS), 600 requests/minute per key');
  });

  it('POST /messages -> 202 with the stored message; GET until delivered', async () => {
    const res = await post({ to: '+65 9123 4567', text: 'Your code is 123456', from: 'ACME' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      account: 'default',
      to: '6591234567',
      from: 'ACME',
      status: 'queued',
      encoding: 'gsm7',
      parts: [{ seq: 1, smscMessageId: null, status: 'queued', errorCode: null }],
    });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.text).toBeUndefined();
    sentIds.push(res.body.id);

    const done = await eventually(async () => {
      const r = await get(res.body.id);
      return r.status === 200 && r.body.status === 'delivered' ? r.body : null;
    }, 'the message to be delivered');
    expect(done.parts).toEqual([
      {
        seq: 1,
        smscMessageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: 'delivered',
        errorCode: null,
      },
    ]);
    expect(Date.parse(done.createdAt)).not.toBeNaN();
    expect(Date.parse(done.submittedAt!)).toBeGreaterThanOrEqual(Date.parse(done.createdAt));
    expect(Date.parse(done.doneAt!)).toBeGreaterThanOrEqual(Date.parse(done.submittedAt!));
    expect(sim.submits.find((s) => s.messageId === done.parts[0].smscMessageId)?.text).toBe(
      'Your code is 123456',
    );
  });

  it('uses the default sender and splits a long UCS2 text', async () => {
    const res = await post({ to: '+6591234500', text: 'Привет! '.repeat(12), encoding: 'auto' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ from: 'NestSMPP', encoding: 'ucs2' });
    expect(res.body.parts).toHaveLength(2);
    sentIds.push(res.body.id);
  });

  it.each([
    ['a JSON array', [], [{ field: 'body' }]],
    ['no fields', {}, [{ field: 'to' }, { field: 'text' }]],
    ['text missing', { to: '+6591234567' }, [{ field: 'text' }]],
    ['to as a number', { to: 6591234567, text: 'x' }, [{ field: 'to' }]],
    ['text as an object', { to: '+6591234567', text: { a: 1 } }, [{ field: 'text' }]],
    ['an unknown field', { to: '+6591234567', text: 'x', priority: 1 }, [{ field: 'priority' }]],
    [
      'account is not part of the API',
      { to: '+6591234567', text: 'x', account: 'default' },
      [{ field: 'account' }],
    ],
    ['a destination that is not a number', { to: 'call me', text: 'x' }, [{ field: 'to' }]],
    [
      'a sender that is too long',
      { to: '+6591234567', text: 'x', from: 'WayTooLongSender' },
      [{ field: 'from' }],
    ],
    [
      'an unknown encoding',
      { to: '+6591234567', text: 'x', encoding: 'ebcdic' },
      [{ field: 'encoding' }],
    ],
    [
      'a text GSM cannot carry, forced gsm7',
      { to: '+6591234567', text: '你好', encoding: 'gsm7' },
      [{ field: 'text' }],
    ],
    [
      'an empty clientRef',
      { to: '+6591234567', text: 'x', clientRef: '' },
      [{ field: 'clientRef' }],
    ],
    [
      'a text too long for 10 parts',
      { to: '+6591234567', text: 'x'.repeat(2000) },
      [{ field: 'text' }],
    ],
    [
      'two bad fields at once',
      { to: 'nope', text: 'x', from: '' },
      [{ field: 'to' }, { field: 'from' }],
    ],
  ])('400 for %s, with the field errors', async (_name, body, expected) => {
    const before = await storedMessages();
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, message: expect.any(String) });
    expect(res.body.errors).toEqual(
      expect.arrayContaining(
        expected.map((e) => ({ field: e.field, message: expect.any(String) })),
      ),
    );
    expect(res.body.errors).toHaveLength(expected.length);
    expect(await storedMessages()).toBe(before);
  });

  it('400 for a body that is not JSON, in the same errors[] shape', async () => {
    const res = await http<ErrorBody>(base, '/messages', { method: 'POST', raw: '{"to": "+65' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      message: 'Invalid request',
      errors: [{ field: 'body', message: expect.stringMatching(/^not valid JSON/) }],
    });
  });

  it('an existing clientRef -> 200 with the existing message, sent once; with another text -> 409', async () => {
    const body = { to: '+6591234501', text: 'Order 42 shipped', clientRef: 'order-42' };
    const first = await post(body);
    expect(first.status).toBe(202);
    sentIds.push(first.body.id);
    const again = await post(body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.clientRef).toBe('order-42');
    const other = await post({ ...body, text: 'a different text is not sent either' });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ existingId: first.body.id, fields: ['text'] });
    await eventually(
      async () => (await get(first.body.id)).body.status === 'delivered',
      'delivered',
    );
    expect(sim.submits.filter((s) => s.destinationAddr === '6591234501')).toHaveLength(1);
  });

  it('GET a malformed id -> 400, an unknown id -> 404', async () => {
    const bad = await get('not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'id', message: expect.any(String) }]);
    const missing = await get('00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ statusCode: 404 });
  });

  it('/health is 200 with statuses only, for anyone; /health/details has the details', async () => {
    const open = await publicHealth();
    expect(open.status).toBe(200);
    expect(open.body).toEqual({ status: 'ok', accounts: { default: 'up' }, database: 'up' });
    expect(open.text).not.toContain('smppuser');
    expect(open.text).not.toContain('127.0.0.1');
    expect((await http(base, '/health/details', { apiKey: null })).status).toBe(401);

    const res = await health();
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.details.database).toMatchObject({ status: 'up' });
    expect(res.body.details.smpp).toMatchObject({
      status: 'up',
      accounts: {
        default: {
          status: 'up',
          systemId: 'smppuser',
          canSend: true,
          canReceive: true,
          bound: { transceiver: 1, transmitter: 0, receiver: 0 },
          wanted: { transceiver: 1, transmitter: 0, receiver: 0 },
        },
      },
    });
    expect((await live()).body).toEqual({ status: 'ok' });
  });

  it('/health flips to 503 when the SMSC drops every bind and refuses new ones, and back; /health/live stays 200', async () => {
    const liveStatuses: number[] = [];
    sim.refuseBinds(CommandStatus.ESME_RBINDFAIL);
    sim.dropAllConnections();
    const down = await eventually(async () => {
      liveStatuses.push((await live()).status);
      const r = await health();
      return r.status === 503 ? r : null;
    }, '/health to report 503');
    expect(down.body.status).toBe('error');
    expect(down.body.error?.smpp).toMatchObject({ status: 'down' });
    expect(down.body.details.database).toMatchObject({ status: 'up' });
    const openDown = await publicHealth();
    expect(openDown.status).toBe(503);
    expect(openDown.body).toEqual({
      status: 'error',
      accounts: { default: 'down' },
      database: 'up',
    });
    expect(down.body.details.smpp).toMatchObject({
      accounts: { default: { status: 'down', canSend: false, bound: { transceiver: 0 } } },
    });

    // The service keeps trying and is refused: still down, and it says why.
    await eventually(() => sim.stats.refusedBinds >= 1, 'a refused re-bind');
    const refused = await eventually(async () => {
      const r = await health();
      const detail = JSON.stringify(r.body.details.smpp);
      return r.status === 503 && detail.includes('ESME_RBINDFAIL') ? r : null;
    }, 'the refusal in /health');
    expect(refused.body.details.smpp.message).toMatch(/account "default": cannot send/);

    // Messages are still accepted (durably queued) while the SMSC is away.
    const queued = await post({ to: '+6591234502', text: 'queued while down' });
    expect(queued.status).toBe(202);
    sentIds.push(queued.body.id);

    sim.refuseBinds(null);
    await eventually(
      async () => {
        liveStatuses.push((await live()).status);
        return (await health()).status === 200;
      },
      '/health back to 200',
      20_000,
    );
    expect(liveStatuses.length).toBeGreaterThan(1);
    expect(new Set(liveStatuses)).toEqual(new Set([200]));
    await eventually(
      async () => (await get(queued.body.id)).body.status === 'delivered',
      'the queued message delivered',
    );
  });

  it('/metrics is Prometheus text and counts what was sent', async () => {
    await eventually(async () => {
      const statuses = await Promise.all(sentIds.map(async (id) => (await get(id)).body.status));
      return statuses.every((s) => s === 'delivered');
    }, 'every message delivered');
    const res = await http<string>(base, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const m = parsePrometheus(res.text);
    const submits = sentIds.length + 1; // the long text has two parts
    expect(sampleValue(m, 'smpp_submits_total', { account: 'default', result: 'accepted' })).toBe(
      submits,
    );
    expect(sampleValue(m, 'smpp_receipts_total', { account: 'default', stat: 'DELIVRD' })).toBe(
      submits,
    );
    // Each receipt matched at once, or parked (it came before its submit_sm_resp was stored) and matched later.
    const matches = (match: string) =>
      sampleValue(m, 'smpp_receipt_matches_total', { account: 'default', match });
    expect(matches('matched') + matches('parked')).toBe(submits);
    expect(matches('matched-late')).toBe(matches('parked'));
    expect(sampleValue(m, 'smpp_binds_up', { account: 'default', mode: 'transceiver' })).toBe(1);
    expect(sampleValue(m, 'smpp_binds_wanted', { account: 'default', mode: 'transceiver' })).toBe(
      1,
    );
    expect(m.get('smpp_window_in_use')?.type).toBe('gauge');
    expect(sampleValue(m, 'smpp_submit_response_seconds_count', { account: 'default' })).toBe(
      submits,
    );
    // submit -> receipt latency is known for receipts matched at once (a parked one came first).
    expect(sampleValue(m, 'smpp_submit_to_receipt_seconds_count', { account: 'default' })).toBe(
      matches('matched'),
    );
    expect(m.get('smpp_submit_to_receipt_seconds')?.type).toBe('histogram');
    expect(m.get('smpp_throttled_total')?.type).toBe('counter');
  });

  it('never shows the password or a message text in logs, /health or /metrics', async () => {
    const password = service.config.smpp.password;
    expect(password).toMatch(/^[0-9a-f]{8}$/);
    const healthText = (await health()).text;
    const metricsText = (await http(base, '/metrics')).text;
    const logs = service.logs.text();
    expect(logs).toContain('bound as transceiver');
    for (const [where, text] of Object.entries({
      logs,
      health: healthText,
      metrics: metricsText,
    })) {
      expect(text, where).not.toContain(password);
      expect(text, where).not.toContain('Your code is 123456');
      expect(text, where).not.toContain('Order 42 shipped');
    }
  });

  it('shuts down gracefully: every receipt is acknowledged and stored, then HTTP stops', async () => {
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post({ to: `+659100${String(i).padStart(4, '0')}`, text: `burst ${i}` }),
      ),
    );
    expect(burst.map((r) => r.status)).toEqual(Array(20).fill(202));
    await eventually(
      async () =>
        (await Promise.all(burst.map(async (r) => (await get(r.body.id)).body.status))).every(
          (s) => s === 'delivered',
        ),
      'the burst delivered',
    );
    const closing = service.close();
    // From the start of the shutdown, new requests are refused (503) or find the port closed.
    const during = await fetch(`${base}/health/live`).then(
      (r) => r.status,
      () => 'closed',
    );
    expect([503, 'closed']).toContain(during);
    await closing;

    // The simulator may see the last socket close a moment after close() resolved.
    await eventually(
      () => sim.stats.bindsNow.total === 0,
      'the simulator to see every bind closed',
    );
    const stats = sim.stats;
    expect(sim.pendingReceipts).toBe(0);
    expect(stats.receiptsAbandoned).toBe(0);
    expect(stats.receiptsAcked).toBe(stats.submitsAccepted);
    // On a loaded machine a deliver_sm_resp can miss the simulator's 2 s wait: the receipt is sent
    // again and recorded as a duplicate. Every receipt counts once; every send is accounted for.
    expect(stats.receiptsSent).toBe(stats.receiptsAcked + stats.receiptsRedelivered);
    const stored = (await service.db.dataSource.query(
      'SELECT count(*) FILTER (WHERE NOT duplicate)::int AS n FROM smpp_receipts',
    )) as Array<{ n: number }>;
    expect(stored[0].n).toBe(stats.receiptsAcked);
    expect(service.logs.text()).toContain('In-process SMSC simulator stopped');
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
  });
});
