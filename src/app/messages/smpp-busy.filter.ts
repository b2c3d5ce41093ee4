import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import { QueueFullError, SmppBackpressureError } from '../../smpp/errors.js';

/**
 * QueueFullError (the account's queue is at maxQueued) and SmppBackpressureError (this process
 * holds as much unwritten work as it allows) -> 429 with Retry-After: nothing was stored, retry.
 */
@Catch(QueueFullError, SmppBackpressureError)
export class SmppBusyFilter implements ExceptionFilter<QueueFullError | SmppBackpressureError> {
  catch(error: QueueFullError | SmppBackpressureError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<{
      setHeader(name: string, value: string): void;
      status(code: number): { json(body: unknown): void };
    }>();
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
    res.status(HttpStatus.TOO_MANY_REQUESTS).json({
      statusCode: HttpStatus.TOO_MANY_REQUESTS,
      message: error.message,
      code: error.code,
    });
  }
}
