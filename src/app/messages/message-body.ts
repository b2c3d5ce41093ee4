import { z } from 'zod';

const describeType = (input: unknown) =>
  input === null ? 'null' : Array.isArray(input) ? 'an array' : `a ${typeof input}`;

/** A string field: the error says "required" or what came instead (never the value itself). */
const string = (description: string) =>
  z
    .string({
      error: (i) =>
        i.input === undefined
          ? `required: ${description}`
          : `expected a string (${description}), got ${describeType(i.input)}`,
    })
    .describe(description);

/** A boolean field: the error says what came instead (never the value itself). */
const boolean = (description: string) =>
  z
    .boolean({
      error: (i) => `expected true or false (${description}), got ${describeType(i.input)}`,
    })
    .describe(description);

const encoding = z
  .enum(['auto', 'gsm7', 'ucs2', 'latin1'], {
    error: () => "expected 'auto', 'gsm7', 'ucs2' or 'latin1'",
  })
  .optional()
  .describe('the data coding (default auto: GSM-7 when the text allows, else UCS-2)');

const smartEncoding = boolean(
  'replace curly quotes, long dashes, ellipsis, Unicode spaces, ... by GSM-7 look-alikes when that keeps the text GSM-7 (default false)',
).optional();

const OBJECT_ONLY = {
  error: (i: { code: string }) =>
    i.code === 'invalid_type' ? 'expected a JSON object' : undefined,
};

/** An ISO 8601 date-time with a zone (Z or an offset), e.g. "2026-12-01T09:30:00Z". */
const dateTime = (description: string) =>
  z.iso
    .datetime({
      offset: true,
      error: (i) =>
        typeof i.input === 'string'
          ? 'expected an ISO 8601 date-time with a zone, e.g. "2026-12-01T09:30:00Z"'
          : `expected an ISO 8601 date-time string, got ${describeType(i.input)}`,
    })
    .describe(description);

/**
 * The body of POST /messages: its shape (an object, known fields, types). The content (number
 * format, sender, text length, encoding of the text) is checked by SmppService.send().
 * One line per field: the schema validates (StandardSchemaValidationPipe) and documents (OpenAPI).
 */
export const SendMessageBodySchema = z
  .strictObject(
    {
      to: string('the destination number in international form, e.g. "+6591234567"'),
      text: string('the message text'),
      from: string('a sender id (up to 11 letters/digits, a short code, or +number)').optional(),
      clientRef: string('your idempotency key: the same clientRef is sent once').optional(),
      encoding,
      smartEncoding,
      priority: z
        .enum(['high', 'normal', 'bulk'], {
          error: () => "expected 'high', 'normal' or 'bulk'",
        })
        .optional()
        .describe(
          'the lane (default normal): high (one-time codes) goes before normal, normal before bulk',
        ),
      expiresAt: dateTime(
        'not submitted after this time: the message ends expired (at most 7 days ahead; not with ttlMs)',
      ).optional(),
      ttlMs: z
        .number({
          error: (i) => `expected a number of milliseconds, got ${describeType(i.input)}`,
        })
        .int({ error: 'expected a whole number of milliseconds' })
        .positive({ error: 'expected at least 1 ms' })
        .optional()
        .describe('expiresAt as milliseconds from now (not with expiresAt)'),
      sendAt: dateTime(
        'send at this time; until then the message is scheduled (at most 30 days ahead; a past time means now)',
      ).optional(),
    },
    OBJECT_ONLY,
  )
  .meta({ id: 'SendMessageBody' });

export type SendMessageBody = z.infer<typeof SendMessageBodySchema>;

/** The body of POST /messages/estimate: the text fields of POST /messages. */
export const EstimateBodySchema = z
  .strictObject({ text: string('the message text'), encoding, smartEncoding }, OBJECT_ONLY)
  .meta({ id: 'EstimateBody' });

export type EstimateBody = z.infer<typeof EstimateBodySchema>;
