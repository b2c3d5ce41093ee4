import type { AddressInfo } from 'node:net';
import { Controller, Get, type INestApplication, Module, Param } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MessageConflictError,
  MessageNotCancellableError,
  MessageNotFoundError,
  MessageStoreError,
  QueueFullError,
  SmppBackpressureError,
  SmppConfigError,
  SmppExceptionFilter,
  SmppStoreUnavailableError,
  SmppValidationError,
} from '../../src/smpp/index.js';

const ID = '8d7f0249-dac9-4b34-a787-3302b1c5285f';

const THROWN: Record<string, () => Error> = {
  validation: () => new SmppValidationError([{ field: 'to', message: 'required' }]),
  conflict: () => new MessageConflictError('otp-1', ID, ['text']),
  'not-cancellable': () => new MessageNotCancellableError(ID, 'submitted'),
  'not-found': () => new MessageNotFoundError(ID),
  'queue-full': () => new QueueFullError('otp', 1000, 5_000),
  backpressure: () => new SmppBackpressureError('pending inserts', 10_000, 1_500),
  store: () => new MessageStoreError(new Error('connect ECONNREFUSED')),
  'store-unavailable': () =>
    new SmppStoreUnavailableError(
      `cancel message ${ID}`,
      new Error('Connection terminated unexpectedly'),
      'The message was not cancelled and may still be sent.',
    ),
  config: () => new SmppConfigError(['accounts: give at least one account']),
  plain: () => new Error('not ours'),
};

@Controller('throw')
class ThrowingController {
  @Get(':kind')
  throw(@Param('kind') kind: string): never {
    throw THROWN[kind]();
  }
}

@Module({
  controllers: [ThrowingController],
  providers: [{ provide: APP_FILTER, useClass: SmppExceptionFilter }],
})
class HttpAppModule {}

describe('SmppExceptionFilter (real HTTP)', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [HttpAppModule] }).compile();
    moduleRef.useLogger(false);
    app = moduleRef.createNestApplication();
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
  });

  async function get(kind: string) {
    const res = await fetch(`${base}/throw/${kind}`);
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: (await res.json()) as Record<string, unknown>,
    };
  }

  it('validation -> 400 with every field error', async () => {
    const r = await get('validation');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      statusCode: 400,
      message: 'Invalid request',
      code: 'SMPP_VALIDATION_FAILED',
      errors: [{ field: 'to', message: 'required' }],
    });
  });

  it.each([
    ['not-cancellable', 409, 'SMPP_MESSAGE_NOT_CANCELLABLE'],
    ['not-found', 404, 'SMPP_MESSAGE_NOT_FOUND'],
    ['store', 503, 'SMPP_STORE_FAILED'],
    ['store-unavailable', 503, 'SMPP_STORE_UNAVAILABLE'],
  ])('%s -> %i', async (kind, status, code) => {
    const r = await get(kind);
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ statusCode: status, code, message: expect.any(String) });
    expect(r.retryAfter).toBeNull();
  });

  it('store-unavailable -> 503 naming the operation and what it left, not the database error', async () => {
    const r = await get('store-unavailable');
    expect(r.status).toBe(503);
    expect(r.body).toEqual({
      statusCode: 503,
      code: 'SMPP_STORE_UNAVAILABLE',
      message: `Could not cancel message ${ID}: the database is unavailable. The message was not cancelled and may still be sent. Retry later.`,
    });
  });

  it('conflict -> 409 with the existing message and what differs', async () => {
    const r = await get('conflict');
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      statusCode: 409,
      code: 'SMPP_MESSAGE_CONFLICT',
      existingId: ID,
      fields: ['text'],
    });
  });

  it.each([
    ['queue-full', 'SMPP_QUEUE_FULL', '5'],
    ['backpressure', 'SMPP_BACKPRESSURE', '2'],
  ])('%s -> 429 with Retry-After in whole seconds', async (kind, code, retryAfter) => {
    const r = await get(kind);
    expect(r.status).toBe(429);
    expect(r.body).toMatchObject({ statusCode: 429, code });
    expect(r.retryAfter).toBe(retryAfter);
  });

  it('anything else keeps Nest default handling (500, no details)', async () => {
    for (const kind of ['config', 'plain']) {
      const r = await get(kind);
      expect(r.status).toBe(500);
      expect(r.body).toEqual({ statusCode: 500, message: 'Internal server error' });
    }
  });
});
