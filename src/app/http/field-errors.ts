import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { FieldError } from '../../smpp/index.js';
import { SmppValidationError } from '../../smpp/index.js';

/** Longest field name and message echoed in an error answer (a 90 KB `to` must not come back). */
const MAX_FIELD = 64;
const MAX_MESSAGE = 300;
/** Quoted input inside a message is cut to this many characters. */
const MAX_QUOTED = 40;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A field error fit to send back: long echoed values cut short. */
export function boundedFieldError(e: FieldError): FieldError {
  const message = e.message.replace(
    /"([^"]{41,})"/g,
    (_all, quoted: string) => `"${truncate(quoted, MAX_QUOTED)}"`,
  );
  return { field: truncate(e.field, MAX_FIELD), message: truncate(message, MAX_MESSAGE) };
}

/** Schema issues (StandardSchemaValidationPipe) as the API's field errors; unknown keys one by one. */
export function schemaValidationError(
  issues: readonly StandardSchemaV1.Issue[],
): SmppValidationError {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const keys = (issue as { keys?: unknown }).keys;
    if (Array.isArray(keys)) {
      for (const key of keys) errors.push({ field: String(key), message: 'unknown field' });
      continue;
    }
    const path = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p));
    errors.push({ field: path.join('.') || 'body', message: issue.message });
  }
  return new SmppValidationError(errors);
}
