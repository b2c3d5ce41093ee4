import { Logger } from '@nestjs/common';
import type { SessionTlsOptions } from '../session/session.types.js';

/** TLS options of an account: node's, plus the one switch that lets TLS below 1.2 through. */
export interface SmppTlsOptions extends SessionTlsOptions {
  /**
   * Accept `minVersion` 'TLSv1' or 'TLSv1.1' (refused otherwise: both are broken and deprecated).
   * Only for an SMSC that cannot do better.
   */
  allowInsecureProtocols?: boolean;
}

const INSECURE_VERSIONS = new Set(['TLSv1', 'TLSv1.1', 'SSLv3']);

/**
 * Checks an account's TLS options: a minimum below TLS 1.2 is an issue unless
 * allowInsecureProtocols; certificate verification turned off is warned about (once per account,
 * since options are resolved once). Returns the options for the session (without the switch).
 */
export function checkTlsPolicy(
  tls: SmppTlsOptions,
  label: string,
  issues: string[],
): SessionTlsOptions {
  const { allowInsecureProtocols, ...session } = tls;
  if (session.minVersion && INSECURE_VERSIONS.has(session.minVersion) && !allowInsecureProtocols) {
    issues.push(
      `${label}.tls.minVersion: ${session.minVersion} is below TLS 1.2 and refused; remove it (default TLSv1.2) or, for an SMSC that cannot do better, set tls.allowInsecureProtocols: true`,
    );
  }
  if (session.rejectUnauthorized === false) {
    new Logger('SmppModule').warn(
      `${label}: tls.rejectUnauthorized is false: the SMSC's certificate is NOT verified, so anyone on the network path can read and alter the traffic (password included). Give its CA (tls.ca) instead.`,
    );
  }
  return session;
}
