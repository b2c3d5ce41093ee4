import smpp from 'smpp';
import type { PDU } from 'smpp';
import { encodeGsm7 } from './texts.js';

/**
 * The ceiling: the bare smpp@0.5.1 client, one bind, at most `window` submit_sm outstanding,
 * each with a pre-encoded Buffer and an explicit data_coding, nothing persisted. Returns submit_sm/s.
 */
export async function rawSubmitRate(
  port: number,
  total: number,
  window: number,
  texts: (i: number) => string,
  receipts = false,
): Promise<number> {
  const session = smpp.connect({ host: '127.0.0.1', port });
  session.on('error', (e: Error) => console.error(`raw client: ${e.message}`));
  // With `receipts`, each submit asks for one and it is acknowledged at once (not stored).
  session.on('deliver_sm', (pdu: PDU) => session.send(pdu.response()));
  session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
  await new Promise<void>((resolve) => session.once('connect', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    session.send(
      new smpp.PDU('bind_transceiver', {
        system_id: 'smppuser',
        password: 'secret',
        interface_version: 0x34,
      }),
      (r: PDU) =>
        r.command_status === 0 ? resolve() : reject(new Error(`bind refused: ${r.command_status}`)),
    );
  });

  const bodies = Array.from({ length: total }, (_, i) => encodeGsm7(texts(i)));
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    let sent = 0;
    let done = 0;
    const next = () => {
      if (sent >= total) return;
      const i = sent++;
      session.send(
        new smpp.PDU('submit_sm', {
          source_addr_ton: 5,
          source_addr_npi: 0,
          source_addr: 'BenchBrand',
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          destination_addr: destination(i),
          registered_delivery: receipts ? 1 : 0,
          data_coding: 0,
          short_message: bodies[i],
        }),
        (r: PDU) => {
          if (r.command_status !== 0) {
            reject(new Error(`raw submit refused: 0x${r.command_status.toString(16)}`));
            return;
          }
          if (++done === total) resolve();
          else next();
        },
      );
    };
    for (let k = 0; k < window; k++) next();
  });
  const seconds = (performance.now() - started) / 1000;
  await new Promise<void>((resolve) => {
    session.send(new smpp.PDU('unbind', {}), () => resolve());
    setTimeout(resolve, 500);
  });
  session.destroy();
  return total / seconds;
}

export function destination(i: number): string {
  return `659${String(1_000_000 + (i % 9_000_000)).padStart(7, '0')}`;
}
