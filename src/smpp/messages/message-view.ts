import type { MessageEncoding } from './encoding/segmenter.js';
import type { MessageStatus, PartStatus } from './message-status.js';

export interface SmppMessagePartView {
  seq: number;
  status: PartStatus;
  smscMessageId: string | null;
  errorCode: number | null;
  errorStatus: string | null;
  receiptStat: string | null;
  submittedAt: Date | null;
  doneAt: Date | null;
}

/** A stored message as send(), getMessage() and findByClientRef() return it. */
export interface SmppMessageView {
  id: string;
  account: string;
  to: string;
  from: string;
  text: string;
  status: MessageStatus;
  encoding: MessageEncoding;
  parts: SmppMessagePartView[];
  errorCode: number | null;
  errorStatus: string | null;
  errorReason: string | null;
  clientRef: string | null;
  createdAt: Date;
  submittedAt: Date | null;
  doneAt: Date | null;
}
