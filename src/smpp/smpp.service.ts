import { Inject, Injectable } from '@nestjs/common';
import { BindManager } from './binds/bind-manager.js';
import type { AccountBindStatus } from './binds/bind-status.js';
import type { ResolvedSmppOptions } from './config/resolve-options.js';
import type { ResolvedAccount } from './config/resolved-options.js';
import {
  type FieldError,
  MessageConflictError,
  MessageStoreError,
  QueueFullError,
  SmppBackpressureError,
  SmppError,
  SmppStoreUnavailableError,
  SmppValidationError,
} from './errors.js';
import type { NewMessage } from './store/message-store.js';
import { clientRefErrors, draftMessage } from './messages/message-draft.js';
import { type EstimateInput, estimateMessage, type MessageEstimate } from './messages/estimate.js';
import type { SmppMessageView } from './messages/message-view.js';
import type { SendOptions } from './messages/send-options.js';
import type { PurgeResult } from './retention/retention-runner.js';
import { SmppRetention } from './retention/smpp-retention.js';
import type { SmppStoreStats } from './retention/store-stats.js';
import { SmppAccount } from './smpp-account.js';
import { SmppMessaging } from './smpp-messaging.js';
import { SMPP_OPTIONS } from './smpp.constants.js';
import { isTransientDatabaseError } from './store/transient-error.js';

/** What send() resolves with: the stored message, and whether this call created it. */
export type SentMessage = SmppMessageView & {
  /** false when the clientRef was used before: the existing message is returned and nothing is sent again. */
  created: boolean;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The facade applications inject. `A` names the configured accounts
 * (`SmppService<'otp' | 'bulk'>`), so that a misspelt account name is a compile error.
 */
@Injectable()
export class SmppService<A extends string = string> {
  private readonly accounts: ReadonlyMap<string, ResolvedAccount>;
  private readonly handles = new Map<string, SmppAccount<A>>();

  constructor(
    @Inject(SMPP_OPTIONS) private readonly options: ResolvedSmppOptions,
    private readonly binds: BindManager,
    private readonly messaging: SmppMessaging,
    private readonly retention: SmppRetention,
  ) {
    this.accounts = new Map(options.accounts.map((a) => [a.name, a]));
  }

  /**
   * Validates, encodes, splits and durably queues a message; resolves with the stored message.
   * With `waitFor: 'submitted'` it resolves once the SMSC accepted every part, or rejects with
   * MessageNotSubmittedError (carrying the SMPP status) or SubmitWaitTimeoutError.
   * Bad input rejects with SmppValidationError before anything is stored.
   */
  async send(input: SendOptions & { account?: A }): Promise<SentMessage> {
    const draft = draftMessage(
      input,
      this.accounts,
      this.options.accounts[0].name,
      this.options.messages,
    );
    const outcome = await this.messaging.insert(draft).catch((error: unknown) => {
      if (error instanceof SmppBackpressureError || error instanceof QueueFullError) throw error;
      throw new MessageStoreError(error);
    });
    let message: SmppMessageView;
    if (outcome.created) {
      message = outcome.message;
      this.messaging.notifyQueued(draft.account);
    } else {
      const existing = await this.messaging.store
        .get(outcome.existingId)
        .catch((error: unknown) => {
          throw new MessageStoreError(error);
        });
      if (!existing) throw new MessageStoreError(`message ${outcome.existingId} disappeared`);
      const differ = conflictingFields(existing, draft);
      if (differ.length > 0)
        throw new MessageConflictError(existing.clientRef ?? '', existing.id, differ);
      message = existing;
    }
    if (input.waitFor === 'submitted') {
      message = await this.messaging.waiters.waitUntilSubmitted(
        message,
        input.waitTimeoutMs ?? 60_000,
      );
    }
    return { ...message, created: outcome.created };
  }

  /**
   * How send() would encode and split this text on the account (default: the first), without
   * storing or sending anything: encoding, parts, characters per part and left in the last part,
   * the characters that forced UCS2, and smart encoding's replacements (the account's
   * smartEncoding unless the input says). Throws SmppValidationError for what send() refuses.
   */
  estimate(input: EstimateInput & { account?: A }): MessageEstimate {
    if (!input || typeof input !== 'object') return estimateMessage(input, this.options.messages);
    const name: string = input.account ?? this.options.accounts[0].name;
    const account = this.accounts.get(name);
    if (!account) throw new SmppValidationError(this.accountErrors(name));
    return estimateMessage(
      { ...input, smartEncoding: input.smartEncoding ?? account.smartEncoding },
      this.options.messages,
    );
  }

  /** One account's handle: `smpp.account('otp').send({ to, text })`. An unknown name is a SmppValidationError. */
  account<N extends A>(name: N): SmppAccount<N> {
    let handle = this.handles.get(name);
    if (!handle) {
      if (!this.accounts.has(name)) throw new SmppValidationError(this.accountErrors(name));
      handle = new SmppAccount<A>(this, name);
      this.handles.set(name, handle);
    }
    return handle as unknown as SmppAccount<N>;
  }

  /** [] for a configured account; else what to write instead. */
  private accountErrors(name: unknown): FieldError[] {
    if (typeof name === 'string' && this.accounts.has(name)) return [];
    return [
      {
        field: 'account',
        message: `unknown account "${String(name).slice(0, 64)}"; configured: ${[...this.accounts.keys()].join(', ')}`,
      },
    ];
  }

  /** The configured account names, in configuration order. */
  accountNames(): A[] {
    return [...this.accounts.keys()] as A[];
  }

  /**
   * The stored message, or null. A malformed id is a validation error, not a database error;
   * SmppStoreUnavailableError when the database cannot be reached.
   */
  async getMessage(id: string): Promise<SmppMessageView | null> {
    if (typeof id !== 'string' || !UUID.test(id)) {
      throw new SmppValidationError([{ field: 'id', message: 'expected a message id (a UUID)' }]);
    }
    return whileStoreAvailable(`read message ${id}`, NOTHING_READ, () =>
      this.messaging.store.get(id),
    );
  }

  /**
   * Cancels a message that has not left yet (`scheduled`, `queued`, or claimed but not yet written
   * to a socket): it ends `cancelled` and `smpp.message.cancelled` is emitted. Once a part has
   * left (8x8 has no cancel_sm), or when the message is already final, rejects with
   * MessageNotCancellableError (HTTP 409); an unknown id with MessageNotFoundError (404), as is
   * a message of another account than `account` when it is given. When the database cannot be
   * reached, SmppStoreUnavailableError: the message was not cancelled and may still be sent.
   */
  async cancel(id: string, account?: string): Promise<SmppMessageView> {
    if (typeof id !== 'string' || !UUID.test(id)) {
      throw new SmppValidationError([{ field: 'id', message: 'expected a message id (a UUID)' }]);
    }
    return whileStoreAvailable(
      `cancel message ${id}`,
      // A connection lost during the COMMIT leaves the outcome unknown: reading the message tells.
      'The message was not cancelled and may still be sent (unless the connection was lost during the commit: read the message to see its status).',
      () => this.messaging.cancel(id, account),
    );
  }

  /**
   * The message sent on `account` with this clientRef, or null. An unknown account or a clientRef
   * send() would refuse is a SmppValidationError; SmppStoreUnavailableError when the database
   * cannot be reached.
   */
  async findByClientRef(account: A, clientRef: string): Promise<SmppMessageView | null> {
    const invalid = [...this.accountErrors(account), ...clientRefErrors(clientRef)];
    if (invalid.length > 0) throw new SmppValidationError(invalid);
    return whileStoreAvailable(
      `find the message with clientRef "${clientRef}" on account "${account}"`,
      NOTHING_READ,
      () => this.messaging.store.findByClientRef(account, clientRef),
    );
  }

  /**
   * Runs the retention purge now (module option `retention`): resolves with the rows deleted per
   * table. One process at a time: `{ ran: false, skipped: 'running-elsewhere' }` when another
   * replica is purging; `skipped: 'disabled'` with `retention: false`. When the database cannot
   * be reached, SmppStoreUnavailableError (the batches already committed stay deleted).
   */
  purge(): Promise<PurgeResult> {
    return whileStoreAvailable(
      'purge',
      'The purge stopped: the batches it already committed stay deleted, the rest is purged by the next run.',
      () => this.retention.purge(),
    );
  }

  /**
   * Queue depth per account, outbox backlog, dead letters, quarantine, oldest rows, table sizes.
   * SmppStoreUnavailableError when the database cannot be reached.
   */
  stats(): Promise<SmppStoreStats> {
    return whileStoreAvailable('read the store statistics', NOTHING_READ, () =>
      this.retention.stats(),
    );
  }

  /** Bind status per account (no network I/O; never the password). */
  bindStatus(): AccountBindStatus[] {
    return this.binds.status();
  }
}

const NOTHING_READ = 'Nothing was read or changed.';

/**
 * Runs one database call of the facade: a failure that says the database is unreachable or busy
 * (isTransientDatabaseError) becomes SmppStoreUnavailableError naming `operation`. The module's
 * own errors (not found, not cancellable, ...) pass through, and so does a statement the database
 * refuses for good (a missing table, a permission): retrying would fail the same way, and the
 * driver's error names the problem (over HTTP: Nest's default 500, logged).
 */
async function whileStoreAvailable<T>(
  operation: string,
  outcome: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SmppError || !isTransientDatabaseError(error)) throw error;
    throw new SmppStoreUnavailableError(operation, error, outcome);
  }
}

/** What makes a send with a used clientRef another message: its recipient, sender or text. */
function conflictingFields(existing: SmppMessageView, draft: NewMessage): string[] {
  const fields: string[] = [];
  if (existing.to !== draft.destination) fields.push('to');
  if (existing.from !== draft.source) fields.push('from');
  if (existing.text !== draft.text) fields.push('text');
  return fields;
}
