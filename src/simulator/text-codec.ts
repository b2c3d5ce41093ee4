import { decodeGsm7 } from './gsm7.js';

/** UTF-16BE, as SMPP data_coding 8 (UCS2) carries it. */
export function encodeUcs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

export function decodeUcs2(bytes: Buffer): string {
  const even = bytes.subarray(0, bytes.length - (bytes.length % 2));
  return Buffer.from(even).swap16().toString('utf16le');
}

/** A short_message body (UDH already stripped) as text, by data_coding's low nibble. */
export function decodeBody(dataCoding: number, body: Buffer): string {
  switch (dataCoding & 0x0f) {
    case 0:
      return decodeGsm7(body);
    case 1:
      return body.toString('ascii');
    case 8:
      return decodeUcs2(body);
    default:
      return body.toString('latin1');
  }
}
