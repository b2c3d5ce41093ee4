import type { FieldError } from '../errors.js';
import type { SubmitSmRequest } from './session.types.js';

/** short_message holds at most 254 octets (sm_length is one byte; 255 is reserved). */
export const MAX_SHORT_MESSAGE = 254;
/** A TLV value is at most 65535 octets. */
export const MAX_TLV_VALUE = 0xffff;
/** source_addr / destination_addr: 21 octets with the NUL. */
export const MAX_ADDRESS = 20;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// YYMMDDhhmmss + t + nn + p (p: '+'/'-' absolute, 'R' relative); SMPP 3.4 section 7.1.1.
const SMPP_TIME = /^\d{15}[+\-R]$/;

/**
 * Everything wrong with a submit_sm request, checked before the library encodes it
 * (the library throws RangeError/TypeError synchronously on these).
 */
export function validateSubmitSm(req: SubmitSmRequest): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: string, message: string) => errors.push({ field, message });
  if (req === null || typeof req !== 'object') {
    add('request', 'must be an object');
    return errors;
  }

  address(req.sourceAddr, 'sourceAddr', add, true);
  address(req.destinationAddr, 'destinationAddr', add, false);
  for (const field of [
    'sourceAddrTon',
    'sourceAddrNpi',
    'destAddrTon',
    'destAddrNpi',
    'dataCoding',
  ] as const) {
    octet(req[field], field, add);
  }
  if (req.esmClass !== undefined) octet(req.esmClass, 'esmClass', add);
  if (req.registeredDelivery !== undefined)
    octet(req.registeredDelivery, 'registeredDelivery', add);

  if (req.validityPeriod !== undefined) {
    if (typeof req.validityPeriod !== 'string') add('validityPeriod', 'must be a string');
    else if (req.validityPeriod !== '' && !SMPP_TIME.test(req.validityPeriod)) {
      add(
        'validityPeriod',
        'must be an SMPP time string of 16 characters (e.g. "000001000000000R") or empty',
      );
    }
  }

  const smOk = Buffer.isBuffer(req.shortMessage);
  if (!smOk) add('shortMessage', 'must be a Buffer of encoded bytes');
  const udhOk = req.udh === undefined || Buffer.isBuffer(req.udh);
  if (!udhOk) add('udh', 'must be a Buffer');
  else if (req.udh !== undefined) {
    if (req.udh.length < 2 || req.udh[0] !== req.udh.length - 1) {
      add('udh', 'must start with its UDHL byte, equal to the number of bytes after it');
    }
  }

  if (req.messagePayload !== undefined) {
    if (!Buffer.isBuffer(req.messagePayload)) add('messagePayload', 'must be a Buffer');
    else if (req.messagePayload.length > MAX_TLV_VALUE) {
      add(
        'messagePayload',
        `is ${req.messagePayload.length} bytes; a TLV holds at most ${MAX_TLV_VALUE}`,
      );
    }
    if (smOk && req.shortMessage.length > 0)
      add('shortMessage', 'must be empty when messagePayload is used');
    if (req.udh !== undefined) add('udh', 'cannot be combined with messagePayload');
  } else if (smOk && udhOk) {
    const total = req.shortMessage.length + (req.udh?.length ?? 0);
    if (total > MAX_SHORT_MESSAGE) {
      add(
        'shortMessage',
        `is ${total} bytes with the UDH; short_message holds at most ${MAX_SHORT_MESSAGE}`,
      );
    }
  }

  if (req.sar !== undefined) {
    const sar = req.sar as Partial<NonNullable<SubmitSmRequest['sar']>> | null;
    if (sar === null || typeof sar !== 'object') add('sar', 'must be an object');
    else {
      integerIn(sar.refNum, 0, 0xffff, 'sar.refNum', add);
      integerIn(sar.totalSegments, 1, 255, 'sar.totalSegments', add);
      integerIn(sar.segmentSeqnum, 1, 255, 'sar.segmentSeqnum', add);
      if (
        typeof sar.segmentSeqnum === 'number' &&
        typeof sar.totalSegments === 'number' &&
        sar.segmentSeqnum > sar.totalSegments
      ) {
        add('sar.segmentSeqnum', 'must not exceed sar.totalSegments');
      }
    }
  }
  return errors;
}

/** The smpp library's submit_sm fields for a validated request: explicit data_coding, bytes as given. */
export function submitSmFields(req: SubmitSmRequest): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    service_type: '',
    source_addr_ton: req.sourceAddrTon,
    source_addr_npi: req.sourceAddrNpi,
    source_addr: req.sourceAddr,
    dest_addr_ton: req.destAddrTon,
    dest_addr_npi: req.destAddrNpi,
    destination_addr: req.destinationAddr,
    esm_class: req.esmClass ?? 0,
    registered_delivery: req.registeredDelivery ?? 0,
    validity_period: req.validityPeriod ?? '',
    data_coding: req.dataCoding,
    // With a UDH the library prepends it and sets esm_class 0x40; a Buffer message is never re-encoded.
    short_message: req.udh ? { udh: req.udh, message: req.shortMessage } : req.shortMessage,
  };
  if (req.messagePayload) fields.message_payload = req.messagePayload;
  if (req.sar) {
    fields.sar_msg_ref_num = req.sar.refNum;
    fields.sar_total_segments = req.sar.totalSegments;
    fields.sar_segment_seqnum = req.sar.segmentSeqnum;
  }
  return fields;
}

type Add = (field: string, message: string) => void;

function address(value: unknown, field: string, add: Add, allowEmpty: boolean): void {
  if (typeof value !== 'string') return add(field, 'must be a string');
  if (!allowEmpty && value.length === 0) return add(field, 'must not be empty');
  if (value.length > MAX_ADDRESS) return add(field, `must be at most ${MAX_ADDRESS} characters`);
  if (!PRINTABLE_ASCII.test(value)) add(field, 'must be printable ASCII');
}

function octet(value: unknown, field: string, add: Add): void {
  integerIn(value, 0, 255, field, add);
}

function integerIn(value: unknown, min: number, max: number, field: string, add: Add): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    add(field, `must be an integer from ${min} to ${max}`);
  }
}
