import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { SmppService } from '../../smpp/index.js';
import { type EstimateResponse, EstimateResponseSchema } from './estimate-response.js';
import {
  type EstimateBody,
  EstimateBodySchema,
  type SendMessageBody,
  SendMessageBodySchema,
} from './message-body.js';
import {
  ErrorResponseSchema,
  type MessageResponse,
  MessageResponseSchema,
  toMessageResponse,
} from './message-response.js';

const Errors = (...statuses: Array<[number, string]>): MethodDecorator[] =>
  statuses.map(([status, description]) =>
    ApiResponse({ status, description, standardSchema: ErrorResponseSchema }),
  );

const applyAll =
  (decorators: MethodDecorator[]): MethodDecorator =>
  (target, key, descriptor) => {
    for (const d of decorators) d(target, key, descriptor);
  };

const COMMON_ERRORS = applyAll(
  Errors(
    [401, 'no API key, or a key that is not valid'],
    [429, 'too many requests, or the queue is full: retry after Retry-After seconds'],
  ),
);

@ApiTags('messages')
@ApiSecurity('api-key')
@Controller('messages')
export class MessagesController {
  constructor(private readonly smpp: SmppService) {}

  /**
   * 202 with the stored (queued) message; 200 with the existing message when the clientRef was
   * used before (nothing is sent again); 400 with the field errors.
   */
  @Post()
  @ApiOperation({ summary: 'Queue an SMS (stored in Postgres before the answer)' })
  @ApiResponse({
    status: 202,
    description: 'stored and queued',
    standardSchema: MessageResponseSchema,
  })
  @ApiResponse({
    status: 200,
    description: 'this clientRef was used before: the existing message, not sent again',
    standardSchema: MessageResponseSchema,
  })
  @applyAll(
    Errors(
      [400, 'the field errors'],
      [413, 'the body is too large'],
      [415, 'the body is not JSON'],
      [503, 'the database is away: nothing was stored, retry'],
    ),
  )
  @COMMON_ERRORS
  async send(
    @Body({ schema: SendMessageBodySchema }) body: SendMessageBody,
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ): Promise<MessageResponse> {
    const sent = await this.smpp.send(body);
    res.status(sent.created ? HttpStatus.ACCEPTED : HttpStatus.OK);
    return toMessageResponse(sent);
  }

  /** 200 with how the text would be sent (encoding, parts, ...); nothing is stored or sent. */
  @Post('estimate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'How a text would be sent: encoding, parts, characters left (nothing is sent)',
  })
  @ApiResponse({ status: 200, standardSchema: EstimateResponseSchema })
  @applyAll(
    Errors(
      [400, 'the field errors (the same as POST /messages for the same text)'],
      [413, 'the body is too large'],
      [415, 'the body is not JSON'],
    ),
  )
  @COMMON_ERRORS
  estimate(@Body({ schema: EstimateBodySchema }) body: EstimateBody): EstimateResponse {
    return this.smpp.estimate(body);
  }

  /** 200 with the message, 404 when there is none, 400 for an id that is not a UUID, 503 when the database is away. */
  @Get(':id')
  @ApiOperation({ summary: 'A message and its parts, with their status' })
  @ApiParam({ name: 'id', description: 'the id POST /messages returned (a UUID)' })
  @ApiResponse({ status: 200, standardSchema: MessageResponseSchema })
  @applyAll(
    Errors(
      [400, 'the id is not a UUID'],
      [404, 'no such message'],
      [503, 'the database is away: nothing was read, retry'],
    ),
  )
  @COMMON_ERRORS
  async get(@Param('id') id: string): Promise<MessageResponse> {
    const message = await this.smpp.getMessage(id);
    if (!message) throw new NotFoundException(`No message with id ${id.slice(0, 40)}`);
    return toMessageResponse(message);
  }

  /**
   * 200 with the cancelled message; 404 when there is none; 409 once a part has left or it ended;
   * 503 when the database is away (not cancelled).
   */
  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Cancel a message not submitted yet (queued or scheduled): it ends cancelled',
  })
  @ApiParam({ name: 'id', description: 'the id POST /messages returned (a UUID)' })
  @ApiResponse({
    status: 200,
    description: 'cancelled: status cancelled, nothing was or will be sent',
    standardSchema: MessageResponseSchema,
  })
  @applyAll(
    Errors(
      [400, 'the id is not a UUID'],
      [404, 'no such message'],
      [409, 'a part has already left for the SMSC, or the message already ended: the reason'],
      [503, 'the database is away: the message was not cancelled and may still be sent, retry'],
    ),
  )
  @COMMON_ERRORS
  async cancel(@Param('id') id: string): Promise<MessageResponse> {
    return toMessageResponse(await this.smpp.cancel(id));
  }
}
