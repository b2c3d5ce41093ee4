import { type FieldError, SmppValidationError } from '../errors.js';
import {
  type Concatenation,
  type EncodingChoice,
  type MessagePlan,
  planMessage,
} from './encoding/segmenter.js';
import { applySmartEncoding, type SmartReplacement } from './encoding/smart-encoding.js';
import { hasLoneSurrogate } from './wire-values.js';

const ENCODINGS: ReadonlySet<string> = new Set(['auto', 'gsm7', 'ucs2', 'latin1']);

/** The text fields send() and estimate() share. */
export interface TextInput {
  text: string;
  encoding?: EncodingChoice;
  smartEncoding?: boolean;
}

export interface TextPlan {
  plan: MessagePlan;
  /** The text as encoded: the original, or its smart-encoded form. */
  encodedText: string;
  replacements: SmartReplacement[];
}

/**
 * Validates text, encoding and smartEncoding the one way send() and estimate() both do, and plans
 * the parts. Problems are pushed onto `errors` (undefined is returned when there are any).
 * `smartDefault` is the account's smartEncoding, used when the input gives none.
 */
export function planText(
  input: TextInput,
  options: { maxParts: number; concatenation: Concatenation; reference: number },
  smartDefault: boolean,
  errors: FieldError[],
): TextPlan | undefined {
  const encodingOk = input.encoding === undefined || ENCODINGS.has(input.encoding);
  if (!encodingOk) {
    errors.push({
      field: 'encoding',
      message: `expected 'auto', 'gsm7', 'ucs2' or 'latin1', got ${JSON.stringify(input.encoding)}`,
    });
  }
  if (input.smartEncoding !== undefined && typeof input.smartEncoding !== 'boolean') {
    errors.push({
      field: 'smartEncoding',
      message: `expected true or false, got ${JSON.stringify(input.smartEncoding) ?? typeof input.smartEncoding}`,
    });
  }
  if (typeof input.text !== 'string') {
    errors.push({ field: 'text', message: 'required: the message text' });
    return undefined;
  }
  if (input.text.includes('\u0000')) {
    errors.push({ field: 'text', message: 'must not contain U+0000 (NUL): remove it' });
    return undefined;
  }
  if (hasLoneSurrogate(input.text)) {
    errors.push({
      field: 'text',
      message:
        'contains an unpaired UTF-16 surrogate (a broken character): send well-formed Unicode',
    });
    return undefined;
  }
  const encoding: EncodingChoice = encodingOk ? (input.encoding ?? 'auto') : 'auto';
  const smart = input.smartEncoding === true || (input.smartEncoding === undefined && smartDefault);
  // Smart encoding exists to stay in GSM-7: an explicit ucs2 or latin1 is taken as written.
  const { text: encodedText, replacements } =
    smart && (encoding === 'auto' || encoding === 'gsm7')
      ? applySmartEncoding(input.text)
      : { text: input.text, replacements: [] };
  try {
    const plan = planMessage(encodedText, { ...options, encoding });
    return { plan, encodedText, replacements };
  } catch (error) {
    if (!(error instanceof SmppValidationError)) throw error;
    errors.push(...error.errors);
    return undefined;
  }
}
