/**
 * TLS from the environment, for real: an SMSC (the simulator) with a certificate signed by a
 * private CA; the service trusts that CA through SMPP_TLS_CA_FILE and checks the name given in
 * SMPP_TLS_SERVERNAME. And the module's TLS policy: no TLS below 1.2 unless explicitly allowed,
 * a warning (once per account) when certificates are not verified.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmscSimulator } from '../../src/simulator/index.js';
import { resolveSmppOptions } from '../../src/smpp/config/resolve-options.js';
import { SmppConfigError } from '../../src/smpp/errors.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { eventually, http, startTestService } from './support.js';

const run = promisify(execFile);
const SYSTEM_ID = 'tlsuser';
const PASSWORD = 'Tls#2026';
const NAME = 'smsc.test.internal';

/** A CA, and a server certificate for NAME signed by it (openssl). */
async function makeCertificates(dir: string) {
  const f = (name: string) => join(dir, name);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=Test SMSC CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  ]);
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${NAME}`,
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
  ]);
  await writeFile(f('ext.cnf'), `subjectAltName=DNS:${NAME}\n`);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
    '-out',
    f('server.pem'),
  ]);
  return { ca: f('ca.pem'), key: f('server.key'), cert: f('server.pem') };
}

describe('SMPP over TLS configured from the environment', () => {
  let dir: string;
  let sim: SmscSimulator;
  let files: { ca: string; key: string; cert: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smpp-tls-'));
    files = await makeCertificates(dir);
    sim = new SmscSimulator({
      accounts: [{ systemId: SYSTEM_ID, password: PASSWORD }],
      tls: { key: await readFile(files.key), cert: await readFile(files.cert) },
      tlsPort: 0,
    });
    await sim.start();
  }, 60_000);
  afterAll(async () => {
    await sim?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string>) => ({
    SMPP_HOST: '127.0.0.1',
    SMPP_PORT: String(sim.tlsPort),
    SMPP_SYSTEM_ID: SYSTEM_ID,
    SMPP_PASSWORD: PASSWORD,
    SMPP_DEFAULT_SENDER: 'ACME',
    ...extra,
  });

  it('binds when the CA file and the server name are given, and sends', async () => {
    const service = await startTestService(
      env({ SMPP_TLS_CA_FILE: files.ca, SMPP_TLS_SERVERNAME: NAME }),
    );
    try {
      expect(service.logs.text()).toContain(`over TLS as system_id ${SYSTEM_ID}`);
      await eventually(() => sim.binds.length === 1, 'a TLS bind');
      expect(sim.binds[0]).toMatchObject({ systemId: SYSTEM_ID, tls: true });
      const sent = await http<{ id: string; status: string }>(service.url, '/messages', {
        json: { to: '+6591234567', text: 'over TLS' },
      });
      expect(sent.status).toBe(202);
      await eventually(
        async () =>
          (await http<{ status: string }>(service.url, `/messages/${sent.body.id}`)).body.status ===
          'delivered',
        'delivered over TLS',
      );
    } finally {
      await service.stop();
    }
  });

  it('does not bind without the CA (the certificate is not trusted), and says why', async () => {
    const service = await startTestService(env({ SMPP_TLS_SERVERNAME: NAME }));
    try {
      await eventually(
        () => /self-signed|unable to verify|certificate/i.test(service.logs.text()),
        'a certificate error in the logs',
      );
      expect(sim.binds.filter((b) => b.systemId === SYSTEM_ID)).toHaveLength(0);
    } finally {
      await service.stop();
    }
  });
});

describe("the module's TLS policy", () => {
  const account = { name: 'default', systemId: 'acme', password: 'secret' };

  it('refuses a minimum below TLS 1.2, unless allowInsecureProtocols', () => {
    let error: unknown;
    try {
      resolveSmppOptions({ accounts: [{ ...account, tls: { minVersion: 'TLSv1' } }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SmppConfigError);
    expect((error as SmppConfigError).issues).toEqual([
      expect.stringMatching(
        /^accounts\[0\] \("default"\)\.tls\.minVersion: TLSv1 is below TLS 1\.2/,
      ),
    ]);
    const allowed = resolveSmppOptions({
      accounts: [{ ...account, tls: { minVersion: 'TLSv1.1', allowInsecureProtocols: true } }],
    });
    expect(allowed.accounts[0].tls).toEqual({ minVersion: 'TLSv1.1' });
  });

  it('warns once per account when certificates are not verified', () => {
    const logs = new RecordingLogger();
    Logger.overrideLogger(logs);
    try {
      resolveSmppOptions({
        accounts: [
          { ...account, tls: { rejectUnauthorized: false } },
          { ...account, name: 'other', tls: {} },
        ],
      });
    } finally {
      Logger.overrideLogger(new RecordingLogger());
    }
    const warnings = logs.lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/"default"\)?: tls\.rejectUnauthorized is false/);
  });
});
