import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import { MessageConflictError } from '../../smpp/index.js';

/** MessageConflictError (a clientRef reused for another message) -> 409; the earlier message is untouched. */
@Catch(MessageConflictError)
export class MessageConflictFilter implements ExceptionFilter<MessageConflictError> {
  catch(error: MessageConflictError, host: ArgumentsHost): void {
    const res = host
      .switchToHttp()
      .getResponse<{ status(code: number): { json(body: unknown): void } }>();
    res.status(HttpStatus.CONFLICT).json({
      statusCode: HttpStatus.CONFLICT,
      message: error.message,
      code: error.code,
      existingId: error.existingId,
      fields: error.fields,
    });
  }
}
