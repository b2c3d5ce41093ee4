import { describe, expect, it } from 'vitest';
import { SmppValidationError } from '../../errors.js';
import { decodeGsm7 } from './gsm7.js';
import { type MessagePlan, type PlanOptions, planMessage } from './segmenter.js';
import { decodeUcs2 } from './ucs2.js';

function fieldErrors(fn: () => unknown): { field: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SmppValidationError);
    return [...(e as SmppValidationError).errors];
  }
  throw new Error('expected a SmppValidationError');
}

function sizes(plan: MessagePlan): number[] {
  return plan.parts.map((p) => p.body.length);
}

function rejoinGsm(plan: MessagePlan): string {
  return decodeGsm7(Buffer.concat(plan.parts.map((p) => p.body)));
}

function rejoinUcs2(plan: MessagePlan): string {
  return decodeUcs2(Buffer.concat(plan.parts.map((p) => p.body)));
}

const a = (n: number): string => 'a'.repeat(n);
const han = (n: number): string => '你'.repeat(n);

describe('planMessage: GSM 7-bit', () => {
  it('160 septets is one part without UDH', () => {
    const plan = planMessage(a(160));
    expect(plan).toMatchObject({ encoding: 'gsm7', dataCoding: 0, units: 160 });
    expect(plan.parts).toHaveLength(1);
    expect(plan.parts[0]).toMatchObject({ seq: 1, total: 1 });
    expect(plan.parts[0]!.udh).toBeUndefined();
    expect(plan.parts[0]!.body.equals(Buffer.alloc(160, 0x61))).toBe(true);
  });

  it('161 septets is 153 + 8', () => {
    const plan = planMessage(a(161), { reference: 7 });
    expect(sizes(plan)).toEqual([153, 8]);
    expect(plan.units).toBe(161);
    expect(plan.parts.map((p) => [p.seq, p.total])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(rejoinGsm(plan)).toBe(a(161));
  });

  it('306 septets is exactly 2 x 153; 307 needs a third part', () => {
    expect(sizes(planMessage(a(306)))).toEqual([153, 153]);
    expect(sizes(planMessage(a(307)))).toEqual([153, 153, 1]);
  });

  it('extension characters count two septets toward the single-message limit', () => {
    expect(planMessage(a(158) + '€').parts).toHaveLength(1);
    const plan = planMessage(a(159) + '€');
    expect(plan.units).toBe(161);
    expect(sizes(plan)).toEqual([153, 8]);
  });

  it('an escape pair that would straddle a part boundary moves whole to the next part', () => {
    // septets 0..151 'a', 152..153 the euro: the first part would end on the 0x1B.
    const text = a(152) + '€' + 'b'.repeat(10);
    const plan = planMessage(text);
    expect(sizes(plan)).toEqual([152, 12]);
    expect(plan.parts[0]!.body[151]).toBe(0x61);
    expect([...plan.parts[1]!.body.subarray(0, 3)]).toEqual([0x1b, 0x65, 0x62]);
    expect(rejoinGsm(plan)).toBe(text);
  });

  it('an escape pair that ends exactly on the boundary stays', () => {
    const text = a(151) + '€' + 'b'.repeat(10);
    const plan = planMessage(text);
    expect(sizes(plan)).toEqual([153, 10]);
    expect([...plan.parts[0]!.body.subarray(151)]).toEqual([0x1b, 0x65]);
  });

  it('never splits an escape pair, whatever the position', () => {
    for (let offset = 0; offset < 4; offset++) {
      const text = a(offset) + '{}'.repeat(200);
      const plan = planMessage(text, { maxParts: 20 });
      for (const part of plan.parts) expect(part.body[part.body.length - 1]).not.toBe(0x1b);
      expect(rejoinGsm(plan)).toBe(text);
    }
  });

  it('udh16 parts carry 152 septets', () => {
    expect(sizes(planMessage(a(161), { concatenation: 'udh16' }))).toEqual([152, 9]);
    expect(sizes(planMessage(a(304), { concatenation: 'udh16' }))).toEqual([152, 152]);
    expect(sizes(planMessage(a(160), { concatenation: 'udh16' }))).toEqual([160]);
  });
});

describe('planMessage: UCS2', () => {
  it('auto picks UCS2 for a single non-GSM character', () => {
    const plan = planMessage('Hello, how are you? 你');
    expect(plan).toMatchObject({ encoding: 'ucs2', dataCoding: 8, units: 21 });
    expect(plan.parts[0]!.body.toString('hex')).toBe(
      Buffer.from('Hello, how are you? 你', 'utf16le').swap16().toString('hex'),
    );
  });

  it('70 units is one part; 71 is 67 + 4', () => {
    expect(sizes(planMessage(han(70)))).toEqual([140]);
    const plan = planMessage(han(71));
    expect(plan.units).toBe(71);
    expect(sizes(plan)).toEqual([134, 8]);
    expect(rejoinUcs2(plan)).toBe(han(71));
  });

  it('an emoji at the 67-unit boundary moves whole to the next part', () => {
    const text = han(66) + '😀' + 'x'.repeat(5);
    const plan = planMessage(text);
    expect(plan.units).toBe(73);
    expect(sizes(plan)).toEqual([132, 14]);
    expect(plan.parts[1]!.body.subarray(0, 4).toString('hex')).toBe('d83dde00');
    expect(rejoinUcs2(plan)).toBe(text);
  });

  it('an emoji ending exactly at unit 67 stays', () => {
    const plan = planMessage(han(65) + '😀' + 'x'.repeat(5));
    expect(sizes(plan)).toEqual([134, 10]);
  });

  it('emoji count two units toward the single-message limit', () => {
    expect(planMessage('😀'.repeat(35)).parts).toHaveLength(1);
    expect(planMessage('😀'.repeat(35) + 'x').units).toBe(71);
    expect(planMessage('😀'.repeat(35) + 'x').parts).toHaveLength(2);
  });

  it('never splits a surrogate pair, whatever the position', () => {
    for (let offset = 0; offset < 3; offset++) {
      const text = 'x'.repeat(offset) + '🎉'.repeat(120) + '你';
      const plan = planMessage(text);
      for (const part of plan.parts) {
        const last = part.body.readUInt16BE(part.body.length - 2);
        expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
      }
      expect(rejoinUcs2(plan)).toBe(text);
    }
  });

  it('udh16 parts carry 66 units', () => {
    expect(sizes(planMessage(han(71), { concatenation: 'udh16' }))).toEqual([132, 10]);
  });

  it('encoding ucs2 is honoured for GSM text', () => {
    expect(planMessage('abc', { encoding: 'ucs2' })).toMatchObject({
      encoding: 'ucs2',
      dataCoding: 8,
      units: 3,
    });
  });

  it('refuses broken UTF-16', () => {
    const [err] = fieldErrors(() => planMessage('ab\ud83d'));
    expect(err!.field).toBe('text');
    expect(err!.message).toMatch(/unpaired surrogate.*position 2/);
  });
});

describe('planMessage: Latin-1', () => {
  it('is used only when asked: 140 octets is one part, 141 is 134 + 7', () => {
    expect(planMessage('Crêpe').encoding).toBe('ucs2'); // ê is Latin-1, not GSM
    const one = planMessage('ê'.repeat(140), { encoding: 'latin1' });
    expect(one).toMatchObject({ encoding: 'latin1', dataCoding: 3, units: 140 });
    expect(sizes(one)).toEqual([140]);
    expect(one.parts[0]!.body[0]).toBe(0xea);
    expect(sizes(planMessage('ê'.repeat(141), { encoding: 'latin1' }))).toEqual([134, 7]);
    expect(
      sizes(planMessage('ê'.repeat(141), { encoding: 'latin1', concatenation: 'udh16' })),
    ).toEqual([133, 8]);
  });

  it("refuses '€' and says what to do", () => {
    const [err] = fieldErrors(() => planMessage('Total: 5€', { encoding: 'latin1' }));
    expect(err!.field).toBe('text');
    expect(err!.message).toContain("'€' (U+20AC) at position 8");
    expect(err!.message).toContain("'ucs2'");
    expect(err!.message).toContain("'auto'");
  });
});

describe('planMessage: UDH', () => {
  it('udh8 is 05 00 03 REF TOTAL SEQ', () => {
    const plan = planMessage(a(400), { reference: 0xab });
    expect(plan.parts.map((p) => p.udh!.toString('hex'))).toEqual([
      '050003ab0301',
      '050003ab0302',
      '050003ab0303',
    ]);
  });

  it('udh16 is 06 08 04 REFHI REFLO TOTAL SEQ', () => {
    const plan = planMessage(a(200), { reference: 0x1234, concatenation: 'udh16' });
    expect(plan.parts.map((p) => p.udh!.toString('hex'))).toEqual([
      '060804123402' + '01',
      '060804123402' + '02',
    ]);
  });

  it('takes the reference modulo 256 (udh8) or 65536 (udh16)', () => {
    expect(planMessage(a(200), { reference: 0x1ff }).parts[0]!.udh!.toString('hex')).toBe(
      '050003ff0201',
    );
    expect(
      planMessage(a(200), { reference: 0x12345, concatenation: 'udh16' }).parts[0]!.udh!.toString(
        'hex',
      ),
    ).toBe('060804234502' + '01');
  });

  it('without a reference, the parts of one text share one and the next text gets another', () => {
    const first = planMessage(a(200));
    const second = planMessage(a(200));
    expect(first.parts[0]!.udh![3]).toBe(first.parts[1]!.udh![3]);
    expect(second.parts[0]!.udh![3]).not.toBe(first.parts[0]!.udh![3]);
  });
});

describe('planMessage: message_payload', () => {
  it('puts the whole text in messagePayload and gives one part with an empty body', () => {
    const plan = planMessage(a(300), { concatenation: 'payload' });
    expect(plan.units).toBe(300);
    expect(plan.parts).toEqual([{ seq: 1, total: 1, body: Buffer.alloc(0) }]);
    expect(plan.messagePayload!.equals(Buffer.alloc(300, 0x61))).toBe(true);
    const ucs = planMessage('😀你', { concatenation: 'payload' });
    expect(ucs.dataCoding).toBe(8);
    expect(ucs.messagePayload!.toString('hex')).toBe('d83dde004f60');
  });

  it('still applies maxParts, counted as udh8 parts', () => {
    expect(() => planMessage(a(161), { concatenation: 'payload', maxParts: 1 })).toThrow(
      SmppValidationError,
    );
    expect(planMessage(a(160), { concatenation: 'payload', maxParts: 1 }).units).toBe(160);
  });
});

describe('planMessage: limits and errors', () => {
  it('10 parts of 153 fit the default maxParts; one septet more does not', () => {
    expect(planMessage(a(1530)).parts).toHaveLength(10);
    const [err] = fieldErrors(() => planMessage(a(1531)));
    expect(err!.field).toBe('text');
    expect(err!.message).toBe(
      'text is 1531 GSM-7 characters (extension characters such as € count 2) and needs 11 parts ' +
        'of at most 153 each, more than maxParts 10 allows: shorten it to at most 1530 ' +
        '(or 160 for a single message), or raise maxParts',
    );
  });

  it('counts the parts a boundary shift adds', () => {
    // 2 x 153 septets in all, but the euro at septets 152-153 moves, so a third part is needed.
    const text = a(152) + '€' + a(152);
    expect(planMessage(text).parts).toHaveLength(3);
    expect(() => planMessage(text, { maxParts: 2 })).toThrow(/needs 3 parts of at most 153/);
  });

  it('reports UCS2 sizes in units', () => {
    const [err] = fieldErrors(() => planMessage(han(71), { maxParts: 1 }));
    expect(err!.message).toContain('71 UCS2 units');
    expect(err!.message).toContain('needs 2 parts of at most 67');
  });

  it('refuses an empty text', () => {
    const [err] = fieldErrors(() => planMessage(''));
    expect(err).toEqual({ field: 'text', message: 'text is empty: give at least one character' });
    expect(fieldErrors(() => planMessage(undefined as unknown as string))[0]!.field).toBe('text');
  });

  it('names the first non-GSM character when gsm7 is asked for', () => {
    const [err] = fieldErrors(() => planMessage('Hello 你好', { encoding: 'gsm7' }));
    expect(err!.field).toBe('text');
    expect(err!.message).toContain("'你' (U+4F60) at position 6");
    expect(err!.message).toContain("'ucs2' or 'auto'");
    expect(fieldErrors(() => planMessage('ok 😀', { encoding: 'gsm7' }))[0]!.message).toContain(
      "'😀' (U+1F600)",
    );
  });

  it('refuses bad options, all of them at once', () => {
    const errors = fieldErrors(() =>
      planMessage('hi', {
        encoding: 'utf8',
        concatenation: 'sar',
        maxParts: 0,
        reference: -1,
      } as unknown as PlanOptions),
    );
    expect(errors.map((e) => e.field)).toEqual([
      'encoding',
      'concatenation',
      'maxParts',
      'reference',
    ]);
    expect(fieldErrors(() => planMessage('hi', { maxParts: 256 }))[0]!.field).toBe('maxParts');
    expect(fieldErrors(() => planMessage('hi', { maxParts: 1.5 }))[0]!.field).toBe('maxParts');
  });
});
