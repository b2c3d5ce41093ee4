// Test helper: SMSCs on 127.0.0.1 port 0. `startSmsc` is a well-behaved smpp@0.5.1 server whose
// answers each test overrides; `startRawServer` is a plain TCP server for misbehaving peers.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import smpp from 'smpp';
import type { PDU, Session } from 'smpp';
import { SmppSession } from '../../src/smpp/session/smpp-session.js';
import type { SessionCloseEvent, SessionOptions } from '../../src/smpp/session/session.types.js';

type Handler = (pdu: PDU, session: Session) => void;

export interface SmscBehaviour {
  onBind: Handler;
  onSubmit: Handler;
  onEnquireLink: Handler;
  onUnbind: Handler;
  onOther: Handler;
}

export interface FakeSmsc {
  port: number;
  /** Server-side sessions, in connection order. */
  sessions: Session[];
  /** Every PDU the server received, in order (requests and responses), with the session it came on. */
  received: PDU[];
  commands(): string[];
  close(): Promise<void>;
}

const answer: Handler = (pdu, s) => {
  s.send(pdu.response());
};

let messageCounter = 0;
export const defaultBehaviour: SmscBehaviour = {
  onBind: (pdu, s) => {
    s.send(pdu.response({ system_id: 'FAKESMSC' }));
  },
  onSubmit: (pdu, s) => {
    s.send(pdu.response({ message_id: `msg-${++messageCounter}` }));
  },
  onEnquireLink: answer,
  onUnbind: (pdu, s) => {
    s.send(pdu.response());
    s.close();
  },
  onOther: () => undefined,
};

export async function startSmsc(
  behaviour: Partial<SmscBehaviour> = {},
  tls?: { key: string; cert: string },
): Promise<FakeSmsc> {
  const b: SmscBehaviour = { ...defaultBehaviour, ...behaviour };
  const sessions: Session[] = [];
  const received: PDU[] = [];
  const server = smpp.createServer(tls ?? {}, (s: Session) => {
    sessions.push(s);
    s.on('error', () => undefined);
    s.on('pdu', (pdu: PDU) => {
      received.push(pdu);
      if (pdu.isResponse()) return;
      if (pdu.command.startsWith('bind_')) b.onBind(pdu, s);
      else if (pdu.command === 'submit_sm') b.onSubmit(pdu, s);
      else if (pdu.command === 'enquire_link') b.onEnquireLink(pdu, s);
      else if (pdu.command === 'unbind') b.onUnbind(pdu, s);
      else b.onOther(pdu, s);
    });
  });
  const port = await listen(server);
  return {
    port,
    sessions,
    received,
    commands: () => received.map((p) => p.command),
    close: async () => {
      for (const s of sessions) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RawServer {
  port: number;
  sockets: net.Socket[];
  /** Bytes received per socket. */
  data: Buffer[];
  close(): Promise<void>;
}

/** A plain TCP server: `onSocket` decides what (if anything) to answer. */
export async function startRawServer(
  onSocket: (socket: net.Socket, index: number) => void = () => undefined,
) {
  const sockets: net.Socket[] = [];
  const data: Buffer[] = [];
  const server = net.createServer((socket) => {
    const index = sockets.length;
    sockets.push(socket);
    data.push(Buffer.alloc(0));
    socket.on('error', () => undefined);
    socket.on(
      'data',
      (chunk: Buffer) => (data[index] = Buffer.concat([data[index] as Buffer, chunk])),
    );
    onSocket(socket, index);
  });
  const port = await listen(server);
  const raw: RawServer = {
    port,
    sockets,
    data,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return raw;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('no port'));
    });
  });
}

/** A port nothing listens on (bound once, then released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function sessionOptions(
  port: number,
  overrides: Partial<SessionOptions> = {},
): SessionOptions {
  return {
    host: '127.0.0.1',
    port,
    systemId: 'acct1',
    password: 'secret',
    mode: 'transceiver',
    window: 10,
    submitsPerSecond: 0,
    connectTimeoutMs: 2_000,
    responseTimeoutMs: 2_000,
    enquireLinkMs: 60_000,
    unbindTimeoutMs: 1_000,
    ...overrides,
  };
}

/** Opens sessions and destroys whatever is left at cleanup. */
export class SessionTracker {
  private readonly sessions: SmppSession[] = [];

  async open(options: SessionOptions): Promise<SmppSession> {
    const s = await SmppSession.open(options);
    this.sessions.push(s);
    return s;
  }

  destroyAll(): void {
    for (const s of this.sessions.splice(0)) s.destroy('test cleanup');
  }
}

/** Polls `predicate` every 5 ms; throws after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean,
  timeoutMs = 3_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with the next close event of `session`. */
export function nextClose(session: SmppSession): Promise<SessionCloseEvent> {
  return new Promise((resolve) => session.once('close', resolve));
}

/** A promise plus its resolve/reject, for handlers the test finishes by hand. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A self-signed certificate for CN=localhost, made with openssl in a temporary folder. */
export function selfSignedCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'smpp-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
