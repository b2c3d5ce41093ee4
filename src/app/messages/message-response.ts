import { z } from 'zod';
import type { SmppMessageView } from '../../smpp/index.js';

const optionalDate = z.iso.datetime().optional();

/** A message as the HTTP API returns it (the text is not echoed back). */
export const MessageResponseSchema = z
  .object({
    id: z.uuid(),
    account: z.string(),
    to: z.string().describe('the destination as stored (digits)'),
    from: z.string(),
    status: z.string().describe('queued, submitted, delivered, failed, ...'),
    encoding: z.string(),
    parts: z.array(
      z.object({
        seq: z.int(),
        smscMessageId: z.string().nullable(),
        status: z.string(),
        errorCode: z.int().nullable(),
      }),
    ),
    errorCode: z.int().optional(),
    errorStatus: z
      .string()
      .optional()
      .describe('the SMPP status of a refused submit, e.g. ESME_RINVDSTADR'),
    errorReason: z.string().optional(),
    clientRef: z.string().optional(),
    createdAt: z.iso.datetime(),
    submittedAt: optionalDate,
    doneAt: optionalDate,
  })
  .meta({ id: 'Message' });

export type MessageResponse = z.infer<typeof MessageResponseSchema>;

/** Every error answer: 400 lists the field errors in `errors`. */
export const ErrorResponseSchema = z
  .object({
    statusCode: z.int(),
    message: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    code: z.string().optional(),
  })
  .meta({ id: 'Error' });

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
