import { type FieldError, SmppValidationError } from '../errors.js';
import { canEncodeGsm7 } from './encoding/gsm7.js';
import {
  type Concatenation,
  type EncodingChoice,
  type MessageEncoding,
  PART_LIMITS,
} from './encoding/segmenter.js';
import type { SmartReplacement } from './encoding/smart-encoding.js';
import { planText } from './text-plan.js';

/** What estimate() takes: send()'s text fields. */
export interface EstimateInput {
  text: string;
  /** Default 'auto'. */
  encoding?: EncodingChoice;
  /** Default false (SmppService.estimate: the account's smartEncoding). */
  smartEncoding?: boolean;
}

/** How send() would split a text: the module's `messages` options (defaults 10 and 'udh8'). */
export interface EstimateLimits {
  maxParts?: number;
  concatenation?: Concatenation;
}

export interface MessageEstimate {
  encoding: MessageEncoding;
  /** The SMS the text is delivered (and billed) as. With 'payload' concatenation: those the SMSC splits it into. */
  parts: number;
  /** 160 / 70 / 140 for a single part; 153 / 67 / 134 per part of a longer text (152 / 66 / 133 with udh16). */
  charactersPerPart: number;
  /** Units still free in the last part (a part that ends before an escape or emoji can have fewer used than its size). */
  charactersLeftInLastPart: number;
  /** The length in the encoding's units: GSM-7 septets (€ ^ { } [ ] ~ \ | count 2), UCS2 code units (an emoji 2), Latin-1 octets. */
  characters: number;
  /** With UCS2: the characters GSM-7 cannot carry, distinct, in order of first appearance; else empty. */
  ucs2Characters: string[];
  /** What smart encoding replaced (empty when off or not applied). */
  replacements: SmartReplacement[];
}

const DEFAULT_MAX_PARTS = 10;

/**
 * Encoding and parts of a text, exactly as send() would make them (the same validation, smart
 * encoding and segmenter), without storing or sending anything. Throws SmppValidationError for
 * what send() refuses: no or empty text, NUL, a broken surrogate, an encoding that cannot carry
 * the text, a text needing more than maxParts parts, bad options.
 */
export function estimateMessage(
  input: EstimateInput,
  limits: EstimateLimits = {},
): MessageEstimate {
  if (!input || typeof input !== 'object')
    throw new SmppValidationError([
      { field: 'message', message: 'expected an object { text, encoding?, smartEncoding? }' },
    ]);
  const errors: FieldError[] = [];
  const concatenation = limits.concatenation ?? 'udh8';
  const planned = planText(
    input,
    {
      maxParts: limits.maxParts ?? DEFAULT_MAX_PARTS,
      // 'payload' sends one PDU that the SMSC splits as udh8 parts (and maxParts counts them so).
      concatenation: concatenation === 'payload' ? 'udh8' : concatenation,
      reference: 0,
    },
    false,
    errors,
  );
  if (errors.length > 0 || !planned) throw new SmppValidationError(errors);
  const { plan, encodedText, replacements } = planned;
  const limit = PART_LIMITS[plan.encoding];
  const parts = plan.parts.length;
  const charactersPerPart =
    parts === 1 ? limit.single : concatenation === 'udh16' ? limit.udh16 : limit.udh8;
  const lastPartUnits = plan.parts[parts - 1]!.body.length / limit.bytesPerUnit;
  return {
    encoding: plan.encoding,
    parts,
    charactersPerPart,
    charactersLeftInLastPart: charactersPerPart - lastPartUnits,
    characters: plan.units,
    ucs2Characters: plan.encoding === 'ucs2' ? nonGsm7Characters(encodedText) : [],
    replacements,
  };
}

/** The code points of `text` GSM-7 cannot carry, distinct, in order of first appearance. */
function nonGsm7Characters(text: string): string[] {
  const found = new Set<string>();
  for (const char of text) if (!canEncodeGsm7(char)) found.add(char);
  return [...found];
}
