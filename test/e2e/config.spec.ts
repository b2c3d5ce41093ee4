/** The service's environment: validation with every bad variable named at once, never the password. */
import { describe, expect, it } from 'vitest';
import {
  EnvValidationError,
  redactDatabaseUrl,
  SERVICE_ENV_VARIABLES,
  unknownSmppVariables,
  validateServiceEnv,
} from '../../src/app/config/service-env.js';
import { createServiceApp } from '../../src/app/service-app.js';
import { readFileSync } from 'node:fs';
import { RecordingLogger } from './support.js';

function problems(env: Record<string, string>): string[] {
  try {
    validateServiceEnv(env);
  } catch (error) {
    if (error instanceof EnvValidationError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('validateServiceEnv', () => {
  it('needs nothing: port 3000, embedded Postgres, the in-process simulator', () => {
    expect(validateServiceEnv({})).toEqual({
      port: 3000,
      databaseUrl: undefined,
      databasePoolSize: 10,
      auth: { apiKeys: [], allowUnauthenticated: false },
      rateLimitPerMinute: 600,
      log: { format: undefined, level: 'log' },
      smpp: expect.objectContaining({
        simulator: true,
        region: 'sg',
        systemId: undefined,
        password: undefined,
      }),
    });
  });

  it('reads a full 8x8 configuration', () => {
    const env = validateServiceEnv({
      PORT: '8080',
      DATABASE_URL: 'postgres://app:pw@db:5432/sms',
      DATABASE_POOL_SIZE: '20',
      API_KEYS: `key-one-0123456789, sha256:${'ab'.repeat(32)}`,
      RATE_LIMIT_PER_MINUTE: '120',
      LOG_FORMAT: 'JSON',
      LOG_LEVEL: 'info',
      SMPP_SYSTEM_ID: 'acme_sg',
      SMPP_PASSWORD: 'p w:8x8!',
      SMPP_REGION: 'EU',
      SMPP_TLS: 'true',
      SMPP_TRANSMITTERS: '2',
      SMPP_RECEIVERS: '2',
      SMPP_SUBMITS_PER_SECOND: '37.5',
      SMPP_WINDOW: '20',
      SMPP_ENQUIRE_LINK_MS: '15000',
      SMPP_RESPONSE_TIMEOUT_MS: '5000',
      SMPP_DEFAULT_SENDER: 'ACME',
    });
    expect(env).toEqual({
      port: 8080,
      databaseUrl: 'postgres://app:pw@db:5432/sms',
      databasePoolSize: 20,
      auth: {
        apiKeys: ['key-one-0123456789', `sha256:${'ab'.repeat(32)}`],
        allowUnauthenticated: false,
      },
      rateLimitPerMinute: 120,
      log: { format: 'json', level: 'log' },
      smpp: {
        simulator: false,
        systemId: 'acme_sg',
        password: 'p w:8x8!',
        region: 'eu',
        host: undefined,
        port: undefined,
        tls: true,
        tlsFiles: { ca: undefined, cert: undefined, key: undefined, servername: undefined },
        binds: { transmitters: 2, receivers: 2 },
        submitsPerSecond: 37.5,
        window: 20,
        enquireLinkMs: 15000,
        responseTimeoutMs: 5000,
        defaultSender: 'ACME',
      },
    });
  });

  it('reads another SMSC by host and port, plain TCP', () => {
    const env = validateServiceEnv({
      SMPP_HOST: 'simulator',
      SMPP_PORT: '2775',
      SMPP_TLS: 'false',
      SMPP_SYSTEM_ID: 'smppuser',
      SMPP_PASSWORD: 'secret',
      SMPP_TRANSCEIVERS: '3',
      ALLOW_UNAUTHENTICATED: 'true',
    });
    expect(env.smpp).toMatchObject({
      simulator: false,
      host: 'simulator',
      port: 2775,
      tls: false,
      binds: { transceivers: 3 },
    });
  });

  it('names every bad variable in one error, and never echoes the password or the database URL', () => {
    const env = {
      PORT: 'eighty',
      DATABASE_URL: 'mysql://root:hunter2@db/x',
      API_KEYS: 'short-Key',
      SMPP_SYSTEM_ID: 'an-id-that-is-far-too-long',
      SMPP_PASSWORD: 'TopSecret123',
      SMPP_REGION: 'us',
      SMPP_PORT: '70000',
      SMPP_TLS: 'maybe',
      SMPP_TRANSCEIVERS: '5',
      SMPP_SUBMITS_PER_SECOND: '0',
      SMPP_WINDOW: '-1',
      SMPP_ENQUIRE_LINK_MS: '10',
      SMPP_RESPONSE_TIMEOUT_MS: 'soon',
      SMPP_DEFAULT_SENDER: 'A sender that is too long',
    };
    let error: unknown;
    try {
      validateServiceEnv(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvValidationError);
    const { message, problems: list } = error as EnvValidationError;
    for (const name of Object.keys(env)) expect(message).toMatch(new RegExp(`^  - ${name}: `, 'm'));
    expect(list).toHaveLength(Object.keys(env).length);
    expect(message).not.toContain('TopSecret123');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('short-Key');
    expect(message).toContain('SMPP_PASSWORD: at most 8 characters (SMPP 3.4), got 12');
    expect(message).toContain('SMPP_REGION: expected sg, eu or id, got "us"');
    expect(message).toContain('See .env.example');
  });

  it.each([
    [
      { SMPP_HOST: 'smsc.example', ALLOW_UNAUTHENTICATED: 'true' },
      ['SMPP_SYSTEM_ID: required when SMPP_HOST is set', 'SMPP_PASSWORD: required'],
    ],
    [
      { SMPP_SYSTEM_ID: 'acme', API_KEYS: 'a-long-enough-api-key' },
      ['SMPP_PASSWORD: required with SMPP_SYSTEM_ID'],
    ],
    [{ SMPP_PASSWORD: 'secret' }, ['SMPP_PASSWORD: set without SMPP_SYSTEM_ID']],
    [
      { SMPP_TRANSCEIVERS: '1', SMPP_TRANSMITTERS: '1', SMPP_RECEIVERS: '1' },
      ['SMPP_TRANSCEIVERS: give either'],
    ],
    [{ SMPP_TRANSMITTERS: '2' }, ['SMPP_RECEIVERS: required with SMPP_TRANSMITTERS']],
    [
      { SMPP_TRANSMITTERS: '3', SMPP_RECEIVERS: '2' },
      ['SMPP_TRANSMITTERS: 3 transmitters + 2 receivers = 5 binds; 8x8 allows 4'],
    ],
    [{ SMPP_TRANSMITTERS: '0', SMPP_RECEIVERS: '0' }, ['SMPP_TRANSMITTERS: at least one bind']],
    [{ SMPP_DEFAULT_SENDER: '+0123456789' }, ['SMPP_DEFAULT_SENDER: the sender "+0123456789"']],
    [
      { SMPP_HOST: 'smsc.example', SMPP_SYSTEM_ID: 'acme', SMPP_PASSWORD: 'secret' },
      ['API_KEYS: required with a real SMSC'],
    ],
    [
      { SMPP_TLS: 'false', SMPP_TLS_SERVERNAME: 'smsc.example' },
      ['SMPP_TLS_SERVERNAME: set with SMPP_TLS=false'],
    ],
    [{ SMPP_TLS_CA_FILE: '/nonexistent/ca.pem' }, ['SMPP_TLS_CA_FILE: cannot read the file']],
    [
      { SMPP_TLS_CERT_FILE: '/etc/hostname' },
      ['SMPP_TLS_CERT_FILE: a client certificate needs both'],
    ],
    [
      { LOG_FORMAT: 'xml', LOG_LEVEL: 'loud' },
      ['LOG_FORMAT: expected json or pretty', 'LOG_LEVEL: expected'],
    ],
  ])('%j -> %j', (env, expected) => {
    const list = problems(env);
    expect(list).toHaveLength(expected.length);
    expected.forEach((start, i) => expect(list[i]).toContain(start));
  });

  it('accepts a transmitter-only split and PORT 0', () => {
    expect(
      validateServiceEnv({ PORT: '0', SMPP_TRANSMITTERS: '1', SMPP_RECEIVERS: '0' }),
    ).toMatchObject({
      port: 0,
      smpp: { binds: { transmitters: 1, receivers: 0 } },
    });
  });

  it('points out SMPP_ variables it does not know', () => {
    expect(unknownSmppVariables({ SMPP_SYTEM_ID: 'x', SMPP_HOST: 'y', PATH: '/bin' })).toEqual([
      'SMPP_SYTEM_ID',
    ]);
  });

  it('shows a database URL as host:port/database only (no user, password or parameters)', () => {
    expect(redactDatabaseUrl('postgres://app:s3cret@db:5432/sms')).toBe('db:5432/sms');
    expect(redactDatabaseUrl('postgres://app@db/sms?password=s3cret&sslmode=require')).toBe(
      'db:5432/sms',
    );
  });

  it('secure by default: a real SMSC needs API keys, unless ALLOW_UNAUTHENTICATED=true; the simulator needs none', () => {
    const smsc = { SMPP_HOST: 'smsc.example', SMPP_SYSTEM_ID: 'acme', SMPP_PASSWORD: 'secret' };
    expect(problems(smsc)).toEqual([expect.stringMatching(/^API_KEYS: required with a real SMSC/)]);
    expect(validateServiceEnv({ ...smsc, ALLOW_UNAUTHENTICATED: 'true' }).auth).toEqual({
      apiKeys: [],
      allowUnauthenticated: true,
    });
    expect(validateServiceEnv({ ...smsc, API_KEYS: 'k-0123456789abcdef' }).auth.apiKeys).toEqual([
      'k-0123456789abcdef',
    ]);
    expect(validateServiceEnv({}).auth.apiKeys).toEqual([]);
    expect(problems({ API_KEYS: 'sha256:not-hex' })).toEqual([
      expect.stringMatching(/^API_KEYS: each key is at least 16 characters/),
    ]);
  });

  it('reads the TLS files of SMPP_TLS_*', () => {
    const env = validateServiceEnv({
      SMPP_HOST: 'smsc.example',
      SMPP_SYSTEM_ID: 'acme',
      SMPP_PASSWORD: 'secret',
      API_KEYS: 'k-0123456789abcdef',
      SMPP_TLS_CA_FILE: '/etc/hostname',
      SMPP_TLS_CERT_FILE: '/etc/hostname',
      SMPP_TLS_KEY_FILE: '/etc/hostname',
      SMPP_TLS_SERVERNAME: 'smsc.example.com',
    });
    expect(env.smpp.tlsFiles).toEqual({
      ca: '/etc/hostname',
      cert: '/etc/hostname',
      key: '/etc/hostname',
      servername: 'smsc.example.com',
    });
  });

  it('.env.example lists every variable', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    for (const name of SERVICE_ENV_VARIABLES)
      expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });
});

describe('createServiceApp with a bad environment', () => {
  it('fails before starting anything, with the whole list, and logs no password', async () => {
    const logs = new RecordingLogger();
    const env = {
      SMPP_HOST: 'smsc.example',
      API_KEYS: 'k-0123456789abcdef',
      SMPP_PASSWORD: 'Pa55word',
      SMPP_TLS: 'sometimes',
      SMPP_REGION: 'mars',
    };
    await expect(createServiceApp({ env, logger: logs })).rejects.toThrow(
      /Invalid configuration \(3 problems\):\n {2}- SMPP_SYSTEM_ID: .*\n {2}- SMPP_REGION: .*\n {2}- SMPP_TLS: /,
    );
    expect(logs.text()).not.toContain('Pa55word');
    expect(logs.text()).not.toContain('Embedded Postgres');
  });
});
