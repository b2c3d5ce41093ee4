import { Body, Controller, Get, Injectable, Module, Param, Post } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  InboundReceivedEvent,
  InjectSmppAccount,
  MessageDeliveredEvent,
  OnSmppEvent,
  SMPP_MIGRATIONS,
  SmppAccount,
  SmppExceptionFilter,
  SmppService,
  type SmppMessageView,
} from 'nestjs-smpp';
import { SmppTestingModule } from 'nestjs-smpp/testing';

type Accounts = 'otp' | 'bulk';

/** Collects what the typed listeners saw. */
@Injectable()
export class Seen {
  readonly delivered: MessageDeliveredEvent[] = [];
  readonly inbound: InboundReceivedEvent[] = [];

  @OnSmppEvent('message.delivered')
  onDelivered(event: MessageDeliveredEvent): void {
    this.delivered.push(event);
  }

  @OnSmppEvent('smpp.inbound.received')
  onInbound(event: InboundReceivedEvent): void {
    this.inbound.push(event);
  }
}

@Controller('otp')
export class OtpController {
  constructor(
    @InjectSmppAccount('otp') private readonly otp: SmppAccount<'otp'>,
    private readonly smpp: SmppService<Accounts>,
  ) {}

  @Post()
  async send(@Body() body: { to: string; code: string }): Promise<{ id: string }> {
    const message = await this.otp.send({ to: body.to, text: `Your code is ${body.code}` });
    return { id: message.id };
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<SmppMessageView | null> {
    return this.smpp.getMessage(id);
  }
}

@Module({
  imports: [
    EventEmitterModule.forRoot(),
    TypeOrmModule.forRoot({
      type: 'postgres',
      url: process.env.DATABASE_URL,
      migrations: SMPP_MIGRATIONS,
      migrationsRun: true,
    }),
    SmppTestingModule.forRoot({ accounts: [{ name: 'otp' }, { name: 'bulk' }] }),
  ],
  controllers: [OtpController],
  providers: [Seen, { provide: APP_FILTER, useClass: SmppExceptionFilter }],
})
export class AppModule {}
