/**
 * Schema pieces for environment variables: every value arrives as a string (or undefined); blank
 * counts as unset. Each error message says what was expected and, except for secrets, what was given.
 */
import { z } from 'zod';
import { SmppValidationError } from '../../smpp/errors.js';
import { parseSender } from '../../smpp/messages/address.js';

const got = (input: unknown) => `, got ${JSON.stringify(input)}`;

/** An optional variable: trimmed, blank = unset. */
export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined),
    schema.optional(),
  );
}

export const wholeNumber = (min: number, max: number) =>
  optional(
    z
      .string()
      .refine((v) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max, {
        error: (i) => `expected a whole number from ${min} to ${max}${got(i.input)}`,
      })
      .transform(Number),
  );

export const positiveNumber = (max: number) =>
  optional(
    z
      .string()
      .refine((v) => /^\d+(\.\d+)?$/.test(v) && Number(v) > 0 && Number(v) <= max, {
        error: (i) => `expected a number above 0, at most ${max}${got(i.input)}`,
      })
      .transform(Number),
  );

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];
export const boolean = () =>
  optional(
    z
      .string()
      .refine((v) => [...TRUE, ...FALSE].includes(v.toLowerCase()), {
        error: (i) => `expected true or false${got(i.input)}`,
      })
      .transform((v) => TRUE.includes(v.toLowerCase())),
  );

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim().toLowerCase() : undefined),
    z
      .enum(values, {
        error: (i) =>
          `expected ${values.join(', ').replace(/, ([^,]*)$/, ' or $1')}${got(i.input)}`,
      })
      .optional(),
  );

/** Printable ASCII without spaces, at most `max` characters. */
export const text = (max: number) =>
  optional(
    z
      .string()
      .max(max, { error: (i) => `expected at most ${max} characters${got(i.input)}` })
      .regex(/^[\x21-\x7e]+$/, {
        error: (i) => `expected printable ASCII characters without spaces${got(i.input)}`,
      }),
  );

/** Like text(), but never echoed, and not trimmed (spaces may be part of it). */
export const secret = (max: number) =>
  z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .max(max, {
        error: (i) => `at most ${max} characters (SMPP 3.4), got ${String(i.input).length}`,
      })
      .regex(/^[\x20-\x7e]+$/, { error: 'only printable ASCII characters are allowed' })
      .optional(),
  );

/** The same rules as send()'s `from`. */
export const sender = () =>
  optional(
    z.string().superRefine((v, ctx) => {
      try {
        parseSender(v);
      } catch (error) {
        if (!(error instanceof SmppValidationError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.errors.map((e) => e.message).join('; ') });
      }
    }),
  );

/** A Postgres URL; never echoed (it may hold a password). */
export const postgresUrl = () =>
  optional(
    z.string().refine(
      (v) => {
        try {
          const url = new URL(v);
          return ['postgres:', 'postgresql:'].includes(url.protocol) && url.hostname !== '';
        } catch {
          return false;
        }
      },
      { error: 'expected a Postgres URL such as postgres://user:password@host:5432/database' },
    ),
  );

/** Comma-separated values, blanks dropped. */
export const list = () =>
  optional(
    z.string().transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  );
