import { type ArgumentsHost, Catch, HttpStatus } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import {
  MessageConflictError,
  MessageNotCancellableError,
  MessageNotFoundError,
  MessageStoreError,
  QueueFullError,
  SmppBackpressureError,
  SmppError,
  SmppStoreUnavailableError,
  SmppValidationError,
} from '../errors.js';

/** The JSON body the filter answers with. */
export interface SmppErrorResponse {
  statusCode: number;
  message: string;
  /** The error's stable `code` (e.g. SMPP_VALIDATION_FAILED). */
  code: string;
  /** Validation errors: every bad field. */
  errors?: Array<{ field: string; message: string }>;
  /** MessageConflictError: the message that already has this clientRef, and what differs. */
  existingId?: string;
  fields?: string[];
}

interface Mapped {
  status: number;
  body: SmppErrorResponse;
  retryAfterMs?: number;
}

/** Longest field name and message echoed back (a 90 KB `to` must not come back), and quoted input in a message. */
const MAX_FIELD = 64;
const MAX_MESSAGE = 300;
const MAX_QUOTED = 40;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A field error fit to send back: long echoed values cut short. */
function boundedFieldError(e: { field: string; message: string }) {
  const message = e.message.replace(
    /"([^"]{41,})"/g,
    (_all, quoted: string) => `"${truncate(quoted, MAX_QUOTED)}"`,
  );
  return { field: truncate(e.field, MAX_FIELD), message: truncate(message, MAX_MESSAGE) };
}

/** How an SmppError maps to HTTP; undefined: not a client-facing error (a 500, logged). */
export function mapSmppError(error: SmppError): Mapped | undefined {
  const body = (statusCode: number, message: string): SmppErrorResponse => ({
    statusCode,
    message,
    code: error.code,
  });
  if (error instanceof SmppValidationError) {
    return {
      status: HttpStatus.BAD_REQUEST,
      body: {
        ...body(HttpStatus.BAD_REQUEST, 'Invalid request'),
        errors: error.errors.map(boundedFieldError),
      },
    };
  }
  if (error instanceof MessageConflictError) {
    return {
      status: HttpStatus.CONFLICT,
      body: {
        ...body(HttpStatus.CONFLICT, error.message),
        existingId: error.existingId,
        fields: [...error.fields],
      },
    };
  }
  if (error instanceof MessageNotCancellableError)
    return { status: HttpStatus.CONFLICT, body: body(HttpStatus.CONFLICT, error.message) };
  if (error instanceof MessageNotFoundError)
    return { status: HttpStatus.NOT_FOUND, body: body(HttpStatus.NOT_FOUND, error.message) };
  if (error instanceof QueueFullError || error instanceof SmppBackpressureError) {
    return {
      status: HttpStatus.TOO_MANY_REQUESTS,
      body: body(HttpStatus.TOO_MANY_REQUESTS, error.message),
      retryAfterMs: error.retryAfterMs,
    };
  }
  if (error instanceof MessageStoreError) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: body(
        HttpStatus.SERVICE_UNAVAILABLE,
        'The message could not be stored; nothing was sent. Retry (with the same clientRef).',
      ),
    };
  }
  if (error instanceof SmppStoreUnavailableError) {
    // What failed and what it left, never the database's own message (it is in `cause`, for logs).
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: body(
        HttpStatus.SERVICE_UNAVAILABLE,
        truncate(
          `Could not ${error.operation}: the database is unavailable. ${error.outcome} Retry later.`,
          MAX_MESSAGE,
        ),
      ),
    };
  }
  return undefined;
}

/**
 * Maps the module's errors to HTTP answers, once for the whole application:
 * SmppValidationError 400 (with `errors[]`), MessageConflictError and MessageNotCancellableError
 * 409, MessageNotFoundError 404, QueueFullError and SmppBackpressureError 429 (with Retry-After),
 * MessageStoreError and SmppStoreUnavailableError 503. Any other error goes to Nest's default
 * handling (500, logged).
 * Register it with `{ provide: APP_FILTER, useClass: SmppExceptionFilter }`.
 */
@Catch(SmppError)
export class SmppExceptionFilter extends BaseExceptionFilter {
  override catch(error: SmppError, host: ArgumentsHost): void {
    const mapped = host.getType() === 'http' ? mapSmppError(error) : undefined;
    const adapter = this.httpAdapterHost?.httpAdapter ?? this.applicationRef;
    if (!mapped || !adapter) {
      super.catch(error, host);
      return;
    }
    const response: unknown = host.switchToHttp().getResponse();
    if (mapped.retryAfterMs !== undefined) {
      const seconds = Math.max(1, Math.ceil(mapped.retryAfterMs / 1000));
      adapter.setHeader(response, 'Retry-After', String(seconds));
    }
    adapter.reply(response, mapped.body, mapped.status);
  }
}
