import { randomInt } from 'node:crypto';
import type { ResolvedAccount } from '../config/resolved-options.js';
import { type FieldError, SmppError, SmppValidationError } from '../errors.js';
import type { NewMessage } from '../store/message-store.js';
import { destinationAddress, normalizeDestination, parseSender } from './address.js';
import { planText } from './text-plan.js';
import { hasLoneSurrogate } from './wire-values.js';
import { lanesAndTime } from './lanes-and-time.js';
import type { SendOptions, SmppMessagesOptions } from './send-options.js';
import { MAX_VALIDITY_SECONDS, toSmppValidity } from './validity-period.js';
import { timeOrderedId } from './time-ordered-id.js';

/** The width of smpp_messages.client_ref. */
const MAX_CLIENT_REF = 128;
const MAX_WAIT_TIMEOUT_MS = 600_000;

/**
 * Validates send() input and turns it into the message to store: every field checked, all
 * problems reported together, nothing stored when any is wrong.
 */
export function draftMessage(
  input: SendOptions,
  accounts: ReadonlyMap<string, ResolvedAccount>,
  defaultAccount: string,
  options: Required<SmppMessagesOptions>,
): NewMessage {
  const errors: FieldError[] = [];
  if (!input || typeof input !== 'object')
    throw new SmppValidationError([
      { field: 'message', message: 'expected an object { to, text, ... }' },
    ]);
  const accountName = input.account ?? defaultAccount;
  const account = accounts.get(accountName);
  if (!account) {
    errors.push({
      field: 'account',
      message: `unknown account "${accountName}"; configured: ${[...accounts.keys()].join(', ')}`,
    });
  }
  const to = collect(errors, () => {
    if (typeof input.to !== 'string')
      throw fieldError(
        'to',
        'required: the destination number in international form, e.g. "+6591234567"',
      );
    return destinationAddress(normalizeDestination(input.to));
  });
  const fromInput = input.from ?? account?.defaultSender;
  const from = collect(errors, () => {
    if (fromInput === undefined)
      throw fieldError('from', "required: give `from` or set the account's defaultSender");
    if (typeof fromInput !== 'string') throw fieldError('from', 'expected a string');
    return parseSender(fromInput);
  });
  const planned = planText(
    input,
    {
      maxParts: options.maxParts,
      concatenation: options.concatenation,
      reference: randomInt(0, 65_536),
    },
    account?.smartEncoding ?? false,
    errors,
  );
  if (input.clientRef !== undefined) errors.push(...clientRefErrors(input.clientRef));
  let validity: string | null = null;
  if (input.validityPeriod !== undefined) {
    const v = input.validityPeriod;
    if (typeof v === 'number' && Number.isFinite(v) && v >= 60 && v <= MAX_VALIDITY_SECONDS)
      validity = toSmppValidity(v);
    else if (v instanceof Date && !Number.isNaN(v.getTime()) && v.getTime() > Date.now())
      validity = toSmppValidity(v);
    else
      errors.push({
        field: 'validityPeriod',
        message: `expected seconds from 60 to ${MAX_VALIDITY_SECONDS}, or a future Date`,
      });
  }
  if (input.waitFor !== undefined && input.waitFor !== 'queued' && input.waitFor !== 'submitted') {
    errors.push({ field: 'waitFor', message: `expected 'queued' or 'submitted'` });
  }
  if (
    input.waitTimeoutMs !== undefined &&
    !(
      typeof input.waitTimeoutMs === 'number' &&
      Number.isInteger(input.waitTimeoutMs) &&
      input.waitTimeoutMs > 0 &&
      input.waitTimeoutMs <= MAX_WAIT_TIMEOUT_MS
    )
  ) {
    errors.push({
      field: 'waitTimeoutMs',
      message: `expected a whole number of ms from 1 to ${MAX_WAIT_TIMEOUT_MS}`,
    });
  }
  const lanes = lanesAndTime(input, errors);
  if (errors.length > 0 || !account || !to || !from || !planned)
    throw new SmppValidationError(errors);

  const { plan, replacements } = planned;
  const id = timeOrderedId();
  return {
    id,
    account: account.name,
    destination: to.addr,
    source: from.addr,
    sourceTon: from.ton,
    sourceNpi: from.npi,
    text: input.text,
    encoding: plan.encoding,
    dataCoding: plan.dataCoding,
    clientRef: input.clientRef ?? null,
    validityPeriod: validity,
    registeredDelivery: options.registeredDelivery,
    smartReplacements: replacements.length > 0 ? replacements : null,
    priority: lanes.priority,
    sendAt: lanes.sendAt,
    expiresAt: lanes.expiresAt,
    parts: plan.parts.map((p) => ({
      id: timeOrderedId(),
      seq: p.seq,
      body: p.body,
      udh: p.udh ?? null,
      esmClass: p.udh ? 0x40 : 0,
      messagePayload: plan.messagePayload ?? null,
    })),
  };
}

/** What is wrong with a clientRef ([]: nothing); send() and findByClientRef() check it alike. */
export function clientRefErrors(value: unknown): FieldError[] {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CLIENT_REF)
    return [
      { field: 'clientRef', message: `expected a string of 1 to ${MAX_CLIENT_REF} characters` },
    ];
  const errors: FieldError[] = [];
  collect(errors, () => checkStorable('clientRef', value));
  return errors;
}

/** Postgres text and jsonb take neither U+0000 nor an unpaired UTF-16 surrogate. */
function checkStorable(field: string, value: string): void {
  if (value.includes('\u0000')) throw fieldError(field, 'must not contain U+0000 (NUL): remove it');
  if (hasLoneSurrogate(value))
    throw fieldError(
      field,
      'contains an unpaired UTF-16 surrogate (a broken character): send well-formed Unicode',
    );
}

function fieldError(field: string, message: string): SmppValidationError {
  return new SmppValidationError([{ field, message }]);
}

function collect<T>(errors: FieldError[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof SmppValidationError) {
      errors.push(...error.errors);
      return undefined;
    }
    if (error instanceof SmppError) throw error;
    throw error;
  }
}
