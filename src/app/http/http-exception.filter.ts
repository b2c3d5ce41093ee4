import {
  type ArgumentsHost,
  BadRequestException,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
} from '@nestjs/common';
import { boundedFieldError } from './field-errors.js';

/**
 * Every 400 in the API's shape `{ statusCode, message, errors: [{ field, message }] }`, whatever
 * raised it; other HTTP exceptions answer as Nest does (their response object as it is).
 */
@Catch(HttpException)
export class HttpExceptionFilter implements ExceptionFilter<HttpException> {
  catch(error: HttpException, host: ArgumentsHost): void {
    const res = host
      .switchToHttp()
      .getResponse<{ status(code: number): { json(body: unknown): void } }>();
    const status = error.getStatus();
    const answer = error.getResponse();
    if (!(error instanceof BadRequestException) && status !== Number(HttpStatus.BAD_REQUEST)) {
      res
        .status(status)
        .json(typeof answer === 'string' ? { statusCode: status, message: answer } : answer);
      return;
    }
    const messages = typeof answer === 'string' ? [answer] : messagesOf(answer, error.message);
    res.status(status).json({
      statusCode: status,
      message: 'Invalid request',
      errors: messages.map((m) => boundedFieldError({ field: 'request', message: m })),
    });
  }
}

function messagesOf(answer: object, fallback: string): string[] {
  const message = (answer as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String);
  return [typeof message === 'string' ? message : fallback];
}
