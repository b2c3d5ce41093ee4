import type { MessageEncoding } from './encoding/segmenter.js';
import type { SmartReplacement } from './encoding/smart-encoding.js';
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
  /**
   * What smart encoding replaced in the parts sent (distinct characters, with counts); empty when
   * it was off, found nothing, or did not apply. `text` is always the text as given.
   */
  smartReplacements: SmartReplacement[];
  createdAt: Date;
  submittedAt: Date | null;
  doneAt: Date | null;
}
