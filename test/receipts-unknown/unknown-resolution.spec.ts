/**
 * A receipt whose SMSC id matches nothing resolves an `unknown` part (no submit_sm_resp was
 * stored for it) when destination, `text:` prefix and submit date point at that part alone,
 * whichever came first: the receipt (parked, then the part becomes unknown by recovery or by its
 * submit result) or the unknown part. On the store and real Postgres.
 */
import { randomUUID } from 'node:crypto';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SmppEvents } from '../../src/smpp/events/smpp-events.js';
import { SmppTelemetry } from '../../src/smpp/telemetry/smpp-telemetry.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  ACCOUNT,
  outboxCount,
  parkedCount,
  partState,
  partStores,
  type PartStores,
  receipt,
  writtenPart,
} from './support.js';

const TO = '6591234567';
const RESOLVED = SmppEvents.MessageUnknownResolved;

describe('resolving unknown parts from receipts', () => {
  let db: TestDatabase;
  let store: PartStores;
  const resolvedSeen: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const telemetry = new SmppTelemetry();
    telemetry.on('unknownResolved', (o) => resolvedSeen.push(o.account));
    store = partStores(db.dataSource, () => true, telemetry);
  });
  afterAll(() => db?.drop());
  beforeEach(async () => {
    await db.dataSource.query(`DELETE FROM smpp_receipts`);
    await db.dataSource.query(`DELETE FROM smpp_messages`);
    await db.dataSource.query(`DELETE FROM smpp_outbox_events`);
    resolvedSeen.length = 0;
  });

  const recover = () => store.recoverExpiredClaims(ACCOUNT, false);
  const unknownResult = (partId: string) =>
    store.recordSubmitResults([
      { partId, account: ACCOUNT, outcome: { kind: 'unknown', errorStatus: 'NO_RESPONSE' } },
    ]);

  it('the part becomes unknown first, then its receipt resolves it', async () => {
    const part = await writtenPart(db, { to: TO, text: 'Your code is 123456' });
    await recover();
    expect((await partState(db, part)).status).toBe('unknown');

    const events = await store.recordReceipts([
      receipt({ smscId: 'SMSC-1', from: `+${TO}`, text: 'Your code is 123456' }),
    ]);
    expect(await partState(db, part)).toMatchObject({
      status: 'delivered',
      smsc_message_id: 'SMSC-1',
      message_status: 'delivered',
    });
    expect((await partState(db, part)).unknown_resolved_at).not.toBeNull();
    expect(await parkedCount(db)).toBe(0);
    expect(events.filter((e) => e.name === RESOLVED)).toHaveLength(1);
    expect(events.filter((e) => e.name === SmppEvents.MessageDelivered)).toHaveLength(1);
    expect(await outboxCount(db, RESOLVED)).toBe(1);
    expect(resolvedSeen).toEqual([ACCOUNT]);
    const payload = events.find((e) => e.name === RESOLVED)!.payload as unknown as Record<
      string,
      unknown
    >;
    expect(payload).toMatchObject({
      account: ACCOUNT,
      to: TO,
      partSeq: 1,
      smscMessageId: 'SMSC-1',
      stat: 'DELIVRD',
    });
  });

  it('the receipt comes first (parked), then recovery marks the part unknown and resolves it', async () => {
    const part = await writtenPart(db, { to: TO, text: 'Your code is 123456' });
    // While the part is in flight (written, no answer), the receipt may be its own: parked.
    await store.recordReceipts([
      receipt({ smscId: 'SMSC-2', from: TO, text: 'Your code is 123456' }),
    ]);
    expect(await parkedCount(db)).toBe(1);
    expect((await partState(db, part)).status).toBe('submitting');

    const recovered = await recover();
    expect(recovered.parts).toBe(1);
    expect(await partState(db, part)).toMatchObject({
      status: 'delivered',
      smsc_message_id: 'SMSC-2',
      message_status: 'delivered',
    });
    expect(await parkedCount(db)).toBe(0);
    expect(recovered.events.filter((e) => e.name === RESOLVED)).toHaveLength(1);
    expect(await outboxCount(db, RESOLVED)).toBe(1);
    expect(resolvedSeen).toEqual([ACCOUNT]);
  });

  it('the receipt comes first, then the unknown submit result resolves it (ENROUTE then UNDELIV)', async () => {
    const part = await writtenPart(db, { to: TO, text: 'Meeting moved to 3pm' });
    await store.recordReceipts([
      receipt({ smscId: 'SMSC-3', from: TO, text: 'Meeting moved to 3pm', stat: 'ENROUTE' }),
    ]);
    await store.recordReceipts([
      receipt({ smscId: 'SMSC-3', from: TO, text: 'Meeting moved to 3pm', stat: 'UNDELIV' }),
    ]);
    expect(await parkedCount(db)).toBe(2);

    const events = await unknownResult(part);
    expect(await partState(db, part)).toMatchObject({
      status: 'undeliverable',
      smsc_message_id: 'SMSC-3',
      message_status: 'undeliverable',
    });
    expect(await parkedCount(db)).toBe(0);
    expect(events.filter((e) => e.name === RESOLVED)).toHaveLength(1);
    expect(events.filter((e) => e.name === SmppEvents.MessageFailed)).toHaveLength(1);
    // never reported unknown in between: the part went from in flight to resolved in one step
    expect(events.filter((e) => e.name === SmppEvents.MessageUnknown)).toHaveLength(0);
  });

  it('a non-final receipt resolves the part to submitted; the final one then matches by id', async () => {
    const part = await writtenPart(db, { to: TO, text: 'Hello there' });
    await recover();
    await store.recordReceipts([
      receipt({ smscId: 'SMSC-4', from: TO, text: 'Hello there', stat: 'ENROUTE' }),
    ]);
    expect(await partState(db, part)).toMatchObject({
      status: 'submitted',
      smsc_message_id: 'SMSC-4',
      message_status: 'submitted',
    });
    await store.recordReceipts([receipt({ smscId: 'SMSC-4', from: TO, text: 'Hello there' })]);
    expect((await partState(db, part)).status).toBe('delivered');
    expect(await outboxCount(db, RESOLVED)).toBe(1);
  });

  it('one submit result accepts a part and makes another unknown: the accepted part keeps its parked receipt', async () => {
    // Two segments to one handset; the second has no letter or digit (all dots), so any receipt
    // text fits it. The first's receipt overtook its submit_sm_resp and is parked.
    const first = await writtenPart(db, { to: TO, text: 'Segment one text' });
    const second = await writtenPart(db, { to: TO, text: '....................' });
    await store.recordReceipts([
      receipt({ smscId: 'SMSC-10', from: TO, text: 'Segment one text' }),
    ]);
    await store.recordSubmitResults([
      { partId: first, account: ACCOUNT, outcome: { kind: 'submitted', smscMessageId: 'SMSC-10' } },
      {
        partId: second,
        account: ACCOUNT,
        outcome: { kind: 'unknown', errorStatus: 'NO_RESPONSE' },
      },
    ]);
    expect(await partState(db, first)).toMatchObject({
      status: 'delivered',
      smsc_message_id: 'SMSC-10',
    });
    expect(await partState(db, second)).toMatchObject({ status: 'unknown', smsc_message_id: null });
    expect(await outboxCount(db, RESOLVED)).toBe(0);
  });

  it('a receipt whose SMSC id a part already holds (in another spelling) resolves nothing', async () => {
    const unknown = await writtenPart(db, { to: TO, text: '....' });
    await recover();
    const known = await writtenPart(db, { to: TO, text: 'Other' });
    await store.recordSubmitResults([
      { partId: known, account: ACCOUNT, outcome: { kind: 'submitted', smscMessageId: 'abc123' } },
    ]);
    // The same id upper-cased: matched to the known part by its other spelling, not to the unknown.
    await store.recordReceipts([receipt({ smscId: 'ABC123', from: TO })]);
    expect((await partState(db, known)).status).toBe('delivered');
    expect((await partState(db, unknown)).status).toBe('unknown');
  });

  it('two candidates: the receipt stays parked and both parts stay unknown', async () => {
    const a = await writtenPart(db, { to: TO, text: 'Same text twice' });
    const b = await writtenPart(db, { to: TO, text: 'Same text twice' });
    await recover();
    await store.recordReceipts([receipt({ smscId: 'SMSC-5', from: TO, text: 'Same text twice' })]);
    expect((await partState(db, a)).status).toBe('unknown');
    expect((await partState(db, b)).status).toBe('unknown');
    expect(await parkedCount(db)).toBe(1);
    expect(await outboxCount(db, RESOLVED)).toBe(0);
  });

  it('two receipts with different SMSC ids for one unknown part: the part stays unknown', async () => {
    const part = await writtenPart(db, { to: TO, text: 'Ambiguous' });
    await store.recordReceipts([receipt({ smscId: 'SMSC-6a', from: TO, text: 'Ambiguous' })]);
    await store.recordReceipts([receipt({ smscId: 'SMSC-6b', from: TO, text: 'Ambiguous' })]);
    await recover();
    expect((await partState(db, part)).status).toBe('unknown');
    expect(await parkedCount(db)).toBe(2);
  });

  it('a part of the same destination and text still in flight: the receipt may be its own, stays parked', async () => {
    const gone = await writtenPart(db, { to: TO, text: 'Your code is 111111' });
    await recover();
    // another part to the same handset, written, answer not stored yet (its claim is still live)
    const inFlight = await writtenPart(db, { to: TO, text: 'Your code is 111111' });
    await db.dataSource.query(
      `UPDATE smpp_message_parts SET claimed_until = now() + interval '1 hour' WHERE id = $1`,
      [inFlight],
    );
    await store.recordReceipts([
      receipt({ smscId: 'SMSC-7', from: TO, text: 'Your code is 111111' }),
    ]);
    expect((await partState(db, gone)).status).toBe('unknown');
    expect(await parkedCount(db)).toBe(1);
    // its answer comes: the parked receipt was its own
    await store.recordSubmitResults([
      {
        partId: inFlight,
        account: ACCOUNT,
        outcome: { kind: 'submitted', smscMessageId: 'SMSC-7' },
      },
    ]);
    expect((await partState(db, inFlight)).status).toBe('delivered');
    expect((await partState(db, gone)).status).toBe('unknown');
  });

  it('wrong destination, wrong text, wrong date, or no date: stays parked', async () => {
    const part = await writtenPart(db, { to: TO, text: 'Your code is 222222' });
    await recover();
    const hourAgo = new Date(Date.now() - 3_600_000);
    const inAnHour = new Date(Date.now() + 3_600_000);
    const wrong = [
      receipt({ smscId: 'W1', from: '6599999999', text: 'Your code is 222222' }),
      receipt({ smscId: 'W2', from: TO, text: 'Your code is 333333' }),
      receipt({ smscId: 'W3', from: TO, text: 'Your code is 222222', submitted: hourAgo }),
      receipt({ smscId: 'W4', from: TO, text: 'Your code is 222222', submitted: inAnHour }),
      receipt({ smscId: 'W5', from: '', text: 'Your code is 222222' }),
    ];
    const noDate = receipt({ smscId: 'W6', from: TO, text: 'Your code is 222222' });
    const rawNoDate = 'id:W6 sub:001 dlvrd:001 stat:DELIVRD err:000 text:Your code is 222222';
    noDate.deliver = { ...noDate.deliver, shortMessage: Buffer.from(rawNoDate, 'latin1') };
    noDate.parsed = { ...noDate.parsed, rawText: rawNoDate, submitDate: undefined };
    for (const r of [...wrong, noDate]) await store.recordReceipts([r]);
    expect((await partState(db, part)).status).toBe('unknown');
    expect(await parkedCount(db)).toBe(6);
    expect(await outboxCount(db, RESOLVED)).toBe(0);
  });

  it('compares the text leniently: cut at 20 characters, case, punctuation, accents, re-encoded', async () => {
    const cases: Array<[string, string]> = [
      ['Your verification code is 445566, valid 5 min', 'Your verification co'],
      ['Réservation confirmée à 20h', 'Reservation confirmee a'],
      ['Hello, World! {test}', 'HELLO WORLD test'],
      ['Код 123456', '??? 123456'],
    ];
    const parts: string[] = [];
    for (const [i, [text]] of cases.entries()) {
      parts.push(await writtenPart(db, { to: `65912300${i}0`, text }));
    }
    await recover();
    for (const [i, [, shown]] of cases.entries()) {
      await store.recordReceipts([
        receipt({ smscId: `L${i}`, from: `65912300${i}0`, text: shown }),
      ]);
    }
    for (const [i, part] of parts.entries()) {
      expect(await partState(db, part), `case ${i}`).toMatchObject({
        status: 'delivered',
        smsc_message_id: `L${i}`,
      });
    }
  });

  it('no text: field: destination and date alone decide', async () => {
    const part = await writtenPart(db, { to: TO, text: 'Anything' });
    await recover();
    await store.recordReceipts([receipt({ smscId: 'SMSC-8', from: TO })]);
    expect((await partState(db, part)).smsc_message_id).toBe('SMSC-8');
  });

  it('a receipt on a sibling account of the same system_id resolves the part', async () => {
    const scoped = partStores(db.dataSource, () => true, undefined, {
      siblings: () => [ACCOUNT, 'sibling'],
      lockKey: () => 'sys@host',
    });
    const part = await writtenPart(db, { to: TO, text: 'Shared system id' });
    await scoped.recoverExpiredClaims(ACCOUNT, false);
    await scoped.recordReceipts([
      receipt({ smscId: 'SMSC-9', from: TO, text: 'Shared system id', account: 'sibling' }),
    ]);
    expect((await partState(db, part)).smsc_message_id).toBe('SMSC-9');
  });

  it('two replicas on one database: the receipt and the recovery race, the part is resolved once', async () => {
    // a second store on its own connection pool, as another replica has
    const ds2 = new DataSource({ ...db.dataSource.options, poolSize: 4 } as DataSourceOptions);
    await ds2.initialize();
    try {
      const replica = partStores(ds2, () => true);
      for (let round = 0; round < 5; round++) {
        const text = `Race ${round} ${randomUUID().slice(0, 6)}`;
        const part = await writtenPart(db, { to: TO, text });
        const copy = receipt({ smscId: `RACE-${round}`, from: TO, text });
        const copy2 = { ...copy, id: randomUUID() };
        await Promise.all([
          store.recordReceipts([copy]),
          replica.recoverExpiredClaims(ACCOUNT, false),
          replica.recordReceipts([copy2]),
          store.recoverExpiredClaims(ACCOUNT, false),
        ]);
        expect(await partState(db, part), `round ${round}`).toMatchObject({
          status: 'delivered',
          smsc_message_id: `RACE-${round}`,
        });
      }
      expect(await outboxCount(db, RESOLVED)).toBe(5);
      expect(await outboxCount(db, SmppEvents.MessageDelivered)).toBe(5);
      expect(await parkedCount(db)).toBe(0);
    } finally {
      await ds2.destroy();
    }
  });
});
