import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmscSimulator } from '../../src/simulator/index.js';
import { connect } from './raw-client.js';

let dir: string;
let key: Buffer;
let cert: Buffer;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'smsc-sim-tls-'));
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
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  key = readFileSync(join(dir, 'key.pem'));
  cert = readFileSync(join(dir, 'cert.pem'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('SmscSimulator TLS listener', () => {
  it('binds and submits over TLS with a verified self-signed certificate', async () => {
    const sim = new SmscSimulator({ tls: { key, cert }, receipts: { delayMs: 1 } });
    await sim.start();
    try {
      expect(sim.tlsPort).toBeGreaterThan(0);
      expect(sim.tlsPort).not.toBe(sim.port);
      const client = await connect(sim.tlsPort!, {
        tls: true,
        ca: cert,
        servername: 'localhost',
        minVersion: 'TLSv1.2',
      });
      expect((await client.bind('transceiver')).command_status).toBe(0);
      expect(sim.binds[0].tls).toBe(true);
      const resp = await client.submit();
      const receipt = await client.next((p) => p.command === 'deliver_sm');
      expect(receipt.receipted_message_id).toBe(resp.message_id);
      await client.close();
    } finally {
      await sim.stop();
    }
  });

  it('refuses a client that does not trust the certificate, without crashing', async () => {
    const sim = new SmscSimulator({ tls: { key, cert } });
    await sim.start();
    try {
      await expect(connect(sim.tlsPort!, { tls: true })).rejects.toThrow(/self-signed|certificate/);
      const plain = await connect(sim.port);
      expect((await plain.bind('transceiver')).command_status).toBe(0);
      await plain.close();
    } finally {
      await sim.stop();
    }
  });
});
