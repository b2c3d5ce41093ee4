import { describe, expect, it } from 'vitest';
import type { InboundDeliverSm } from '../session/session.types.js';
import { encodeGsm7 } from './encoding/gsm7.js';
import { encodeUcs2 } from './encoding/ucs2.js';
import { concatInfo, inboundText, parseConcatUdh } from './inbound-decoding.js';

function deliver(fields: Partial<InboundDeliverSm> = {}): InboundDeliverSm {
  return {
    sequenceNumber: 1,
    sourceAddr: '6591234567',
    sourceAddrTon: 1,
    sourceAddrNpi: 1,
    destinationAddr: '72000',
    destAddrTon: 3,
    destAddrNpi: 0,
    esmClass: 0,
    dataCoding: 0,
    shortMessage: Buffer.alloc(0),
    tlvs: new Map(),
    ...fields,
  };
}

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

describe('parseConcatUdh / concatInfo', () => {
  it('reads IE 0x00 (8-bit reference)', () => {
    expect(parseConcatUdh(hex('050003ab0302'))).toEqual({
      ref: 0xab,
      total: 3,
      seq: 2,
      refBits: 8,
    });
  });

  it('reads IE 0x08 (16-bit reference)', () => {
    expect(parseConcatUdh(hex('06080412340201'))).toEqual({
      ref: 0x1234,
      total: 2,
      seq: 1,
      refBits: 16,
    });
  });

  it('skips other information elements before it', () => {
    // UDHL 8; IE 0x24 (national language single shift, 1 octet); then IE 0x00
    expect(parseConcatUdh(hex('08' + '240101' + '0003070201'))).toEqual({
      ref: 7,
      total: 2,
      seq: 1,
      refBits: 8,
    });
  });

  it('gives null for no concatenation IE, or a malformed one', () => {
    expect(parseConcatUdh(hex(''))).toBeNull();
    expect(parseConcatUdh(hex('03240101'))).toBeNull();
    expect(parseConcatUdh(hex('050003ab0300'))).toBeNull(); // seq 0
    expect(parseConcatUdh(hex('050003ab0204'))).toBeNull(); // seq > total
    expect(parseConcatUdh(hex('050003ab0000'))).toBeNull(); // total 0
    expect(parseConcatUdh(hex('050005ab0201'))).toBeNull(); // IE runs past the UDH
    expect(parseConcatUdh(hex('090003ab02'))).toBeNull(); // UDHL past the buffer
    expect(parseConcatUdh(hex('0500'))).toBeNull();
  });

  it('falls back to the SAR TLVs', () => {
    const sar = { refNum: 0x4321, totalSegments: 3, segmentSeqnum: 3 };
    expect(concatInfo(deliver({ sar }))).toEqual({ ref: 0x4321, total: 3, seq: 3, refBits: 16 });
    expect(concatInfo(deliver({ udh: hex('03240101'), sar }))).toMatchObject({ ref: 0x4321 });
    expect(concatInfo(deliver({ udh: hex('050003010201'), sar }))).toMatchObject({
      ref: 1,
      refBits: 8,
    });
  });

  it('gives null for a message that stands alone', () => {
    expect(concatInfo(deliver())).toBeNull();
    expect(
      concatInfo(deliver({ sar: { refNum: 1, totalSegments: 2, segmentSeqnum: 0 } })),
    ).toBeNull();
  });
});

describe('inboundText', () => {
  it('decodes the body by data_coding', () => {
    expect(inboundText(deliver({ shortMessage: encodeGsm7('Hi {there} €5')! }))).toBe(
      'Hi {there} €5',
    );
    expect(inboundText(deliver({ dataCoding: 8, shortMessage: encodeUcs2('你好😀') }))).toBe(
      '你好😀',
    );
    expect(inboundText(deliver({ dataCoding: 0xf1, shortMessage: encodeGsm7('@ok')! }))).toBe(
      '@ok',
    );
  });

  it('uses message_payload when short_message is empty', () => {
    expect(
      inboundText(deliver({ dataCoding: 8, messagePayload: encodeUcs2('long text 你') })),
    ).toBe('long text 你');
    expect(
      inboundText(
        deliver({ shortMessage: encodeGsm7('body')!, messagePayload: encodeGsm7('payload')! }),
      ),
    ).toBe('body');
  });

  it('gives an empty string for an empty message', () => {
    expect(inboundText(deliver())).toBe('');
  });
});
