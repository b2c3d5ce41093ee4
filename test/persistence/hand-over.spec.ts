/**
 * The hand-over of a dead replica's claims, on the database alone: parts it never wrote go back to
 * the queue as soon as its heartbeat expired, written ones become `unknown`, and the written_at
 * mark (taken before a submit_sm goes to a socket) only succeeds while the claim is the holder's.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessageStore } from '../../src/smpp/store/message-store.js';
import { ClaimRecovery } from '../../src/smpp/store/claim-recovery.js';
import { partWriteContext } from '../../src/smpp/store/part-write-context.js';
import { WrittenMarks } from '../../src/smpp/store/written-marks.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const ACCOUNT = 'acct';
const DEAD = 'replica-dead#aaaaaaaaaaaa';
const LIVE = 'replica-live#bbbbbbbbbbbb';
const SELF = 'replica-self#cccccccccccc';

describe('hand-over of claimed parts', () => {
  let db: TestDatabase;
  let store: MessageStore;
  let recovery: ClaimRecovery;
  let marks: WrittenMarks;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new MessageStore(db.dataSource);
    recovery = new ClaimRecovery(partWriteContext(db.dataSource, () => false));
    marks = new WrittenMarks(db.dataSource);
  });
  afterAll(() => db?.drop());
  beforeEach(async () => {
    await db.dataSource.query(`DELETE FROM smpp_messages`);
    await db.dataSource.query(`DELETE FROM smpp_replicas`);
  });

  async function queue(n: number): Promise<void> {
    await db.dataSource.query(
      `WITH m AS (
         INSERT INTO smpp_messages (id, account, destination, source, source_ton, source_npi, text,
                                    encoding, data_coding, status, parts_total, registered_delivery)
         SELECT gen_random_uuid(), $2, '6591234567', 'MyBrand', 5, 0, 'hi', 'gsm7', 0, 'queued', 1, 1
           FROM generate_series(1, $1)
         RETURNING id)
       INSERT INTO smpp_message_parts (id, message_id, account, seq, total, status, body, esm_class)
       SELECT gen_random_uuid(), m.id, $2, 1, 1, 'queued', '\\x6869', 0 FROM m`,
      [n, ACCOUNT],
    );
  }

  async function heartbeat(replica: string, liveForMs: number): Promise<void> {
    await db.dataSource.query(
      `INSERT INTO smpp_replicas (system_key, replica, wanted, expires_at)
       VALUES ('smppuser@host', $1, 2, now() + $2::int * interval '1 millisecond')`,
      [replica, liveForMs],
    );
  }

  async function statuses(): Promise<Record<string, number>> {
    const rows = (await db.dataSource.query(
      `SELECT status, count(*)::int AS n FROM smpp_message_parts GROUP BY status`,
    )) as Array<{ status: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** Claims as `holder` and backdates the claim past the hand-over age. */
  async function claimAs(holder: string, n: number) {
    const parts = await store.claim(ACCOUNT, n, holder, 120_000);
    await db.dataSource.query(
      `UPDATE smpp_message_parts SET updated_at = now() - interval '10 seconds' WHERE claimed_by = $1`,
      [holder],
    );
    return parts;
  }

  it("a dead replica's unwritten parts are re-queued, its written ones become unknown", async () => {
    await queue(10);
    const parts = await claimAs(DEAD, 10);
    expect(
      await marks.mark(
        parts.slice(0, 3).map((p) => p.id),
        DEAD,
      ),
    ).toEqual(new Set(parts.slice(0, 3).map((p) => p.id)));
    const result = await recovery.recoverExpiredClaims(ACCOUNT, false, {
      self: SELF,
      deadAfterMs: 5_000,
    });
    expect(result).toMatchObject({ parts: 10, unsent: 7 });
    expect(await statuses()).toEqual({ queued: 7, unknown: 3 });
    // The re-queued parts were never attempted: their attempt is given back, written_at cleared.
    const [row] = (await db.dataSource.query(
      `SELECT max(attempts)::int AS attempts, count(written_at)::int AS written
         FROM smpp_message_parts WHERE status = 'queued'`,
    )) as Array<{ attempts: number; written: number }>;
    expect(row).toEqual({ attempts: 0, written: 0 });
    // The dead replica, were it only slow, can no longer mark (so not send) what it lost.
    expect(
      await marks.mark(
        parts.map((p) => p.id),
        DEAD,
      ),
    ).toEqual(new Set());
  });

  it('with at-least-once, written parts are re-queued too', async () => {
    await queue(4);
    const parts = await claimAs(DEAD, 4);
    await marks.mark([parts[0].id], DEAD);
    await recovery.recoverExpiredClaims(ACCOUNT, true, { self: SELF, deadAfterMs: 5_000 });
    expect(await statuses()).toEqual({ queued: 4 });
  });

  it('leaves the claims of a live replica, of this one, and fresh ones alone', async () => {
    await queue(9);
    await heartbeat(LIVE, 60_000);
    await claimAs(LIVE, 3);
    await claimAs(SELF, 3);
    // A claim younger than the hand-over age (its holder may not have beaten yet).
    await store.claim(ACCOUNT, 3, DEAD, 120_000);
    const result = await recovery.recoverExpiredClaims(ACCOUNT, false, {
      self: SELF,
      deadAfterMs: 5_000,
    });
    expect(result.parts).toBe(0);
    expect(await statuses()).toEqual({ submitting: 9 });
  });

  it('an expired heartbeat counts as dead; an expired claim lease is recovered whoever holds it', async () => {
    await queue(6);
    await heartbeat(DEAD, -1_000);
    await claimAs(DEAD, 3);
    await claimAs(SELF, 3);
    await db.dataSource.query(
      `UPDATE smpp_message_parts SET claimed_until = now() - interval '1 second' WHERE claimed_by = $1`,
      [SELF],
    );
    const result = await recovery.recoverExpiredClaims(ACCOUNT, false, {
      self: SELF,
      deadAfterMs: 5_000,
    });
    expect(result).toMatchObject({ parts: 6, unsent: 6 });
    expect(await statuses()).toEqual({ queued: 6 });
  });

  it('a claim marked before recovery stays unknown; a mark after recovery finds nothing', async () => {
    await queue(2);
    const [first, second] = await claimAs(DEAD, 2);
    // Concurrently: the holder marks one part while recovery runs; whichever order the database
    // runs them in, a marked part is never re-queued and a re-queued part is never marked.
    const [marked] = await Promise.all([
      marks.mark([first.id, second.id], DEAD),
      recovery.recoverExpiredClaims(ACCOUNT, false, { self: SELF, deadAfterMs: 5_000 }),
    ]);
    const rows = (await db.dataSource.query(
      `SELECT id, status, written_at IS NOT NULL AS written FROM smpp_message_parts`,
    )) as Array<{ id: string; status: string; written: boolean }>;
    for (const r of rows) {
      if (marked.has(r.id)) expect(r.status).toBe('unknown');
      else expect(r).toMatchObject({ status: 'queued', written: false });
    }
  });
});
