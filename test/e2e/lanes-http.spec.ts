/**
 * The reference service's priority, expiry, scheduling and cancel over HTTP: the real application
 * on a fresh database with zero-config SMPP (the in-process simulator).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { CommandStatus } from '../../src/smpp/index.js';
import { eventually, http, startTestService, type TestService } from './support.js';

interface MessageBody {
  id: string;
  status: string;
  priority: string;
  sendAt?: string;
  expiresAt?: string;
  parts: Array<{ seq: number; status: string; smscMessageId: string | null }>;
}

interface ErrorBody {
  statusCode: number;
  message: string;
  code?: string;
  errors?: Array<{ field: string; message: string }>;
}

type Answer = MessageBody & ErrorBody;

const HOUR = 3_600_000;

describe('reference service: priority, expiry, scheduling and cancel over HTTP', () => {
  let service: TestService;
  let sim: SmscSimulator;
  let base: string;

  const post = (json: unknown) => http<Answer>(base, '/messages', { json });
  const get = (id: string) => http<Answer>(base, `/messages/${id}`);
  const cancel = (id: string) => http<Answer>(base, `/messages/${id}/cancel`, { method: 'POST' });
  const delivered = (id: string) =>
    eventually(async () => {
      const r = await get(id);
      return r.body.status === 'delivered' ? r.body : null;
    }, `message ${id} to be delivered`);

  beforeAll(async () => {
    service = await startTestService();
    sim = service.simulator!;
    base = service.url;
    await eventually(
      async () => (await http(base, '/health/details')).status === 200,
      'the service to be ready',
    );
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('POST with priority and ttlMs -> 202 with both; it is delivered', async () => {
    const before = Date.now();
    const res = await post({
      to: '+6591230001',
      text: 'Your code is 000001',
      priority: 'high',
      ttlMs: 600_000,
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued', priority: 'high' });
    const expiresAt = Date.parse(res.body.expiresAt!);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 600_000 - 1_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 600_000 + 1_000);
    expect(res.body.sendAt).toBeUndefined();
    const done = await delivered(res.body.id);
    expect(done.priority).toBe('high');

    const plain = await post({ to: '+6591230002', text: 'no options' });
    expect(plain.status).toBe(202);
    expect(plain.body.priority).toBe('normal');
    expect(plain.body.expiresAt).toBeUndefined();
  });

  it('POST with expiresAt (an offset) -> 202 with it as UTC', async () => {
    const at = new Date(Date.now() + HOUR);
    const withOffset = new Date(at.getTime() + 8 * HOUR)
      .toISOString()
      .replace(/\.\d{3}Z$/, '+08:00');
    const res = await post({
      to: '+6591230003',
      text: 'campaign',
      priority: 'bulk',
      expiresAt: withOffset,
    });
    expect(res.status).toBe(202);
    expect(res.body.priority).toBe('bulk');
    expect(Math.abs(Date.parse(res.body.expiresAt!) - at.getTime())).toBeLessThan(1_000);
    await delivered(res.body.id);
  });

  it('sendAt an hour ahead -> 202 scheduled; cancel -> 200 cancelled; cancel again -> 409', async () => {
    const sendAt = new Date(Date.now() + HOUR).toISOString();
    const res = await post({ to: '+6591230004', text: 'see you tomorrow', sendAt });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'scheduled', priority: 'normal', sendAt });
    expect((await get(res.body.id)).body.status).toBe('scheduled');

    const cancelled = await cancel(res.body.id);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      id: res.body.id,
      status: 'cancelled',
      parts: [{ seq: 1, status: 'cancelled', smscMessageId: null }],
    });
    expect((await get(res.body.id)).body.status).toBe('cancelled');

    const again = await cancel(res.body.id);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('SMPP_MESSAGE_NOT_CANCELLABLE');
    expect(again.body.message).toContain('already ended cancelled');
  });

  it('cancel of a delivered message, or of one whose part has left -> 409 with the reason', async () => {
    const sent = await post({ to: '+6591230005', text: 'done already' });
    await delivered(sent.body.id);
    const late = await cancel(sent.body.id);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ statusCode: 409, code: 'SMPP_MESSAGE_NOT_CANCELLABLE' });
    expect(late.body.message).toContain('already ended delivered');

    // The SMSC holds its answer: the part has left (the simulator has it) but is not submitted.
    sim.setSubmitResponseDelay(5_000);
    try {
      const inFlight = await post({ to: '+6591230006', text: 'on its way' });
      await eventually(
        () => sim.submits.some((s) => s.text === 'on its way'),
        'the submit to reach the simulator',
      );
      const refused = await cancel(inFlight.body.id);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('SMPP_MESSAGE_NOT_CANCELLABLE');
      expect(refused.body.message).toMatch(/can no longer be cancelled/);
    } finally {
      sim.setSubmitResponseDelay(0);
    }
  });

  it('ttlMs passes while no bind is up -> expired locally (no receipt), never sent', async () => {
    const health = () => http(base, '/health', { apiKey: null });
    sim.refuseBinds(CommandStatus.ESME_RBINDFAIL);
    sim.dropAllConnections();
    try {
      await eventually(async () => (await health()).status === 503, 'the binds to be down');
      const res = await post({
        to: '+6591230009',
        text: 'stale code',
        priority: 'high',
        ttlMs: 500,
      });
      expect(res.status).toBe(202);
      const expired = await eventually(
        async () => {
          const r = await get(res.body.id);
          return r.body.status === 'expired' ? r.body : null;
        },
        'the message to expire',
        30_000,
      );
      expect(expired.parts).toEqual([
        expect.objectContaining({ seq: 1, status: 'expired', smscMessageId: null }),
      ]);
      // Final before any bind came back: it cannot leave any more.
      const late = await cancel(res.body.id);
      expect(late.status).toBe(409);
      expect(late.body.message).toContain('already ended expired');
    } finally {
      sim.refuseBinds(null);
      await eventually(async () => (await health()).status === 200, 'the binds to be up', 30_000);
    }
    expect(sim.submits.some((x) => x.text === 'stale code')).toBe(false);
  });

  it('cancel: an unknown id -> 404, a malformed id -> 400', async () => {
    const missing = await cancel('7d0c8f64-1f0b-4a43-9a55-5c0e2b7a1c11');
    expect(missing.status).toBe(404);
    const malformed = await cancel('not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ field: 'id', message: expect.any(String) }]);
  });

  it('400 lists every bad field: types by the schema, times by the module', async () => {
    const shape = await post({
      to: '+6591230007',
      text: 'x',
      priority: 'urgent',
      expiresAt: 'tomorrow',
      ttlMs: 1.5,
      sendAt: 5,
    });
    expect(shape.status).toBe(400);
    expect(shape.body.errors!.map((e) => e.field).sort()).toEqual([
      'expiresAt',
      'priority',
      'sendAt',
      'ttlMs',
    ]);
    const noZone = await post({ to: '+6591230007', text: 'x', sendAt: '2030-01-01T09:00:00' });
    expect(noZone.status).toBe(400);
    expect(noZone.body.errors).toEqual([
      { field: 'sendAt', message: expect.stringMatching(/zone/) },
    ]);

    const now = Date.now();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ expiresAt: new Date(now + HOUR).toISOString(), ttlMs: 1000 }, 'ttlMs'],
      [{ expiresAt: new Date(now - HOUR).toISOString() }, 'expiresAt'],
      [{ ttlMs: 8 * 24 * HOUR }, 'ttlMs'],
      [{ sendAt: new Date(now + 31 * 24 * HOUR).toISOString() }, 'sendAt'],
      [
        {
          sendAt: new Date(now + 2 * HOUR).toISOString(),
          expiresAt: new Date(now + HOUR).toISOString(),
        },
        'expiresAt',
      ],
    ];
    for (const [fields, field] of cases) {
      const res = await post({ to: '+6591230008', text: 'x', ...fields });
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(res.body.errors!.map((e) => e.field)).toEqual([field]);
    }
    const stored = (await service.db.dataSource.query(
      `SELECT count(*)::int AS n FROM smpp_messages WHERE destination IN ('6591230007', '6591230008')`,
    )) as Array<{ n: number }>;
    expect(stored[0].n).toBe(0);
  });
});
