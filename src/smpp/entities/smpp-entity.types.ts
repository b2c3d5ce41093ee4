/**
 * Value sets stored in the smpp_ tables. The database enforces the status and encoding sets with
 * CHECK constraints (see the InitialSchema migration), so a typo fails at write time.
 */

/** The state of a message and of each of its parts. */
export const SMPP_MESSAGE_STATUSES = [
  'scheduled',
  'queued',
  'submitting',
  'submitted',
  'delivered',
  'undeliverable',
  'expired',
  'rejected',
  'failed',
  'unknown',
  'cancelled',
] as const;
export type SmppMessageStatus = (typeof SMPP_MESSAGE_STATUSES)[number];

/** The text encoding chosen for a message (GSM 03.38 7-bit, UCS-2, or Latin-1). */
export const SMPP_ENCODINGS = ['gsm7', 'ucs2', 'latin1'] as const;
export type SmppEncoding = (typeof SMPP_ENCODINGS)[number];

/** Priority lanes, stored as their rank (smallint): the claim takes the lowest rank first. */
export const SMPP_PRIORITY_RANKS = { high: 0, normal: 1, bulk: 2 } as const;
export type SmppPriority = keyof typeof SMPP_PRIORITY_RANKS;
/** The lane of a stored rank. */
export const SMPP_PRIORITY_BY_RANK: readonly SmppPriority[] = ['high', 'normal', 'bulk'];
