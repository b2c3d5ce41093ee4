import type { SmppMessageView } from '../../smpp/index.js';

/** A message as the HTTP API returns it (the text is not echoed back). */
export interface MessageResponse {
  id: string;
  account: string;
  to: string;
  from: string;
  status: string;
  encoding: string;
  parts: Array<{
    seq: number;
    smscMessageId: string | null;
    status: string;
    errorCode: number | null;
  }>;
  errorCode?: number;
  /** The SMPP status name of a refused submit, e.g. ESME_RINVDSTADR. */
  errorStatus?: string;
  errorReason?: string;
  clientRef?: string;
  createdAt: string;
  submittedAt?: string;
  doneAt?: string;
}

export function toMessageResponse(m: SmppMessageView): MessageResponse {
  return {
    id: m.id,
    account: m.account,
    to: m.to,
    from: m.from,
    status: m.status,
    encoding: m.encoding,
    parts: m.parts.map((p) => ({
      seq: p.seq,
      smscMessageId: p.smscMessageId,
      status: p.status,
      errorCode: p.errorCode,
    })),
    ...(m.errorCode !== null ? { errorCode: m.errorCode } : {}),
    ...(m.errorStatus !== null ? { errorStatus: m.errorStatus } : {}),
    ...(m.errorReason !== null ? { errorReason: m.errorReason } : {}),
    ...(m.clientRef !== null ? { clientRef: m.clientRef } : {}),
    createdAt: iso(m.createdAt),
    ...(m.submittedAt ? { submittedAt: iso(m.submittedAt) } : {}),
    ...(m.doneAt ? { doneAt: iso(m.doneAt) } : {}),
  };
}

function iso(d: Date | string): string {
  return d instanceof Date ? d.toISOString() : new Date(d).toISOString();
}
