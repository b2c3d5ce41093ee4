// A thin promise wrapper over the raw smpp@0.5.1 client, for driving the simulator in tests.
import smpp from 'smpp';
import type { PDU, Session } from 'smpp';
import { SmscSimulator } from '../../src/simulator/index.js';
import type { SmscSimulatorOptions } from '../../src/simulator/index.js';

export type Mode = 'transmitter' | 'receiver' | 'transceiver';

export interface RawClient {
  session: Session;
  /** Every deliver_sm received, in order. */
  delivers: PDU[];
  /** Every inbound PDU, in order. */
  pdus: PDU[];
  errors: Error[];
  closed: Promise<void>;
  isClosed(): boolean;
  /** command_status for the automatic deliver_sm_resp (default ESME_ROK); null = do not answer. */
  deliverStatus: (pdu: PDU) => number | null;
  /** Answer the server's enquire_link (default true). */
  answerEnquireLink: boolean;
  request(command: string, fields?: Record<string, unknown>, timeoutMs?: number): Promise<PDU>;
  bind(mode: Mode, systemId?: string, password?: string): Promise<PDU>;
  submit(fields?: Record<string, unknown>, timeoutMs?: number): Promise<PDU>;
  /** Resolves with the first inbound PDU (already received or to come) matching. */
  next(predicate: (pdu: PDU) => boolean, timeoutMs?: number): Promise<PDU>;
  close(): Promise<void>;
}

export const SYSTEM_ID = 'smppuser';
export const PASSWORD = 'secret';

export async function connect(
  port: number,
  extra: Record<string, unknown> = {},
): Promise<RawClient> {
  const session = smpp.connect({ host: '127.0.0.1', port, ...extra });
  let closed = false;
  const client: RawClient = {
    session,
    delivers: [],
    pdus: [],
    errors: [],
    closed: new Promise((resolve) => session.on('close', () => resolve())),
    isClosed: () => closed,
    deliverStatus: () => 0,
    answerEnquireLink: true,
    request(command, fields = {}, timeoutMs = 2000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no response to ${command} in ${timeoutMs} ms`)),
          timeoutMs,
        );
        const sent = session.send(new smpp.PDU(command, fields), (pdu) => {
          clearTimeout(timer);
          resolve(pdu);
        });
        if (!sent) {
          clearTimeout(timer);
          reject(new Error(`${command}: socket not writable`));
        }
      });
    },
    bind(mode, systemId = SYSTEM_ID, password = PASSWORD) {
      return client.request(`bind_${mode}`, { system_id: systemId, password });
    },
    submit(fields = {}, timeoutMs?: number) {
      return client.request(
        'submit_sm',
        {
          source_addr: 'Brand',
          source_addr_ton: 5,
          destination_addr: '6591234567',
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          registered_delivery: 1,
          data_coding: 0,
          short_message: Buffer.from('hello'),
          ...fields,
        },
        timeoutMs,
      );
    },
    next(predicate, timeoutMs = 2000) {
      const seen = client.pdus.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const onPdu = (pdu: PDU) => {
          if (!predicate(pdu)) return;
          clearTimeout(timer);
          session.off('pdu', onPdu);
          resolve(pdu);
        };
        const timer = setTimeout(() => {
          session.off('pdu', onPdu);
          reject(new Error(`no matching PDU in ${timeoutMs} ms`));
        }, timeoutMs);
        session.on('pdu', onPdu);
      });
    },
    async close() {
      if (closed) return;
      session.destroy();
      await client.closed;
    },
  };
  session.on('close', () => {
    closed = true;
  });
  session.on('error', (e: Error) => {
    client.errors.push(e);
    // smpp@0.5.1 wedges after a parse error: drop the connection, as a real client must.
    session.destroy();
  });
  session.on('pdu', (pdu: PDU) => {
    client.pdus.push(pdu);
    if (pdu.command === 'deliver_sm') {
      client.delivers.push(pdu);
      const status = client.deliverStatus(pdu);
      if (status !== null) session.send(pdu.response({ command_status: status }));
    } else if (pdu.command === 'enquire_link' && client.answerEnquireLink) {
      session.send(pdu.response());
    }
  });
  await new Promise<void>((resolve, reject) => {
    session.on(extra.tls ? 'secureConnect' : 'connect', () => resolve());
    session.on('error', reject);
  });
  return client;
}

export async function bound(port: number, mode: Mode, systemId = SYSTEM_ID): Promise<RawClient> {
  const client = await connect(port);
  const resp = await client.bind(mode, systemId);
  if (resp.command_status !== 0)
    throw new Error(`bind failed: 0x${resp.command_status.toString(16)}`);
  return client;
}

/** Starts a simulator with quick timings; stop it and close the clients with the returned cleanup. */
export async function startSimulator(options: SmscSimulatorOptions = {}) {
  const sim = new SmscSimulator({
    ...options,
    receipts: { delayMs: 5, responseTimeoutMs: 300, redeliverDelayMs: 20, ...options.receipts },
  });
  await sim.start();
  const clients: RawClient[] = [];
  const track = (c: RawClient) => {
    clients.push(c);
    return c;
  };
  return {
    sim,
    connect: async (extra?: Record<string, unknown>) => track(await connect(sim.port, extra)),
    bound: async (mode: Mode, systemId?: string) => track(await bound(sim.port, mode, systemId)),
    async cleanup() {
      await Promise.all(clients.map((c) => c.close()));
      await sim.stop();
    },
  };
}

/** A decoded short_message: the library gives { message, udh? }. */
export function messageOf(pdu: PDU): { message: string | Buffer; udh?: Buffer[] } {
  return pdu.short_message as { message: string | Buffer; udh?: Buffer[] };
}

export function messageText(pdu: PDU): string {
  const m = messageOf(pdu).message;
  return typeof m === 'string' ? m : m.toString('latin1');
}
