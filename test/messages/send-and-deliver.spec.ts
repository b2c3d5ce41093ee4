import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import {
  createSmppTestApp,
  eventually,
  type SmppTestApp,
  startSimulator,
} from '../support/smpp-app.js';

describe('send() through the simulator, receipt matched, events after commit', () => {
  let sim: SmscSimulator;
  let t: SmppTestApp;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 20 } });
    t = await createSmppTestApp({ simulator: sim });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('queues durably, submits, and marks the message delivered by its receipt', async () => {
    const sent = await t.smpp.send({ to: '+65 9123 4567', text: 'Your code is 123456' });
    expect(sent).toMatchObject({
      status: 'queued',
      to: '6591234567',
      from: 'TestBrand',
      encoding: 'gsm7',
      created: true,
    });
    const done = await eventually(async () => {
      const m = await t.smpp.getMessage(sent.id);
      return m?.status === 'delivered' ? m : null;
    }, 'delivered');
    expect(done.parts).toHaveLength(1);
    expect(done.parts[0].smscMessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(done.parts[0].receiptStat).toBe('DELIVRD');
    expect(done.doneAt).toBeInstanceOf(Date);
    // A receipt that overtook the stored submit_sm_resp was parked: its event has no messageId.
    const smscId = done.parts[0].smscMessageId;
    const names = await eventually(() => {
      const n = t.events
        .filter((e) => {
          const p = e.payload as { messageId?: string | null; smscMessageId?: string };
          return (
            p.messageId === sent.id ||
            (e.name === 'smpp.receipt.received' && p.smscMessageId === smscId)
          );
        })
        .map((e) => e.name);
      return n.includes('smpp.message.delivered') ? n : null;
    }, 'events');
    expect(names).toEqual(
      expect.arrayContaining([
        'smpp.message.submitted',
        'smpp.receipt.received',
        'smpp.message.delivered',
      ]),
    );
    expect(names.filter((n) => n === 'smpp.message.delivered')).toHaveLength(1);
  });

  it('sends the exact GSM bytes with data_coding 0', async () => {
    const sent = await t.smpp.send({
      to: '+6591234500',
      text: 'Price: 5€ [ok]',
      waitFor: 'submitted',
    });
    expect(sent.status).toMatch(/submitted|delivered/);
    const record = sim.submits.find((s) => s.messageId === sent.parts[0].smscMessageId);
    expect(record?.dataCoding).toBe(0);
    // '€' is ESC 0x65, '[' ESC 0x3C, ']' ESC 0x3E in GSM 03.38
    expect(record?.shortMessage.includes(Buffer.from([0x1b, 0x65]))).toBe(true);
  });
});
