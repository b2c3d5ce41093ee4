import type { FieldError } from '../../smpp/index.js';

/** The body of POST /messages. */
export interface SendMessageBody {
  to: string;
  text: string;
  from?: string;
  clientRef?: string;
  encoding?: 'auto' | 'gsm7' | 'ucs2' | 'latin1';
}

const FIELDS: Record<keyof SendMessageBody, { required: boolean; description: string }> = {
  to: {
    required: true,
    description: 'the destination number in international form, e.g. "+6591234567"',
  },
  text: { required: true, description: 'the message text' },
  from: { required: false, description: 'a sender id' },
  clientRef: { required: false, description: 'your idempotency key' },
  encoding: { required: false, description: "'auto', 'gsm7', 'ucs2' or 'latin1'" },
};

/**
 * Checks the shape of the body (an object, known fields, strings); the content (number format,
 * sender, text length, encoding) is checked by SmppService.send(). Returns the field errors.
 */
export function checkSendMessageBody(body: unknown): {
  body?: SendMessageBody;
  errors: FieldError[];
} {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      errors: [
        {
          field: 'body',
          message: 'expected a JSON object { to, text, from?, clientRef?, encoding? }',
        },
      ],
    };
  }
  const input = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(input)) {
    if (!(key in FIELDS)) {
      errors.push({
        field: key,
        message: `unknown field; expected ${Object.keys(FIELDS).join(', ')}`,
      });
    }
  }
  for (const [field, rule] of Object.entries(FIELDS)) {
    const value = input[field];
    if (value === undefined || value === null) {
      if (rule.required) errors.push({ field, message: `required: ${rule.description}` });
    } else if (typeof value !== 'string') {
      errors.push({
        field,
        message: `expected a string (${rule.description}), got ${describeType(value)}`,
      });
    }
  }
  if (errors.length > 0) return { errors };
  const ok = input as unknown as SendMessageBody;
  return {
    body: {
      to: ok.to,
      text: ok.text,
      ...(ok.from !== undefined && ok.from !== null ? { from: ok.from } : {}),
      ...(ok.clientRef !== undefined && ok.clientRef !== null ? { clientRef: ok.clientRef } : {}),
      ...(ok.encoding !== undefined && ok.encoding !== null ? { encoding: ok.encoding } : {}),
    },
    errors,
  };
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
