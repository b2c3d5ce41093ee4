import { describe, expect, it } from 'vitest';
import { aggregateStatus, canTransition } from './message-status.js';

describe('aggregateStatus', () => {
  it.each([
    [['queued', 'queued'], 'queued'],
    [['submitting', 'queued'], 'submitting'],
    [['submitted', 'queued'], 'submitting'],
    [['submitted', 'submitted'], 'submitted'],
    [['delivered', 'submitted'], 'submitted'],
    [['delivered', 'delivered'], 'delivered'],
    [['delivered', 'undeliverable'], 'undeliverable'],
    [['expired', 'rejected'], 'expired'],
    [['delivered', 'unknown'], 'unknown'],
    [['unknown', 'submitting'], 'submitting'],
    [['failed', 'queued'], 'failed'],
  ] as const)('%j -> %s', (parts, expected) => {
    expect(aggregateStatus(parts)).toBe(expected);
  });
});

describe('canTransition', () => {
  it('never leaves a final state and lets a receipt resolve an unknown part', () => {
    expect(canTransition('delivered', 'undeliverable')).toBe(false);
    expect(canTransition('submitted', 'delivered')).toBe(true);
    expect(canTransition('unknown', 'delivered')).toBe(true);
    expect(canTransition('submitted', 'submitted')).toBe(false);
  });
});
