import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { MALFORMED_KINDS } from '../../src/simulator/index.js';
import { connect, startSimulator } from './raw-client.js';

type Harness = Awaited<ReturnType<typeof startSimulator>>;
let h: Harness;

afterEach(async () => {
  await h?.cleanup();
});

describe('SmscSimulator fault injection', () => {
  it('knows the malformed kinds the brief asks for', () => {
    expect(MALFORMED_KINDS).toEqual([
      'oversized-length',
      'length-8',
      'truncated-tlv',
      'random-bytes',
      'unknown-command',
      'response-to-nothing',
    ]);
  });

  it.each(['oversized-length', 'length-8', 'truncated-tlv', 'random-bytes'] as const)(
    'writes %s: the raw client gets a parse error and closes',
    async (kind) => {
      h = await startSimulator();
      const client = await h.bound('transceiver');
      expect(h.sim.sendMalformed(kind)).toBe(1);
      await client.closed;
      expect(client.errors.length).toBeGreaterThanOrEqual(1);
      await h.sim.waitFor((s) => s.bindsNow.total === 0);
    },
  );

  it('writes unknown-command: a well-formed PDU with an unknown command id', async () => {
    h = await startSimulator();
    const client = await h.bound('transceiver');
    h.sim.sendMalformed('unknown-command');
    const pdu = await client.next((p) => p.command === 'unknown');
    expect(pdu.command_id).toBe(0x999);
    expect(client.errors).toEqual([]);
  });

  it('writes response-to-nothing: a submit_sm_resp with a sequence nobody used', async () => {
    h = await startSimulator();
    const client = await h.bound('transceiver');
    h.sim.sendMalformed('response-to-nothing');
    const pdu = await client.next((p) => p.command === 'submit_sm_resp');
    expect(pdu.sequence_number).toBe(0x7ffffff0);
  });

  it('writes malformed bytes only to the binds of the given system_id', async () => {
    h = await startSimulator({
      accounts: [
        { systemId: 'smppuser', password: 'secret' },
        { systemId: 'other', password: 'secret' },
      ],
    });
    const target = await h.bound('transceiver');
    const spared = await h.bound('transceiver', 'other');
    expect(h.sim.sendMalformed('length-8', { systemId: 'smppuser' })).toBe(1);
    await target.closed;
    expect(spared.isClosed()).toBe(false);
    expect((await spared.request('enquire_link')).command).toBe('enquire_link_resp');
  });

  it('disconnects a client that sends garbage and keeps serving the others', async () => {
    h = await startSimulator();
    const good = await h.bound('transceiver');
    const socket = net.connect(h.sim.port, '127.0.0.1');
    socket.on('error', () => undefined);
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await closed;
    expect(h.sim.stats.garbageReceived).toBe(1);
    expect((await good.request('enquire_link')).command).toBe('enquire_link_resp');
  });

  it('destroys every connection with dropAllConnections and redelivers the receipt after a rebind', async () => {
    h = await startSimulator();
    const a = await h.bound('transmitter');
    const b = await h.bound('receiver');
    b.deliverStatus = () => null; // the receipt is in flight when the link drops
    const resp = await a.submit();
    await b.next((p) => p.command === 'deliver_sm');
    expect(h.sim.dropAllConnections()).toBe(2);
    await Promise.all([a.closed, b.closed]);
    await h.sim.waitFor((s) => s.bindsNow.total === 0);
    expect(h.sim.pendingReceipts).toBe(1);
    const rx = await h.bound('receiver');
    const receipt = await rx.next((p) => p.command === 'deliver_sm');
    expect(receipt.receipted_message_id).toBe(resp.message_id);
    await h.sim.waitFor((s) => s.receiptsAcked === 1);
  });

  it('answers nothing while silent (goSilent) but keeps the socket open, then recovers', async () => {
    h = await startSimulator();
    const client = await h.bound('transceiver');
    h.sim.goSilent(true);
    await expect(client.request('enquire_link', {}, 100)).rejects.toThrow(/no response/);
    await expect(client.submit({}, 50)).rejects.toThrow(/no response/);
    expect(client.isClosed()).toBe(false);
    expect(h.sim.submits).toHaveLength(0);
    await expect(
      h.sim.injectMo({ systemId: 'smppuser', from: '1', to: '2', text: 'x' }),
    ).rejects.toThrow(/silent/);
    h.sim.goSilent(false);
    expect((await client.request('enquire_link')).command).toBe('enquire_link_resp');
  });

  it('holds receipts while silent and sends them when it speaks again', async () => {
    h = await startSimulator({ receipts: { delayMs: 100 } });
    const client = await h.bound('transceiver');
    await client.submit();
    h.sim.goSilent(true);
    await new Promise((r) => setTimeout(r, 200)); // past the receipt's due time
    expect(client.delivers).toHaveLength(0);
    expect(h.sim.pendingReceipts).toBe(1);
    h.sim.goSilent(false);
    await client.next((p) => p.command === 'deliver_sm');
  });

  it('stops idempotently and restarts on the same port with its pending receipts', async () => {
    h = await startSimulator();
    const tx = await h.bound('transmitter');
    const resp = await tx.submit();
    const port = h.sim.port;
    await Promise.all([h.sim.stop(), h.sim.stop()]);
    await h.sim.stop();
    await tx.closed;
    await expect(connect(port)).rejects.toThrow(/ECONNREFUSED/);
    await h.sim.start();
    expect(h.sim.port).toBe(port);
    const rx = await h.bound('receiver');
    const receipt = await rx.next((p) => p.command === 'deliver_sm');
    expect(receipt.receipted_message_id).toBe(resp.message_id);
  });

  it('survives an event listener that throws', async () => {
    const errors: string[] = [];
    h = await startSimulator({
      logger: { log: () => {}, warn: () => {}, error: (m) => errors.push(m) },
    });
    h.sim.on('bind', () => {
      throw new Error('listener bug');
    });
    const client = await h.bound('transceiver');
    expect((await client.request('enquire_link')).command).toBe('enquire_link_resp');
    expect(errors.join()).toMatch(/listener bug/);
  });
});
