import { describe, expect, it } from 'vitest';
import { encodeGsm7 } from '../messages/encoding/gsm7.js';
import { encodeUcs2 } from '../messages/encoding/ucs2.js';
import type { InboundDeliverSm } from '../session/session.types.js';
import {
  isDeliveryReceipt,
  parseReceipt,
  parseReceiptDate,
  parseReceiptText,
  receiptRawText,
} from './receipt-parser.js';

const UUID = '3a1f0c2e-8d4b-4f6a-9e21-7b5c3d2a1f00';
const DOC_RECEIPT = `id:${UUID} sub:001 dlvrd:001 submit date:2511260430 done date:2511260431 stat:DELIVRD err:000 Text:Hello world`;

function deliver(fields: Partial<InboundDeliverSm> = {}): InboundDeliverSm {
  return {
    sequenceNumber: 9,
    sourceAddr: '6591234567',
    sourceAddrTon: 1,
    sourceAddrNpi: 1,
    destinationAddr: 'ACME',
    destAddrTon: 5,
    destAddrNpi: 0,
    esmClass: 0x04,
    dataCoding: 0,
    shortMessage: Buffer.alloc(0),
    tlvs: new Map(),
    ...fields,
  };
}

describe('parseReceiptText', () => {
  it('reads the documented format', () => {
    expect(parseReceiptText(DOC_RECEIPT)).toEqual({
      id: UUID,
      sub: '001',
      dlvrd: '001',
      submitDate: new Date(Date.UTC(2025, 10, 26, 4, 30)),
      submitDateRaw: '2511260430',
      doneDate: new Date(Date.UTC(2025, 10, 26, 4, 31)),
      doneDateRaw: '2511260431',
      stat: 'DELIVRD',
      err: '000',
      errorCode: 0,
      text: 'Hello world',
    });
  });

  it('reads field names in any case and fields in any order', () => {
    const r = parseReceiptText(
      'STAT:undeliv ERR:1 ID:abc123 Submit Date:2501020304 DONE DATE:2501020305 Sub:1 DLVRD:0 TEXT:x',
    );
    expect(r).toMatchObject({
      id: 'abc123',
      stat: 'UNDELIV',
      errorCode: 1,
      sub: '1',
      dlvrd: '0',
      submitDateRaw: '2501020304',
      doneDateRaw: '2501020305',
      text: 'x',
    });
  });

  it('accepts submit_date / done_date spellings and long stat spellings', () => {
    expect(
      parseReceiptText('id:7 submit_date:2501020304 done_date:2501020305 stat:DELIVERED err:0'),
    ).toMatchObject({ submitDateRaw: '2501020304', doneDateRaw: '2501020305', stat: 'DELIVRD' });
    expect(parseReceiptText('id:7 stat:Undeliverable')!.stat).toBe('UNDELIV');
    expect(parseReceiptText('id:7 stat:rejected')!.stat).toBe('REJECTD');
    expect(parseReceiptText('id:7 stat:accepted')!.stat).toBe('ACCEPTD');
    expect(parseReceiptText('id:7 stat:FAILED')!.stat).toBe('FAILED');
  });

  it('works without a text field', () => {
    const r = parseReceiptText(
      'id:42 sub:001 dlvrd:000 submit date:2511260430 done date:2511260431 stat:EXPIRED err:036',
    );
    expect(r).toMatchObject({ id: '42', stat: 'EXPIRED', err: '036', errorCode: 36 });
    expect(r).not.toHaveProperty('text');
  });

  it('takes everything after text: as the text, spaces and colons included', () => {
    const r = parseReceiptText(
      'id:1 sub:001 dlvrd:001 submit date:2511260430 done date:2511260431 stat:DELIVRD err:0 text:Your code: 1234 id:5 stat:UNDELIV',
    );
    expect(r).toMatchObject({
      id: '1',
      stat: 'DELIVRD',
      text: 'Your code: 1234 id:5 stat:UNDELIV',
    });
  });

  it('reads an empty text and trailing NULs', () => {
    expect(parseReceiptText('id:1 stat:DELIVRD err:0 text:')!.text).toBe('');
    expect(parseReceiptText('id:1 stat:DELIVRD err:0 text:hi\0\0')!.text).toBe('hi');
  });

  it('reads dates with seconds, as UTC', () => {
    const r = parseReceiptText('id:1 submit date:251126043015 done date:251231235959 stat:DELIVRD');
    expect(r!.submitDate!.toISOString()).toBe('2025-11-26T04:30:15.000Z');
    expect(r!.doneDate!.toISOString()).toBe('2025-12-31T23:59:59.000Z');
    expect(r!.doneDateRaw).toBe('251231235959');
  });

  it('keeps the raw value of a date it cannot read', () => {
    const r = parseReceiptText('id:1 submit date:2513260430 done date:25-11-26 stat:DELIVRD');
    expect(r).toMatchObject({ submitDateRaw: '2513260430', doneDateRaw: '25-11-26' });
    expect(r).not.toHaveProperty('submitDate');
    expect(r).not.toHaveProperty('doneDate');
  });

  it('reads err of 1, 2 and 3 digits, and keeps an alphanumeric err raw', () => {
    expect(parseReceiptText('id:1 stat:UNDELIV err:1')).toMatchObject({ err: '1', errorCode: 1 });
    expect(parseReceiptText('id:1 stat:UNDELIV err:46')).toMatchObject({
      err: '46',
      errorCode: 46,
    });
    expect(parseReceiptText('id:1 stat:UNDELIV err:046')).toMatchObject({
      err: '046',
      errorCode: 46,
    });
    expect(parseReceiptText('id:1 stat:UNDELIV err:0x1B')).toMatchObject({
      err: '0x1B',
      errorCode: null,
    });
    expect(parseReceiptText('id:1 stat:UNDELIV')!.errorCode).toBeNull();
  });

  it('gives null for text that is not a receipt', () => {
    for (const text of [
      '',
      'Hello there',
      'Meet me at 10:30',
      'my id: 12345',
      'text: id:1 stat:DELIVRD',
      'Your OTP is 1234. Text: STOP to opt out',
    ]) {
      expect(parseReceiptText(text), text).toBeNull();
    }
    expect(parseReceiptText(undefined as unknown as string)).toBeNull();
    expect(parseReceiptText(42 as unknown as string)).toBeNull();
  });

  it('accepts a receipt that has no id (the TLV may carry it)', () => {
    expect(parseReceiptText('stat:DELIVRD err:000')).toEqual({
      stat: 'DELIVRD',
      err: '000',
      errorCode: 0,
    });
  });

  it('never throws on odd input', () => {
    for (const text of ['id:', 'stat:', ':::', 'id: stat: err: text:', 'sub:1 dlvrd:1 id']) {
      expect(() => parseReceiptText(text)).not.toThrow();
    }
    expect(parseReceiptText('id: stat: err: text:')).toEqual({ errorCode: null, text: '' });
  });
});

describe('parseReceiptDate', () => {
  it('reads YYMMDDhhmm, YYMMDDhhmmss and YYYYMMDDhhmmss', () => {
    expect(parseReceiptDate('2402291200')!.toISOString()).toBe('2024-02-29T12:00:00.000Z');
    expect(parseReceiptDate('240229120059')!.toISOString()).toBe('2024-02-29T12:00:59.000Z');
    expect(parseReceiptDate('20240229120059')!.toISOString()).toBe('2024-02-29T12:00:59.000Z');
  });

  it('refuses impossible dates', () => {
    for (const raw of [
      '2502291200',
      '2504310000',
      '2500010000',
      '2501002400',
      '2501012400',
      '2501011260',
      '250101',
      'abcdefghij',
    ]) {
      expect(parseReceiptDate(raw), raw).toBeUndefined();
    }
  });
});

describe('parseReceipt', () => {
  it('reads the documented format from short_message', () => {
    const r = parseReceipt(deliver({ shortMessage: Buffer.from(DOC_RECEIPT, 'latin1') }));
    expect(r).toEqual({
      smscMessageId: UUID,
      idSource: 'text',
      stat: 'DELIVRD',
      errorCode: 0,
      err: '000',
      submitDate: new Date(Date.UTC(2025, 10, 26, 4, 30)),
      doneDate: new Date(Date.UTC(2025, 10, 26, 4, 31)),
      rawText: DOC_RECEIPT,
      text: 'Hello world',
      finalState: 'delivered',
      final: true,
    });
  });

  it('takes the id from the TLV when the text has none', () => {
    const r = parseReceipt(
      deliver({ receiptedMessageId: UUID, messageState: 2, shortMessage: Buffer.alloc(0) }),
    );
    expect(r).toMatchObject({
      smscMessageId: UUID,
      idSource: 'tlv',
      stat: 'DELIVRD',
      errorCode: null,
      rawText: '',
      final: true,
    });
  });

  it('lets the TLVs override the text', () => {
    const r = parseReceipt(
      deliver({
        shortMessage: Buffer.from('id:0A1B sub:001 dlvrd:000 stat:DELIVRD err:000', 'latin1'),
        receiptedMessageId: '2587',
        messageState: 5,
        networkErrorCode: { type: 3, code: 27 },
      }),
    );
    expect(r).toMatchObject({
      smscMessageId: '2587',
      idSource: 'tlv',
      stat: 'UNDELIV',
      finalState: 'undeliverable',
      messageState: 5,
      networkErrorCode: { type: 3, code: 27 },
      errorCode: 0,
    });
  });

  it('maps every message_state', () => {
    const expected: [number, string, string | null][] = [
      [1, 'ENROUTE', null],
      [2, 'DELIVRD', 'delivered'],
      [3, 'EXPIRED', 'expired'],
      [4, 'DELETED', 'failed'],
      [5, 'UNDELIV', 'undeliverable'],
      [6, 'ACCEPTD', null],
      [7, 'UNKNOWN', 'unknown'],
      [8, 'REJECTD', 'rejected'],
    ];
    for (const [state, stat, finalState] of expected) {
      const r = parseReceipt(deliver({ receiptedMessageId: 'x', messageState: state }))!;
      expect([r.stat, r.finalState, r.final]).toEqual([stat, finalState, finalState !== null]);
    }
  });

  it('falls back to the text stat for an unknown message_state, and to null without one', () => {
    const shortMessage = Buffer.from('id:9 stat:EXPIRED err:036', 'latin1');
    expect(parseReceipt(deliver({ shortMessage, messageState: 0 }))!.stat).toBe('EXPIRED');
    expect(parseReceipt(deliver({ shortMessage, messageState: 9 }))!.stat).toBe('EXPIRED');
    const none = parseReceipt(deliver({ receiptedMessageId: 'abc' }))!;
    expect([none.stat, none.finalState, none.final]).toEqual([null, null, false]);
  });

  it('is not final for ACCEPTD, ENROUTE and stats it does not know', () => {
    for (const stat of ['ACCEPTD', 'ENROUTE', 'FAILED']) {
      const r = parseReceipt(
        deliver({ shortMessage: Buffer.from(`id:1 stat:${stat} err:0`, 'latin1') }),
      )!;
      expect([r.stat, r.final], stat).toEqual([stat, false]);
    }
  });

  it('cleans the TLV id and falls back to the text id when the TLV is empty', () => {
    const shortMessage = Buffer.from('id:fromtext stat:DELIVRD err:0', 'latin1');
    expect(
      parseReceipt(deliver({ shortMessage, receiptedMessageId: ' abc\u0004 ' }))!.smscMessageId,
    ).toBe('abc');
    expect(parseReceipt(deliver({ shortMessage, receiptedMessageId: '\0' }))).toMatchObject({
      smscMessageId: 'fromtext',
      idSource: 'text',
    });
  });

  it('gives null when no id can be found', () => {
    expect(parseReceipt(deliver())).toBeNull();
    expect(parseReceipt(deliver({ shortMessage: Buffer.from('stat:DELIVRD err:0') }))).toBeNull();
    expect(parseReceipt(deliver({ shortMessage: Buffer.from('Hello') }))).toBeNull();
  });

  it('reads the text from message_payload, UCS2 and GSM codings too', () => {
    expect(
      parseReceipt(deliver({ messagePayload: Buffer.from('id:p1 stat:DELIVRD err:0', 'latin1') }))!
        .smscMessageId,
    ).toBe('p1');
    expect(
      parseReceipt(
        deliver({ dataCoding: 8, shortMessage: encodeUcs2('id:u1 stat:REJECTD err:5') }),
      ),
    ).toMatchObject({ smscMessageId: 'u1', stat: 'REJECTD', errorCode: 5 });
    expect(
      parseReceipt(deliver({ shortMessage: encodeGsm7('id:g1 stat:DELIVRD err:0 text:@home')! })),
    ).toMatchObject({ smscMessageId: 'g1', text: '@home' });
  });
});

describe('receiptRawText', () => {
  it('reads printable ASCII under data_coding 0 as ASCII, so _ and $ survive', () => {
    const bytes = Buffer.from('id:a_b$c stat:DELIVRD\0', 'latin1');
    expect(receiptRawText(deliver({ shortMessage: bytes }))).toBe('id:a_b$c stat:DELIVRD');
    expect(parseReceipt(deliver({ shortMessage: bytes }))!.smscMessageId).toBe('a_b$c');
  });

  it('decodes GSM when the bytes are not plain ASCII', () => {
    const bytes = encodeGsm7('id:1 stat:DELIVRD text:a@b Δ')!;
    expect(receiptRawText(deliver({ shortMessage: bytes }))).toBe('id:1 stat:DELIVRD text:a@b Δ');
  });
});

describe('isDeliveryReceipt', () => {
  it('reads the message type bits of esm_class', () => {
    expect(isDeliveryReceipt(0x04)).toBe(true);
    expect(isDeliveryReceipt(0x44)).toBe(true);
    expect(isDeliveryReceipt(0x20)).toBe(true);
    expect(isDeliveryReceipt(0x00)).toBe(false);
    expect(isDeliveryReceipt(0x40)).toBe(false);
    expect(isDeliveryReceipt(0x08)).toBe(false);
  });
});
