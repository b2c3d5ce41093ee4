/**
 * Fault 6, shared by the quick variant (test/faults) and the real-time one (test/soak): the SMSC
 * refuses the password for a while, then accepts it. The bind must not hammer the SMSC (one attempt
 * per maxDelayMs, give or take the jitter), say so once, and bind at the next attempt after the
 * password is right; the messages queued meanwhile are all sent then.
 */
import { expect } from 'vitest';
import type { SmscSimulator } from '../../src/simulator/index.js';
import { startSimulator } from '../support/smpp-app.js';
import {
  checkEveryMessage,
  createFaultApp,
  forEachBounded,
  markedMessages,
  recordResult,
  sleep,
  waitFor,
  waitUntilSettled,
} from './support.js';

export interface WrongPasswordRun {
  /** How long the password is wrong, ms. */
  wrongForMs: number;
  /** reconnect.maxDelayMs (undefined: the module's default, 60 s). */
  maxDelayMs?: number;
  /** Window for the attempt count, ms, and the most attempts allowed in any such window. */
  windowMs: number;
  maxAttemptsPerWindow: number;
  resultFile: string;
  label: string;
}

export async function runWrongPassword(run: WrongPasswordRun): Promise<void> {
  const maxDelayMs = run.maxDelayMs ?? 60_000;
  const sim: SmscSimulator = await startSimulator({
    accounts: [{ systemId: 'smppuser', password: 'changed' }],
    receipts: { delayMs: 20 },
  });
  const attempts: number[] = [];
  sim.on('bind-refused', () => attempts.push(Date.now()));
  const t = await createFaultApp({
    simulator: sim,
    // One bind (one log line); unpaced towards the unthrottled simulator, to drain the queue fast.
    account: { submitsPerSecond: 1_000 },
    module: {
      waitForBindMs: undefined,
      reconnect: { initialDelayMs: 50, ...(run.maxDelayMs ? { maxDelayMs: run.maxDelayMs } : {}) },
    },
  });
  try {
    const started = Date.now();
    const messages = markedMessages(run.resultFile.replace(/\W/g, ''), 1_000);
    // Queued while nothing can be sent.
    await forEachBounded(messages, 100, (m) =>
      t.smpp.send({ to: m.to, text: m.text, clientRef: m.clientRef }),
    );
    await sleep(started + run.wrongForMs - Date.now());
    const refusedAttempts = [...attempts];
    sim.setPassword('smppuser', 'secret');
    const fixedAt = Date.now();
    await waitFor(
      () => t.smpp.bindStatus()[0].canSend,
      'bound with the right password',
      maxDelayMs + 5_000,
      20,
    );
    const boundAfterMs = Date.now() - fixedAt;
    await waitUntilSettled(t.db, 60_000);
    const verdict = await waitFor(
      async () => {
        const v = await checkEveryMessage(t.db, sim.submits);
        return (v.byStatus.submitted ?? 0) === 0 ? v : null;
      },
      'every message delivered',
      60_000,
      250,
    );

    // The most refused attempts in any window of windowMs.
    let mostInWindow = 0;
    for (let i = 0, j = 0; j < refusedAttempts.length; j++) {
      while (refusedAttempts[j] - refusedAttempts[i] >= run.windowMs) i++;
      mostInWindow = Math.max(mostInWindow, j - i + 1);
    }
    const gaps = refusedAttempts.slice(1).map((at, k) => at - refusedAttempts[k]);
    const passwordLines = t.logs.lines.filter(
      (l) =>
        (l.level === 'error' || l.level === 'warn') &&
        /password|ESME_RINVPASWD|credential/i.test(l.message),
    );
    await recordResult(run.resultFile, {
      scenario: run.label,
      messages: verdict.messages,
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      unknown: verdict.unknown,
      detection: `${refusedAttempts.length} refused attempts in ${(run.wrongForMs / 1000).toFixed(0)} s (at most ${mostInWindow} in any ${run.windowMs / 1000} s, gaps ${Math.min(...gaps)}-${Math.max(...gaps)} ms); ${passwordLines.length} log line(s); bound ${boundAfterMs} ms after the password was right`,
      notes: passwordLines.map((l) => `[${l.level}] ${l.message}`).join(' | '),
      byStatus: verdict.byStatus,
    });

    expect(refusedAttempts.length).toBeGreaterThanOrEqual(2);
    expect(mostInWindow).toBeLessThanOrEqual(run.maxAttemptsPerWindow);
    // After the first refusal every attempt waits maxDelayMs, less at most the 20 % jitter.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(0.8 * maxDelayMs - 50);
    expect(passwordLines).toHaveLength(1);
    expect(passwordLines[0].level).toBe('error');
    // "As soon as the password is right": at the next attempt.
    expect(boundAfterMs).toBeLessThanOrEqual(maxDelayMs + 1_000);
    expect(verdict.problems).toEqual([]);
    expect(verdict.lost).toBe(0);
    expect(verdict.duplicated).toBe(0);
    expect(verdict.byStatus).toEqual({ delivered: messages.length });
  } finally {
    await t.close();
    await sim.stop();
  }
}
