import { describe, expect, it } from 'vitest';
import {
  addressDigits,
  receiptClues,
  submitDateFits,
  textFits,
  textSkeleton,
} from './unknown-fit.js';

const at = (iso: string) => new Date(iso);

describe('unknown-fit', () => {
  it('reads the clues of a receipt text', () => {
    const clues = receiptClues(
      'id:X sub:001 dlvrd:001 submit date:2512011203 done date:2512011204 stat:DELIVRD err:000 Text:Hello',
      '+65 9123 4567',
    );
    expect(clues).toEqual({
      destination: '6591234567',
      submittedFrom: at('2025-12-01T12:03:00Z'),
      resolutionMs: 60_000,
      text: 'Hello',
    });
    expect(receiptClues('id:X submit date:251201120305 stat:DELIVRD', '1').resolutionMs).toBe(
      1_000,
    );
    expect(receiptClues('id:X stat:DELIVRD', '1').submittedFrom).toBeUndefined();
    expect(addressDigits(null)).toBe('');
  });

  it('compares text by its Latin letters and digits only, as a prefix', () => {
    expect(textSkeleton('Réservation à 20h!')).toBe('reservationa20h');
    expect(textFits('Your code', 'Your code is 1')).toBe(true);
    expect(textFits('Your code is 2', 'Your code is 1')).toBe(false);
    // a segment's own text, not its message's
    expect(textFits('Part one', 'part two text')).toBe(false);
    // nothing comparable proves nothing
    expect(textFits(undefined, 'x')).toBe(true);
    expect(textFits('????', 'Код')).toBe(true);
    expect(textFits('', 'abc')).toBe(true);
    expect(textFits('Code 12', '.....')).toBe(false);
    expect(textFits('.....', 'Code 12')).toBe(true);
  });

  it('fits a submit date (minute) into the send window widened by the skew', () => {
    const clues = {
      destination: '1',
      submittedFrom: at('2025-12-01T12:03:00Z'),
      resolutionMs: 60_000,
    };
    const window = { from: at('2025-12-01T12:03:40Z'), to: at('2025-12-01T12:03:50Z') };
    expect(submitDateFits(clues, window, 0)).toBe(true);
    // the minute ended before the part was written
    expect(
      submitDateFits(clues, { from: at('2025-12-01T12:04:10Z'), to: at('2025-12-01T12:05Z') }, 0),
    ).toBe(false);
    expect(
      submitDateFits(
        clues,
        { from: at('2025-12-01T12:04:10Z'), to: at('2025-12-01T12:05Z') },
        20_000,
      ),
    ).toBe(true);
    // the minute began after the part became unknown
    expect(
      submitDateFits(clues, { from: at('2025-12-01T11:50Z'), to: at('2025-12-01T12:01Z') }, 60_000),
    ).toBe(false);
    expect(
      submitDateFits(
        clues,
        { from: at('2025-12-01T11:50Z'), to: at('2025-12-01T12:01Z') },
        120_000,
      ),
    ).toBe(true);
    expect(submitDateFits({ ...clues, submittedFrom: undefined }, window, 1e9)).toBe(false);
  });
});
