import { afterEach, describe, expect, it } from 'vitest';
import type { PDU } from 'smpp';
import { decodeGsm7, encodeGsm7, isGsm7 } from '../../src/simulator/gsm7.js';
import { buildMoParts } from '../../src/simulator/mo-builder.js';
import { messageOf, messageText, startSimulator, SYSTEM_ID } from './raw-client.js';

type Harness = Awaited<ReturnType<typeof startSimulator>>;
let h: Harness | undefined;

afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

const MO_ID = 0x1502;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const base = { systemId: SYSTEM_ID, from: '6591234567', to: '74700' };

function moId(pdu: PDU): string {
  const raw = pdu[MO_ID] as Buffer;
  expect(raw).toHaveLength(36);
  return raw.toString('ascii');
}

describe('GSM 03.38 coder', () => {
  it('encodes the default alphabet and the extension table with 0x1B, one septet per byte', () => {
    expect(encodeGsm7('@£$')).toEqual(Buffer.from([0x00, 0x01, 0x02]));
    expect(encodeGsm7('a€[')).toEqual(Buffer.from([0x61, 0x1b, 0x65, 0x1b, 0x3c]));
    expect(encodeGsm7('中')).toEqual(Buffer.from([0x3f]));
    expect(isGsm7('Hello {world} €5')).toBe(true);
    expect(isGsm7('Привет')).toBe(false);
    expect(decodeGsm7(encodeGsm7('Ünïcödé'))).toBe('Ün?cödé');
    const extended = 'Äö ß ¿¡ ^{}\\[~]|€ @£$';
    expect(decodeGsm7(encodeGsm7(extended))).toBe(extended);
  });

  it('never splits an extension pair or a surrogate pair across parts', () => {
    const gsm = buildMoParts({ ...base, text: `${'a'.repeat(152)}€${'b'.repeat(10)}` });
    expect(gsm).toHaveLength(2);
    expect(gsm[0].shortMessage.subarray(6)).toEqual(Buffer.from('a'.repeat(152)));
    expect(gsm[1].shortMessage.subarray(6, 8)).toEqual(Buffer.from([0x1b, 0x65]));
    const ucs2 = buildMoParts({ ...base, text: `${'a'.repeat(66)}😀${'b'.repeat(10)}` });
    expect(ucs2).toHaveLength(2);
    expect(ucs2[0].shortMessage.length - 6).toBe(66 * 2);
  });
});

describe('SmscSimulator MO (injectMo)', () => {
  it('sends plain GSM text as one deliver_sm with esm_class 0, data_coding 0 and the 0x1502 id', async () => {
    h = await startSimulator();
    const client = await h.bound('transceiver');
    const result = await h.sim.injectMo({ ...base, text: 'Hello {world} €5' });
    expect(client.delivers).toHaveLength(1);
    const mo = client.delivers[0];
    expect(mo).toMatchObject({
      esm_class: 0,
      data_coding: 0,
      source_addr: '6591234567',
      destination_addr: '74700',
    });
    expect(messageText(mo)).toBe('Hello {world} €5');
    expect(moId(mo)).toMatch(UUID);
    expect(result.parts).toEqual([{ moId: moId(mo), bindId: h.sim.binds[0].bindId, status: 0 }]);
    expect(h.sim.stats).toMatchObject({ moSent: 1, moAcked: 1 });
  });

  it('sends UCS2 as UTF-16BE with data_coding 8', async () => {
    h = await startSimulator();
    const client = await h.bound('receiver');
    await h.sim.injectMo({ ...base, text: 'Привет 😀' });
    const mo = client.delivers[0];
    expect(mo.data_coding).toBe(8);
    expect(messageText(mo)).toBe('Привет 😀');
  });

  it('splits a long GSM text into udh8 parts that reassemble to the text', async () => {
    h = await startSimulator();
    const client = await h.bound('transceiver');
    const text = Array.from({ length: 400 }, (_, i) => String.fromCharCode(65 + (i % 26))).join('');
    const result = await h.sim.injectMo({ ...base, text });
    expect(result.parts).toHaveLength(3);
    const parts = client.delivers;
    expect(parts.map((p) => p.esm_class)).toEqual([0x40, 0x40, 0x40]);
    const udhs = parts.map((p) => messageOf(p).udh![0]);
    const ref = udhs[0][2];
    expect(udhs).toEqual([
      Buffer.from([0x00, 0x03, ref, 3, 1]),
      Buffer.from([0x00, 0x03, ref, 3, 2]),
      Buffer.from([0x00, 0x03, ref, 3, 3]),
    ]);
    expect(parts.map(messageText).join('')).toBe(text);
    expect(parts.map(messageText).map((t) => t.length)).toEqual([153, 153, 94]);
    expect(new Set(parts.map(moId)).size).toBe(3);
  });

  it('splits UCS2 with 16-bit references (udh16), 66 units per part', async () => {
    h = await startSimulator();
    const client = await h.bound('transceiver');
    const text = 'ж'.repeat(140);
    await h.sim.injectMo({ ...base, text, encoding: 'ucs2', parts: 'udh16' });
    const parts = client.delivers;
    expect(parts).toHaveLength(3);
    expect(parts.every((p) => p.data_coding === 8 && p.esm_class === 0x40)).toBe(true);
    const udhs = parts.map((p) => messageOf(p).udh![0]);
    expect(udhs.map((u) => [u[0], u[1], u[4], u[5]])).toEqual([
      [0x08, 0x04, 3, 1],
      [0x08, 0x04, 3, 2],
      [0x08, 0x04, 3, 3],
    ]);
    expect(parts.map(messageText).join('')).toBe(text);
  });

  it('uses sar_* TLVs and no UDH with parts sar', async () => {
    h = await startSimulator();
    const client = await h.bound('transceiver');
    const text = 'x'.repeat(200);
    await h.sim.injectMo({ ...base, text, parts: 'sar' });
    const parts = client.delivers;
    expect(parts).toHaveLength(2);
    expect(parts.map((p) => p.esm_class)).toEqual([0, 0]);
    expect(parts.map((p) => [p.sar_total_segments, p.sar_segment_seqnum])).toEqual([
      [2, 1],
      [2, 2],
    ]);
    expect(parts[0].sar_msg_ref_num).toBe(parts[1].sar_msg_ref_num);
    expect(parts.map(messageText).join('')).toBe(text);
  });

  it('spreads parts over different binds with splitAcross differentBinds', async () => {
    h = await startSimulator();
    const a = await h.bound('transceiver');
    const b = await h.bound('receiver');
    const result = await h.sim.injectMo({
      ...base,
      text: 'y'.repeat(300),
      splitAcross: 'differentBinds',
    });
    expect(a.delivers).toHaveLength(1);
    expect(b.delivers).toHaveLength(1);
    expect(new Set(result.parts.map((p) => p.bindId)).size).toBe(2);
  });

  it('reports the status the client answered and passes extra TLVs', async () => {
    h = await startSimulator();
    const client = await h.bound('transceiver');
    client.deliverStatus = () => 0x64;
    const result = await h.sim.injectMo({
      ...base,
      text: 'hi',
      tlvs: { user_message_reference: 7 },
      rawTlvs: [{ tag: 0x1503, value: Buffer.from('525') }],
    });
    expect(result.parts[0].status).toBe(0x64);
    expect(client.delivers[0].user_message_reference).toBe(7);
    expect((client.delivers[0][0x1503] as Buffer).toString()).toBe('525');
    expect(h.sim.stats.moAcked).toBe(0);
  });

  it('rejects without a receiver bind, and after the timeout when nobody answers', async () => {
    h = await startSimulator();
    const tx = await h.bound('transmitter');
    await expect(h.sim.injectMo({ ...base, text: 'hi' })).rejects.toThrow(/no receiver/);
    await tx.close();
    const rx = await h.bound('receiver');
    rx.deliverStatus = () => null;
    await expect(h.sim.injectMo({ ...base, text: 'hi', timeoutMs: 50 })).rejects.toThrow(
      /unanswered/,
    );
  });
});
