import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { MessageNotSubmittedError } from '../../src/smpp/dispatch/submit-waiters.js';
import { SmppValidationError } from '../../src/smpp/errors.js';
import type { SmppMessageView } from '../../src/smpp/messages/message-view.js';
import { CommandStatus } from '../../src/smpp/protocol/command-status.js';
import {
  createSmppTestApp,
  eventually,
  type SmppTestApp,
  startSimulator,
} from '../support/smpp-app.js';

async function until(t: SmppTestApp, id: string, statuses: string[]): Promise<SmppMessageView> {
  return eventually(
    async () => {
      const m = await t.smpp.getMessage(id);
      return m && statuses.includes(m.status) ? m : null;
    },
    `message ${id} to be ${statuses.join('/')}`,
  );
}

/** Parts of the message that were `unknown` and resolved by a receipt (unknown_resolved_at set). */
async function resolvedUnknown(t: SmppTestApp, id: string): Promise<number> {
  const [row] = (await t.db.dataSource.query(
    `SELECT count(*)::int AS n FROM smpp_message_parts WHERE message_id = $1 AND unknown_resolved_at IS NOT NULL`,
    [id],
  )) as Array<{ n: number }>;
  return row.n;
}

describe('dispatch: idempotency, retries, refusals, lost connections', () => {
  let sim: SmscSimulator;
  let t: SmppTestApp;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 10 } });
    t = await createSmppTestApp({ simulator: sim, module: { messages: { maxAttempts: 4 } } });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('sends a clientRef once under 20 concurrent sends and returns the same message to all', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.smpp.send({ to: '+6591231000', text: 'idempotent', clientRef: 'order-42' }),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    await until(t, results[0].id, ['delivered']);
    expect(sim.submits.filter((s) => s.destinationAddr === '6591231000')).toHaveLength(1);
    expect(await t.smpp.findByClientRef('default', 'order-42')).toMatchObject({
      id: results[0].id,
      status: 'delivered',
    });
  });

  it('retries throttled submits with backoff and delivers them', async () => {
    sim.failNextSubmits(2, CommandStatus.ESME_RTHROTTLED);
    const sent = await t.smpp.send({ to: '+6591231100', text: 'throttled first' });
    const done = await until(t, sent.id, ['delivered']);
    expect(done.parts[0].status).toBe('delivered');
    const [part]: Array<{ attempts: number }> = await t.db.dataSource.query(
      `SELECT attempts FROM smpp_message_parts WHERE message_id = $1`,
      [sent.id],
    );
    expect(part.attempts).toBe(3);
  });

  it('fails a message refused with a permanent error, with the status by name, and emits failed once', async () => {
    sim.failNextSubmits(1, CommandStatus.ESME_RINVDSTADR);
    const sent = await t.smpp.send({ to: '+6591231200', text: 'bad destination' });
    const done = await until(t, sent.id, ['failed']);
    expect(done).toMatchObject({
      errorCode: CommandStatus.ESME_RINVDSTADR,
      errorStatus: 'ESME_RINVDSTADR',
    });
    await eventually(
      () =>
        t.events.some(
          (e) =>
            e.name === 'smpp.message.failed' &&
            (e.payload as { messageId: string }).messageId === sent.id,
        ),
      'failed event',
    );
    expect(
      t.events.filter(
        (e) =>
          e.name === 'smpp.message.failed' &&
          (e.payload as { messageId: string }).messageId === sent.id,
      ),
    ).toHaveLength(1);
  });

  it('waitFor submitted resolves once the SMSC accepted every part', async () => {
    const text = 'x'.repeat(300);
    const sent = await t.smpp.send({ to: '+6591231300', text, waitFor: 'submitted' });
    expect(['submitted', 'delivered']).toContain(sent.status);
    expect(sent.parts).toHaveLength(2);
    expect(sent.parts.every((p) => p.smscMessageId)).toBe(true);
  });

  it('waitFor submitted rejects with the SMPP status when the SMSC refuses', async () => {
    sim.failNextSubmits(1, CommandStatus.ESME_RINVSRCADR);
    const error = await t.smpp
      .send({ to: '+6591231400', text: 'refused', waitFor: 'submitted' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageNotSubmittedError);
    expect((error as MessageNotSubmittedError).smsMessage.errorStatus).toBe('ESME_RINVSRCADR');
  });

  it('marks a part unknown when the connection drops after its submit_sm left, never re-sends it, and resolves it by its receipt', async () => {
    sim.dropAfterSubmit(1);
    const lost = await t.smpp.send({ to: '+6591231500', text: 'in flight' });
    // The SMSC did accept it and sends its receipt; whichever comes first, the part is never
    // re-sent, and the receipt (unique destination, text, date) resolves it.
    await until(t, lost.id, ['unknown', 'delivered']);
    const after = await t.smpp.send({ to: '+6591231502', text: 'after the drop' });
    await until(t, after.id, ['delivered']);
    const m = await until(t, lost.id, ['delivered']);
    const [accepted] = sim.submits.filter((s) => s.destinationAddr === '6591231500');
    expect(sim.submits.filter((s) => s.destinationAddr === '6591231500')).toHaveLength(1);
    expect(m.parts[0].smscMessageId).toBe(accepted.messageId);
    expect(await resolvedUnknown(t, lost.id)).toBe(1);
  });

  it('with submits in flight when every connection drops: those parts unknown until their receipts resolve them, the rest delivered', async () => {
    sim.setSubmitResponseDelay(300);
    const inFlight = await Promise.all(
      Array.from({ length: 5 }, (_, i) => t.smpp.send({ to: `+659123160${i}`, text: `slow ${i}` })),
    );
    await eventually(
      () => sim.submits.filter((s) => s.destinationAddr.startsWith('65912316')).length === 5,
      'all 5 submitted',
    );
    sim.dropAllConnections();
    sim.setSubmitResponseDelay(0);
    const rest = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        t.smpp.send({ to: `+659123170${i}`, text: `after ${i}` }),
      ),
    );
    for (const m of rest) await until(t, m.id, ['delivered']);
    for (const m of inFlight) {
      await until(t, m.id, ['delivered']);
      expect(sim.submits.filter((s) => s.destinationAddr === m.to)).toHaveLength(1);
      expect(await resolvedUnknown(t, m.id)).toBe(1);
    }
  });

  it('refuses bad input before storing anything, naming every field', async () => {
    const before: Array<{ n: string }> = await t.db.dataSource.query(
      `SELECT count(*) AS n FROM smpp_messages`,
    );
    const error = await t.smpp
      .send({
        to: '12',
        text: '',
        from: 'ThisSenderIsWayTooLong',
        account: 'nope',
        encoding: 'ebcdic' as never,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmppValidationError);
    const fields = (error as SmppValidationError).errors.map((e) => e.field).sort();
    expect(fields).toEqual(['account', 'encoding', 'from', 'text', 'to']);
    const gsmOnly = await t.smpp
      .send({ to: '+6591231600', text: '你好', encoding: 'gsm7' })
      .catch((e: unknown) => e);
    expect((gsmOnly as SmppValidationError).errors[0]).toMatchObject({ field: 'text' });
    expect((gsmOnly as SmppValidationError).errors[0].message).toMatch(/你|ucs2/);
    const tooLong = await t.smpp
      .send({ to: '+6591231600', text: 'y'.repeat(153 * 10 + 1) })
      .catch((e: unknown) => e);
    expect((tooLong as SmppValidationError).errors[0].field).toBe('text');
    const after: Array<{ n: string }> = await t.db.dataSource.query(
      `SELECT count(*) AS n FROM smpp_messages`,
    );
    expect(after[0].n).toBe(before[0].n);
  });

  it('treats a malformed id as a validation error and an unknown one as null', async () => {
    await expect(t.smpp.getMessage('not-a-uuid')).rejects.toBeInstanceOf(SmppValidationError);
    expect(await t.smpp.getMessage('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('splits long UCS2 text into concatenated parts with one UDH reference', async () => {
    const text = '😀'.repeat(40); // 80 UTF-16 units: 2 parts of at most 67, the emoji never split
    const sent = await t.smpp.send({ to: '+6591231800', text, waitFor: 'submitted' });
    expect(sent.encoding).toBe('ucs2');
    const records = sim.submits.filter((s) => s.destinationAddr === '6591231800');
    expect(records).toHaveLength(2);
    expect(records.every((r) => r.dataCoding === 8 && (r.esmClass & 0x40) === 0x40)).toBe(true);
    const refs = new Set(
      records.map((r) => r.shortMessage.subarray(0, 6).toString('hex').slice(0, 8)),
    );
    expect(refs.size).toBe(1);
  });
});
