import type { EncodingChoice } from './encoding/segmenter.js';

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
  /** Replace typographic characters by GSM-7 look-alikes when that keeps the text GSM-7 (default: the account's smartEncoding). */
  smartEncoding?: boolean;
  /** Idempotency key per account: the same clientRef returns the same message and sends nothing twice. */
  clientRef?: string;
  /** How long the SMSC keeps trying: seconds from now, or an absolute time. */
  validityPeriod?: number | Date;
  /** 'queued' (default): resolve once durably stored; 'submitted': once the SMSC accepted every part. */
  waitFor?: 'queued' | 'submitted';
  /** With waitFor 'submitted': give up waiting after this long (ms, default 60 000). The message is still sent. */
  waitTimeoutMs?: number;
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
