import type { EncodingChoice } from './encoding/segmenter.js';

/**
 * The lane a message waits in: the dispatcher takes `high` first, then `normal`, then `bulk`
 * (which keeps the account's `lanes.bulkMinShare` of the claims while it has a backlog).
 */
export type MessagePriority = 'high' | 'normal' | 'bulk';

/** What an application passes to SmppService.send(). */
export interface SendOptions {
  /** Destination in international form: "+6591234567" (spaces, dashes, dots and brackets are ignored). */
  to: string;
  text: string;
  /** Sender: up to 11 letters/digits ("MyBrand"), a short code, or a number up to 16 digits. Default: the account's defaultSender. */
  from?: string;
  /** Account name (default: the first configured account). */
  account?: string;
  /** 'auto' (default): GSM 03.38 when every character fits, else UCS2. */
  encoding?: EncodingChoice;
  /** Idempotency key per account: the same clientRef returns the same message and sends nothing twice. */
  clientRef?: string;
  /** How long the SMSC keeps trying: seconds from now, or an absolute time. */
  validityPeriod?: number | Date;
  /** 'queued' (default): resolve once durably stored; 'submitted': once the SMSC accepted every part. */
  waitFor?: 'queued' | 'submitted';
  /** With waitFor 'submitted': give up waiting after this long (ms, default 60 000). The message is still sent. */
  waitTimeoutMs?: number;
  /** 'normal' (default), 'high' (one-time codes: before everything else), or 'bulk' (campaigns). */
  priority?: MessagePriority;
  /**
   * No part is submitted after this time (a Date or an ISO 8601 string, in the future, at most
   * MAX_EXPIRY_MS (7 days) ahead): a part still waiting then ends `expired` locally and the
   * message `expired` (event `smpp.message.expired`). The time left is sent as validity_period.
   * Not together with `ttlMs`.
   */
  expiresAt?: Date | string;
  /** `expiresAt` as ms from now: a whole number from 1 to MAX_EXPIRY_MS. Not together with `expiresAt`. */
  ttlMs?: number;
  /**
   * Send at this time (a Date or an ISO 8601 string; at most MAX_SCHEDULE_AHEAD_MS (30 days)
   * ahead; a past time means now). Until then the message is `scheduled` (durable, cancellable).
   */
  sendAt?: Date | string;
}

/** Message handling options of SmppModule. */
export interface SmppMessagesOptions {
  /** Refuse texts that need more parts (default 10). */
  maxParts?: number;
  /** How long texts are split (default 'udh8'; 'payload' sends the whole text in message_payload). */
  concatenation?: 'udh8' | 'udh16' | 'payload';
  /** Submits refused with a temporary error (throttled, queue full) are tried this often in all (default 5). */
  maxAttempts?: number;
  /** registered_delivery (default 1: final receipt, success or failure). */
  registeredDelivery?: number;
}
