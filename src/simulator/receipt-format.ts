import { encodeGsm7 } from './gsm7.js';
import type { ReceiptStat } from './simulator.types.js';

/** SMPP 3.4 message_state for each receipt stat. */
export const MESSAGE_STATE: Readonly<Record<ReceiptStat, number>> = {
  ENROUTE: 1,
  DELIVRD: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIV: 5,
  ACCEPTD: 6,
  UNKNOWN: 7,
  REJECTD: 8,
};

/** network_error_code type byte for GSM. */
const NETWORK_TYPE_GSM = 3;

export interface ReceiptTextFields {
  receiptId: string;
  stat: ReceiptStat;
  err: number;
  submitDate: Date;
  doneDate: Date;
  /** The message text; the receipt carries its first 20 characters. */
  text: string;
}

const two = (n: number) => String(n).padStart(2, '0');

/** YYMMDDhhmm in UTC. */
export function receiptDate(d: Date): string {
  return (
    two(d.getUTCFullYear() % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes())
  );
}

/** `id:<id> sub:001 dlvrd:001 submit date:... done date:... stat:DELIVRD err:000 text:...` */
export function formatReceiptText(f: ReceiptTextFields): string {
  const delivered = f.stat === 'DELIVRD' ? '001' : '000';
  const err = String(Math.max(0, Math.min(999, Math.trunc(f.err)))).padStart(3, '0');
  const text = Array.from(f.text).slice(0, 20).join('');
  return (
    `id:${f.receiptId} sub:001 dlvrd:${delivered} submit date:${receiptDate(f.submitDate)} ` +
    `done date:${receiptDate(f.doneDate)} stat:${f.stat} err:${err} text:${text}`
  );
}

/** Receipt text encoded as data_coding 0 (GSM 03.38, unpacked). */
export function encodeReceiptText(f: ReceiptTextFields): Buffer {
  return encodeGsm7(formatReceiptText(f));
}

/** 3 bytes: network type (GSM), then the error code on 2 bytes. */
export function networkErrorCode(err: number): Buffer {
  const code = Math.max(0, Math.min(0xffff, Math.trunc(err)));
  return Buffer.from([NETWORK_TYPE_GSM, (code >> 8) & 0xff, code & 0xff]);
}
