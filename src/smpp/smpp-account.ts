import { Inject } from '@nestjs/common';
import type { AccountBindStatus } from './binds/bind-status.js';
import type { EstimateInput, MessageEstimate } from './messages/estimate.js';
import type { SmppMessageView } from './messages/message-view.js';
import type { SendOptions } from './messages/send-options.js';
import type { SentMessage, SmppService } from './smpp.service.js';

/** What `SmppAccount.send()` takes: send()'s options without `account`. */
export type AccountSendOptions = Omit<SendOptions, 'account'>;

/**
 * One configured account: `smpp.account('otp')`, or injected with `@InjectSmppAccount('otp')`.
 * Everything sent through it goes out on that account.
 */
export class SmppAccount<A extends string = string> {
  constructor(
    private readonly service: SmppService<A>,
    readonly name: A,
  ) {}

  /** SmppService.send() on this account. */
  send(input: AccountSendOptions): Promise<SentMessage> {
    return this.service.send({ ...input, account: this.name });
  }

  /** SmppService.estimate() on this account (its smartEncoding unless the input says). No I/O. */
  estimate(input: EstimateInput): MessageEstimate {
    return this.service.estimate({ ...input, account: this.name });
  }

  /**
   * SmppService.cancel() for a message of this account: a message of another account is
   * MessageNotFoundError here.
   */
  cancel(id: string): Promise<SmppMessageView> {
    return this.service.cancel(id, this.name);
  }

  /** The message sent on this account with this clientRef, or null. */
  findByClientRef(clientRef: string): Promise<SmppMessageView | null> {
    return this.service.findByClientRef(this.name, clientRef);
  }

  /** This account's bind snapshot (no I/O, never the password). */
  bindStatus(): AccountBindStatus | undefined {
    return this.service.bindStatus().find((a) => a.account === this.name);
  }
}

/** The injection token of one account's SmppAccount handle. */
export function getSmppAccountToken(name: string): string {
  return `SmppAccount:${name}`;
}

const requested = new Set<string>();

/** Names seen by @InjectSmppAccount so far: SmppModule provides them even when forRootAsync cannot know them. */
export function requestedAccountNames(): readonly string[] {
  return [...requested];
}

/**
 * Injects one account's handle: `constructor(@InjectSmppAccount('otp') private readonly otp: SmppAccount<'otp'>)`.
 * The account must be configured; with forRootAsync, list its name in `accountNames` when the
 * class is not imported before the module is built.
 */
export function InjectSmppAccount(name: string): ParameterDecorator & PropertyDecorator {
  requested.add(name);
  return Inject(getSmppAccountToken(name));
}
