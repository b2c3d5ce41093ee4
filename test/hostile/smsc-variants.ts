// What a hostile SMSC sends: bad deliver_sm (MO and receipts), PDUs that cannot be parsed in a
// sound frame, commands and responses nobody asked for, broken frames, and bad submit responses.
import { deliverSmBytes, pduBytes, tlv } from '../session/pdu-bytes.js';

/**
 * What the client must do with it: 'ack' answer deliver_sm_resp ESME_ROK (stored, or kept in
 * the quarantine), 'nack' answer generic_nack ESME_RINVCMDID, 'ignore' answer nothing (a
 * response to nothing, alert_notification) and read on, 'drop' the session (a broken frame).
 */
export type HostileExpectation = 'ack' | 'nack' | 'ignore' | 'drop';

export interface HostilePdu {
  name: string;
  /** The bytes, with `sequence` as their sequence number. */
  bytes(sequence: number): Buffer;
  expect: HostileExpectation;
  /** Cannot be read as a deliver_sm at all: must end in smpp_quarantined_pdus. */
  quarantined?: boolean;
}

const ucs2 = (...units: number[]) => {
  const b = Buffer.alloc(units.length * 2);
  units.forEach((u, i) => b.writeUInt16BE(u, i * 2));
  return b;
};
const latin1 = (s: string) => Buffer.from(s, 'latin1');
const receiptText = (id: string, stat = 'DELIVRD', err = '000') =>
  latin1(
    `id:${id} sub:001 dlvrd:001 submit date:2601011200 done date:2601011201 stat:${stat} err:${err} text:`,
  );

function mo(
  name: string,
  spec: Parameters<typeof deliverSmBytes>[0],
  extra: Partial<HostilePdu> = {},
): HostilePdu {
  return {
    name: `MO: ${name}`,
    bytes: (sequenceNumber) =>
      deliverSmBytes({
        destinationAddr: '12345',
        shortMessage: latin1('hi'),
        ...spec,
        sequenceNumber,
      }),
    expect: 'ack',
    ...extra,
  };
}

function receipt(name: string, spec: Parameters<typeof deliverSmBytes>[0]): HostilePdu {
  return {
    name: `receipt: ${name}`,
    bytes: (sequenceNumber) =>
      deliverSmBytes({ destinationAddr: '12345', esmClass: 0x04, ...spec, sequenceNumber }),
    expect: 'ack',
  };
}

/** A deliver_sm made unreadable by `cut` (its frame stays sound: command_length = its bytes). */
function unreadable(name: string, cut: (pdu: Buffer) => Buffer): HostilePdu {
  return {
    name: `unreadable deliver_sm: ${name}`,
    bytes: (sequenceNumber) => {
      const out = Buffer.from(
        cut(deliverSmBytes({ sequenceNumber, shortMessage: latin1('hello there') })),
      );
      out.writeUInt32BE(out.length, 0);
      return out;
    },
    expect: 'ack',
    quarantined: true,
  };
}

const sar = (ref: number, total: number, seq: number) => [
  { tag: 0x020c, value: Buffer.from([0, ref]) },
  { tag: 0x020e, value: Buffer.from([total]) },
  { tag: 0x020f, value: Buffer.from([seq]) },
];

export function hostilePdus(): HostilePdu[] {
  return [
    mo('data_coding 4 with a 0x00 byte', {
      dataCoding: 4,
      shortMessage: Buffer.from([0x41, 0, 0x42]),
    }),
    mo('UCS2 holding U+0000', { dataCoding: 8, shortMessage: ucs2(0x41, 0x0000, 0x42) }),
    mo('UCS2 with a lone surrogate 0xD800', { dataCoding: 8, shortMessage: ucs2(0xd800, 0x41) }),
    mo('UCS2 of an odd byte count', { dataCoding: 8, shortMessage: Buffer.from([0, 0x41, 0]) }),
    mo('source_addr of 40 characters', { sourceAddr: '6'.repeat(40) }),
    mo('destination_addr of 60 characters', { destinationAddr: 'D'.repeat(60) }),
    mo('source_addr with control characters', { sourceAddr: '\x01\x02\x1b659' }),
    mo('empty source_addr', { sourceAddr: '' }),
    mo('data_coding 0xff', { dataCoding: 0xff, shortMessage: Buffer.from([0xff, 0x00, 0x80]) }),
    mo('Latin-1 (data_coding 3) with 0x00', {
      dataCoding: 3,
      shortMessage: Buffer.from([0x61, 0, 0xe9]),
    }),
    mo('UDH flag without a UDH', { esmClass: 0x40, shortMessage: Buffer.from([0x05]) }),
    mo('UDH longer than its message', {
      esmClass: 0x40,
      shortMessage: Buffer.from([0x7f, 0, 3, 1]),
    }),
    mo('SAR with 0 segments', { tlvs: sar(7, 0, 1) }),
    mo('SAR segment 5 of 2', { tlvs: sar(8, 2, 5) }),
    mo('message_payload of 10,000 NUL bytes in UCS2', {
      dataCoding: 8,
      shortMessage: Buffer.alloc(0),
      tlvs: [{ tag: 0x0424, value: Buffer.alloc(10_000) }],
    }),
    mo('esm_class 0xff', { esmClass: 0xff }),
    {
      name: 'MO: two deliver_sm with the same sequence number',
      bytes: (sequenceNumber) => {
        const one = deliverSmBytes({
          sequenceNumber,
          destinationAddr: '12345',
          shortMessage: latin1('twin'),
        });
        return Buffer.concat([one, one]);
      },
      expect: 'ack',
    },
    receipt('err:99999999999', { shortMessage: receiptText('hs-err', 'UNDELIV', '99999999999') }),
    // Longer than a short_message holds: in message_payload, as SMSCs send long receipts.
    receipt('an id of 200 characters', {
      shortMessage: Buffer.alloc(0),
      tlvs: [{ tag: 0x0424, value: receiptText('9'.repeat(200)) }],
    }),
    receipt('a receipted_message_id TLV of 200 characters', {
      shortMessage: receiptText('short'),
      tlvs: [{ tag: 0x001e, value: latin1(`${'A'.repeat(200)}\0`) }],
    }),
    receipt('a stat of 40 characters', { shortMessage: receiptText('hs-stat', 'X'.repeat(40)) }),
    receipt('no id at all', { shortMessage: latin1('stat:DELIVRD err:000') }),
    receipt('random bytes as its text', {
      shortMessage: Buffer.from(Array.from({ length: 120 }, (_, i) => (i * 97 + 13) % 256)),
    }),
    receipt('NUL bytes in its text', {
      shortMessage: latin1('id:hs-nul\0\0 stat:DELIV\0RD err:0'),
    }),
    receipt('a network_error_code of 1 byte', {
      shortMessage: receiptText('hs-nec'),
      tlvs: [{ tag: 0x0423, value: Buffer.from([3]) }],
    }),
    receipt('message_state 0xff', {
      shortMessage: receiptText('hs-state'),
      tlvs: [{ tag: 0x0427, value: Buffer.from([0xff]) }],
    }),
    receipt('an id never submitted', { shortMessage: receiptText('never-submitted-0001') }),
    receipt('the same unknown TLV three times', {
      shortMessage: receiptText('hs-tlvs'),
      tlvs: [1, 2, 3].map((n) => ({ tag: 0x1599, value: Buffer.from([n]) })),
    }),
    unreadable('a truncated TLV (message_state without its value)', (b) =>
      Buffer.concat([b, Buffer.from([0x04, 0x27, 0x00, 0x01])]),
    ),
    unreadable('a TLV whose length runs past the end', (b) =>
      Buffer.concat([b, tlv(0x1502, latin1('abc'), 40)]),
    ),
    unreadable('sm_length past the end', (b) => {
      const out = Buffer.from(b);
      out[out.indexOf(latin1('hello there')) - 1] = 250;
      return out;
    }),
    unreadable('nothing but its header', (b) => b.subarray(0, 16)),
    unreadable('cut in its source_addr', (b) => b.subarray(0, 22)),
    {
      name: 'unknown command_id 0x00000999 with a body',
      bytes: (s) => pduBytes(0x999, s, latin1('garbage')),
      expect: 'nack',
    },
    {
      name: 'unknown command_id 0x12345678',
      bytes: (s) => pduBytes(0x12345678, s, Buffer.alloc(0)),
      expect: 'nack',
    },
    {
      name: 'submit_sm from the SMSC',
      bytes: (s) => pduBytes(0x00000004, s, Buffer.alloc(20)),
      expect: 'nack',
    },
    {
      name: 'generic_nack to nothing',
      bytes: (s) => pduBytes(0x80000000, s, Buffer.alloc(0), 0x03),
      expect: 'ignore',
    },
    {
      name: 'submit_sm_resp to nothing, status 0xFFFFFFF0',
      bytes: (s) => pduBytes(0x80000004, s, Buffer.alloc(0), 0xfffffff0),
      expect: 'ignore',
    },
    {
      name: 'deliver_sm_resp to nothing',
      bytes: (s) => pduBytes(0x80000005, s, Buffer.from([0])),
      expect: 'ignore',
    },
    {
      name: 'alert_notification',
      bytes: (s) => pduBytes(0x00000102, s, Buffer.from([1, 1, 0x36, 0x35, 0, 1, 1, 0x36, 0])),
      expect: 'ignore',
    },
    {
      name: 'broken frame: command_length 8',
      bytes: (s) => pduBytes(0x15, s, Buffer.alloc(0), 0, 8).subarray(0, 8),
      expect: 'drop',
    },
    {
      name: 'broken frame: command_length 70,000',
      bytes: (s) => pduBytes(0x15, s, Buffer.alloc(0), 0, 70_000),
      expect: 'drop',
    },
  ];
}

/** How a submit_sm_resp is made bad (for one message each). */
export interface BadSubmitResponse {
  name: string;
  rewrite(resp: Buffer): Buffer[];
  /** The message must reach one of these (never stay queued/submitting). */
  ends: readonly string[];
}

const withStatus = (resp: Buffer, commandId: number, status: number) => {
  const head = Buffer.from(resp.subarray(0, 16));
  head.writeUInt32BE(16, 0);
  head.writeUInt32BE(commandId, 4);
  head.writeUInt32BE(status >>> 0, 8);
  return head;
};
const withBody = (resp: Buffer, body: Buffer) => {
  const out = Buffer.concat([resp.subarray(0, 16), body]);
  out.writeUInt32BE(out.length, 0);
  return out;
};

export function badSubmitResponses(): BadSubmitResponse[] {
  return [
    {
      name: 'submit_sm_resp with command_status 0xFFFFFFF0',
      rewrite: (r) => [withStatus(r, 0x80000004, 0xfffffff0)],
      ends: ['failed', 'rejected'],
    },
    {
      name: 'generic_nack instead of submit_sm_resp',
      rewrite: (r) => [withStatus(r, 0x80000000, 0x03)],
      ends: ['failed', 'rejected'],
    },
    {
      name: 'submit_sm_resp sent twice (duplicated sequence number)',
      rewrite: (r) => [r, r],
      ends: ['delivered'],
    },
    {
      name: 'submit_sm_resp with a truncated TLV after its message_id',
      rewrite: (r) =>
        [Buffer.concat([r, Buffer.from([0x04, 0x27, 0x00, 0x01])])].map((b) => {
          b.writeUInt32BE(b.length, 0);
          return b;
        }),
      ends: ['delivered'],
    },
    {
      name: 'submit_sm_resp with a message_id of 200 characters',
      rewrite: (r) => [withBody(r, latin1(`${'M'.repeat(200)}\0`))],
      // Its receipt carries the SMSC's real id, which then matches nothing.
      ends: ['submitted', 'delivered', 'failed', 'unknown'],
    },
    {
      name: 'submit_sm_resp without a body (status 0, no message_id)',
      rewrite: (r) => [withBody(r, Buffer.alloc(0))],
      ends: ['submitted', 'delivered', 'failed', 'unknown'],
    },
  ];
}
