import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsNull, QueryFailedError } from 'typeorm';
import {
  SmppInboundFragment,
  SmppMessage,
  SmppMessagePart,
  SmppReceipt,
} from '../../src/smpp/entities/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

function message(overrides: Partial<SmppMessage> = {}): SmppMessage {
  return Object.assign(new SmppMessage(), {
    id: randomUUID(),
    account: 'default',
    destination: '6591234567',
    source: 'MyBrand',
    sourceTon: 5,
    sourceNpi: 0,
    text: 'Your code is 123456',
    encoding: 'gsm7',
    dataCoding: 0,
    status: 'queued',
    partsTotal: 1,
    clientRef: null,
    validityPeriod: null,
    registeredDelivery: 1,
    ...overrides,
  } satisfies Partial<SmppMessage>);
}

function part(msg: SmppMessage, overrides: Partial<SmppMessagePart> = {}): SmppMessagePart {
  return Object.assign(new SmppMessagePart(), {
    id: randomUUID(),
    messageId: msg.id,
    account: msg.account,
    seq: 1,
    total: 1,
    status: 'queued',
    body: Buffer.from(msg.text),
    udh: null,
    esmClass: 0,
    ...overrides,
  } satisfies Partial<SmppMessagePart>);
}

function pgCode(err: unknown): string | undefined {
  return err instanceof QueryFailedError
    ? (err.driverError as { code?: string }).code
    : (err as { code?: string }).code;
}

describe('smpp_ schema', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it('round-trips a message, its parts and a receipt with the expected JS types', async () => {
    const msg = message({ text: 'héllo', encoding: 'ucs2', dataCoding: 8, partsTotal: 2 });
    const udh = Buffer.from([0x05, 0x00, 0x03, 0x2a, 0x02, 0x01]);
    await db.dataSource.transaction(async (em) => {
      await em.insert(SmppMessage, msg);
      await em.insert(SmppMessagePart, [
        part(msg, { seq: 1, total: 2, udh, esmClass: 0x40 }),
        part(msg, { seq: 2, total: 2, body: Buffer.from([0x00, 0xe9]) }),
      ]);
    });
    const stored = await db.dataSource.getRepository(SmppMessage).findOneOrFail({
      where: { id: msg.id },
      relations: { parts: true },
      order: { parts: { seq: 'ASC' } },
    });
    expect(stored.createdAt).toBeInstanceOf(Date);
    expect(stored.sourceTon).toBe(5);
    expect(stored.clientRef).toBeNull();
    expect(stored.parts?.map((p) => [p.seq, p.attempts, p.esmClass])).toEqual([
      [1, 0, 0x40],
      [2, 0, 0],
    ]);
    expect(stored.parts?.[0]?.udh).toEqual(udh);
    expect(stored.parts?.[1]?.body).toEqual(Buffer.from([0x00, 0xe9]));
    expect(stored.parts?.[0]?.nextAttemptAt).toBeInstanceOf(Date);

    const partId = stored.parts![0]!.id;
    await db.dataSource.getRepository(SmppReceipt).insert({
      id: randomUUID(),
      account: msg.account,
      smscMessageId: 'abc-123',
      partId,
      stat: 'DELIVRD',
      errorCode: 0,
      networkErrorCode: { type: 3, code: 0 },
      final: true,
      rawText: 'id:abc-123 sub:001 dlvrd:001 stat:DELIVRD err:000',
      tlvs: { '001e': '6162632d31323300', '0427': '02' },
      sourceAddr: '6591234567',
      destinationAddr: 'MyBrand',
      bindLabel: null,
      matchedAt: new Date(),
    });
    const receipt = await db.dataSource.getRepository(SmppReceipt).findOneByOrFail({ partId });
    expect(receipt.tlvs).toEqual({ '001e': '6162632d31323300', '0427': '02' });
    expect(receipt.networkErrorCode).toEqual({ type: 3, code: 0 });
    expect(receipt.duplicate).toBe(false);
    expect(receipt.receivedAt).toBeInstanceOf(Date);

    // Deleting the message cascades to its parts; the receipt stays, unlinked.
    await db.dataSource.getRepository(SmppMessage).delete({ id: msg.id });
    expect(await db.dataSource.getRepository(SmppMessagePart).countBy({ messageId: msg.id })).toBe(
      0,
    );
    const orphan = await db.dataSource
      .getRepository(SmppReceipt)
      .findOneByOrFail({ id: receipt.id });
    expect(orphan.partId).toBeNull();
  });

  it('keeps (account, client_ref) unique, but lets any number of NULL client_refs coexist', async () => {
    const repo = db.dataSource.getRepository(SmppMessage);
    await repo.insert(message({ clientRef: 'order-1' }));
    const dup = await repo.insert(message({ clientRef: 'order-1' })).catch((e: unknown) => e);
    expect(pgCode(dup)).toBe('23505');
    // Same ref on another account is fine; NULLs never clash.
    await repo.insert(message({ account: 'other', clientRef: 'order-1' }));
    await repo.insert([message({ account: 'nulls' }), message({ account: 'nulls' })]);
    expect(await repo.countBy({ account: 'nulls', clientRef: IsNull() })).toBe(2);

    // The idempotent send: ON CONFLICT on the partial unique index.
    const again = message({ clientRef: 'order-1' });
    const inserted: unknown[] = await db.dataSource.query(
      `INSERT INTO smpp_messages (id, account, destination, source, source_ton, source_npi, text,
                                  encoding, data_coding, status, parts_total, client_ref,
                                  registered_delivery)
       VALUES ($1, $2, '6591234567', 'MyBrand', 5, 0, 'x', 'gsm7', 0, 'queued', 1, $3, 1)
       ON CONFLICT (account, client_ref) WHERE client_ref IS NOT NULL DO NOTHING
       RETURNING id`,
      [again.id, again.account, again.clientRef],
    );
    expect(inserted).toEqual([]);
  });

  it('rejects an unknown status or encoding', async () => {
    const repo = db.dataSource.getRepository(SmppMessage);
    const badStatus = message({ status: 'sent' as never });
    expect(pgCode(await repo.insert(badStatus).catch((e: unknown) => e))).toBe('23514');
    const badEncoding = message({ encoding: 'utf8' as never });
    expect(pgCode(await repo.insert(badEncoding).catch((e: unknown) => e))).toBe('23514');
  });

  it('keeps (message_id, seq) unique', async () => {
    const msg = message();
    await db.dataSource.getRepository(SmppMessage).insert(msg);
    await db.dataSource.getRepository(SmppMessagePart).insert(part(msg));
    const dup = await db.dataSource
      .getRepository(SmppMessagePart)
      .insert(part(msg))
      .catch((e: unknown) => e);
    expect(pgCode(dup)).toBe('23505');
  });

  it('makes a re-sent inbound fragment a no-op', async () => {
    const insertFragment = (): Promise<{ id: string }[]> =>
      db.dataSource.query(
        `INSERT INTO smpp_inbound_fragments
           (id, account, source, destination, concat_ref, total, seq, data_coding, body)
         VALUES ($1, 'default', '6591234567', '12345', 42, 2, 1, 0, $2)
         ON CONFLICT (account, source, destination, concat_ref, total, seq) DO NOTHING
         RETURNING id`,
        [randomUUID(), Buffer.from('Hello ')],
      );
    expect(await insertFragment()).toHaveLength(1);
    expect(await insertFragment()).toHaveLength(0);
    expect(await db.dataSource.getRepository(SmppInboundFragment).countBy({ concatRef: 42 })).toBe(
      1,
    );
  });
});
