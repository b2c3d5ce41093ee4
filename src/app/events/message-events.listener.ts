import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  BindDownEvent,
  BindUpEvent,
  MessageDeliveredEvent,
  MessageFailedEvent,
  SmppEvents,
} from '../../smpp/index.js';

/**
 * How an application listens to the module's events: @OnEvent with the exported names and payload
 * classes. Here they are only logged (ids and states; never a text, a number or a password).
 */
@Injectable()
export class MessageEventsListener {
  private readonly logger = new Logger('SmppEvents');

  @OnEvent(SmppEvents.MessageDelivered)
  onDelivered(event: MessageDeliveredEvent): void {
    this.logger.log(`Message ${event.messageId} delivered`);
  }

  @OnEvent(SmppEvents.MessageFailed)
  onFailed(event: MessageFailedEvent): void {
    const why =
      event.errorStatus ??
      (event.errorCode !== null ? `err ${event.errorCode}` : 'no reason given');
    this.logger.warn(
      `Message ${event.messageId} ${event.status} (${why}${event.errorReason ? `: ${event.errorReason}` : ''})`,
    );
  }

  @OnEvent(SmppEvents.BindUp)
  onBindUp(event: BindUpEvent): void {
    this.logger.log(`Bind ${event.bindId} up`);
  }

  @OnEvent(SmppEvents.BindDown)
  onBindDown(event: BindDownEvent): void {
    if (event.reason === 'shutdown')
      this.logger.log(`Bind ${event.bindId} closed for the shutdown`);
    else this.logger.warn(`Bind ${event.bindId} down: ${event.reason}`);
  }
}
