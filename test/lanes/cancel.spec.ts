/**
 * cancel(): a scheduled or queued message ends `cancelled` with smpp.message.cancelled and is
 * never sent; once a part left, MessageNotCancellableError. Cancels racing the dispatcher are
 * checked by their outcome, not their timing: cancelled means never submitted, refused means sent.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import {
  MessageNotCancellableError,
  MessageNotFoundError,
  SmppValidationError,
} from '../../src/smpp/errors.js';
import {
  createSmppTestApp,
  eventually,
  type SmppTestApp,
  startSimulator,
} from '../support/smpp-app.js';
import {
  allowBinds,
  eventsFor,
  FAST_RECONNECT,
  fastForward,
  isBound,
  refuseBinds,
  submitsTo,
  until,
} from './support.js';

const HOUR = 3_600_000;

describe('cancel', () => {
  let sim: SmscSimulator;
  let t: SmppTestApp;

  beforeAll(async () => {
    sim = await startSimulator({ receipts: { delayMs: 10 } });
    t = await createSmppTestApp({
      simulator: sim,
      accounts: [
        { name: 'default', defaultSender: 'TestBrand' },
        { name: 'other', defaultSender: 'TestBrand' },
      ],
      module: FAST_RECONNECT,
    });
  });
  afterEach(() => allowBinds(sim));
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  it('cancels a scheduled message: cancelled, its event, and never sent when its time comes', async () => {
    const sent = await t.smpp.send({
      to: '+6591600000',
      text: 'scheduled, then cancelled',
      sendAt: new Date(Date.now() + HOUR),
    });
    const cancelled = await t.smpp.cancel(sent.id);
    expect(cancelled).toMatchObject({ id: sent.id, status: 'cancelled' });
    expect(cancelled.parts.map((p) => p.status)).toEqual(['cancelled']);
    expect(cancelled.doneAt).toBeInstanceOf(Date);
    const [event] = await eventually(() => {
      const e = eventsFor(t, 'smpp.message.cancelled', sent.id);
      return e.length ? e : null;
    }, 'the cancelled event');
    expect(event.payload).toMatchObject({ messageId: sent.id, previousStatus: 'scheduled' });

    await expect(t.smpp.cancel(sent.id)).rejects.toMatchObject({
      constructor: MessageNotCancellableError,
      status: 'cancelled',
    });
    // Its hour passes: a cancelled part is not scheduled any more, so nothing moves.
    await fastForward(t, [sent.id]);
    const later = await t.smpp.send({ to: '+6591600001', text: 'after' });
    await until(t, later.id, ['delivered']);
    expect(submitsTo(sim, '+6591600000')).toBe(0);
    expect((await t.smpp.getMessage(sent.id))?.status).toBe('cancelled');
  });

  it('cancels a queued message (no bind up) and never sends it', async () => {
    refuseBinds(sim);
    sim.dropAllConnections();
    await eventually(() => !isBound(t), 'the binds to be down');
    const sent = await t.smpp.send({ to: '+6591600010', text: 'queued, then cancelled' });
    expect(sent.status).toBe('queued');
    const cancelled = await t.smpp.account('default').cancel(sent.id);
    expect(cancelled.status).toBe('cancelled');

    allowBinds(sim);
    const later = await t.smpp.send({ to: '+6591600011', text: 'after' });
    await until(t, later.id, ['delivered']);
    expect(submitsTo(sim, '+6591600010')).toBe(0);
    expect(eventsFor(t, 'smpp.message.cancelled', sent.id)).toHaveLength(1);
  });

  it('refuses once a part was submitted, and names unknown ids and other accounts not found', async () => {
    const sent = await t.smpp.send({ to: '+6591600020', text: 'already gone' });
    await until(t, sent.id, ['delivered']);
    const error = await t.smpp.cancel(sent.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageNotCancellableError);
    expect(error).toMatchObject({ code: 'SMPP_MESSAGE_NOT_CANCELLABLE', status: 'delivered' });
    expect((error as Error).message).toContain('delivered');

    await expect(t.smpp.cancel('00000000-0000-4000-8000-000000000000')).rejects.toThrow(
      MessageNotFoundError,
    );
    await expect(t.smpp.cancel('not-an-id')).rejects.toThrow(SmppValidationError);
    const scheduled = await t.smpp.send({
      to: '+6591600021',
      text: 'on default',
      sendAt: new Date(Date.now() + HOUR),
    });
    await expect(t.smpp.account('other').cancel(scheduled.id)).rejects.toThrow(
      MessageNotFoundError,
    );
    expect((await t.smpp.account('default').cancel(scheduled.id)).status).toBe('cancelled');
  });

  it('against a running dispatcher: every cancelled message is never sent, every refused one was', async () => {
    const sent = [];
    for (let i = 0; i < 40; i++)
      sent.push(
        await t.smpp.send({ to: `+65916001${String(i).padStart(2, '0')}`, text: `race ${i}` }),
      );
    const outcomes = await Promise.all(
      sent.map((m) =>
        t.smpp.cancel(m.id).then(
          () => 'cancelled' as const,
          (e: unknown) => {
            if (e instanceof MessageNotCancellableError) return 'left' as const;
            throw e;
          },
        ),
      ),
    );
    for (let i = 0; i < sent.length; i++) {
      const final = await until(t, sent[i].id, ['cancelled', 'delivered']);
      const to = `+65916001${String(i).padStart(2, '0')}`;
      if (outcomes[i] === 'cancelled') {
        expect(final.status).toBe('cancelled');
        expect(submitsTo(sim, to)).toBe(0);
      } else {
        expect(final.status).toBe('delivered');
        expect(submitsTo(sim, to)).toBe(1);
      }
    }
  });
});
