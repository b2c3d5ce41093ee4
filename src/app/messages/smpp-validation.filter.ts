import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import { SmppValidationError } from '../../smpp/index.js';
import { boundedFieldError } from '../http/field-errors.js';

/** SmppValidationError (bad input to send() / getMessage()) -> 400 with every field error. */
@Catch(SmppValidationError)
export class SmppValidationFilter implements ExceptionFilter<SmppValidationError> {
  catch(error: SmppValidationError, host: ArgumentsHost): void {
    const res = host
      .switchToHttp()
      .getResponse<{ status(code: number): { json(body: unknown): void } }>();
    res.status(HttpStatus.BAD_REQUEST).json({
      statusCode: HttpStatus.BAD_REQUEST,
      message: 'Invalid request',
      errors: error.errors.map(boundedFieldError),
    });
  }
}
