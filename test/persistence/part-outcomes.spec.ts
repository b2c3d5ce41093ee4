import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmppBackpressureError } from '../../src/smpp/errors.js';
import type { PendingEvent } from '../../src/smpp/store/message-state-writer.js';
import { PartOutcomeQueue, PartOutcomeWriter } from '../../src/smpp/store/part-outcome-writer.js';
import { partWriteContext } from '../../src/smpp/store/part-write-context.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  ACCOUNT,
  parkedCount,
  partState,
  receipt,
  writtenPart,
} from '../receipts-unknown/support.js';

/** Submit results and receipts share one writer: one transaction per batch, results first. */
describe('part outcomes (submit results and receipts together)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  const writer = () => new PartOutcomeWriter(partWriteContext(db.dataSource, () => true));

  it('matches a receipt written in the same batch as its submit result at once (never parked)', async () => {
    const partId = await writtenPart(db, { to: '6591450001', text: 'same batch' });
    const events = await writer().write([
      // The receipt is first in the batch: the writer still stores the result first.
      { receipt: receipt({ smscId: 'SAME-1', from: '6591450001' }) },
      {
        result: {
          partId,
          account: ACCOUNT,
          outcome: { kind: 'submitted', smscMessageId: 'SAME-1' },
        },
      },
    ]);
    expect(await partState(db, partId)).toMatchObject({
      status: 'delivered',
      smsc_message_id: 'SAME-1',
      message_status: 'delivered',
    });
    expect(await parkedCount(db)).toBe(0);
    const names = events.map((e: PendingEvent) => e.name);
    expect(names).toContain('smpp.message.delivered');
    const received = events.find((e) => e.name === 'smpp.receipt.received');
    expect(received?.payload).toMatchObject({ partSeq: 1, duplicate: false });
    expect((received?.payload as { messageId: string | null }).messageId).not.toBeNull();
  });

  it('stores each receipt of a batch as matched, duplicate or parked in its insert', async () => {
    const partId = await writtenPart(db, { to: '6591450004', text: 'matched on insert' });
    await writer().write([
      {
        result: {
          partId,
          account: ACCOUNT,
          outcome: { kind: 'submitted', smscMessageId: 'ONCE-1' },
        },
      },
    ]);
    const first = receipt({ smscId: 'ONCE-1', from: '6591450004' });
    const again = receipt({ smscId: 'ONCE-1', from: '6591450004' });
    const nobodys = receipt({ smscId: 'ONCE-NOBODY', from: '6591450004' });
    await writer().write([{ receipt: first }, { receipt: again }, { receipt: nobodys }]);
    const stored: Array<{
      id: string;
      part_id: string | null;
      matched: boolean;
      duplicate: boolean;
    }> = await db.dataSource.query(
      `SELECT id, part_id, matched_at IS NOT NULL AS matched, duplicate
         FROM smpp_receipts WHERE id = ANY($1::uuid[])`,
      [[first.id, again.id, nobodys.id]],
    );
    const byId = new Map(stored.map((r) => [r.id, r]));
    expect(byId.get(first.id)).toMatchObject({ part_id: partId, matched: true, duplicate: false });
    expect(byId.get(again.id)).toMatchObject({ part_id: partId, matched: true, duplicate: true });
    expect(byId.get(nobodys.id)).toMatchObject({ part_id: null, matched: false, duplicate: false });
    expect(await partState(db, partId)).toMatchObject({ status: 'delivered' });
  });

  it('in a queue, a bad item fails alone and the others of its batch are written', async () => {
    const partId = await writtenPart(db, { to: '6591450002', text: 'good one' });
    const queue = new PartOutcomeQueue(writer(), () => undefined, 100);
    const settled = await Promise.allSettled([
      queue.results.add({
        partId: 'not-a-uuid',
        account: ACCOUNT,
        outcome: { kind: 'submitted', smscMessageId: 'BAD-1' },
      }),
      queue.results.add({
        partId,
        account: ACCOUNT,
        outcome: { kind: 'submitted', smscMessageId: 'GOOD-2' },
      }),
      queue.receipts.add(receipt({ smscId: 'GOOD-2', from: '6591450002' })),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(await partState(db, partId)).toMatchObject({ status: 'delivered' });
    await queue.results.idle();
    await queue.receipts.idle();
  });

  it('bounds each kind on its own: a full results sink refuses, receipts still go in', async () => {
    const queue = new PartOutcomeQueue(writer(), () => undefined, 1);
    const partId = await writtenPart(db, { to: '6591450003', text: 'bounded' });
    const first = queue.results.add({
      partId,
      account: ACCOUNT,
      outcome: { kind: 'submitted', smscMessageId: 'BOUND-3' },
    });
    await expect(
      queue.results.add({ partId, account: ACCOUNT, outcome: { kind: 'requeue' } }),
    ).rejects.toBeInstanceOf(SmppBackpressureError);
    const receipted = queue.receipts.add(receipt({ smscId: 'BOUND-3', from: '6591450003' }));
    await Promise.all([first, receipted]);
    await queue.results.idle();
    expect(await partState(db, partId)).toMatchObject({ status: 'delivered' });
  });
});
