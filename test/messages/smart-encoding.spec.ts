/**
 * Smart encoding end to end: send() through the simulator over a real socket, the parts on the
 * wire, the message and its recorded replacements in Postgres; estimate() agrees with what went out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { encodeGsm7 } from '../../src/smpp/messages/encoding/gsm7.js';
import { encodeUcs2 } from '../../src/smpp/messages/encoding/ucs2.js';
import {
  createSmppTestApp,
  eventually,
  type SmppTestApp,
  startSimulator,
} from '../support/smpp-app.js';

const TYPOGRAPHIC = '\u201CHi\u201D \u2014 it\u2019s done\u2026 see\u00A0you';
const REPLACED = '"Hi" - it\'s done... see you';

describe('smart encoding through the simulator', () => {
  let sim: SmscSimulator;
  let t: SmppTestApp;

  beforeAll(async () => {
    sim = await startSimulator();
    t = await createSmppTestApp({
      simulator: sim,
      accounts: [{ name: 'plain' }, { name: 'smart', smartEncoding: true }],
    });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  /** The simulator's records of a message's parts, in part order, once every part was accepted. */
  async function wireParts(id: string) {
    return eventually(async () => {
      const m = await t.smpp.getMessage(id);
      if (!m || m.parts.some((p) => !p.smscMessageId)) return null;
      const records = m.parts.map((p) => sim.submits.find((s) => s.messageId === p.smscMessageId));
      return records.every((r) => r !== undefined) ? records.map((r) => r!) : null;
    }, `the parts of ${id} on the wire`);
  }

  async function storedReplacements(id: string): Promise<unknown> {
    const [row] = (await t.db.dataSource.query(
      'SELECT smart_replacements FROM smpp_messages WHERE id = $1',
      [id],
    )) as Array<{ smart_replacements: unknown }>;
    return row?.smart_replacements;
  }

  it('per message: GSM-7 on the wire (data_coding 0), the original text stored, the replacements recorded', async () => {
    const sent = await t.smpp.send({
      account: 'plain',
      to: '+6591230001',
      text: TYPOGRAPHIC,
      smartEncoding: true,
    });
    const expected = [
      { from: '\u201C', to: '"', count: 1 },
      { from: '\u201D', to: '"', count: 1 },
      { from: '\u2014', to: '-', count: 1 },
      { from: '\u2019', to: "'", count: 1 },
      { from: '\u2026', to: '...', count: 1 },
      { from: '\u00A0', to: ' ', count: 1 },
    ];
    expect(sent).toMatchObject({
      encoding: 'gsm7',
      text: TYPOGRAPHIC,
      smartReplacements: expected,
    });
    const [part] = await wireParts(sent.id);
    expect(part!.dataCoding).toBe(0);
    expect(part!.shortMessage.equals(encodeGsm7(REPLACED)!)).toBe(true);
    expect(part!.text).toBe(REPLACED);
    const stored = await t.smpp.getMessage(sent.id);
    expect(stored).toMatchObject({
      text: TYPOGRAPHIC,
      encoding: 'gsm7',
      smartReplacements: expected,
    });
    expect(await storedReplacements(sent.id)).toEqual(expected);
  });

  it('off (the default): the same text goes UCS2, nothing recorded', async () => {
    const sent = await t.smpp.send({ account: 'plain', to: '+6591230002', text: TYPOGRAPHIC });
    expect(sent).toMatchObject({ encoding: 'ucs2', smartReplacements: [] });
    const [part] = await wireParts(sent.id);
    expect(part!.dataCoding).toBe(8);
    expect(part!.shortMessage.equals(encodeUcs2(TYPOGRAPHIC))).toBe(true);
    expect(await storedReplacements(sent.id)).toBeNull();
  });

  it("the account's smartEncoding applies unless the message says otherwise", async () => {
    const byAccount = await t.smpp.account('smart').send({ to: '+6591230003', text: TYPOGRAPHIC });
    const optedOut = await t.smpp
      .account('smart')
      .send({ to: '+6591230004', text: TYPOGRAPHIC, smartEncoding: false });
    expect(byAccount.encoding).toBe('gsm7');
    expect(optedOut).toMatchObject({ encoding: 'ucs2', smartReplacements: [] });
    expect((await wireParts(byAccount.id))[0]!.dataCoding).toBe(0);
    expect((await wireParts(optedOut.id))[0]!.dataCoding).toBe(8);
    expect(t.smpp.account('smart').estimate({ text: TYPOGRAPHIC }).encoding).toBe('gsm7');
    expect(t.smpp.account('plain').estimate({ text: TYPOGRAPHIC }).encoding).toBe('ucs2');
  });

  it('a text that needs UCS2 anyway is sent exactly as written', async () => {
    const text = `${TYPOGRAPHIC} \u4F60\u597D`;
    const sent = await t.smpp.account('smart').send({ to: '+6591230005', text });
    expect(sent).toMatchObject({ encoding: 'ucs2', smartReplacements: [] });
    const [part] = await wireParts(sent.id);
    expect(part!.dataCoding).toBe(8);
    expect(part!.shortMessage.equals(encodeUcs2(text))).toBe(true);
  });

  it('a long text: as many parts on the wire as estimate() said, every one GSM-7', async () => {
    const text = Array.from(
      { length: 12 },
      (_, i) => `Line ${i}: \u201Cquoted\u201D \u2013 ok\u2026`,
    )
      .join('\n')
      .concat(' {braces} \u20AC');
    const estimate = t.smpp.estimate({ account: 'smart', text });
    expect(estimate).toMatchObject({ encoding: 'gsm7', parts: 3 });
    const sent = await t.smpp.account('smart').send({ to: '+6591230006', text });
    expect(sent.parts).toHaveLength(estimate.parts);
    const parts = await wireParts(sent.id);
    expect(parts).toHaveLength(estimate.parts);
    for (const p of parts) expect(p.dataCoding).toBe(0);
    expect(parts.map((p) => p.text).join('')).toBe(
      text
        .replaceAll('\u201C', '"')
        .replaceAll('\u201D', '"')
        .replaceAll('\u2013', '-')
        .replaceAll('\u2026', '...'),
    );
    const lastUnits =
      parts[parts.length - 1]!.shortMessage.length - parts[parts.length - 1]!.udh!.length;
    expect(estimate.charactersLeftInLastPart).toBe(estimate.charactersPerPart - lastUnits);
  });

  it('rejects a smartEncoding that is not a boolean, nothing stored', async () => {
    await expect(
      t.smpp.send({ to: '+6591230007', text: 'hi', smartEncoding: 'yes' as never }),
    ).rejects.toMatchObject({
      code: 'SMPP_VALIDATION_FAILED',
      errors: [{ field: 'smartEncoding', message: 'expected true or false, got "yes"' }],
    });
  });

  it('the column takes null or an array of 1 to 256 replacements, nothing else', async () => {
    const sent = await t.smpp.send({ to: '+6591230008', text: 'bounded' });
    const set = (value: string) =>
      t.db.dataSource.query(
        'UPDATE smpp_messages SET smart_replacements = $2::jsonb WHERE id = $1',
        [sent.id, value],
      );
    const entry = { from: '\u2019', to: "'", count: 1 };
    await set(JSON.stringify(Array(256).fill(entry)));
    for (const bad of ['{}', '[]', '"x"', JSON.stringify(Array(257).fill(entry))]) {
      await expect(set(bad), bad.slice(0, 20)).rejects.toThrow(
        /ck_smpp_messages_smart_replacements/,
      );
    }
  });
});
