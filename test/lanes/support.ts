import type { SmscSimulator } from '../../src/simulator/index.js';
import type { SmppMessageView } from '../../src/smpp/messages/message-view.js';
import { CommandStatus } from '../../src/smpp/protocol/command-status.js';
import { eventually, type SmppTestApp } from '../support/smpp-app.js';

/** Reconnect within ~200 ms once the simulator takes binds again. */
export const FAST_RECONNECT = { reconnect: { initialDelayMs: 50, maxDelayMs: 200 } };

/** Every bind is refused until allowBinds(): nothing can be submitted meanwhile. */
export function refuseBinds(sim: SmscSimulator): void {
  sim.refuseBinds(CommandStatus.ESME_RBINDFAIL);
}

export function allowBinds(sim: SmscSimulator): void {
  sim.refuseBinds(null);
}

export async function until(
  t: SmppTestApp,
  id: string,
  statuses: string[],
  timeoutMs = 20_000,
): Promise<SmppMessageView> {
  return eventually(
    async () => {
      const m = await t.smpp.getMessage(id);
      return m && statuses.includes(m.status) ? m : null;
    },
    `message ${id} to be ${statuses.join('/')}`,
    timeoutMs,
  );
}

/** Submits the simulator accepted for a destination (given as send() takes it, with "+"). */
export function submitsTo(sim: SmscSimulator, to: string): number {
  const addr = to.replace(/^\+/, '');
  return sim.submits.filter((s) => s.destinationAddr === addr).length;
}

/** Makes scheduled parts of these messages due now: "the hour passed" without waiting for it. */
export async function fastForward(t: SmppTestApp, ids: string[]): Promise<void> {
  await t.db.dataSource.query(
    `UPDATE smpp_message_parts SET next_attempt_at = now()
      WHERE message_id = ANY($1::uuid[]) AND status = 'scheduled'`,
    [ids],
  );
}

export function eventsFor(t: SmppTestApp, name: string, messageId: string) {
  return t.events.filter(
    (e) => e.name === name && (e.payload as { messageId?: string }).messageId === messageId,
  );
}

/** Whether any bind of the app is bound (snapshot, no I/O). */
export function isBound(t: SmppTestApp): boolean {
  return t.smpp.bindStatus().some((a) => a.binds.some((b) => b.state === 'bound'));
}
