// Compile-time checks of the public types: each @ts-expect-error must meet an error, or tsc fails.
import {
  BindUpEvent,
  MessageDeliveredEvent,
  OnSmppEvent,
  SmppService,
  type SmppEventPayload,
} from 'nestjs-smpp';

export class Listener {
  @OnSmppEvent('message.delivered')
  delivered(_e: MessageDeliveredEvent): void {}

  // @ts-expect-error the payload of message.delivered is not a BindUpEvent
  @OnSmppEvent('message.delivered')
  wrongPayload(_e: BindUpEvent): void {}

  // @ts-expect-error no such event
  @OnSmppEvent('message.deliverd')
  misspelt(): void {}
}

export async function accountNamesAreTyped(smpp: SmppService<'otp' | 'bulk'>): Promise<void> {
  await smpp.send({ account: 'otp', to: '+6591234567', text: 'ok' });
  // @ts-expect-error not a configured account
  await smpp.send({ account: 'opt', to: '+6591234567', text: 'misspelt' });
  // @ts-expect-error not a configured account
  smpp.account('marketing');
  const payload: SmppEventPayload<'bind.up'> = {} as BindUpEvent;
  void payload;
}

export function estimateIsTyped(smpp: SmppService<'otp' | 'bulk'>): number {
  const e = smpp.estimate({ account: 'bulk', text: 'ok', smartEncoding: true });
  // @ts-expect-error not a configured account
  smpp.estimate({ account: 'opt', text: 'misspelt' });
  // @ts-expect-error not an encoding
  smpp.account('otp').estimate({ text: 'ok', encoding: 'utf8' });
  return e.parts + e.charactersLeftInLastPart + e.replacements.length;
}
