import { z } from 'zod';
import { SmartReplacementSchema } from './message-response.js';

const integer = () => z.number().meta({ type: 'integer' });

/** What POST /messages/estimate answers: SmppService.estimate() as it is. */
export const EstimateResponseSchema = z
  .object({
    encoding: z.string().describe('gsm7, ucs2 or latin1'),
    parts: integer().describe('the SMS the text is delivered (and billed) as'),
    charactersPerPart: integer().describe(
      '160 / 70 for one part; 153 / 67 per part of a longer text',
    ),
    charactersLeftInLastPart: integer(),
    characters: integer().describe(
      'GSM-7 septets (€ ^ { } [ ] ~ \\ | count 2) or UCS-2 units (an emoji 2)',
    ),
    ucs2Characters: z
      .array(z.string())
      .describe('with ucs2: the characters GSM-7 cannot carry, distinct, in order of appearance'),
    replacements: z.array(SmartReplacementSchema).describe('what smart encoding replaced'),
  })
  .meta({ id: 'Estimate' });

export type EstimateResponse = z.infer<typeof EstimateResponseSchema>;
