import { MessageNotSubmittedError, SubmitWaitTimeoutError } from '../errors.js';
import type { SmppMessageView } from '../messages/message-view.js';
import type { MessageStore } from '../store/message-store.js';

/** Re-exported for imports of this path; the classes live with every other error in errors.ts. */
export { MessageNotSubmittedError, SubmitWaitTimeoutError };

const PENDING = new Set(['scheduled', 'queued', 'submitting']);

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
