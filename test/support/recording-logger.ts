import type { LoggerService } from '@nestjs/common';

export interface LogLine {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  /** The Nest context (the last string argument), or ''. */
  context: string;
  /** Everything logged, message, context and stack, as one text. */
  message: string;
  at: number;
}

/** A Nest logger that keeps every line, to assert what was (and was not) logged; prints them with SMPP_TEST_LOGS=1. */
export class RecordingLogger implements LoggerService {
  readonly lines: LogLine[] = [];

  private record(level: LogLine['level'], message: unknown, optional: unknown[]): void {
    const last = optional[optional.length - 1];
    const text = [message, ...optional]
      .map((m) => (typeof m === 'string' ? m : safeJson(m)))
      .join(' ');
    this.lines.push({
      level,
      context: typeof last === 'string' ? last : '',
      message: text,
      at: Date.now(),
    });
    if (process.env.SMPP_TEST_LOGS) console.log(`[${level}] ${text}`);
  }

  log(message: unknown, ...optional: unknown[]): void {
    this.record('log', message, optional);
  }
  error(message: unknown, ...optional: unknown[]): void {
    this.record('error', message, optional);
  }
  warn(message: unknown, ...optional: unknown[]): void {
    this.record('warn', message, optional);
  }
  debug(message: unknown, ...optional: unknown[]): void {
    this.record('debug', message, optional);
  }
  verbose(message: unknown, ...optional: unknown[]): void {
    this.record('verbose', message, optional);
  }
  fatal(message: unknown, ...optional: unknown[]): void {
    this.record('fatal', message, optional);
  }

  text(): string {
    return this.lines.map((l) => `[${l.level}] ${l.message}`).join('\n');
  }
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return `${value.message}\n${value.stack ?? ''}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
