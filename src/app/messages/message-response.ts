import { z } from 'zod';
import type { SmppMessageView } from '../../smpp/index.js';

// Documentation of what the service returns (never parsed): plain types, no generated patterns.
const date = () => z.string().meta({ format: 'date-time' });
const integer = () => z.number().meta({ type: 'integer' });

/** One kind of character smart encoding replaced, and how often. */
export const SmartReplacementSchema = z
  .object({ from: z.string(), to: z.string(), count: integer() })
  .meta({ id: 'SmartReplacement' });

/** A message as the HTTP API returns it (the text is not echoed back). */
export const MessageResponseSchema = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    account: z.string(),
    to: z.string().describe('the destination as stored (digits)'),
    from: z.string(),
    status: z
      .string()
      .describe(
        'scheduled, queued, submitting, submitted, delivered, undeliverable, expired, rejected, failed, unknown, cancelled',
      ),
    encoding: z.string(),
    parts: z.array(
      z.object({
        seq: integer(),
        smscMessageId: z.string().nullable(),
        status: z.string(),
        errorCode: integer().nullable(),
      }),
    ),
    errorCode: integer().optional(),
    errorStatus: z
      .string()
      .optional()
      .describe('the SMPP status of a refused submit, e.g. ESME_RINVDSTADR'),
    errorReason: z.string().optional(),
    clientRef: z.string().optional(),
    smartReplacements: z
      .array(SmartReplacementSchema)
      .optional()
      .describe('what smart encoding replaced in the parts sent (the text stays as given)'),
    priority: z.enum(['high', 'normal', 'bulk']),
    sendAt: date().optional().describe('when it is scheduled for'),
    expiresAt: date().optional().describe('no part is submitted after this'),
    createdAt: date(),
    submittedAt: date().optional(),
    doneAt: date().optional(),
  })
  .meta({ id: 'Message' });

export type MessageResponse = z.infer<typeof MessageResponseSchema>;

/** Every error answer: 400 lists the field errors in `errors`. */
export const ErrorResponseSchema = z
  .object({
    statusCode: integer(),
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
    ...(m.smartReplacements.length > 0 ? { smartReplacements: m.smartReplacements } : {}),
    priority: m.priority,
    ...(m.sendAt ? { sendAt: iso(m.sendAt) } : {}),
    ...(m.expiresAt ? { expiresAt: iso(m.expiresAt) } : {}),
    createdAt: iso(m.createdAt),
    ...(m.submittedAt ? { submittedAt: iso(m.submittedAt) } : {}),
    ...(m.doneAt ? { doneAt: iso(m.doneAt) } : {}),
  };
}

function iso(d: Date | string): string {
  return d instanceof Date ? d.toISOString() : new Date(d).toISOString();
}
