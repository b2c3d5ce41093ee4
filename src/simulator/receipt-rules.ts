import type { ReceiptRule } from './simulator.options.js';
import type { ReceiptStat } from './simulator.types.js';

export interface ReceiptOutcome {
  stat: ReceiptStat;
  err: number;
  delayMs?: number;
}

const DELIVERED: ReceiptOutcome = { stat: 'DELIVRD', err: 0 };

/** First rule whose prefix and pattern (those given) match the destination; else DELIVRD. */
export function receiptOutcome(rules: readonly ReceiptRule[], destination: string): ReceiptOutcome {
  for (const rule of rules) {
    if (rule.destinationPrefix !== undefined && !destination.startsWith(rule.destinationPrefix)) {
      continue;
    }
    if (rule.destination !== undefined) {
      rule.destination.lastIndex = 0;
      if (!rule.destination.test(destination)) continue;
    }
    return { stat: rule.stat, err: rule.err ?? 0, delayMs: rule.delayMs };
  }
  return DELIVERED;
}
