import { describe, expect, it } from 'vitest';
import { fairShares } from './fair-share.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const shares = (wants: number[], budget: number) => [
  ...fairShares(
    wants.map((wanted, i) => ({ replica: `r${i}`, wanted, startedAt: at(i) })),
    budget,
  ).values(),
];

describe('fairShares', () => {
  it.each([
    [[2, 2, 2], 4, [2, 1, 1]],
    [[2, 2], 4, [2, 2]],
    [[3, 3], 4, [2, 2]],
    [[4], 4, [4]],
    [[1, 4], 4, [1, 3]],
    [[2, 2, 2, 2, 2], 4, [1, 1, 1, 1, 0]],
    [[0, 2, 2], 4, [0, 2, 2]],
    [[1, 1], 4, [1, 1]],
    [[], 4, []],
  ])('wants %j of %i -> %j', (wants, budget, expected) => {
    expect(shares(wants, budget)).toEqual(expected);
  });

  it('gives the odd slot to the oldest replica, whatever order the rows come in', () => {
    const result = fairShares(
      [
        { replica: 'young', wanted: 2, startedAt: at(30) },
        { replica: 'old', wanted: 2, startedAt: at(10) },
        { replica: 'mid', wanted: 2, startedAt: at(20) },
      ],
      4,
    );
    expect(Object.fromEntries(result)).toEqual({ old: 2, mid: 1, young: 1 });
  });
});
