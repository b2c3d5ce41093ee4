import { describe, expect, it } from 'vitest';
import { cleanId, parseDeliverSm } from '../../src/smpp/session/deliver-sm.js';
import { deliverSmBytes, pduBytes } from './pdu-bytes.js';

function parse(raw: Buffer) {
  const result = parseDeliverSm(raw);
  if (!result.ok) throw result.error;
  return result.deliver;
}

describe('parseDeliverSm (from the raw bytes)', () => {
  it('reads the mandatory fields and keeps the short_message bytes exactly', () => {
    const body = Buffer.from([0x48, 0x00, 0x1b, 0x65, 0xff]);
    const d = parse(
      deliverSmBytes({
        sequenceNumber: 77,
        sourceAddrTon: 5,
        sourceAddrNpi: 0,
        sourceAddr: 'ACME',
        destAddrTon: 1,
        destAddrNpi: 1,
        destinationAddr: '6512345678',
        esmClass: 0,
        dataCoding: 0x11, // message class bits set: the library would mis-decode; we keep bytes
        shortMessage: body,
      }),
    );
    expect(d).toMatchObject({
      sequenceNumber: 77,
      sourceAddr: 'ACME',
      sourceAddrTon: 5,
      sourceAddrNpi: 0,
      destinationAddr: '6512345678',
      destAddrTon: 1,
      destAddrNpi: 1,
      esmClass: 0,
      dataCoding: 0x11,
    });
    expect(d.shortMessage.equals(body)).toBe(true);
    expect(d.udh).toBeUndefined();
    expect(d.tlvs.size).toBe(0);
  });

  it('splits off the UDH (UDHL byte + that many bytes) when esm_class has 0x40', () => {
    const udh = Buffer.from([0x05, 0x00, 0x03, 0x2a, 0x02, 0x01]);
    const text = Buffer.from('part one', 'latin1');
    const d = parse(deliverSmBytes({ esmClass: 0x40, shortMessage: Buffer.concat([udh, text]) }));
    expect(d.udh?.equals(udh)).toBe(true);
    expect(d.shortMessage.equals(text)).toBe(true);
  });

  it('leaves the bytes whole when the UDHL overruns the short_message', () => {
    const sm = Buffer.from([0x09, 0x00, 0x03]);
    const d = parse(deliverSmBytes({ esmClass: 0x40, shortMessage: sm }));
    expect(d.udh).toBeUndefined();
    expect(d.shortMessage.equals(sm)).toBe(true);
  });

  it('cuts receipted_message_id at its TLV length even without a NUL terminator (message_state after it)', () => {
    const id = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    const d = parse(
      deliverSmBytes({
        esmClass: 0x04,
        tlvs: [
          { tag: 0x001e, value: Buffer.from(id, 'latin1') },
          { tag: 0x0427, value: Buffer.from([2]) },
        ],
      }),
    );
    expect(d.receiptedMessageId).toBe(id);
    expect(d.messageState).toBe(2);
  });

  it('cuts receipted_message_id at a NUL or control character and trims it', () => {
    expect(cleanId(Buffer.from(' abc123 \0junk', 'latin1'))).toBe('abc123');
    expect(cleanId(Buffer.from("abc\u0004'", 'latin1'))).toBe('abc');
    expect(cleanId(Buffer.from('\0', 'latin1'))).toBeUndefined();
  });

  it('decodes network_error_code (type, 2-byte code), SAR, message_payload and keeps every TLV by tag', () => {
    const payload = Buffer.from('a long text', 'latin1');
    const vendor = Buffer.from('0123456789abcdef0123456789abcdef0123', 'latin1');
    const d = parse(
      deliverSmBytes({
        tlvs: [
          { tag: 0x0423, value: Buffer.from([0x03, 0x01, 0x02]) },
          { tag: 0x020c, value: Buffer.from([0x12, 0x34]) },
          { tag: 0x020e, value: Buffer.from([3]) },
          { tag: 0x020f, value: Buffer.from([2]) },
          { tag: 0x0424, value: payload },
          { tag: 0x1502, value: vendor },
        ],
      }),
    );
    expect(d.networkErrorCode).toEqual({ type: 3, code: 0x0102 });
    expect(d.sar).toEqual({ refNum: 0x1234, totalSegments: 3, segmentSeqnum: 2 });
    expect(d.messagePayload?.equals(payload)).toBe(true);
    expect(d.tlvs.get(0x1502)?.equals(vendor)).toBe(true);
    expect([...d.tlvs.keys()]).toEqual([0x0423, 0x020c, 0x020e, 0x020f, 0x0424, 0x1502]);
  });

  it('reports a TLV whose length runs past the PDU instead of throwing', () => {
    const result = parseDeliverSm(
      deliverSmBytes({ tlvs: [{ tag: 0x1502, value: Buffer.from('abc'), length: 36 }] }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/TLV 0x1502 value is truncated/);
  });

  it('reports stray bytes after the last TLV, a short_message past the end and a missing NUL', () => {
    const good = deliverSmBytes({ shortMessage: Buffer.from('hi') });
    const stray = Buffer.concat([good, Buffer.from([0x00, 0x1e])]);
    stray.writeUInt32BE(stray.length, 0);
    expect(parseDeliverSm(stray).ok).toBe(false);

    const smPastEnd = Buffer.from(good);
    smPastEnd[smPastEnd.length - 3] = 200; // sm_length
    expect(parseDeliverSm(smPastEnd).ok).toBe(false);

    const noNul = pduBytes(5, 1, Buffer.from('abc', 'latin1'));
    expect(parseDeliverSm(noNul).ok).toBe(false);

    expect(parseDeliverSm(Buffer.alloc(10)).ok).toBe(false);
  });
});
