import type { DataSource } from 'typeorm';
import { MessageNotCancellableError, MessageNotFoundError } from '../errors.js';
import { MessageCancelledEvent } from '../events/message-events.js';
import { SmppEvents } from '../events/smpp-events.js';
import { writeOutbox } from './outbox/outbox-queries.js';
import type { SmppMessageView } from '../messages/message-view.js';
import type { PendingEvent } from './message-state-writer.js';
import { FINAL_STATUSES, type MessageStatus, type PartStatus } from '../messages/message-status.js';
import type { MessageStore } from './message-store.js';
import { rows } from './sql.js';
import { timeOrderedId } from '../messages/time-ordered-id.js';

/**
 * cancel(): a message none of whose parts has left ends `cancelled`, with its event, in one
 * transaction. The parts are locked first (in seq order) and the message after them, the order of
 * the claim and the result writers, so a cancel and a claim never deadlock: either the cancel
 * locks the parts first (the claim skips them; once cancelled they are never claimed), or the
 * claim does and the cancel sees them `submitting`. A claimed part whose submit_sm was not yet
 * handed to a socket (`written_at` null) is cancelled too: the dispatcher marks written_at only
 * while the part is still `submitting` and its own (WrittenMarks), so it then never sends it.
 */
export class CancelStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: MessageStore,
    private readonly recordEvents: () => boolean,
    private readonly eventOwner: string | null,
  ) {}

  /** `account`: only a message of this account (another account's is MessageNotFoundError). */
  async cancel(
    id: string,
    account?: string,
  ): Promise<{ message: SmppMessageView; events: PendingEvent[] }> {
    return this.dataSource.transaction(async (em) => {
      const parts = await rows<{ status: PartStatus; written_at: Date | null }>(
        em,
        `SELECT status, written_at FROM smpp_message_parts WHERE message_id = $1 ORDER BY seq FOR UPDATE`,
        [id],
      );
      const [message] = await rows<{
        status: MessageStatus;
        account: string;
        destination: string;
        client_ref: string | null;
      }>(
        em,
        `SELECT status, account, destination, client_ref FROM smpp_messages WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!message || (account !== undefined && message.account !== account))
        throw new MessageNotFoundError(id);
      if (FINAL_STATUSES.has(message.status))
        throw new MessageNotCancellableError(id, message.status);
      const left = parts.some(
        (p) =>
          !(
            p.status === 'scheduled' ||
            p.status === 'queued' ||
            (p.status === 'submitting' && p.written_at === null)
          ),
      );
      if (left || parts.length === 0) throw new MessageNotCancellableError(id, message.status);
      await em.query(
        `UPDATE smpp_message_parts
            SET status = 'cancelled', claimed_by = NULL, claimed_until = NULL, done_at = now(), updated_at = now()
          WHERE message_id = $1`,
        [id],
      );
      await em.query(
        `UPDATE smpp_messages SET status = 'cancelled', done_at = now(), updated_at = now() WHERE id = $1`,
        [id],
      );
      const at = new Date();
      const events: PendingEvent[] = [
        {
          name: SmppEvents.MessageCancelled,
          payload: new MessageCancelledEvent({
            eventId: timeOrderedId(),
            at,
            messageId: id,
            account: message.account,
            to: message.destination,
            clientRef: message.client_ref,
            previousStatus: message.status,
            doneAt: at,
          }),
        },
      ];
      if (this.recordEvents()) await writeOutbox(em, events, this.eventOwner);
      const view = await this.store.get(id, em);
      if (!view) throw new MessageNotFoundError(id);
      return { message: view, events };
    });
  }
}
