/**
 * Which claimed part takes a window slot that frees up: an in-memory scheduling decision that real
 * sockets cannot order on demand, so the binds, the session and the claims are scripted here (the
 * bench's priority phase measures the same against the simulator and Postgres).
 */
import { describe, expect, it } from 'vitest';
import type { BindManager } from '../binds/bind-manager.js';
import type { BindSession } from '../binds/bind-session.js';
import type { ResolvedAccount } from '../config/resolved-options.js';
import { SMPP_PRIORITY_RANKS } from '../entities/smpp-entity.types.js';
import type { SubmitSmRequest, SubmitSmResult } from '../session/session.types.js';
import { BatchQueue } from '../store/batch-queue.js';
import type { ClaimedPart, MessageStore } from '../store/message-store.js';
import type { SubmitResult } from '../store/part-rows.js';
import { AccountDispatcher } from './account-dispatcher.js';
import type { Lane } from './lane-queue.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function until(what: string, ok: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

function part(id: string, lane: Lane): ClaimedPart {
  return {
    id,
    messageId: id,
    account: 'default',
    seq: 1,
    total: 1,
    attempts: 1,
    body: Buffer.from(id),
    udh: null,
    esmClass: 0,
    messagePayload: null,
    destination: id,
    source: 'ACME',
    sourceTon: 5,
    sourceNpi: 0,
    dataCoding: 0,
    registeredDelivery: 1,
    validityPeriod: null,
    priority: SMPP_PRIORITY_RANKS[lane],
    expiresAt: null,
  };
}

/** One scripted bind (window 2) and scripted claims: the test decides what each claim returns. */
function scripted() {
  const submits: Array<{ to: string; answer: Deferred<SubmitSmResult> }> = [];
  const session = {
    tokensAvailable: () => Infinity,
    submit: (request: SubmitSmRequest) => {
      const answer = deferred<SubmitSmResult>();
      submits.push({ to: request.destinationAddr, answer });
      return answer.promise;
    },
  } as unknown as BindSession;
  const binds = {
    waitForTransmitter: () => Promise.resolve(),
    transmitCapacity: () => 2,
    transmitters: () => [session],
  } as unknown as BindManager;
  const claims: Array<{ limit: number; reply: Deferred<ClaimedPart[]> }> = [];
  const store = {
    claim: (_account: string, limit: number) => {
      const reply = deferred<ClaimedPart[]>();
      claims.push({ limit, reply });
      return reply.promise;
    },
  } as unknown as MessageStore;
  const stored: string[] = [];
  const outcomes = new Map<string, string>();
  const results = new BatchQueue<SubmitResult, void>((items) => {
    stored.push(...items.map((r) => r.partId));
    for (const r of items) outcomes.set(r.partId, r.outcome.kind);
    return Promise.resolve(items.map(() => undefined));
  });
  const account = {
    name: 'default',
    window: 2,
    submitsPerSecond: 1000,
    lanes: { bulkMinShare: 0.1 },
    delivery: 'at-most-once',
  } as ResolvedAccount;
  const logger = { log: () => undefined, warn: () => undefined, error: () => undefined };
  const dispatcher = new AccountDispatcher(
    account,
    binds,
    store,
    results,
    {
      instanceId: 'test#1',
      maxAttempts: 5,
      maxStoreAttempts: 3,
      claimLeaseMs: 60_000,
      pollMs: 60_000,
    },
    logger,
  );
  const claim = async (n: number, expectedLimit: number, parts: ClaimedPart[]) => {
    await until(`claim #${n}`, () => claims.length >= n);
    expect(claims[n - 1].limit).toBe(expectedLimit);
    return (before?: () => Promise<void>) =>
      (async () => {
        await before?.();
        claims[n - 1].reply.resolve(parts);
      })();
  };
  const answer = async (to: string) => {
    submits.find((s) => s.to === to)!.answer.resolve({ messageId: `smsc-${to}` } as SubmitSmResult);
    await until(`the result of ${to} stored`, () => stored.includes(to));
  };
  const submitted = (n: number) => until(`${n} submits`, () => submits.length >= n);
  /** Stops the dispatcher, answering every claim (none) and submit still open. */
  const stopAll = async () => {
    const stopping = dispatcher.stop();
    for (const c of claims) c.reply.resolve([]);
    for (const x of submits) x.answer.resolve({ messageId: `smsc-${x.to}` } as SubmitSmResult);
    await stopping;
  };
  return { dispatcher, claims, submits, outcomes, claim, answer, submitted, stopAll };
}

describe('AccountDispatcher: window slots by lane', () => {
  it('a high part claimed after bulk parts takes the next free slot before them', async () => {
    const s = scripted();
    s.dispatcher.start();
    try {
      // Claim 1: the window (2). Both take a slot.
      await (
        await s.claim(1, 2, [part('b1', 'bulk'), part('b2', 'bulk')])
      )();
      await s.submitted(2);
      // b1 answered: claim 2 (room 1); b2 answered while it runs: lookahead 3 x 1.
      await s.answer('b1');
      await (
        await s.claim(2, 1, [part('b3', 'bulk')])
      )(() => s.answer('b2'));
      await s.submitted(3);
      // Room 2 + 3 - 1: claim 3 takes 4; b3 answered meanwhile (lookahead stays 3).
      const bulk = ['b4', 'b5', 'b6', 'b7'].map((id) => part(id, 'bulk'));
      await (
        await s.claim(3, 4, bulk)
      )(() => s.answer('b3'));
      await s.submitted(5);
      // b4 and b5 hold the slots, b6 and b7 wait; room 2 + 3 - 4: claim 4 brings the OTP.
      await (
        await s.claim(4, 1, [part('otp', 'high')])
      )();
      await new Promise((r) => setImmediate(r));
      expect(s.submits.map((x) => x.to)).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);

      await s.answer('b4');
      await s.submitted(6);
      expect(s.submits[5].to).toBe('otp');
      await s.answer('b5');
      await s.answer('otp');
      await s.submitted(8);
      expect(s.submits.map((x) => x.to)).toEqual(['b1', 'b2', 'b3', 'b4', 'b5', 'otp', 'b6', 'b7']);
      await s.answer('b6');
      await s.answer('b7');
    } finally {
      await s.stopAll();
    }
  });

  it('parts still waiting for a slot when the dispatcher stops go back to the queue', async () => {
    const s = scripted();
    s.dispatcher.start();
    await (
      await s.claim(1, 2, [part('b1', 'bulk'), part('b2', 'bulk')])
    )();
    await s.submitted(2);
    await s.answer('b1');
    await (
      await s.claim(2, 1, [part('b3', 'bulk')])
    )(() => s.answer('b2'));
    await s.submitted(3);
    const waiting = ['b4', 'b5', 'b6', 'b7'].map((id) => part(id, 'normal'));
    await (
      await s.claim(3, 4, waiting)
    )();
    await s.submitted(4);
    // b3 and b4 hold the slots; b5..b7 wait. Stop: the waiting ones are given up (requeued),
    // stop() waits for the two in flight.
    const stopping = s.dispatcher.stop();
    for (const c of s.claims) c.reply.resolve([]);
    await s.answer('b3');
    await s.answer('b4');
    await stopping;
    expect(s.submits.map((x) => x.to)).toEqual(['b1', 'b2', 'b3', 'b4']);
    expect(Object.fromEntries(s.outcomes)).toEqual({
      b1: 'submitted',
      b2: 'submitted',
      b3: 'submitted',
      b4: 'submitted',
      b5: 'requeue',
      b6: 'requeue',
      b7: 'requeue',
    });
  });
});

describe('AccountDispatcher: claiming', () => {
  it('claims again at once when parts were queued while a claim that found none ran (the poll is a minute)', async () => {
    const s = scripted();
    s.dispatcher.start();
    try {
      // notify() arrives while claim 1 runs (its insert committed after the claim's snapshot).
      await (
        await s.claim(1, 2, [])
      )(async () => s.dispatcher.notify());
      await (
        await s.claim(2, 2, [part('p1', 'normal')])
      )();
      await s.submitted(1);
      await s.answer('p1');
    } finally {
      await s.stopAll();
    }
  });
});
