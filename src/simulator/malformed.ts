import { randomBytes } from 'node:crypto';
import smpp from 'smpp';
import type { MalformedKind } from './simulator.types.js';

export const MALFORMED_KINDS: readonly MalformedKind[] = [
  'oversized-length',
  'length-8',
  'truncated-tlv',
  'random-bytes',
  'unknown-command',
  'response-to-nothing',
];

/** A command id no SMPP version defines. */
export const UNKNOWN_COMMAND_ID = 0x00000999;
/** A sequence number the simulator never uses towards a client it just wrote this to. */
export const UNUSED_SEQUENCE = 0x7ffffff0;

function header(length: number, commandId: number, status: number, sequence: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(length, 0);
  b.writeUInt32BE(commandId, 4);
  b.writeUInt32BE(status, 8);
  b.writeUInt32BE(sequence, 12);
  return b;
}

/**
 * Bytes a broken or foreign peer might send:
 * - oversized-length: an HTTP answer, read as command_length 0x48545450 (1213486160)
 * - length-8: a header claiming 8 bytes (less than the 16-byte header)
 * - truncated-tlv: a deliver_sm whose last TLV (message_state) has a header but no value
 * - random-bytes: 64 random bytes, the first with its high bit set (absurd length)
 * - unknown-command: a well-formed PDU with command id 0x00000999 (answer: generic_nack)
 * - response-to-nothing: a submit_sm_resp with a sequence number nobody sent
 */
export function malformedBytes(kind: MalformedKind, sequence: number): Buffer {
  switch (kind) {
    case 'oversized-length':
      return Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n', 'ascii');
    case 'length-8':
      return header(8, 0x00000015, 0, sequence).subarray(0, 8);
    case 'truncated-tlv': {
      const pdu = new smpp.PDU('deliver_sm', {
        sequence_number: sequence,
        source_addr: '6590000000',
        destination_addr: '8x8sim',
        esm_class: 0,
        data_coding: 0,
        short_message: Buffer.from('truncated'),
      }).toBuffer();
      // message_state (0x0427), length 1, and no value byte.
      const out = Buffer.concat([pdu, Buffer.from([0x04, 0x27, 0x00, 0x01])]);
      out.writeUInt32BE(out.length, 0);
      return out;
    }
    case 'random-bytes': {
      const bytes = randomBytes(64);
      bytes[0] |= 0x80;
      return bytes;
    }
    case 'unknown-command':
      return header(16, UNKNOWN_COMMAND_ID, 0, sequence);
    case 'response-to-nothing':
      return new smpp.PDU('submit_sm_resp', {
        sequence_number: UNUSED_SEQUENCE,
        message_id: 'nobody-asked',
      }).toBuffer();
  }
}
