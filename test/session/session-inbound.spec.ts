import smpp from 'smpp';
import type { PDU, Session } from 'smpp';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionClosedError, ResponseTimeoutError } from '../../src/smpp/errors.js';
import { MalformedPduError } from '../../src/smpp/session/raw-pdu.js';
import type { InboundDeliverSm } from '../../src/smpp/session/session.types.js';
import {
  deferred,
  type FakeSmsc,
  nextClose,
  type RawServer,
  sessionOptions,
  SessionTracker,
  sleep,
  startSmsc,
  waitFor,
} from './fake-smsc.js';
import { deliverSmBytes, pduBytes } from './pdu-bytes.js';

const tracker = new SessionTracker();
const servers: Array<FakeSmsc | RawServer> = [];
async function smsc(...args: Parameters<typeof startSmsc>) {
  const s = await startSmsc(...args);
  servers.push(s);
  return s;
}

afterEach(async () => {
  tracker.destroyAll();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function serverSession(server: FakeSmsc): Session {
  const s = server.sessions[0];
  if (!s) throw new Error('no server session');
  return s;
}

/** Sends a request from the server side and resolves with the client's response. */
function serverRequest(
  server: FakeSmsc,
  command: string,
  fields: Record<string, unknown> = {},
): Promise<PDU> {
  return new Promise((resolve) =>
    serverSession(server).send(new smpp.PDU(command, fields), resolve),
  );
}

/** Writes raw bytes from the server side. */
function serverWrite(server: FakeSmsc, bytes: Buffer): void {
  serverSession(server).socket.write(bytes);
}

function responsesTo(server: FakeSmsc, command: string): PDU[] {
  return server.received.filter((p) => p.command === command);
}

describe('SmppSession keepalive', () => {
  it('sends enquire_link when idle and stays bound while they are answered', async () => {
    const server = await smsc();
    const session = await tracker.open(
      sessionOptions(server.port, { enquireLinkMs: 60, responseTimeoutMs: 500 }),
    );
    await waitFor(
      () => server.commands().filter((c) => c === 'enquire_link').length >= 3,
      3_000,
      '3 enquire_link',
    );
    expect(session.state).toBe('bound');
  });

  it('detects a silent SMSC (TCP open, nothing answered) within enquireLinkMs + responseTimeoutMs', async () => {
    const server = await smsc({ onEnquireLink: () => undefined });
    const session = await tracker.open(
      sessionOptions(server.port, { enquireLinkMs: 200, responseTimeoutMs: 300 }),
    );
    const boundAt = Date.now();
    const event = await nextClose(session);
    expect(Date.now() - boundAt).toBeLessThan(200 + 300 + 1_500); // generous upper bound only
    expect(event.error).toBeInstanceOf(ResponseTimeoutError);
    expect(event.error).toMatchObject({ command: 'enquire_link' });
    expect(server.commands()).toContain('enquire_link');
  });

  it('catches a parser wedged mid-PDU (a valid command_length whose bytes never come) by the keepalive', async () => {
    const server = await smsc();
    const session = await tracker.open(
      sessionOptions(server.port, { enquireLinkMs: 150, responseTimeoutMs: 200 }),
    );
    const closed = nextClose(session);
    serverWrite(server, Buffer.from([0x00, 0x00, 0x3e, 0x80, 0x80, 0x00, 0x00, 0x15])); // 16000 bytes announced
    const event = await closed;
    expect(event.error).toMatchObject({ code: 'SMPP_RESPONSE_TIMEOUT', command: 'enquire_link' });
  });
});

describe('SmppSession answers the SMSC', () => {
  it("answers the server's enquire_link with enquire_link_resp", async () => {
    const server = await smsc();
    await tracker.open(sessionOptions(server.port));
    const resp = await serverRequest(server, 'enquire_link');
    expect(resp.command).toBe('enquire_link_resp');
    expect(resp.command_status).toBe(0);
  });

  it("answers the server's unbind with unbind_resp, then closes gracefully", async () => {
    const server = await smsc();
    const session = await tracker.open(sessionOptions(server.port));
    const closed = nextClose(session);
    const resp = await serverRequest(server, 'unbind');
    expect(resp.command).toBe('unbind_resp');
    const event = await closed;
    expect(event).toMatchObject({ graceful: true });
    expect(event.error).toBeUndefined();
    await waitFor(
      () => serverSession(server).socket.destroyed || serverSession(server).socket.readableEnded,
    );
  });

  it('answers an unknown command with generic_nack ESME_RINVCMDID and stays bound', async () => {
    const server = await smsc();
    const session = await tracker.open(sessionOptions(server.port));
    serverWrite(server, pduBytes(0x00000999, 42, Buffer.alloc(0)));
    await waitFor(() => responsesTo(server, 'generic_nack').length === 1, 3_000, 'generic_nack');
    expect(responsesTo(server, 'generic_nack')[0]).toMatchObject({
      sequence_number: 42,
      command_status: 0x03,
    });
    expect(session.state).toBe('bound');
  });
});

describe('SmppSession deliver_sm', () => {
  it('sends deliver_sm_resp only after the handler resolves, with the status it returns', async () => {
    const gate = deferred<number>();
    const seen: InboundDeliverSm[] = [];
    const server = await smsc();
    await tracker.open(
      sessionOptions(server.port, {
        onDeliver: (d) => {
          seen.push(d);
          return gate.promise;
        },
      }),
    );
    serverWrite(server, deliverSmBytes({ sequenceNumber: 7, shortMessage: Buffer.from('hello') }));
    await waitFor(() => seen.length === 1);
    await sleep(50);
    expect(responsesTo(server, 'deliver_sm_resp')).toHaveLength(0);
    gate.resolve(0x65);
    await waitFor(() => responsesTo(server, 'deliver_sm_resp').length === 1);
    expect(responsesTo(server, 'deliver_sm_resp')[0]).toMatchObject({
      sequence_number: 7,
      command_status: 0x65,
    });
    expect(seen[0]?.shortMessage.toString()).toBe('hello');
  });

  it('answers ESME_RX_T_APPN when the handler throws or rejects, OK without a handler', async () => {
    const server = await smsc();
    await tracker.open(
      sessionOptions(server.port, {
        onDeliver: (d) => {
          if (d.sequenceNumber === 1) throw new Error('sync failure');
          return Promise.reject(new Error('async failure'));
        },
      }),
    );
    serverWrite(server, deliverSmBytes({ sequenceNumber: 1 }));
    serverWrite(server, deliverSmBytes({ sequenceNumber: 2 }));
    await waitFor(() => responsesTo(server, 'deliver_sm_resp').length === 2);
    for (const r of responsesTo(server, 'deliver_sm_resp')) expect(r.command_status).toBe(0x64);

    const plain = await smsc();
    await tracker.open(sessionOptions(plain.port));
    serverWrite(plain, deliverSmBytes({ sequenceNumber: 9 }));
    await waitFor(() => responsesTo(plain, 'deliver_sm_resp').length === 1);
    expect(responsesTo(plain, 'deliver_sm_resp')[0]).toMatchObject({
      sequence_number: 9,
      command_status: 0,
    });
  });

  it('runs several handlers at once without blocking parsing, answering each when it finishes', async () => {
    const gates = new Map<number, ReturnType<typeof deferred<number>>>();
    const server = await smsc();
    const session = await tracker.open(
      sessionOptions(server.port, {
        onDeliver: (d) => {
          const g = deferred<number>();
          gates.set(d.sequenceNumber, g);
          return g.promise;
        },
      }),
    );
    for (const seq of [11, 12, 13]) serverWrite(server, deliverSmBytes({ sequenceNumber: seq }));
    await waitFor(() => gates.size === 3, 3_000, 'three handlers running');
    const resp = await serverRequest(server, 'enquire_link'); // parsing goes on meanwhile
    expect(resp.command).toBe('enquire_link_resp');
    for (const seq of [13, 11, 12]) gates.get(seq)?.resolve(0);
    await waitFor(() => responsesTo(server, 'deliver_sm_resp').length === 3);
    expect(responsesTo(server, 'deliver_sm_resp').map((r) => r.sequence_number)).toEqual([
      13, 11, 12,
    ]);
    expect(session.state).toBe('bound');
  });

  it('gives exactly the receipted_message_id of a TLV without NUL terminator, message_state and network_error_code', async () => {
    const id = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    const seen: InboundDeliverSm[] = [];
    const server = await smsc();
    await tracker.open(sessionOptions(server.port, { onDeliver: (d) => seen.push(d) && 0 }));
    serverWrite(
      server,
      deliverSmBytes({
        esmClass: 0x04,
        shortMessage: Buffer.from(
          `id:${id} sub:001 dlvrd:000 stat:UNDELIV err:001 text:`,
          'latin1',
        ),
        tlvs: [
          { tag: 0x001e, value: Buffer.from(id, 'latin1') },
          { tag: 0x0427, value: Buffer.from([5]) },
          { tag: 0x0423, value: Buffer.from([0x03, 0x00, 0x22]) },
          { tag: 0x1503, value: Buffer.from('525', 'latin1') },
        ],
      }),
    );
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toMatchObject({
      esmClass: 0x04,
      receiptedMessageId: id,
      messageState: 5,
      networkErrorCode: { type: 3, code: 0x22 },
    });
    expect(seen[0]?.tlvs.get(0x1503)?.toString()).toBe('525');
    await waitFor(() => responsesTo(server, 'deliver_sm_resp').length === 1);
  });
});

describe('SmppSession on malformed input', () => {
  async function boundWithPendingSubmit(onDeliver?: () => number) {
    const server = await smsc({ onSubmit: () => undefined });
    const session = await tracker.open(
      sessionOptions(server.port, { responseTimeoutMs: 10_000, onDeliver }),
    );
    const closed = nextClose(session);
    const submit = session.submit({
      sourceAddr: 'ACME',
      sourceAddrTon: 5,
      sourceAddrNpi: 0,
      destinationAddr: '6512345678',
      destAddrTon: 1,
      destAddrNpi: 1,
      dataCoding: 0,
      shortMessage: Buffer.from('x'),
    });
    await waitFor(() => server.commands().includes('submit_sm'));
    return { server, session, closed, submit };
  }

  it.each<[string, Buffer]>([
    [
      'an oversized command_length ("HTTP/1.1")',
      Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n', 'latin1'),
    ],
    ['a command_length of 8', Buffer.from([0, 0, 0, 8, 0, 0, 0, 0x15])],
    ['a command_length of 0', Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])],
    ['a command_length of 16 385', pduBytes(0x15, 7, Buffer.alloc(0), 0, 16_385)],
  ])(
    'destroys the session on a broken frame: %s, failing pending requests',
    async (_name, bytes) => {
      const { server, session, closed, submit } = await boundWithPendingSubmit(() => 0);
      serverWrite(server, bytes);
      const event = await closed;
      expect(event.graceful).toBe(false);
      expect(event.error).toBeInstanceOf(ConnectionClosedError);
      expect((event.error as ConnectionClosedError).cause).toBeInstanceOf(MalformedPduError);
      expect(event.reason).toMatch(/malformed/);
      await expect(submit).rejects.toMatchObject({ code: 'SMPP_CONNECTION_CLOSED', sent: true });
      expect(session.state).toBe('closed');
    },
  );

  const header = deliverSmBytes({ sequenceNumber: 31, shortMessage: Buffer.from('hello') });
  const headerOnly = Buffer.from(header.subarray(0, 16));
  headerOnly.writeUInt32BE(16, 0);
  const cutBody = Buffer.from(header.subarray(0, 24));
  cutBody.writeUInt32BE(24, 0);
  const smPastEnd = Buffer.from(header);
  smPastEnd[smPastEnd.indexOf(Buffer.from('hello')) - 1] = 200;

  it.each<[string, Buffer]>([
    [
      'a truncated known TLV (message_state without its byte)',
      deliverSmBytes({
        sequenceNumber: 31,
        tlvs: [{ tag: 0x0427, value: Buffer.alloc(0), length: 1 }],
      }),
    ],
    [
      'a TLV whose length runs past the PDU',
      deliverSmBytes({
        sequenceNumber: 31,
        tlvs: [{ tag: 0x1502, value: Buffer.from('abc'), length: 36 }],
      }),
    ],
    ['a deliver_sm with nothing but its header', headerOnly],
    ['a deliver_sm cut in its source_addr', cutBody],
    ['a deliver_sm whose sm_length runs past the end', smPastEnd],
  ])(
    'answers a well-framed but unparseable %s with ESME_RX_P_APPN and stays bound',
    async (_name, bytes) => {
      const { server, session, submit } = await boundWithPendingSubmit(() => 0);
      serverWrite(server, bytes);
      await waitFor(() => responsesTo(server, 'deliver_sm_resp').length === 1);
      expect(responsesTo(server, 'deliver_sm_resp')[0]).toMatchObject({
        sequence_number: 31,
        command_status: 0x65,
      });
      // The stream goes on: the next PDUs are read and answered, the pending submit still waits.
      serverWrite(server, deliverSmBytes({ sequenceNumber: 32, shortMessage: Buffer.from('ok') }));
      await waitFor(() => responsesTo(server, 'deliver_sm_resp').length === 2);
      expect(responsesTo(server, 'deliver_sm_resp')[1]).toMatchObject({
        sequence_number: 32,
        command_status: 0,
      });
      const enquire = await serverRequest(server, 'enquire_link');
      expect(enquire.command).toBe('enquire_link_resp');
      expect(session.state).toBe('bound');
      session.destroy();
      await expect(submit).rejects.toMatchObject({ code: 'SMPP_CONNECTION_CLOSED' });
    },
  );

  it('hands an unparseable deliver_sm to onMalformedDeliver with its exact bytes and answers what it returns', async () => {
    const server = await smsc();
    const seen: Buffer[] = [];
    const session = await tracker.open(
      sessionOptions(server.port, {
        onDeliver: () => 0,
        onMalformedDeliver: (raw) => {
          seen.push(raw);
          return Promise.resolve(0);
        },
      }),
    );
    serverWrite(server, smPastEnd);
    await waitFor(() => responsesTo(server, 'deliver_sm_resp').length === 1);
    expect(responsesTo(server, 'deliver_sm_resp')[0]).toMatchObject({
      sequence_number: 31,
      command_status: 0,
    });
    expect(seen).toEqual([smPastEnd]);
    expect(session.state).toBe('bound');
  });

  it.each<[string, Buffer, number]>([
    ['an unknown command_id with a garbage body', pduBytes(0x999, 41, Buffer.from([1, 2, 3])), 3],
    ['an unknown command_id, header only', pduBytes(0x12345678, 41, Buffer.alloc(0)), 3],
  ])('answers %s with generic_nack and stays bound', async (_name, bytes, status) => {
    const { server, session, submit } = await boundWithPendingSubmit(() => 0);
    submit.catch(() => undefined); // never answered: fails at cleanup
    serverWrite(server, bytes);
    await waitFor(() => responsesTo(server, 'generic_nack').length === 1);
    expect(responsesTo(server, 'generic_nack')[0]).toMatchObject({
      sequence_number: 41,
      command_status: status,
    });
    const enquire = await serverRequest(server, 'enquire_link');
    expect(enquire.command).toBe('enquire_link_resp');
    expect(session.state).toBe('bound');
  });

  it('settles a request whose response body cannot be parsed from its header', async () => {
    const { server, submit } = await boundWithPendingSubmit(() => 0);
    const request = server.received.find((p) => p.command === 'submit_sm');
    // submit_sm_resp whose message_id is followed by a TLV header cut short.
    const body = Buffer.concat([
      Buffer.from('abc123\0', 'latin1'),
      Buffer.from([0x04, 0x27, 0x00, 0x01]),
    ]);
    serverWrite(server, pduBytes(0x80000004, request!.sequence_number, body));
    await expect(submit).resolves.toEqual({ messageId: 'abc123' });
  });
});

describe('SmppSession deliver_sm while unbinding', () => {
  it('refuses a deliver_sm that arrives after our unbind went out with ESME_RX_T_APPN, without calling the handler', async () => {
    const seen: InboundDeliverSm[] = [];
    let unbindPdu: { pdu: import('smpp').PDU; s: import('smpp').Session } | undefined;
    const server = await smsc({ onUnbind: (pdu, s) => void (unbindPdu = { pdu, s }) });
    const session = await tracker.open(
      sessionOptions(server.port, {
        onDeliver: (d) => {
          seen.push(d);
          return 0;
        },
        unbindTimeoutMs: 2_000,
      }),
    );
    const unbound = session.unbind();
    await waitFor(() => unbindPdu !== undefined);
    serverWrite(
      server,
      deliverSmBytes({ sequenceNumber: 9, shortMessage: Buffer.from('late receipt') }),
    );
    await waitFor(() => responsesTo(server, 'deliver_sm_resp').length === 1);
    expect(responsesTo(server, 'deliver_sm_resp')[0]).toMatchObject({
      sequence_number: 9,
      command_status: 0x64,
    });
    expect(seen).toHaveLength(0);
    unbindPdu!.s.send(unbindPdu!.pdu.response());
    await unbound;
  });
});
