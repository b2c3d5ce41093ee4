import type tls from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BindRefusedError,
  ConnectionClosedError,
  ConnectTimeoutError,
  ResponseTimeoutError,
  SmppConfigError,
} from '../../src/smpp/errors.js';
import { SmppSession } from '../../src/smpp/session/smpp-session.js';
import type { BindMode, SessionOptions } from '../../src/smpp/session/session.types.js';
import {
  type FakeSmsc,
  freePort,
  type RawServer,
  selfSignedCert,
  sessionOptions,
  SessionTracker,
  startRawServer,
  startSmsc,
} from './fake-smsc.js';

const tracker = new SessionTracker();
const servers: Array<FakeSmsc | RawServer> = [];
async function smsc(...args: Parameters<typeof startSmsc>) {
  const s = await startSmsc(...args);
  servers.push(s);
  return s;
}
async function rawServer(...args: Parameters<typeof startRawServer>) {
  const s = await startRawServer(...args);
  servers.push(s);
  return s;
}

afterEach(async () => {
  tracker.destroyAll();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('SmppSession.open: binding', () => {
  it.each<[BindMode, string]>([
    ['transceiver', 'bind_transceiver'],
    ['transmitter', 'bind_transmitter'],
    ['receiver', 'bind_receiver'],
  ])(
    'binds as %s with system_id, password, system_type and interface_version 0x34',
    async (mode, command) => {
      const server = await smsc();
      const session = await tracker.open(
        sessionOptions(server.port, {
          mode,
          systemId: 'sub-acct',
          password: 'pw123456',
          systemType: 'SMPP',
        }),
      );
      expect(session.state).toBe('bound');
      expect(session.mode).toBe(mode);
      expect(session.smscSystemId).toBe('FAKESMSC');
      const bind = server.received[0];
      expect(bind?.command).toBe(command);
      expect(bind).toMatchObject({
        system_id: 'sub-acct',
        password: 'pw123456',
        system_type: 'SMPP',
        interface_version: 0x34,
      });
    },
  );

  it('reports the window and tokens a picker needs once bound (and 0 for a receiver)', async () => {
    const server = await smsc();
    const tx = await tracker.open(sessionOptions(server.port, { window: 7, submitsPerSecond: 50 }));
    expect(tx.windowFree).toBe(7);
    expect(tx.outstanding).toBe(0);
    expect(tx.queued).toBe(0);
    expect(tx.tokensAvailable()).toBeGreaterThanOrEqual(49);
    const rx = await tracker.open(sessionOptions(server.port, { mode: 'receiver' }));
    expect(rx.windowFree).toBe(0);
    expect(rx.tokensAvailable()).toBe(0);
    await expect(
      rx.submit({
        sourceAddr: 'A',
        sourceAddrTon: 5,
        sourceAddrNpi: 0,
        destinationAddr: '6512345678',
        destAddrTon: 1,
        destAddrNpi: 1,
        dataCoding: 0,
        shortMessage: Buffer.from('hi'),
      }),
    ).rejects.toMatchObject({ code: 'SMPP_SESSION_NOT_READY' });
  });

  it('rejects a refused bind (ESME_RINVPASWD) with BindRefusedError naming the status, and closes', async () => {
    const server = await smsc({
      onBind: (pdu, s) => s.send(pdu.response({ command_status: 0x0e })),
    });
    const error = await SmppSession.open(sessionOptions(server.port)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BindRefusedError);
    expect(error).toMatchObject({ status: 0x0e, statusName: 'ESME_RINVPASWD', systemId: 'acct1' });
    expect((error as Error).message).not.toContain('secret');
  });

  it('rejects with ResponseTimeoutError when the server never answers the bind', async () => {
    const server = await smsc({ onBind: () => undefined });
    const error = await SmppSession.open(
      sessionOptions(server.port, { responseTimeoutMs: 200 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTimeoutError);
    expect(error).toMatchObject({ command: 'bind_transceiver', timeoutMs: 200 });
  });

  it('rejects with ConnectionClosedError and the allow-listing hint when the SMSC closes before answering the bind', async () => {
    const server = await rawServer((socket) => socket.once('data', () => socket.destroy()));
    const error = await SmppSession.open(sessionOptions(server.port)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as Error).message).toMatch(/closed the connection before answering the bind/);
    expect((error as Error).message).toMatch(/allow-listed/);
  });

  it('gives the allow-listing hint when a TLS connection is accepted and then dropped during the handshake', async () => {
    const server = await rawServer((socket) => socket.destroy());
    const error = await SmppSession.open(sessionOptions(server.port, { tls: {} })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as Error).message).toMatch(/before answering the bind/);
    expect((error as Error).message).toMatch(/allow-listed/);
  });

  it('rejects with ConnectionClosedError (not a crash) when the connection is refused', async () => {
    const port = await freePort();
    const error = await SmppSession.open(sessionOptions(port)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as Error).message).toMatch(/allow-listed/);
    expect((error as ConnectionClosedError).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects with ConnectTimeoutError when the TLS handshake is never answered', async () => {
    const server = await rawServer(); // accepts TCP, never speaks TLS
    const error = await SmppSession.open(
      sessionOptions(server.port, { tls: {}, connectTimeoutMs: 250 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectTimeoutError);
    expect(error).toMatchObject({ host: '127.0.0.1', port: server.port, timeoutMs: 250 });
    await expect
      .poll(() => server.sockets[0]?.destroyed || server.sockets[0]?.readableEnded)
      .toBe(true);
  });

  it('rejects bad options with SmppConfigError listing each problem', async () => {
    const bad = {
      ...sessionOptions(1),
      port: 0,
      window: 0,
      mode: 'sideways',
    } as unknown as SessionOptions;
    const error = await SmppSession.open(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmppConfigError);
    expect((error as SmppConfigError).issues).toHaveLength(3);
  });
});

describe('SmppSession.open over TLS', () => {
  let pem: { key: string; cert: string };
  beforeAll(() => {
    pem = selfSignedCert();
  });

  it('refuses a self-signed certificate by default', async () => {
    const server = await smsc({}, pem);
    const error = await SmppSession.open(sessionOptions(server.port, { tls: {} })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as ConnectionClosedError).cause).toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(server.received).toHaveLength(0);
  });

  it('binds when the certificate is trusted through `ca` (servername passed through), TLS 1.2 or newer', async () => {
    const server = await smsc({}, pem);
    const session = await tracker.open(
      sessionOptions(server.port, { tls: { ca: pem.cert, servername: 'localhost' } }),
    );
    expect(session.state).toBe('bound');
    const serverSocket = server.sessions[0]?.socket as tls.TLSSocket;
    expect(['TLSv1.2', 'TLSv1.3']).toContain(serverSocket.getProtocol());
    expect(server.received[0]?.command).toBe('bind_transceiver');
  });
});
