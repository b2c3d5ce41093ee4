import { afterEach, describe, expect, it } from 'vitest';
import type { PDU } from 'smpp';
import { CommandStatus } from '../../src/smpp/protocol/command-status.js';
import { messageText, startSimulator } from './raw-client.js';

type Harness = Awaited<ReturnType<typeof startSimulator>>;
let h: Harness;

afterEach(async () => {
  await h?.cleanup();
});

const RECEIPT =
  /^id:(\S+) sub:001 dlvrd:(\d{3}) submit date:(\d{10}) done date:(\d{10}) stat:(\w+) err:(\d{3}) text:(.*)$/;

const isReceipt = (p: PDU) => p.command === 'deliver_sm' && p.esm_class === 0x04;

describe('SmscSimulator receipts', () => {
  it('sends an 8x8 receipt with text and TLVs on a receiver bind other than the submitting transmitter', async () => {
    h = await startSimulator();
    const tx = await h.bound('transmitter');
    const rx = await h.bound('receiver');
    const resp = await tx.submit({
      source_addr: 'Brand',
      destination_addr: '6591234567',
      short_message: Buffer.from('Your code is 123456, valid 5 minutes'),
    });
    const receipt = await rx.next(isReceipt);
    expect(receipt.data_coding).toBe(0);
    expect(receipt.source_addr).toBe('6591234567');
    expect(receipt.destination_addr).toBe('Brand');
    const match = RECEIPT.exec(messageText(receipt));
    expect(match).not.toBeNull();
    const [, id, dlvrd, , , stat, err, textField] = match!;
    expect(id).toBe(resp.message_id);
    expect(id).toHaveLength(36);
    expect({ dlvrd, stat, err, textField }).toEqual({
      dlvrd: '001',
      stat: 'DELIVRD',
      err: '000',
      textField: 'Your code is 123456,',
    });
    expect(receipt.receipted_message_id).toBe(resp.message_id);
    expect(receipt.message_state).toBe(2);
    expect(receipt.network_error_code).toEqual(Buffer.from([3, 0, 0]));
    await h.sim.waitFor((s) => s.receiptsAcked === 1);
    expect(h.sim.pendingReceipts).toBe(0);
    expect(tx.delivers).toHaveLength(0);
  });

  it('puts the decimal value of a hex message id in receipts with receiptIdStyle decimal', async () => {
    h = await startSimulator({ messageIdStyle: 'hex', receiptIdStyle: 'decimal' });
    const client = await h.bound('transceiver');
    const resp = await client.submit();
    const receipt = await client.next(isReceipt);
    const expected = BigInt(`0x${resp.message_id as string}`).toString(10);
    expect(receipt.receipted_message_id).toBe(expected);
    expect(messageText(receipt)).toContain(`id:${expected} `);
    expect(h.sim.submits[0].receiptId).toBe(expected);
  });

  it('applies the first matching rule: UNDELIV with its err', async () => {
    h = await startSimulator({
      receipts: {
        rules: [
          { destinationPrefix: '6590', stat: 'UNDELIV', err: 1 },
          { destination: /^659/, stat: 'EXPIRED', err: 36 },
        ],
      },
    });
    const client = await h.bound('transceiver');
    const undeliv = await client.submit({ destination_addr: '6590000001' });
    const expired = await client.submit({ destination_addr: '6591000001' });
    const delivered = await client.submit({ destination_addr: '4479000001' });
    await h.sim.waitFor((s) => s.receiptsAcked === 3);
    const byId = new Map(client.delivers.map((d) => [d.receipted_message_id, d]));
    const first = byId.get(undeliv.message_id)!;
    expect(messageText(first)).toMatch(/dlvrd:000 .* stat:UNDELIV err:001 /);
    expect(first.message_state).toBe(5);
    expect(first.network_error_code).toEqual(Buffer.from([3, 0, 1]));
    expect(messageText(byId.get(expired.message_id)!)).toMatch(/stat:EXPIRED err:036/);
    expect(byId.get(expired.message_id)!.message_state).toBe(3);
    expect(messageText(byId.get(delivered.message_id)!)).toMatch(/stat:DELIVRD err:000/);
  });

  it('sends ENROUTE first, then DELIVRD, when enroute is on', async () => {
    h = await startSimulator({ receipts: { enroute: true } });
    const client = await h.bound('transceiver');
    await client.submit();
    await h.sim.waitFor((s) => s.receiptsAcked === 2);
    expect(client.delivers.map((d) => d.message_state)).toEqual([1, 2]);
    expect(client.delivers.map((d) => /stat:(\w+)/.exec(messageText(d))?.[1])).toEqual([
      'ENROUTE',
      'DELIVRD',
    ]);
  });

  it('sends no receipt when registered_delivery is 0, and only failures with 2', async () => {
    h = await startSimulator({
      receipts: { rules: [{ destinationPrefix: '6590', stat: 'REJECTD', err: 43 }] },
    });
    const client = await h.bound('transceiver');
    await client.submit({ registered_delivery: 0 });
    await client.submit({ registered_delivery: 2, destination_addr: '6591111111' });
    const failed = await client.submit({ registered_delivery: 2, destination_addr: '6590000000' });
    await h.sim.waitFor((s) => s.receiptsAcked === 1);
    expect(client.delivers.map((d) => d.receipted_message_id)).toEqual([failed.message_id]);
    expect(client.delivers[0].message_state).toBe(8);
  });

  it('redelivers a receipt answered with an error deliver_sm_resp', async () => {
    h = await startSimulator();
    const client = await h.bound('transceiver');
    let refusals = 2;
    client.deliverStatus = () => (refusals-- > 0 ? CommandStatus.ESME_RX_T_APPN : 0);
    const resp = await client.submit();
    await h.sim.waitFor((s) => s.receiptsAcked === 1, 2000, 'receipt acknowledged');
    expect(client.delivers).toHaveLength(3);
    expect(client.delivers.every((d) => d.receipted_message_id === resp.message_id)).toBe(true);
    expect(h.sim.stats).toMatchObject({
      receiptsSent: 3,
      receiptsRedelivered: 2,
      receiptsAcked: 1,
    });
  });

  it('redelivers a receipt left unanswered, possibly on another bind', async () => {
    h = await startSimulator({ receipts: { responseTimeoutMs: 50 } });
    const silentRx = await h.bound('receiver');
    silentRx.deliverStatus = () => null;
    const rx = await h.bound('receiver');
    const tx = await h.bound('transmitter');
    await tx.submit();
    await h.sim.waitFor((s) => s.receiptsAcked === 1, 2000, 'receipt acknowledged');
    expect(silentRx.delivers.length).toBeGreaterThanOrEqual(1);
    expect(rx.delivers).toHaveLength(1);
    expect(h.sim.stats.receiptsRedelivered).toBeGreaterThanOrEqual(1);
  });

  it('keeps a receipt pending until a receiver-capable bind comes up', async () => {
    h = await startSimulator();
    const tx = await h.bound('transmitter');
    const resp = await tx.submit();
    await new Promise((r) => setTimeout(r, 30));
    expect(h.sim.pendingReceipts).toBe(1);
    expect(h.sim.stats.receiptsSent).toBe(0);
    const rx = await h.bound('receiver');
    const receipt = await rx.next(isReceipt);
    expect(receipt.receipted_message_id).toBe(resp.message_id);
    await h.sim.waitFor((s) => s.receiptsAcked === 1);
    expect(h.sim.pendingReceipts).toBe(0);
  });

  it('sends the receipt before the submit_sm_resp with receiptBeforeResponse', async () => {
    h = await startSimulator();
    const client = await h.bound('transceiver');
    h.sim.receiptBeforeResponse(true);
    const resp = await client.submit();
    const order = client.pdus
      .filter((p) => p.command === 'submit_sm_resp' || isReceipt(p))
      .map((p) => p.command);
    expect(order).toEqual(['deliver_sm', 'submit_sm_resp']);
    expect(client.delivers[0].receipted_message_id).toBe(resp.message_id);
  });

  it('sends every receipt twice with duplicateReceipts', async () => {
    h = await startSimulator();
    const client = await h.bound('transceiver');
    h.sim.duplicateReceipts(true);
    const resp = await client.submit();
    await h.sim.waitFor((s) => s.receiptsAcked === 2);
    expect(client.delivers.map((d) => d.receipted_message_id)).toEqual([
      resp.message_id,
      resp.message_id,
    ]);
    expect(client.delivers[0].sequence_number).not.toBe(client.delivers[1].sequence_number);
  });

  it('emits receipt-acked with the bind that acknowledged it', async () => {
    h = await startSimulator();
    const tx = await h.bound('transmitter');
    await h.bound('receiver');
    const acked = new Promise((resolve) => h.sim.once('receipt-acked', resolve));
    const resp = await tx.submit();
    expect(await acked).toMatchObject({
      messageId: resp.message_id,
      stat: 'DELIVRD',
      attempt: 1,
      bindId: h.sim.binds.find((b) => b.mode === 'receiver')!.bindId,
    });
  });

  it('adds the 8x8 MCC/MNC vendor TLVs when destinationNetwork is set', async () => {
    h = await startSimulator({ receipts: { destinationNetwork: { mcc: '525', mnc: '01' } } });
    const client = await h.bound('transceiver');
    await client.submit();
    const receipt = await client.next(isReceipt);
    expect((receipt[0x1503] as Buffer).toString()).toBe('525');
    expect((receipt[0x1504] as Buffer).toString()).toBe('01');
  });
});
