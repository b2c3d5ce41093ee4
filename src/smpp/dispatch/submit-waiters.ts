import { SmppError } from '../errors.js';
import type { SmppMessageView } from '../messages/message-view.js';
import type { MessageStore } from '../store/message-store.js';

/** send({ waitFor: 'submitted' }) ended without every part accepted. */
export class MessageNotSubmittedError extends SmppError {
  readonly code = 'SMPP_MESSAGE_NOT_SUBMITTED';
  constructor(readonly smsMessage: SmppMessageView) {
    super(
      smsMessage.status === 'unknown'
        ? `Message ${smsMessage.id}: the connection was lost before the SMSC answered; it may or may not have been accepted (status unknown, not re-sent).`
        : `Message ${smsMessage.id} was not accepted: ${smsMessage.status}${smsMessage.errorStatus ? ` (${smsMessage.errorStatus})` : ''}.`,
    );
  }
}

/** send({ waitFor: 'submitted' }) waited longer than it was allowed to; the message is still queued and will be sent. */
export class SubmitWaitTimeoutError extends SmppError {
  readonly code = 'SMPP_SUBMIT_WAIT_TIMEOUT';
  constructor(
    readonly smsMessage: SmppMessageView,
    timeoutMs: number,
  ) {
    super(
      `Message ${smsMessage.id} was not submitted within ${timeoutMs} ms (now ${smsMessage.status}); it stays queued and will be sent.`,
    );
  }
}

const PENDING = new Set(['queued', 'submitting']);

/**
 * Waits for messages to leave the queue. Woken by this process's own results (the usual case);
 * a slow poll covers messages that another replica submits.
 */
export class SubmitWaiters {
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(private readonly store: MessageStore) {}

  /** Something about these messages changed in this process. */
  changed(messageIds: Iterable<string>): void {
    for (const id of messageIds) for (const wake of [...(this.waiters.get(id) ?? [])]) wake();
  }

  async waitUntilSubmitted(message: SmppMessageView, timeoutMs: number): Promise<SmppMessageView> {
    const deadline = Date.now() + timeoutMs;
    let current = message;
    while (PENDING.has(current.status)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new SubmitWaitTimeoutError(current, timeoutMs);
      await this.wakeOrTimeout(message.id, Math.min(left, 1000));
      current = (await this.store.get(message.id)) ?? current;
    }
    if (current.status === 'submitted' || current.status === 'delivered') return current;
    throw new MessageNotSubmittedError(current);
  }

  private wakeOrTimeout(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set();
      this.waiters.set(id, set);
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0) this.waiters.delete(id);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      set.add(wake);
    });
  }
}
