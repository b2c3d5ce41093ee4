import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { QueueFullError } from '../../src/smpp/errors.js';
import { draftMessage } from '../../src/smpp/messages/message-draft.js';
import { SmppMessaging } from '../../src/smpp/smpp-messaging.js';
import {
  createSmppTestApp,
  eventually,
  RecordingLogger,
  type SmppTestApp,
  startSimulator,
} from '../support/smpp-app.js';

const DELIVER_SM = 0x00000005;

/** A receipt's text sent in message_payload (it may be longer than a short_message holds). */
function receiptPayload(text: string) {
  return {
    text: '',
    tlvs: { esm_class: 0x04 },
    rawTlvs: [{ tag: 0x0424, value: Buffer.from(text, 'latin1') }],
  };
}

function receiptText(id: string, stat: string, err: string): string {
  return `id:${id} sub:001 dlvrd:001 submit date:2601011200 done date:2601011201 stat:${stat} err:${err} text:`;
}

describe('hostile values at the store (real Postgres, simulator)', () => {
  let sim: SmscSimulator;
  let t: SmppTestApp;
  let messaging: SmppMessaging;
  const logs = new RecordingLogger();
  const mo = (from: string, text: string, extra: Record<string, unknown> = {}) =>
    sim.injectMo({ systemId: 'smppuser', from, to: '12345', text, ...extra });

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { enabled: false } });
    t = await createSmppTestApp({
      simulator: sim,
      logger: logs,
      module: { limits: { maxStoreAttempts: 3, maxQuarantined: 5 } },
    });
    messaging = t.app.get(SmppMessaging);
    // Poison: values the database refuses for good, by constraint, as a column the code does not
    // know about would. Each names the kind of batch it poisons.
    const poison = async (table: string, event: string, condition: string, message: string) => {
      await t.db.dataSource.query(`
        CREATE FUNCTION poison_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF ${condition} THEN RAISE EXCEPTION '${message}' USING ERRCODE = '23514'; END IF;
          RETURN NEW;
        END $$`);
      await t.db.dataSource.query(
        `CREATE TRIGGER poison BEFORE ${event} ON ${table} FOR EACH ROW EXECUTE FUNCTION poison_${table}()`,
      );
    };
    await poison(
      'smpp_inbound_messages',
      'INSERT',
      `NEW.text = 'POISON-MO'`,
      'poisoned inbound message',
    );
    await poison(
      'smpp_receipts',
      'INSERT',
      `NEW.smsc_message_id = 'POISON-RCPT'`,
      'poisoned receipt',
    );
    await poison(
      'smpp_outbox_events',
      'INSERT',
      `NEW.payload->>'from' = '6599999999'`,
      'poisoned event',
    );
    await poison(
      'smpp_message_parts',
      'UPDATE',
      `NEW.status = 'submitted' AND EXISTS (SELECT 1 FROM smpp_messages m WHERE m.id = NEW.message_id AND m.text = 'POISON-RESULT')`,
      'poisoned submit result',
    );
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  async function inboundText(from: string): Promise<{ text: string; raw_pdu: Buffer | null }> {
    return eventually(async () => {
      const [row] = await t.db.dataSource.query(
        `SELECT text, raw_pdu FROM smpp_inbound_messages WHERE source = $1`,
        [from],
      );
      return row as { text: string; raw_pdu: Buffer | null } | undefined;
    }, `inbound from ${from}`);
  }

  it('stores MO text a handset may send but Postgres cannot hold, cleaned, with the raw PDU', async () => {
    const results = await Promise.all([
      mo('6590000101', 'a\u0000b', { encoding: 'ucs2' }),
      mo('6590000102', 'x\ud800y', { encoding: 'ucs2' }),
      // data_coding 4 (8-bit) with a 0x00 byte: GSM 7-bit '@' is 0x00.
      mo('6590000103', 'p@q', { tlvs: { data_coding: 4 } }),
    ]);
    for (const r of results) expect(r.parts.map((p) => p.status)).toEqual([0]);
    expect(await inboundText('6590000101')).toMatchObject({ text: 'ab' });
    expect(await inboundText('6590000102')).toMatchObject({ text: 'x\ufffdy' });
    expect(await inboundText('6590000103')).toMatchObject({ text: 'pq' });
    const raw = (await inboundText('6590000101')).raw_pdu;
    expect(raw?.readUInt32BE(4)).toBe(DELIVER_SM);
  });

  it('cuts a source_addr longer than its column, keeping the raw PDU', async () => {
    const from = '7'.repeat(40);
    const result = await mo(from, 'long sender');
    expect(result.parts[0].status).toBe(0);
    const row = await inboundText('7'.repeat(32));
    expect(row.text).toBe('long sender');
    expect(row.raw_pdu?.includes(Buffer.from(from))).toBe(true);
  });

  it('quarantines an MO the database refuses for good, answers ESME_ROK, and emits an event', async () => {
    const result = await mo('6590000104', 'POISON-MO');
    expect(result.parts[0].status).toBe(0);
    const event = await eventually(
      () => t.events.find((e) => e.name === 'smpp.inbound.quarantined'),
      'quarantined event',
    );
    expect(event.payload).toMatchObject({
      account: 'default',
      systemId: 'smppuser',
      commandId: DELIVER_SM,
    });
    expect(String(event.payload.reason)).toContain('poisoned inbound message');
    const [row] = await t.db.dataSource.query(
      `SELECT account, command_id, raw FROM smpp_quarantined_pdus WHERE id = $1`,
      [event.payload.quarantineId],
    );
    expect(row.account).toBe('default');
    expect(Number(row.command_id)).toBe(DELIVER_SM);
    expect((row.raw as Buffer).includes(Buffer.from('POISON-MO'))).toBe(true);
    // The bind stays up and the next MO is stored as usual.
    expect((await mo('6590000105', 'after the poison')).parts[0].status).toBe(0);
    expect((await inboundText('6590000105')).text).toBe('after the poison');
  });

  it('quarantines an MO whose event the outbox refuses', async () => {
    const result = await mo('6599999999', 'poisoned event');
    expect(result.parts[0].status).toBe(0);
    await eventually(
      () =>
        t.events.find(
          (e) =>
            e.name === 'smpp.inbound.quarantined' &&
            String(e.payload.reason).includes('poisoned event'),
        ),
      'quarantined event for the outbox poison',
    );
  });

  it('keeps the quarantine bounded: the oldest rows go', async () => {
    for (let i = 0; i < 8; i++) {
      await messaging.quarantine({
        account: 'default',
        systemId: 'smppuser',
        raw: Buffer.from(`bound-${i}`),
        reason: `bound test ${i}`,
      });
    }
    const rows: Array<{ reason: string }> = await t.db.dataSource.query(
      `SELECT reason FROM smpp_quarantined_pdus ORDER BY id`,
    );
    expect(rows.length).toBeLessThanOrEqual(5);
    expect(rows.at(-1)?.reason).toBe('bound test 7');
  });

  it('retries a failed insert batch item by item: only the bad message fails', async () => {
    const accounts = new Map([['default', { name: 'default' } as never]]);
    const draft = (i: number) =>
      draftMessage(
        { to: `+659100${String(i).padStart(4, '0')}`, text: `batch ${i}`, from: 'ACME' },
        accounts,
        'default',
        {
          maxParts: 10,
          concatenation: 'udh8',
          maxAttempts: 5,
          registeredDelivery: 1,
        },
      );
    const drafts = Array.from({ length: 9 }, (_, i) => draft(i));
    // Past the boundary's checks, as a bug would let it through: wider than varchar(16).
    drafts[4] = { ...drafts[4], destination: '1'.repeat(20) };
    const results = await Promise.allSettled(drafts.map((d) => messaging.insert(d)));
    expect(results.map((r) => r.status)).toEqual([
      ...Array(4).fill('fulfilled'),
      'rejected',
      ...Array(4).fill('fulfilled'),
    ]);
    const [{ n }] = await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM smpp_messages WHERE id = ANY($1::uuid[])`,
      [drafts.map((d) => d.id)],
    );
    expect(n).toBe(8);
    await eventually(
      () =>
        logs.lines.find(
          (l) => l.message.includes(`message ${drafts[4].id}`) && l.message.includes('too long'),
        ),
      'one log line naming the bad message',
    );
    expect(logs.lines.some((l) => l.message.includes('batch 4'))).toBe(false);
  });

  it('stores receipts of a batch that holds a poisoned one, and quarantines only that one', async () => {
    const sent = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        t.smpp.send({ to: `+65920000${i}`, text: `receipt batch ${i}`, waitFor: 'submitted' }),
      ),
    );
    const ids = sent.map((m) => m.parts[0].smscMessageId as string);
    const answers = await Promise.all([
      ...ids.slice(0, 2).map((id) =>
        sim.injectMo({
          systemId: 'smppuser',
          from: '12345',
          to: '1',
          ...receiptPayload(receiptText(id, 'DELIVRD', '000')),
        }),
      ),
      sim.injectMo({
        systemId: 'smppuser',
        from: '12345',
        to: '1',
        ...receiptPayload(receiptText('POISON-RCPT', 'DELIVRD', '000')),
      }),
      ...ids.slice(2).map((id) =>
        sim.injectMo({
          systemId: 'smppuser',
          from: '12345',
          to: '1',
          ...receiptPayload(receiptText(id, 'DELIVRD', '000')),
        }),
      ),
    ]);
    expect(answers.map((a) => a.parts[0].status)).toEqual([0, 0, 0, 0, 0]);
    for (const m of sent) {
      await eventually(
        async () => (await t.smpp.getMessage(m.id))?.status === 'delivered',
        `message ${m.id} delivered`,
      );
    }
    await eventually(
      () =>
        t.events.find(
          (e) =>
            e.name === 'smpp.inbound.quarantined' &&
            String(e.payload.reason).includes('poisoned receipt'),
        ),
      'the poisoned receipt quarantined',
    );
  });

  it('stores an out-of-range err as null (raw text kept), and a 200-character id gets an answer', async () => {
    const sent = await t.smpp.send({ to: '+6593000001', text: 'big err', waitFor: 'submitted' });
    const id = sent.parts[0].smscMessageId as string;
    const long = 'L'.repeat(200);
    const answers = await Promise.all([
      sim.injectMo({
        systemId: 'smppuser',
        from: '12345',
        to: '1',
        ...receiptPayload(receiptText(id, 'UNDELIV', '99999999999')),
      }),
      sim.injectMo({
        systemId: 'smppuser',
        from: '12345',
        to: '1',
        ...receiptPayload(receiptText(long, 'DELIVRD', '000')),
      }),
    ]);
    expect(answers.map((a) => a.parts[0].status)).toEqual([0, 0]);
    const failed = await eventually(async () => {
      const m = await t.smpp.getMessage(sent.id);
      return m?.status === 'undeliverable' ? m : null;
    }, 'undeliverable');
    expect(failed.parts[0].errorCode).toBeNull();
    const [receipt] = await t.db.dataSource.query(
      `SELECT error_code, raw_text FROM smpp_receipts WHERE part_id IS NOT NULL AND raw_text LIKE '%99999999999%'`,
    );
    expect(receipt.error_code).toBeNull();
    const [longRow] = await t.db.dataSource.query(
      `SELECT smsc_message_id, raw_pdu FROM smpp_receipts WHERE smsc_message_id LIKE 'LLLL%'`,
    );
    expect(longRow.smsc_message_id).toBe('L'.repeat(64));
    expect((longRow.raw_pdu as Buffer).includes(Buffer.from(long))).toBe(true);
  });

  it("carries a text-less receipt's network_error_code as the part's error code", async () => {
    const sent = await t.smpp.send({ to: '+6593000002', text: 'nec', waitFor: 'submitted' });
    const id = sent.parts[0].smscMessageId as string;
    const answer = await sim.injectMo({
      systemId: 'smppuser',
      from: '12345',
      to: '1',
      text: '',
      tlvs: { esm_class: 0x04 },
      rawTlvs: [
        { tag: 0x001e, value: Buffer.from(`${id}\u0000`, 'latin1') },
        { tag: 0x0427, value: Buffer.from([5]) },
        { tag: 0x0423, value: Buffer.from([3, 0x01, 0x02]) },
      ],
    });
    expect(answer.parts[0].status).toBe(0);
    const m = await eventually(async () => {
      const v = await t.smpp.getMessage(sent.id);
      return v?.status === 'undeliverable' ? v : null;
    }, 'undeliverable by TLVs');
    expect(m.parts[0].errorCode).toBe(0x0102);
  });

  it('stores any 32-bit command_status of a refused submit as it is', async () => {
    sim.failNextSubmits(1, 0xfffffff0);
    const sent = await t.smpp.send({ to: '+6593000003', text: 'odd status' });
    const m = await eventually(async () => {
      const v = await t.smpp.getMessage(sent.id);
      return v?.status === 'failed' ? v : null;
    }, 'failed with 0xFFFFFFF0');
    expect(m.parts[0].errorCode).toBe(0xfffffff0);
    expect(m.errorCode).toBe(0xfffffff0);
  });

  it('refuses a lookup by clientRef that send() would refuse, before the database', async () => {
    const refused = (field: string) => ({
      code: 'SMPP_VALIDATION_FAILED',
      errors: [expect.objectContaining({ field })],
    });
    await expect(t.smpp.findByClientRef('default', 'nul\u0000ref')).rejects.toMatchObject(
      refused('clientRef'),
    );
    await expect(t.smpp.findByClientRef('default', 'broken \ud800')).rejects.toMatchObject(
      refused('clientRef'),
    );
    await expect(t.smpp.findByClientRef('default', 'x'.repeat(129))).rejects.toMatchObject(
      refused('clientRef'),
    );
    await expect(t.smpp.findByClientRef('default', '')).rejects.toMatchObject(refused('clientRef'));
    await expect(t.smpp.findByClientRef('nobody', 'ref-1')).rejects.toMatchObject(
      refused('account'),
    );
    expect(await t.smpp.findByClientRef('default', 'x'.repeat(128))).toBeNull();
  });

  it('gives a submit result the database keeps refusing up after bounded attempts: the part ends failed', async () => {
    const [good, bad] = await Promise.all([
      t.smpp.send({ to: '+6593000004', text: 'fine result' }),
      t.smpp.send({ to: '+6593000005', text: 'POISON-RESULT' }),
    ]);
    const failed = await eventually(async () => {
      const v = await t.smpp.getMessage(bad.id);
      return v?.status === 'failed' ? v : null;
    }, 'the poisoned result given up');
    expect(failed.parts[0].errorStatus).toBe('STORE_FAILED');
    expect(failed.errorReason).toContain('could not be stored');
    await eventually(
      async () => (await t.smpp.getMessage(good.id))?.status === 'submitted',
      'the good one submitted',
    );
    await eventually(
      () =>
        t.events.find((e) => e.name === 'smpp.message.failed' && e.payload.messageId === bad.id),
      'failed event',
    );
  });
});

describe('bounded queue and honest unknown outcomes', () => {
  let sim: SmscSimulator;
  let t: SmppTestApp;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { enabled: false } });
    t = await createSmppTestApp({
      simulator: sim,
      account: { maxQueued: 3, responseTimeoutMs: 300 },
      module: { limits: { maxDeliversInFlight: 1 } },
    });
    await t.db.dataSource.query(`
      CREATE FUNCTION slow_mo() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.text = 'SLOW' THEN PERFORM pg_sleep(2); END IF;
        RETURN NEW;
      END $$`);
    await t.db.dataSource.query(
      `CREATE TRIGGER slow_mo BEFORE INSERT ON smpp_inbound_messages FOR EACH ROW EXECUTE FUNCTION slow_mo()`,
    );
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('rejects send() with QueueFullError beyond maxQueued, and emits smpp.message.unknown for parts never answered', async () => {
    // No bind: nothing leaves the queue, so the count is exact whatever the timing.
    sim.refuseBinds(0x0d);
    sim.dropAllConnections();
    await eventually(
      () => t.smpp.bindStatus().every((a) => Object.values(a.bound).every((n) => n === 0)),
      'the binds down',
    );
    const sent = await Promise.all(
      [1, 2, 3].map((i) => t.smpp.send({ to: `+659400000${i}`, text: `full ${i}` })),
    );
    await expect(t.smpp.send({ to: '+6594000004', text: 'one too many' })).rejects.toBeInstanceOf(
      QueueFullError,
    );
    // The SMSC takes the submits but never answers in time: the parts become unknown.
    sim.setSubmitResponseDelay(60_000);
    sim.refuseBinds(null);
    const unknown = await eventually(
      () => {
        const found = t.events.filter((e) => e.name === 'smpp.message.unknown');
        return found.length >= 3 ? found : null;
      },
      'three unknown events',
      20_000,
    );
    expect(unknown.map((e) => e.payload.messageId).sort()).toEqual(sent.map((m) => m.id).sort());
    expect(unknown[0].payload).toMatchObject({ account: 'default', errorStatus: 'NO_RESPONSE' });
    // Unknown parts no longer wait: once the count is taken again, sends are accepted.
    sim.setSubmitResponseDelay(0);
    await eventually(
      () =>
        t.smpp.send({ to: '+6594000005', text: 'room again' }).then(
          () => true,
          (error: unknown) => {
            if (error instanceof QueueFullError) return false;
            throw error;
          },
        ),
      'room in the queue again',
      20_000,
    );
  });

  it('answers ESME_RX_T_APPN to a deliver_sm beyond maxDeliversInFlight, and stores it when re-sent', async () => {
    const slow = sim.injectMo({ systemId: 'smppuser', from: '6595000001', to: '1', text: 'SLOW' });
    await eventually(async () => {
      const rows: unknown[] = await t.db.dataSource.query(
        `SELECT 1 FROM pg_stat_activity WHERE query LIKE '%smpp_inbound_messages%' AND wait_event = 'PgSleep'`,
      );
      return rows.length > 0;
    }, 'the slow MO being stored');
    const refused = await sim.injectMo({
      systemId: 'smppuser',
      from: '6595000002',
      to: '1',
      text: 'while busy',
    });
    expect(refused.parts[0].status).toBe(0x64);
    expect((await slow).parts[0].status).toBe(0);
    const again = await sim.injectMo({
      systemId: 'smppuser',
      from: '6595000002',
      to: '1',
      text: 'while busy',
    });
    expect(again.parts[0].status).toBe(0);
  });
});
