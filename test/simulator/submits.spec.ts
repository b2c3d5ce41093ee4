import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { CommandStatus } from '../../src/smpp/protocol/command-status.js';
import { convertMessageId, SmscSimulator } from '../../src/simulator/index.js';
import { startSimulator } from './raw-client.js';

type Harness = Awaited<ReturnType<typeof startSimulator>>;
let h: Harness;

afterEach(async () => {
  await h?.cleanup();
});

describe('SmscSimulator submit_sm', () => {
  it('throttles past the per-bind limit with ESME_RTHROTTLED and counts it', async () => {
    h = await startSimulator({ submitsPerSecondPerBind: 50, receipts: { enabled: false } });
    const client = await h.bound('transmitter');
    const resps = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        client.submit({ short_message: Buffer.from(`msg ${i}`), registered_delivery: 0 }),
      ),
    );
    const throttled = resps.filter((r) => r.command_status === CommandStatus.ESME_RTHROTTLED);
    const ok = resps.filter((r) => r.command_status === CommandStatus.ESME_ROK);
    expect(throttled.length).toBeGreaterThanOrEqual(10);
    expect(ok.length + throttled.length).toBe(60);
    expect(h.sim.stats.throttled).toBe(throttled.length);
    expect(h.sim.stats.submitsAccepted).toBe(ok.length);
    expect(h.sim.submits).toHaveLength(ok.length);
  });

  it('limits each bind separately and does not throttle with a limit of 0', async () => {
    h = await startSimulator({ submitsPerSecondPerBind: 3, receipts: { enabled: false } });
    const a = await h.bound('transmitter');
    const b = await h.bound('transmitter');
    const send = (c: typeof a) =>
      Promise.all(Array.from({ length: 3 }, () => c.submit({ registered_delivery: 0 })));
    expect((await send(a)).every((r) => r.command_status === 0)).toBe(true);
    expect((await send(b)).every((r) => r.command_status === 0)).toBe(true);
    expect((await a.submit()).command_status).toBe(CommandStatus.ESME_RTHROTTLED);
    h.sim.setSubmitsPerSecond(0);
    expect((await a.submit()).command_status).toBe(0);
  });

  it('answers with a 36-character UUID message id by default', async () => {
    h = await startSimulator({ receipts: { enabled: false } });
    const client = await h.bound('transceiver');
    const resp = await client.submit();
    expect(resp.command_status).toBe(0);
    expect(resp.message_id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(h.sim.submits[0].messageId).toBe(resp.message_id);
  });

  it.each([
    ['hex', /^[0-9a-f]{10}$/],
    ['decimal', /^\d{11,12}$/],
  ] as const)('answers with %s message ids when asked', async (style, pattern) => {
    h = await startSimulator({ messageIdStyle: style, receipts: { enabled: false } });
    const client = await h.bound('transceiver');
    const first = await client.submit();
    const second = await client.submit();
    expect(first.message_id).toMatch(pattern);
    expect(second.message_id).not.toBe(first.message_id);
  });

  it('records each accepted submit with its raw short_message, UDH and concatenation info', async () => {
    h = await startSimulator({ receipts: { enabled: false } });
    const client = await h.bound('transceiver');
    const submitted = once(h.sim, 'submit');
    const udh = Buffer.from([0x05, 0x00, 0x03, 0x2a, 0x02, 0x01]);
    // 0x1B 0x65 is the euro sign in GSM 03.38: the exact bytes must be kept.
    const body = Buffer.from([0x48, 0x69, 0x1b, 0x65]);
    const resp = await client.submit({
      source_addr: 'Brand',
      destination_addr: '6591234567',
      esm_class: 0x40,
      short_message: Buffer.concat([udh, body]),
    });
    const [event] = await submitted;
    const record = h.sim.submits[0];
    expect(event).toBe(record);
    expect(record).toMatchObject({
      messageId: resp.message_id,
      systemId: 'smppuser',
      sourceAddr: 'Brand',
      destinationAddr: '6591234567',
      dataCoding: 0,
      esmClass: 0x40,
      registeredDelivery: 1,
      concat: { scheme: 'udh8', ref: 0x2a, total: 2, seq: 1 },
      text: 'Hi€',
    });
    expect(record.shortMessage.equals(Buffer.concat([udh, body]))).toBe(true);
    expect(record.udh?.equals(udh)).toBe(true);
  });

  it('reads 16-bit UDH references and sar_* TLVs', async () => {
    h = await startSimulator({ receipts: { enabled: false } });
    const client = await h.bound('transceiver');
    await client.submit({
      esm_class: 0x40,
      short_message: Buffer.from([0x06, 0x08, 0x04, 0x12, 0x34, 0x03, 0x02, 0x41]),
    });
    await client.submit({
      short_message: Buffer.from('part'),
      sar_msg_ref_num: 0xbeef,
      sar_total_segments: 2,
      sar_segment_seqnum: 2,
    });
    expect(h.sim.submits.map((s) => s.concat)).toEqual([
      { scheme: 'udh16', ref: 0x1234, total: 3, seq: 2 },
      { scheme: 'sar', ref: 0xbeef, total: 2, seq: 2 },
    ]);
  });

  it('finds a content accepted twice with duplicateSubmits / acceptedCountByContent', async () => {
    h = await startSimulator({ receipts: { enabled: false } });
    const client = await h.bound('transceiver');
    await client.submit({ short_message: Buffer.from('once') });
    await client.submit({ short_message: Buffer.from('twice') });
    expect(h.sim.duplicateSubmits()).toEqual([]);
    await client.submit({ short_message: Buffer.from('twice') });
    await client.submit({ short_message: Buffer.from('twice'), destination_addr: '6599999999' });
    const duplicates = h.sim.duplicateSubmits();
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0]).toMatchObject({ destinationAddr: '6591234567', count: 2 });
    expect(duplicates[0].shortMessage.toString()).toBe('twice');
    expect([...h.sim.acceptedCountByContent().values()].sort()).toEqual([1, 1, 2]);
  });

  it('keeps the latest maxRecords submits in a ring and counts the others', async () => {
    h = await startSimulator({ receipts: { enabled: false }, maxRecords: 3 });
    const client = await h.bound('transceiver');
    for (const text of ['one', 'two', 'three', 'four', 'five'])
      await client.submit({ short_message: Buffer.from(text) });
    expect(h.sim.submits.map((r) => r.shortMessage.toString())).toEqual(['three', 'four', 'five']);
    expect(h.sim.submitCount).toBe(5);
    expect(h.sim.stats).toMatchObject({ submitsAccepted: 5, submitsDropped: 2 });
    h.sim.clearSubmits();
    expect(h.sim.submits).toEqual([]);
    expect(h.sim.submitCount).toBe(0);
    expect(() => new (h.sim.constructor as typeof SmscSimulator)({ maxRecords: 0 })).toThrow(
      /maxRecords must be a whole number >= 1/,
    );
  });

  it('answers submit_sm on a receiver-only bind with ESME_RINVBNDSTS', async () => {
    h = await startSimulator();
    const client = await h.bound('receiver');
    expect((await client.submit()).command_status).toBe(CommandStatus.ESME_RINVBNDSTS);
    expect(h.sim.submits).toHaveLength(0);
  });

  it('fails the next n submits with the given status (failNextSubmits)', async () => {
    h = await startSimulator({ receipts: { enabled: false } });
    const client = await h.bound('transceiver');
    h.sim.failNextSubmits(2, CommandStatus.ESME_RMSGQFUL);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await client.submit()).command_status);
    expect(statuses).toEqual([CommandStatus.ESME_RMSGQFUL, CommandStatus.ESME_RMSGQFUL, 0]);
    expect(h.sim.stats).toMatchObject({ submitsFailed: 2, submitsAccepted: 1 });
  });

  it('answers late with setSubmitResponseDelay', async () => {
    h = await startSimulator({ receipts: { enabled: false } });
    const client = await h.bound('transceiver');
    h.sim.setSubmitResponseDelay(60);
    const started = Date.now();
    const resp = await client.submit();
    expect(resp.command_status).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('records, then drops the connection without answering (dropAfterSubmit)', async () => {
    h = await startSimulator();
    const tx = await h.bound('transmitter');
    const rx = await h.bound('receiver');
    h.sim.dropAfterSubmit(1);
    const resp = tx.submit({}, 200).then(
      () => 'answered',
      (e: Error) => e.message,
    );
    await tx.closed;
    expect(h.sim.submits).toHaveLength(1);
    // The outcome still comes as a receipt, on another bind.
    const receipt = await rx.next((p) => p.command === 'deliver_sm');
    expect(receipt.receipted_message_id).toBe(h.sim.submits[0].receiptId);
    expect(await resp).toMatch(/no response/);
  });

  it('withholds the answers to the next n submits, then drops their connection (dropAfterSubmit n)', async () => {
    h = await startSimulator({ receipts: { enabled: false } });
    const tx = await h.bound('transmitter');
    h.sim.dropAfterSubmit(2);
    const outcomes = [1, 2].map((i) =>
      tx.submit({ short_message: Buffer.from(`lost ${i}`) }, 300).then(
        () => 'answered',
        () => 'unanswered',
      ),
    );
    await tx.closed;
    expect(await Promise.all(outcomes)).toEqual(['unanswered', 'unanswered']);
    expect(h.sim.submits.map((s) => s.shortMessage.toString())).toEqual(['lost 1', 'lost 2']);
    const again = await h.bound('transmitter');
    expect((await again.submit()).command_status).toBe(0);
  });

  it('converts a hex id to decimal for receipts with receiptIdStyle decimal', () => {
    expect(convertMessageId('1a2b', 'hex', 'decimal')).toBe('6699');
    expect(convertMessageId('6699', 'decimal', 'hex')).toBe('1a2b');
    expect(convertMessageId('00000000-0000-0000-0000-000000001a2b', 'uuid', 'decimal')).toBe(
      '6699',
    );
    expect(convertMessageId('6699', 'decimal', 'uuid')).toBe(
      '00000000-0000-0000-0000-000000001a2b',
    );
  });
});
