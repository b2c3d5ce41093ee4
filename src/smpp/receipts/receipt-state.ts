/** The `stat` values of an SMPP delivery receipt (DELETED is seen in the wild too). */
export type ReceiptStat =
  'ENROUTE' | 'DELIVRD' | 'EXPIRED' | 'DELETED' | 'UNDELIV' | 'ACCEPTD' | 'UNKNOWN' | 'REJECTD';

/** The state a receipt puts a message part in, when the receipt is final. */
export type FinalPartState =
  'delivered' | 'undeliverable' | 'expired' | 'rejected' | 'failed' | 'unknown';

/** The SMPP 3.4 message_state TLV (0x0427) values, 1 to 8, as receipt stats. */
const MESSAGE_STATE_STATS: ReadonlyArray<ReceiptStat | undefined> = [
  undefined,
  'ENROUTE',
  'DELIVRD',
  'EXPIRED',
  'DELETED',
  'UNDELIV',
  'ACCEPTD',
  'UNKNOWN',
  'REJECTD',
];

/**
 * The stat a message_state TLV value stands for (1 ENROUTE, 2 DELIVRD, 3 EXPIRED, 4 DELETED,
 * 5 UNDELIV, 6 ACCEPTD, 7 UNKNOWN, 8 REJECTD), or undefined for any other value.
 */
export function statOfMessageState(messageState: number): ReceiptStat | undefined {
  return Number.isInteger(messageState) ? MESSAGE_STATE_STATS[messageState] : undefined;
}

const FINAL_STATES: ReadonlyMap<string, FinalPartState | null> = new Map<
  string,
  FinalPartState | null
>([
  ['DELIVRD', 'delivered'],
  ['UNDELIV', 'undeliverable'],
  ['EXPIRED', 'expired'],
  ['REJECTD', 'rejected'],
  ['DELETED', 'failed'],
  ['UNKNOWN', 'unknown'],
  ['ACCEPTD', null],
  ['ENROUTE', null],
]);

/** Spellings some SMSCs use for the 7-letter stats. */
const STAT_ALIASES: ReadonlyMap<string, ReceiptStat> = new Map<string, ReceiptStat>([
  ['DELIVERED', 'DELIVRD'],
  ['UNDELIVERABLE', 'UNDELIV'],
  ['UNDELIVERED', 'UNDELIV'],
  ['ACCEPTED', 'ACCEPTD'],
  ['REJECTED', 'REJECTD'],
  ['EXPIRD', 'EXPIRED'],
  ['DELETD', 'DELETED'],
  ['UNKNWN', 'UNKNOWN'],
]);

/**
 * A stat as found in receipt text, upper-cased and with the long spellings some SMSCs use
 * (DELIVERED, UNDELIVERABLE, ACCEPTED, REJECTED) mapped to the standard 7 letters.
 * Any other value is returned upper-cased as it is.
 */
export function normalizeStat(stat: string): string {
  const upper = stat.trim().toUpperCase();
  return STAT_ALIASES.get(upper) ?? upper;
}

/** True when `stat` is one of the standard receipt stats. */
export function isReceiptStat(stat: string): stat is ReceiptStat {
  return FINAL_STATES.has(stat);
}

/**
 * The part state a receipt stat leads to: DELIVRD delivered, UNDELIV undeliverable, EXPIRED
 * expired, REJECTD rejected, DELETED failed, UNKNOWN unknown. ACCEPTD and ENROUTE are not final
 * (null), and so is any stat this library does not know (null): the part keeps its state.
 */
export function partStateOfStat(stat: string | null | undefined): FinalPartState | null {
  if (!stat) return null;
  return FINAL_STATES.get(stat) ?? FINAL_STATES.get(normalizeStat(stat)) ?? null;
}
