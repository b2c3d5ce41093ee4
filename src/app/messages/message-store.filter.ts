import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import { MessageStoreError } from '../../smpp/index.js';

/** MessageStoreError (the database is away; nothing was queued) -> 503, so clients retry. */
@Catch(MessageStoreError)
export class MessageStoreFilter implements ExceptionFilter<MessageStoreError> {
  catch(error: MessageStoreError, host: ArgumentsHost): void {
    const res = host
      .switchToHttp()
      .getResponse<{ status(code: number): { json(body: unknown): void } }>();
    res.status(HttpStatus.SERVICE_UNAVAILABLE).json({
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      message:
        'The message could not be stored; nothing was sent. Retry (with the same clientRef).',
      code: error.code,
    });
  }
}
