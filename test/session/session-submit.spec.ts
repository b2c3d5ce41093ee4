import smpp from 'smpp';
import type { PDU, Session } from 'smpp';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CommandError,
  ConnectionClosedError,
  ResponseTimeoutError,
  SessionNotReadyError,
  SmppValidationError,
} from '../../src/smpp/errors.js';
import { rawPduOf } from '../../src/smpp/session/raw-pdu.js';
import type { SubmitSmRequest } from '../../src/smpp/session/session.types.js';
import {
  type FakeSmsc,
  nextClose,
  sessionOptions,
  SessionTracker,
  sleep,
  startSmsc,
  waitFor,
} from './fake-smsc.js';
import { parseSubmitSmBytes, type WireSubmitSm } from './pdu-bytes.js';

const tracker = new SessionTracker();
const servers: FakeSmsc[] = [];
async function smsc(...args: Parameters<typeof startSmsc>) {
  const s = await startSmsc(...args);
  servers.push(s);
  return s;
}

afterEach(async () => {
  tracker.destroyAll();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function request(overrides: Partial<SubmitSmRequest> = {}): SubmitSmRequest {
  return {
    sourceAddr: 'ACME',
    sourceAddrTon: 5,
    sourceAddrNpi: 0,
    destinationAddr: '6512345678',
    destAddrTon: 1,
    destAddrNpi: 1,
    dataCoding: 0,
    registeredDelivery: 1,
    shortMessage: Buffer.from('hello', 'latin1'),
    ...overrides,
  };
}

function wireSubmits(server: FakeSmsc): WireSubmitSm[] {
  return server.received
    .filter((p) => p.command === 'submit_sm')
    .map((p) => {
      const raw = rawPduOf(p);
      if (!raw) throw new Error('no raw bytes');
      return parseSubmitSmBytes(raw);
    });
}

/** A server that keeps submit_sm unanswered until the test answers them. */
function holdingSmsc() {
  const held: Array<{ pdu: PDU; session: Session }> = [];
  const answer = (status = 0) => {
    const next = held.shift();
    if (!next) throw new Error('nothing held');
    next.session.send(
      next.pdu.response(
        status ? { command_status: status } : { message_id: `id-${next.pdu.sequence_number}` },
      ),
    );
  };
  return {
    held,
    answer,
    onSubmit: (pdu: PDU, session: Session) => void held.push({ pdu, session }),
  };
}

describe('SmppSession.submit: what goes on the wire', () => {
  it('sends data_coding 0 and exactly the GSM bytes given (not re-encoded), and returns the message_id', async () => {
    const server = await smsc({
      onSubmit: (pdu, s) =>
        s.send(pdu.response({ message_id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' })),
    });
    const session = await tracker.open(sessionOptions(server.port));
    // "Hi @£€" in GSM 03.38: @ = 0x00, £ = 0x01, € = ESC 0x65
    const gsm = Buffer.from([0x48, 0x69, 0x20, 0x00, 0x01, 0x1b, 0x65]);
    const result = await session.submit(request({ dataCoding: 0, shortMessage: gsm }));
    expect(result).toEqual({ messageId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' });
    const [wire] = wireSubmits(server);
    expect(wire?.dataCoding).toBe(0);
    expect(wire?.shortMessage.equals(gsm)).toBe(true);
    expect(wire).toMatchObject({
      sourceAddr: 'ACME',
      destinationAddr: '6512345678',
      esmClass: 0,
      registeredDelivery: 1,
    });
  });

  it('sends data_coding 8 with the UCS2 bytes given', async () => {
    const server = await smsc();
    const session = await tracker.open(sessionOptions(server.port));
    const ucs2 = Buffer.from('Привет 👋', 'utf16le').swap16();
    await session.submit(request({ dataCoding: 8, shortMessage: ucs2 }));
    const [wire] = wireSubmits(server);
    expect(wire?.dataCoding).toBe(8);
    expect(wire?.shortMessage.equals(ucs2)).toBe(true);
  });

  it('with a UDH sets esm_class 0x40 and sends UDH + body as short_message', async () => {
    const server = await smsc();
    const session = await tracker.open(sessionOptions(server.port));
    const udh = Buffer.from([0x05, 0x00, 0x03, 0x2a, 0x02, 0x01]);
    const body = Buffer.from('part one of two', 'latin1');
    await session.submit(request({ udh, shortMessage: body }));
    const [wire] = wireSubmits(server);
    expect((wire?.esmClass ?? 0) & 0x40).toBe(0x40);
    expect(wire?.shortMessage.equals(Buffer.concat([udh, body]))).toBe(true);
  });

  it('puts messagePayload in TLV 0x0424 with an empty short_message, plus SAR TLVs and the validity period', async () => {
    const server = await smsc();
    const session = await tracker.open(sessionOptions(server.port));
    const payload = Buffer.alloc(400, 0x41);
    await session.submit(
      request({
        shortMessage: Buffer.alloc(0),
        messagePayload: payload,
        sar: { refNum: 0x1234, totalSegments: 3, segmentSeqnum: 2 },
        validityPeriod: '000001000000000R',
      }),
    );
    const [wire] = wireSubmits(server);
    expect(wire?.shortMessage.length).toBe(0);
    expect(wire?.tlvs.get(0x0424)?.equals(payload)).toBe(true);
    expect(wire?.tlvs.get(0x020c)?.readUInt16BE(0)).toBe(0x1234);
    expect(wire?.tlvs.get(0x020e)?.[0]).toBe(3);
    expect(wire?.tlvs.get(0x020f)?.[0]).toBe(2);
    expect(wire?.validityPeriod).toBe('000001000000000R');
  });

  it('rejects (never throws) invalid requests with SmppValidationError before anything is sent', async () => {
    const server = await smsc();
    const session = await tracker.open(sessionOptions(server.port));
    let pending: Promise<unknown> | undefined;
    expect(() => {
      pending = session.submit(request({ shortMessage: Buffer.alloc(300) }));
    }).not.toThrow();
    await expect(pending).rejects.toBeInstanceOf(SmppValidationError);
    const wrongTypes = request({
      destinationAddr: 6512345678 as unknown as string,
      dataCoding: '0' as unknown as number,
    });
    const error = (await session
      .submit(wrongTypes)
      .catch((e: unknown) => e)) as SmppValidationError;
    expect(error).toBeInstanceOf(SmppValidationError);
    expect(error.errors.map((e) => e.field).sort()).toEqual(['dataCoding', 'destinationAddr']);
    await expect(
      session.submit(
        request({ udh: Buffer.from([0x05, 0x00, 0x03]), shortMessage: Buffer.from('x') }),
      ),
    ).rejects.toBeInstanceOf(SmppValidationError);
    await expect(session.submit(request({ validityPeriod: '1h' }))).rejects.toBeInstanceOf(
      SmppValidationError,
    );
    await sleep(30);
    expect(wireSubmits(server)).toHaveLength(0);
    expect(session.state).toBe('bound');
  });

  it('rejects a non-zero submit_sm_resp with CommandError carrying status and name', async () => {
    const server = await smsc({
      onSubmit: (pdu, s) => s.send(pdu.response({ command_status: 0x58 })),
    });
    const session = await tracker.open(sessionOptions(server.port));
    const error = await session.submit(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({
      command: 'submit_sm',
      status: 0x58,
      statusName: 'ESME_RTHROTTLED',
    });
    expect(session.state).toBe('bound');
    expect(session.windowFree).toBe(10);
  });

  it('rejects a submit answered by generic_nack with CommandError', async () => {
    const server = await smsc({
      onSubmit: (pdu, s) =>
        s.send(
          new smpp.PDU('generic_nack', {
            sequence_number: pdu.sequence_number,
            command_status: 0x03,
          }),
        ),
    });
    const session = await tracker.open(sessionOptions(server.port));
    await expect(session.submit(request())).rejects.toMatchObject({
      code: 'SMPP_COMMAND_FAILED',
      status: 3,
      statusName: 'ESME_RINVCMDID',
    });
  });
});

describe('SmppSession.submit: window and pacing', () => {
  it('keeps exactly `window` requests outstanding; the next caller waits until a response frees a slot', async () => {
    const hold = holdingSmsc();
    const server = await smsc({ onSubmit: hold.onSubmit });
    const session = await tracker.open(sessionOptions(server.port, { window: 3 }));
    const results = [1, 2, 3, 4, 5].map((i) =>
      session.submit(request({ shortMessage: Buffer.from(`m${i}`) })),
    );
    await waitFor(() => hold.held.length === 3, 3_000, '3 submits at the server');
    await sleep(100);
    expect(hold.held).toHaveLength(3);
    expect(session.outstanding).toBe(3);
    expect(session.windowFree).toBe(0);
    expect(session.queued).toBe(2);

    hold.answer();
    await waitFor(() => wireSubmits(server).length === 4, 3_000, 'the 4th submit');
    expect(hold.held).toHaveLength(3);
    expect(session.queued).toBe(1);

    while (wireSubmits(server).length < 5 || hold.held.length > 0) {
      if (hold.held.length > 0) hold.answer();
      else await sleep(5);
    }
    const ids = (await Promise.all(results)).map((r) => r.messageId);
    expect(ids).toEqual(['id-2', 'id-3', 'id-4', 'id-5', 'id-6']); // ids follow sequence numbers; 1 was the bind
    // FIFO: the bodies reached the server in call order
    expect(wireSubmits(server).map((w) => w.shortMessage.toString())).toEqual([
      'm1',
      'm2',
      'm3',
      'm4',
      'm5',
    ]);
    expect(session.windowFree).toBe(3);
  });

  it('holds a submit back when the token bucket is empty, even with window room', async () => {
    const server = await smsc();
    // 3 tokens, then about one per 1000 s: the 4th must wait.
    const session = await tracker.open(
      sessionOptions(server.port, { submitsPerSecond: 0.001, submitBurst: 3 }),
    );
    for (let i = 0; i < 3; i++) await session.submit(request());
    expect(session.tokensAvailable()).toBeLessThan(1);
    const fourth = session.submit(request());
    await sleep(50);
    expect(session.queued).toBe(1);
    expect(session.windowFree).toBe(9); // it holds its slot while it waits for a token
    expect(wireSubmits(server)).toHaveLength(3);
    session.destroy('test over');
    await expect(fourth).rejects.toMatchObject({ code: 'SMPP_CONNECTION_CLOSED', sent: false });
  });
});

describe('SmppSession: failures of requests in flight', () => {
  it('a response timeout rejects with ResponseTimeoutError and closes the session (the link is dead)', async () => {
    const hold = holdingSmsc();
    const server = await smsc({ onSubmit: hold.onSubmit });
    const session = await tracker.open(
      sessionOptions(server.port, { responseTimeoutMs: 200, window: 1 }),
    );
    const closed = nextClose(session);
    const first = session.submit(request());
    const waiting = session.submit(request());
    const error = await first.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTimeoutError);
    expect(error).toMatchObject({ command: 'submit_sm', timeoutMs: 200 });
    const event = await closed;
    expect(event.graceful).toBe(false);
    expect(event.error).toBe(error);
    expect(session.state).toBe('closed');
    await expect(waiting).rejects.toMatchObject({ code: 'SMPP_CONNECTION_CLOSED', sent: false });
    await expect(session.submit(request())).rejects.toBeInstanceOf(SessionNotReadyError);
  });

  it('fails every pending request at once (sent: true) and every waiter (sent: false) when the SMSC drops the connection', async () => {
    const hold = holdingSmsc();
    const server = await smsc({ onSubmit: hold.onSubmit });
    const session = await tracker.open(
      sessionOptions(server.port, { window: 2, responseTimeoutMs: 10_000 }),
    );
    const closes: unknown[] = [];
    session.on('close', (e) => closes.push(e));
    const inFlight = [session.submit(request()), session.submit(request())];
    const waiter = session.submit(request());
    const outcomes = Promise.allSettled([...inFlight, waiter]);
    await waitFor(() => hold.held.length === 2);
    const droppedAt = Date.now();
    server.sessions[0]?.destroy();
    const settled = await outcomes;
    expect(Date.now() - droppedAt).toBeLessThan(2_000); // far below the 10 s response timeout
    const errors = settled.map((s) =>
      s.status === 'rejected' ? (s.reason as ConnectionClosedError) : undefined,
    );
    for (const e of errors) expect(e).toBeInstanceOf(ConnectionClosedError);
    expect(errors.map((e) => e?.sent)).toEqual([true, true, false]);
    expect(errors[0]?.message).toMatch(/closed the connection/);
    await sleep(20);
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatchObject({ graceful: false });
    session.destroy();
    expect(closes).toHaveLength(1);
  });

  it('delivers the close event to a listener attached after the session closed', async () => {
    const server = await smsc();
    const session = await tracker.open(sessionOptions(server.port));
    session.destroy(new Error('gone'));
    const event = await nextClose(session);
    expect(event.error?.message).toBe('gone');
    expect(await session.closed).toBe(event);
  });
});
