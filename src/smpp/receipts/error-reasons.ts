/**
 * The `err` codes 8x8 sends in delivery receipts, and what they mean. Other SMSCs use their own
 * codes: only read `err` through this table for an 8x8 account.
 */
export const ERROR_REASONS_8X8: ReadonlyMap<number, string> = new Map<number, string>([
  [0, 'no reason'],
  [1, 'absent subscriber'],
  [2, 'content related'],
  [3, 'data missing'],
  [4, 'deferred delivery'],
  [5, 'pending upstream'],
  [7, 'delivery failure'],
  [8, 'deny'],
  [9, 'equipment protocol error'],
  [10, 'ESME external error'],
  [11, 'flooding'],
  [12, 'HLR error'],
  [13, 'illegal subscriber or equipment'],
  [14, 'internal error'],
  [15, 'invalid destination'],
  [16, 'invalid format'],
  [17, 'invalid message length'],
  [18, 'invalid parameter'],
  [19, 'invalid source address'],
  [20, 'local cancel'],
  [21, 'memory capacity exceeded'],
  [22, 'message being retried'],
  [23, 'network failure'],
  [24, 'age verification failure'],
  [25, 'aborted by receiving network or user'],
  [26, 'operation barred'],
  [27, 'permanent operator error'],
  [28, 'permanent phone error'],
  [29, 'phone related error'],
  [30, 'portability error'],
  [31, 'premium SMS error'],
  [32, 'roaming subscriber'],
  [33, 'route error'],
  [34, 'screening error'],
  [35, 'service center congestion'],
  [36, 'SMS expired'],
  [37, 'SMS facility not supported'],
  [38, 'SMS malformed'],
  [39, 'SMSC cancel'],
  [40, 'SMSC error'],
  [41, 'SMSC reject'],
  [42, 'source credit insufficiency'],
  [43, 'spam filter'],
  [44, 'subscriber billing issue'],
  [45, 'subscriber busy for SMS'],
  [46, 'subscriber not reachable'],
  [47, 'subscriber temporarily unavailable'],
  [48, 'system failure'],
  [49, 'TCAP error'],
  [50, 'throttling error'],
  [51, 'time out error'],
  [52, 'unable to decode the response'],
  [53, 'unexpected data value'],
  [54, 'unexpected error'],
  [55, 'unidentified subscriber'],
  [56, 'unknown delivery state'],
  [57, 'unknown error'],
  [58, 'unknown service center'],
  [59, 'unknown subscriber'],
  [60, 'content filtered'],
  [61, 'session expired'],
]);

const ERR_DIGITS = /^\d{1,3}$/;

/** The 8x8 reason for a receipt `err` code (a number, or its digits), or undefined when unknown. */
export function errorReason(code: number | string | null | undefined): string | undefined {
  if (code === null || code === undefined) return undefined;
  const n = typeof code === 'number' ? code : ERR_DIGITS.test(code.trim()) ? Number(code) : NaN;
  return ERROR_REASONS_8X8.get(n);
}
