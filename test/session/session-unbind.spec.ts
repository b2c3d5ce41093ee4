import type { PDU, Session } from 'smpp';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionNotReadyError } from '../../src/smpp/errors.js';
import type { SubmitSmRequest } from '../../src/smpp/session/session.types.js';
import {
  type FakeSmsc,
  nextClose,
  sessionOptions,
  SessionTracker,
  sleep,
  startSmsc,
  waitFor,
} from './fake-smsc.js';

const tracker = new SessionTracker();
const servers: FakeSmsc[] = [];
async function smsc(...args: Parameters<typeof startSmsc>) {
  const s = await startSmsc(...args);
  servers.push(s);
  return s;
}

afterEach(async () => {
  tracker.destroyAll();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const message: SubmitSmRequest = {
  sourceAddr: 'ACME',
  sourceAddrTon: 5,
  sourceAddrNpi: 0,
  destinationAddr: '6512345678',
  destAddrTon: 1,
  destAddrNpi: 1,
  dataCoding: 0,
  shortMessage: Buffer.from('bye'),
};

describe('SmppSession.unbind', () => {
  it('waits for the outstanding submit response, then sends unbind, gets unbind_resp and closes gracefully', async () => {
    const held: Array<{ pdu: PDU; s: Session }> = [];
    const server = await smsc({ onSubmit: (pdu, s) => void held.push({ pdu, s }) });
    const session = await tracker.open(sessionOptions(server.port, { unbindTimeoutMs: 3_000 }));
    const closed = nextClose(session);
    const submit = session.submit(message);
    await waitFor(() => held.length === 1);

    const unbound = session.unbind();
    expect(session.state).toBe('unbinding');
    expect(session.unbind()).toBe(unbound);
    await expect(session.submit(message)).rejects.toBeInstanceOf(SessionNotReadyError);
    await sleep(100);
    expect(server.commands()).not.toContain('unbind');

    const h = held[0];
    h?.s.send(h.pdu.response({ message_id: 'late-but-fine' }));
    await expect(submit).resolves.toEqual({ messageId: 'late-but-fine' });
    await unbound;
    const event = await closed;
    expect(event).toMatchObject({ graceful: true });
    expect(event.error).toBeUndefined();
    expect(session.state).toBe('closed');
    const commands = server.commands();
    expect(commands.slice(-2)).toEqual(['submit_sm', 'unbind']);
    await session.unbind(); // idempotent once closed
  });

  it('gives up waiting after unbindTimeoutMs, unbinds anyway and fails what is left (sent: true)', async () => {
    const server = await smsc({ onSubmit: () => undefined });
    const session = await tracker.open(
      sessionOptions(server.port, { unbindTimeoutMs: 150, responseTimeoutMs: 10_000 }),
    );
    const submit = session.submit(message);
    await waitFor(() => server.commands().includes('submit_sm'));
    await session.unbind();
    await expect(submit).rejects.toMatchObject({ code: 'SMPP_CONNECTION_CLOSED', sent: true });
    expect(server.commands()).toContain('unbind');
    expect((await session.closed).graceful).toBe(true);
  });

  it('fails callers still waiting for a window slot with sent: false as soon as unbinding starts', async () => {
    const server = await smsc({ onSubmit: () => undefined });
    const session = await tracker.open(
      sessionOptions(server.port, { window: 1, unbindTimeoutMs: 150, responseTimeoutMs: 10_000 }),
    );
    const first = session.submit(message);
    const waiting = session.submit(message);
    await waitFor(() => server.commands().includes('submit_sm'));
    const unbound = session.unbind();
    await expect(waiting).rejects.toMatchObject({ code: 'SMPP_CONNECTION_CLOSED', sent: false });
    await unbound;
    await expect(first).rejects.toMatchObject({ sent: true });
  });

  it('closes without a graceful flag when the SMSC never answers the unbind', async () => {
    const server = await smsc({ onUnbind: () => undefined });
    const session = await tracker.open(sessionOptions(server.port, { unbindTimeoutMs: 150 }));
    await session.unbind();
    const event = await session.closed;
    expect(event.graceful).toBe(false);
    expect(event.error).toMatchObject({ code: 'SMPP_RESPONSE_TIMEOUT', command: 'unbind' });
  });

  it('destroy() is immediate and idempotent, and emits close exactly once', async () => {
    const server = await smsc();
    const session = await tracker.open(sessionOptions(server.port));
    let closes = 0;
    session.on('close', () => closes++);
    session.destroy('shutdown');
    session.destroy('again');
    await session.unbind();
    expect(session.state).toBe('closed');
    await sleep(20);
    expect(closes).toBe(1);
    expect((await session.closed).reason).toBe('shutdown');
  });
});
