import {
  Body,
  Controller,
  Get,
  HttpStatus,
  NotFoundException,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import { SmppService, SmppValidationError } from '../../smpp/index.js';
import { checkSendMessageBody } from './message-body.js';
import { type MessageResponse, toMessageResponse } from './message-response.js';

@Controller('messages')
export class MessagesController {
  constructor(private readonly smpp: SmppService) {}

  /**
   * 202 with the stored (queued) message; 200 with the existing message when the clientRef was
   * used before (nothing is sent again); 400 with the field errors.
   */
  @Post()
  async send(
    @Body() body: unknown,
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ): Promise<MessageResponse> {
    const checked = checkSendMessageBody(body);
    if (!checked.body) throw new SmppValidationError(checked.errors);
    const sent = await this.smpp.send(checked.body);
    res.status(sent.created ? HttpStatus.ACCEPTED : HttpStatus.OK);
    return toMessageResponse(sent);
  }

  /** 200 with the message, 404 when there is none, 400 for an id that is not a UUID. */
  @Get(':id')
  async get(@Param('id') id: string): Promise<MessageResponse> {
    const message = await this.smpp.getMessage(id);
    if (!message) throw new NotFoundException(`No message with id ${id}`);
    return toMessageResponse(message);
  }
}
