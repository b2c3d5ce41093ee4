/** The service's answers to the module's capacity and conflict errors, over real HTTP. */
import { Controller, Get, type INestApplication, Param } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageConflictFilter } from '../../src/app/messages/message-conflict.filter.js';
import { SmppCapacityFilter } from '../../src/app/messages/smpp-capacity.filter.js';
import {
  MessageConflictError,
  QueueFullError,
  SmppBackpressureError,
} from '../../src/smpp/errors.js';

@Controller('throw')
class ThrowingController {
  @Get(':what')
  throw(@Param('what') what: string): never {
    if (what === 'backpressure')
      throw new SmppBackpressureError('pending message inserts', 10, 2_500);
    if (what === 'full') throw new QueueFullError('default', 1_000_000);
    throw new MessageConflictError('ref-1', '3f2a0f57-8f7e-4a36-a3c1-9bd1b2b1a111', ['text']);
  }
}

describe('capacity and conflict filters', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [ThrowingController],
      providers: [
        { provide: APP_FILTER, useClass: MessageConflictFilter },
        { provide: APP_FILTER, useClass: SmppCapacityFilter },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(() => app?.close());

  it('answers backpressure 429 with Retry-After', async () => {
    const res = await fetch(`${base}/throw/backpressure`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toMatchObject({ code: 'SMPP_BACKPRESSURE' });
  });

  it('answers a full queue 429 with Retry-After', async () => {
    const res = await fetch(`${base}/throw/full`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ code: 'SMPP_QUEUE_FULL' });
  });

  it('answers a clientRef conflict 409 naming the existing message and the fields', async () => {
    const res = await fetch(`${base}/throw/conflict`);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      code: 'SMPP_MESSAGE_CONFLICT',
      existingId: '3f2a0f57-8f7e-4a36-a3c1-9bd1b2b1a111',
      fields: ['text'],
    });
  });
});
