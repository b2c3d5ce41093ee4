import { createHash } from 'node:crypto';
import smpp from 'smpp';
import { MALFORMED_KINDS } from '../../src/simulator/index.js';
import { malformedBytes } from '../../src/simulator/malformed.js';

/**
 * What a client must do with the bytes: 'drop' the session (a broken frame: command_length below
 * 16 or above the maximum, so the stream cannot be parsed any further), or 'stay' (a sound frame,
 * whatever its body: answered in place or ignored). 'either' where the frame claims more or fewer
 * bytes than the PDU has: the stream is out of step from then on, and whether the next header
 * read is broken depends on the bytes that follow.
 */
export type Expectation = 'drop' | 'stay' | 'either';

export interface MalformedVariant {
  name: string;
  bytes: Buffer;
  expect: Expectation;
}

/** Sequence numbers far above anything the client sends: these PDUs answer nothing of its own. */
const SEQ = 0x7a000000;

function header(length: number, commandId: number, status: number, sequence: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(length, 0);
  b.writeUInt32BE(commandId >>> 0, 4);
  b.writeUInt32BE(status >>> 0, 8);
  b.writeUInt32BE(sequence >>> 0, 12);
  return b;
}

/** Deterministic "random" bytes, so that a failing variant can be replayed. */
function pseudoRandom(seed: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  let block = Buffer.alloc(0);
  for (let i = 0; i < length; i++) {
    if (i % 32 === 0) block = createHash('sha256').update(`${seed}:${i}`).digest();
    out[i] = block[i % 32];
  }
  return out;
}

function withLength(pdu: Buffer, length: number): Buffer {
  const b = Buffer.from(pdu);
  b.writeUInt32BE(length >>> 0, 0);
  return b;
}

function deliverSm(sequence: number, fields: Record<string, unknown> = {}): Buffer {
  return new smpp.PDU('deliver_sm', {
    sequence_number: sequence,
    source_addr: '6590000000',
    destination_addr: 'FaultTest',
    esm_class: 0,
    data_coding: 0,
    short_message: Buffer.from('hello from a broken SMSC'),
    ...fields,
  }).toBuffer();
}

function appendTlv(pdu: Buffer, tlv: Buffer): Buffer {
  const out = Buffer.concat([pdu, tlv]);
  out.writeUInt32BE(out.length, 0);
  return out;
}

/** 100 distinct malformed or unexpected byte sequences an SMSC (or something posing as one) may send. */
export function malformedVariants(): MalformedVariant[] {
  const v: MalformedVariant[] = [];
  const add = (name: string, bytes: Buffer, expect: Expectation) => v.push({ name, bytes, expect });

  // The simulator's own six kinds.
  for (const kind of MALFORMED_KINDS) {
    const expect: Expectation =
      kind === 'unknown-command' || kind === 'response-to-nothing' || kind === 'truncated-tlv'
        ? 'stay'
        : 'drop';
    add(`simulator:${kind}`, malformedBytes(kind, SEQ + v.length), expect);
  }

  // Random bytes (the first with its high bit set: a command_length far beyond 16 KiB).
  for (const length of [1, 2, 3, 4, 5, 8, 15, 16, 17, 31, 64, 100, 255, 1000, 4096]) {
    const bytes = pseudoRandom(`random-${length}`, length);
    bytes[0] |= 0x80;
    add(`random bytes (${length})`, bytes, 'drop');
  }

  // Bad command_length on an otherwise valid enquire_link.
  const enquire = header(16, 0x00000015, 0, SEQ + 1);
  for (const length of [0, 1, 2, 3, 4, 7, 8, 12, 15]) {
    add(`command_length ${length}`, withLength(enquire, length), 'drop');
  }
  for (const length of [16_385, 65_536, 0x7fffffff, 0xffffffff]) {
    add(`command_length ${length} (oversized)`, withLength(enquire, length), 'drop');
  }
  // Claims more bytes than come: the rest of the stream is read as its body, framing is lost.
  for (const extra of [1, 4, 40, 400]) {
    add(`command_length +${extra} (short of bytes)`, withLength(enquire, 16 + extra), 'either');
  }
  // Claims fewer bytes than it has: its tail is read as the next PDU's header.
  const deliver = deliverSm(SEQ + 2);
  for (const cut of [4, 10, 20]) {
    add(
      `command_length -${cut} (tail left over)`,
      withLength(deliver, deliver.length - cut),
      'either',
    );
  }

  // Truncated bodies: command_length says exactly what was sent, the body stops early.
  for (const keep of [17, 18, 20, 24, 28, 30, 33, 36, 40, deliver.length - 1]) {
    const body = Buffer.from(deliver.subarray(0, keep));
    body.writeUInt32BE(keep, 0);
    add(`deliver_sm truncated to ${keep} bytes`, body, 'stay');
  }
  // short_message longer than the PDU.
  {
    const smLengthAt = deliver.indexOf(Buffer.from('hello')) - 1;
    const b = Buffer.from(deliver);
    b[smLengthAt] = 200;
    add('deliver_sm sm_length past the end', b, 'stay');
  }

  // Truncated TLVs.
  const plain = deliverSm(SEQ + 3);
  const tlvs: Array<[string, Buffer]> = [
    ['one stray byte', Buffer.from([0x04])],
    ['tag only', Buffer.from([0x04, 0x27])],
    ['tag + 1 length byte', Buffer.from([0x04, 0x27, 0x00])],
    ['message_state, no value', Buffer.from([0x04, 0x27, 0x00, 0x01])],
    ['receipted_message_id, 2 of 10 bytes', Buffer.from([0x00, 0x1e, 0x00, 0x0a, 0x41, 0x42])],
    ['network_error_code, 1 of 3 bytes', Buffer.from([0x04, 0x23, 0x00, 0x03, 0x03])],
    ['message_payload, 5 of 300 bytes', Buffer.from([0x04, 0x24, 0x01, 0x2c, 1, 2, 3, 4, 5])],
    ['vendor TLV 0x1502, length 0xffff', Buffer.from([0x15, 0x02, 0xff, 0xff, 0x41])],
  ];
  for (const [name, tlv] of tlvs) add(`deliver_sm TLV: ${name}`, appendTlv(plain, tlv), 'stay');
  // A receipt whose receipted_message_id TLV is cut.
  add(
    'receipt with a cut receipted_message_id',
    appendTlv(
      deliverSm(SEQ + 4, { esm_class: 4, short_message: Buffer.from('id:abc stat:DELIVRD') }),
      Buffer.from([0x00, 0x1e, 0x00, 0x24, 0x61]),
    ),
    'stay',
  );

  // Unknown command ids (well framed): answered with generic_nack, the session stays.
  for (const id of [
    0x00000999, 0x0000000a, 0x00000100, 0x0000ffff, 0x12345678, 0x7fffffff, 0x00000110, 0x00000022,
  ]) {
    add(`unknown command_id 0x${id.toString(16)}`, header(16, id, 0, SEQ + 5 + v.length), 'stay');
  }
  for (const length of [4, 40]) {
    const body = pseudoRandom(`unknown-body-${length}`, length);
    const b = Buffer.concat([header(16 + length, 0x00000999, 0, SEQ + 6 + v.length), body]);
    add(`unknown command_id with a ${length}-byte body`, b, 'stay');
  }
  // Unknown ids with the response bit: a response to nothing.
  for (const id of [0x80000999, 0x8000ffff]) {
    add(`unknown response 0x${id.toString(16)}`, header(16, id, 0, SEQ + 7 + v.length), 'stay');
  }

  // Responses to nothing (sequence numbers the client never used).
  const responses: Array<[string, Record<string, unknown>]> = [
    ['submit_sm_resp', { message_id: 'nobody-asked' }],
    ['submit_sm_resp', { command_status: 0x58 }],
    ['enquire_link_resp', {}],
    ['unbind_resp', {}],
    ['generic_nack', { command_status: 0x03 }],
    ['bind_transceiver_resp', { system_id: 'again' }],
    ['deliver_sm_resp', {}],
    ['query_sm_resp', { message_id: 'x', final_date: '', message_state: 2, error_code: 0 }],
  ];
  for (const [command, fields] of responses) {
    const b = new smpp.PDU(command, { sequence_number: SEQ + 8 + v.length, ...fields }).toBuffer();
    add(`${command} to nothing ${JSON.stringify(fields)}`, b, 'stay');
  }

  // Requests an SMSC must not send: answered generic_nack ESME_RINVCMDID.
  const requests: Array<[string, Record<string, unknown>]> = [
    ['submit_sm', { destination_addr: '6591234567', short_message: Buffer.from('x') }],
    ['query_sm', { message_id: 'x' }],
    ['cancel_sm', { message_id: 'x' }],
    ['bind_transmitter', { system_id: 'smsc', password: 'x' }],
    ['data_sm', { destination_addr: '6591234567' }],
  ];
  for (const [command, fields] of requests) {
    const b = new smpp.PDU(command, { sequence_number: SEQ + 9 + v.length, ...fields }).toBuffer();
    add(`unexpected request ${command}`, b, 'stay');
  }

  // Well framed deliver_sm with odd content: stored (or refused) without dropping anything.
  const odd: Array<[string, Record<string, unknown>]> = [
    ['receipt with no id at all', { esm_class: 4, short_message: Buffer.from('stat:DELIVRD') }],
    ['receipt with garbage text', { esm_class: 4, short_message: pseudoRandom('garbage', 60) }],
    ['data_coding 0xff', { data_coding: 0xff }],
    ['UDH flag without a UDH', { esm_class: 0x40, short_message: Buffer.from([0x05]) }],
    ['empty short_message', { short_message: Buffer.alloc(0) }],
  ];
  for (const [name, fields] of odd)
    add(`deliver_sm ${name}`, deliverSm(SEQ + 10 + v.length, fields), 'stay');

  // Header-only PDUs of real commands (every body field missing).
  for (const id of [0x00000005, 0x80000004, 0x80000009, 0x00000102]) {
    add(
      `header-only command 0x${id.toString(16).padStart(8, '0')}`,
      header(16, id, 0, SEQ + 11 + v.length),
      'stay',
    );
  }

  // A response whose message_id never ends (no NUL before the end of the PDU).
  {
    const b = Buffer.concat([header(16 + 8, 0x80000004, 0, SEQ + 13), Buffer.from('abcdefgh')]);
    add('submit_sm_resp to nothing, message_id without NUL', b, 'stay');
  }
  // A UDH length byte larger than the whole short_message.
  add(
    'deliver_sm UDH longer than its short_message',
    deliverSm(SEQ + 14, { esm_class: 0x40, short_message: Buffer.from([0x7f, 0x00, 0x03, 0x01]) }),
    'stay',
  );
  // Two PDUs glued with a third, truncated one.
  add(
    'two enquire_link and half a third',
    Buffer.concat([
      header(16, 0x15, 0, SEQ + 15),
      header(16, 0x15, 0, SEQ + 16),
      header(16, 0x15, 0, SEQ + 17).subarray(0, 9),
    ]),
    'either',
  );

  // A valid PDU followed at once by garbage in the same write.
  add(
    'enquire_link then garbage',
    Buffer.concat([header(16, 0x15, 0, SEQ + 12), Buffer.from([0xff, 0xff, 0xff, 0xff, 0])]),
    'drop',
  );
  // An HTTP request / TLS ClientHello where SMPP was expected.
  add('TLS handshake bytes', Buffer.from('16030100a5010000a10303', 'hex'), 'drop');
  add('HTTP GET', Buffer.from('GET / HTTP/1.1\r\nHost: smsc\r\n\r\n'), 'drop');

  return v.slice(0, 100);
}
