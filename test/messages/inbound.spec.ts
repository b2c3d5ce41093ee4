import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import {
  createSmppTestApp,
  eventually,
  type SmppTestApp,
  startSimulator,
} from '../support/smpp-app.js';

describe('inbound (MO) messages', () => {
  let sim: SmscSimulator;
  let t: SmppTestApp;

  beforeAll(async () => {
    sim = await startSimulator();
    t = await createSmppTestApp({ simulator: sim, account: { binds: { transceivers: 2 } } });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  function inbound(from: string) {
    return eventually(() => {
      const found = t.events.filter(
        (e) => e.name === 'smpp.inbound.received' && (e.payload as { from: string }).from === from,
      );
      return found.length > 0 ? found : null;
    }, `inbound from ${from}`);
  }

  it('stores and emits a plain GSM message', async () => {
    await sim.injectMo({
      systemId: 'smppuser',
      from: '6590000001',
      to: '12345',
      text: 'STOP {all}',
    });
    const [e] = await inbound('6590000001');
    expect(e.payload).toMatchObject({
      from: '6590000001',
      to: '12345',
      text: 'STOP {all}',
      parts: 1,
    });
  });

  it('decodes UCS2', async () => {
    await sim.injectMo({
      systemId: 'smppuser',
      from: '6590000002',
      to: '12345',
      text: 'Xin chào 😀',
      encoding: 'ucs2',
    });
    const [e] = await inbound('6590000002');
    expect((e.payload as { text: string }).text).toBe('Xin chào 😀');
  });

  it.each(['udh8', 'udh16', 'sar'] as const)(
    'reassembles a concatenated message (%s) whose parts arrive on different binds',
    async (scheme) => {
      const from = `65900001${scheme.length}${scheme === 'udh8' ? 1 : scheme === 'udh16' ? 2 : 3}`;
      const text = `${scheme}: ` + 'The quick brown fox jumps over the lazy dog. '.repeat(8);
      await sim.injectMo({
        systemId: 'smppuser',
        from,
        to: '12345',
        text,
        parts: scheme,
        splitAcross: 'differentBinds',
      });
      const events = await inbound(from);
      expect(events).toHaveLength(1);
      expect(events[0].payload).toMatchObject({ text, parts: 3 });
      const fragments: Array<{ n: string }> = await t.db.dataSource.query(
        `SELECT count(*) AS n FROM smpp_inbound_fragments`,
      );
      expect(Number(fragments[0].n)).toBe(0);
    },
  );
});
