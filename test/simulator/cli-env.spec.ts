import { describe, expect, it } from 'vitest';
import { parseAccounts, simulatorOptionsFromEnv } from '../../src/simulator/cli-env.js';

describe('simulator CLI environment', () => {
  it('defaults to 127.0.0.1:2775 with smppuser:secret', () => {
    expect(simulatorOptionsFromEnv({})).toEqual({
      host: '127.0.0.1',
      port: 2775,
      accounts: [{ systemId: 'smppuser', password: 'secret' }],
    });
  });

  it('reads every variable', () => {
    const files: Record<string, string> = { '/k.pem': 'KEY', '/c.pem': 'CERT' };
    const options = simulatorOptionsFromEnv(
      {
        SIM_HOST: '0.0.0.0',
        SIM_PORT: '3775',
        SIM_TLS_PORT: '3776',
        SIM_TLS_KEY: '/k.pem',
        SIM_TLS_CERT: '/c.pem',
        SIM_ACCOUNTS: 'acct1:pw1, acct2:p:w2',
        SIM_RECEIPT_DELAY_MS: '100',
        SIM_SUBMITS_PER_SECOND: '0',
        SIM_MAX_BINDS: '2',
        SIM_MESSAGE_ID_STYLE: 'hex',
        SIM_ENQUIRE_LINK_MS: '30000',
      },
      (path) => Buffer.from(files[path]),
    );
    expect(options).toEqual({
      host: '0.0.0.0',
      port: 3775,
      tlsPort: 3776,
      tls: { key: Buffer.from('KEY'), cert: Buffer.from('CERT') },
      accounts: [
        { systemId: 'acct1', password: 'pw1' },
        { systemId: 'acct2', password: 'p:w2' },
      ],
      receipts: { delayMs: 100 },
      submitsPerSecondPerBind: 0,
      maxBindsPerSystemId: 2,
      messageIdStyle: 'hex',
      enquireLinkMs: 30000,
    });
  });

  it('rejects bad values with a message naming the variable', () => {
    expect(() => simulatorOptionsFromEnv({ SIM_PORT: 'abc' })).toThrow(/SIM_PORT/);
    expect(() => simulatorOptionsFromEnv({ SIM_TLS_PORT: '2776' })).toThrow(/SIM_TLS_KEY/);
    expect(() => simulatorOptionsFromEnv({ SIM_MESSAGE_ID_STYLE: 'x' })).toThrow(
      /SIM_MESSAGE_ID_STYLE/,
    );
    expect(() => parseAccounts('nopassword')).toThrow(/systemId:password/);
    expect(() => parseAccounts(' , ')).toThrow(/no account/);
  });
});
