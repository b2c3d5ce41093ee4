import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import { QueueFullError, SmppBackpressureError } from '../../smpp/index.js';

interface HttpResponse {
  setHeader(name: string, value: string): void;
  status(code: number): { json(body: unknown): void };
}

/**
 * SmppBackpressureError (too much unwritten work in this process) and QueueFullError (the
 * account's maxQueued) -> 429 with Retry-After: nothing was stored; send again later.
 */
@Catch(SmppBackpressureError, QueueFullError)
export class SmppCapacityFilter implements ExceptionFilter<SmppBackpressureError | QueueFullError> {
  catch(error: SmppBackpressureError | QueueFullError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<HttpResponse>();
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
    res.status(HttpStatus.TOO_MANY_REQUESTS).json({
      statusCode: HttpStatus.TOO_MANY_REQUESTS,
      message: error.message,
      code: error.code,
    });
  }
}
