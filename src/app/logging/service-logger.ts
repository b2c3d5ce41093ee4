/**
 * The service's logger: Nest's ConsoleLogger, one JSON object per line (LOG_FORMAT=json, the
 * default when the output is not a terminal) or pretty with colours on a terminal only. Nest's
 * start-up chatter (route mappings, "dependencies initialized") is logged at debug.
 */
import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { LogLevelName } from '../config/service-env.js';

const LEVELS: readonly LogLevelName[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Contexts whose `log` lines are start-up detail: debug. */
const STARTUP_DETAIL = new Set([
  'RoutesResolver',
  'RouterExplorer',
  'InstanceLoader',
  'NestFactory',
  'NestApplication',
]);

export interface ServiceLoggerOptions {
  format?: 'json' | 'pretty';
  level: LogLevelName;
  /** Default: process.stdout.isTTY. */
  tty?: boolean;
}

export class ServiceLogger extends ConsoleLogger {
  constructor(options: ServiceLoggerOptions) {
    const tty = options.tty ?? process.stdout.isTTY === true;
    const json = (options.format ?? (tty ? 'pretty' : 'json')) === 'json';
    super({
      json,
      colors: !json && tty && !process.env.NO_COLOR,
      logLevels: LEVELS.slice(0, LEVELS.indexOf(options.level) + 1) as LogLevel[],
    });
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && STARTUP_DETAIL.has(context)) {
      super.debug(message, ...optionalParams);
    } else {
      super.log(message, ...optionalParams);
    }
  }
}
