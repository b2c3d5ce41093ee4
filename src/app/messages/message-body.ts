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
      encoding: z
        .enum(['auto', 'gsm7', 'ucs2', 'latin1'], {
          error: () => "expected 'auto', 'gsm7', 'ucs2' or 'latin1'",
        })
        .optional()
        .describe('the data coding (default auto: GSM-7 when the text allows, else UCS-2)'),
    },
    { error: (i) => (i.code === 'invalid_type' ? 'expected a JSON object' : undefined) },
  )
  .meta({ id: 'SendMessageBody' });

export type SendMessageBody = z.infer<typeof SendMessageBodySchema>;
