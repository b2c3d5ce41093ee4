import type { DataSource } from 'typeorm';
import { writeOutbox } from '../events/event-outbox.js';
import { ReceiptReceivedEvent } from '../events/message-events.js';
import { SmppEvents } from '../events/smpp-events.js';
import type { ParsedReceipt } from '../receipts/receipt-parser.js';
import { partStateOfStat } from '../receipts/receipt-state.js';
import { smscIdCandidates } from '../receipts/smsc-id.js';
import type { InboundDeliverSm } from '../session/session.types.js';
import type { ReceiptObservation, SmppTelemetry } from '../telemetry/smpp-telemetry.js';
import { fitColumn, storableText } from '../messages/wire-values.js';
import { refreshMessages, type PendingEvent } from './message-state-writer.js';
import { canTransition, FINAL_STATUSES, type PartStatus } from './message-status.js';
import { lockAccounts, rows, type SqlExecutor } from './sql.js';
import { UnknownResolver } from './unknown-resolver.js';

export interface IncomingReceipt {
  id: string;
  account: string;
  bindLabel: string;
  parsed: ParsedReceipt;
  deliver: InboundDeliverSm;
  /** The PDU as it came, kept when a value had to be cut or cleaned to fit (else null). */
  rawPdu?: Buffer | null;
}

/** What a submit_sm led to, for one part. */
export type SubmitOutcome =
  | { kind: 'submitted'; smscMessageId: string }
  /** Refused for now (throttled, queue full): try again after `delayMs`. */
  | { kind: 'retry'; delayMs: number; errorCode: number; errorStatus: string }
  /** Refused for good (or its result could never be stored): the message fails. */
  | { kind: 'failed'; errorCode: number | null; errorStatus: string }
  /** It left, but no answer came: the SMSC may have it. */
  | { kind: 'unknown'; errorStatus: string }
  /** It never left this process: back to the queue as it was. */
  | { kind: 'requeue' };

export interface SubmitResult {
  partId: string;
  account: string;
  outcome: SubmitOutcome;
}

interface PartRow {
  id: string;
  message_id: string;
  account: string;
  seq: number;
  smsc_message_id: string;
  status: PartStatus;
  submitted_at: Date | null;
}

interface ReceiptFacts {
  receiptId: string;
  stat: string;
  errorCode: number | null;
}

/**
 * Which accounts share an SMSC account (system_id at one host): a receipt that arrives on any of
 * them may belong to a part sent through another.
 */
export interface AccountScope {
  /** Every configured account name with the same system_id and host, this one included. */
  siblings(account: string): readonly string[];
  /** The advisory lock key that serialises matching for that system_id. */
  lockKey(account: string): string;
}

const SELF_SCOPE: AccountScope = { siblings: (a) => [a], lockKey: (a) => a };

/**
 * Stores submit results and receipts, and matches receipts to parts by (account, SMSC message id)
 * whichever comes first: every write here takes the system_id's advisory lock first, so of a
 * receipt and its submit_sm_resp (stored by any two processes) the second sees the first.
 */
export class ReceiptStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly recordEvents: () => boolean,
    private readonly telemetry?: SmppTelemetry,
    private readonly scope: AccountScope = SELF_SCOPE,
    /** The replica that owns the first dispatch of the events written here (see writeOutbox). */
    private readonly eventOwner: string | null = null,
    /** Matches receipts that found no SMSC id to `unknown` parts (see UnknownResolver). */
    private readonly unknowns: UnknownResolver = new UnknownResolver({ siblings: scope.siblings }),
  ) {}

  async recordSubmitResults(results: readonly SubmitResult[]): Promise<PendingEvent[]> {
    if (results.length === 0) return [];
    const observed: ReceiptObservation[] = [];
    const events = await this.dataSource.transaction(async (em) => {
      await lockAccounts(
        em,
        results.map((r) => this.scope.lockKey(r.account)),
      );
      const v = results.map((r) => encodeOutcome(r));
      const updated = await rows<PartRow>(
        em,
        `UPDATE smpp_message_parts p
            SET status = v.status,
                smsc_message_id = COALESCE(v.smsc_id, p.smsc_message_id),
                next_attempt_at = CASE WHEN v.status = 'queued' THEN now() + (v.delay_ms * interval '1 millisecond') ELSE p.next_attempt_at END,
                attempts = GREATEST(0, p.attempts + v.attempts_delta),
                error_code = COALESCE(v.error_code, p.error_code),
                error_status = COALESCE(v.error_status, p.error_status),
                claimed_by = NULL, claimed_until = NULL,
                written_at = CASE WHEN v.status = 'queued' THEN NULL ELSE p.written_at END,
                submitted_at = CASE WHEN v.status = 'submitted' THEN now() ELSE p.submitted_at END,
                done_at = CASE WHEN v.status = 'failed' THEN now() ELSE p.done_at END,
                updated_at = now()
           FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::int[], $5::bigint[], $6::varchar[], $7::int[])
             AS v(id, status, smsc_id, delay_ms, error_code, error_status, attempts_delta)
          -- The status test is written as a join clause ("OR v.id IS NULL" never holds): as a
          -- filter on p alone it is estimated at ~1 row (statistics rarely catch parts in flight)
          -- and the planner nested-loops the whole table against the batch.
          WHERE p.id = v.id AND (p.status IN ('submitting', 'unknown') OR v.id IS NULL)
         RETURNING p.id, p.message_id, p.account, p.seq, p.smsc_message_id, p.status, p.submitted_at`,
        [
          v.map((x) => x.id),
          v.map((x) => x.status),
          v.map((x) => x.smscId),
          v.map((x) => x.delayMs),
          v.map((x) => x.errorCode),
          v.map((x) => x.errorStatus),
          v.map((x) => x.attemptsDelta),
        ],
      );
      const accepted = updated.filter((p) => p.status === 'submitted');
      const touched = new Set(updated.map((p) => p.message_id));
      const resolved = await this.unknowns.forParts(
        em,
        updated.filter((p) => p.status === 'unknown').map((p) => p.id),
      );
      accepted.push(...resolved.parts);
      if (accepted.length > 0) await this.matchParked(em, accepted, touched, observed);
      return this.finish(em, touched, resolved.events);
    });
    this.observe(observed, events);
    return events;
  }

  /** Stores receipts (all of them, matched or parked) and applies the matched ones. */
  async recordReceipts(receipts: readonly IncomingReceipt[]): Promise<PendingEvent[]> {
    if (receipts.length === 0) return [];
    const observed: ReceiptObservation[] = [];
    const events = await this.dataSource.transaction(async (em) => {
      await lockAccounts(
        em,
        receipts.map((r) => this.scope.lockKey(r.account)),
      );
      await insertReceipts(em, receipts);
      const parts = await findParts(em, receipts, this.scope);
      const changes = new PartChanges();
      for (const receipt of receipts) {
        const part = parts.get(receipt.id);
        if (!part) continue;
        changes.apply(part, {
          receiptId: receipt.id,
          stat: receipt.parsed.stat ?? '',
          errorCode: receipt.parsed.errorCode,
        });
      }
      await changes.write(em);
      const matchOf = new Map(changes.matches.map((m) => [m.receiptId, m]));
      for (const r of receipts) {
        const match = matchOf.get(r.id);
        observed.push({
          account: r.account,
          stat: r.parsed.stat ?? '',
          match: match ? 'matched' : 'parked',
          duplicate: match?.duplicate ?? false,
          sinceSubmitMs:
            match?.part.submitted_at && r.parsed.final
              ? Date.now() - new Date(match.part.submitted_at).getTime()
              : undefined,
        });
      }
      const receiptEvents: PendingEvent[] = receipts.map((r) => {
        const match = matchOf.get(r.id);
        return {
          name: SmppEvents.ReceiptReceived,
          payload: new ReceiptReceivedEvent({
            eventId: r.id,
            receiptId: r.id,
            account: r.account,
            smscMessageId: r.parsed.smscMessageId,
            stat: r.parsed.stat ?? '',
            errorCode: r.parsed.errorCode,
            final: r.parsed.final,
            messageId: match?.part.message_id ?? null,
            partSeq: match?.part.seq ?? null,
            duplicate: match?.duplicate ?? false,
            at: new Date(),
          }),
        };
      });
      const touched = new Set(changes.matches.map((m) => m.part.message_id));
      const resolved = await this.unknowns.forReceipts(
        em,
        receipts.filter((r) => !matchOf.has(r.id)).map((r) => r.id),
      );
      if (resolved.parts.length > 0) await this.matchParked(em, resolved.parts, touched, observed);
      return this.finish(em, touched, [...receiptEvents, ...resolved.events]);
    });
    this.observe(observed, events);
    return events;
  }

  private observe(observed: ReceiptObservation[], events: readonly PendingEvent[]): void {
    if (!this.telemetry) return;
    for (const o of observed) this.telemetry.receipt(o);
    for (const e of events) {
      if (e.name === SmppEvents.MessageUnknownResolved)
        this.telemetry.unknownResolved({ account: (e.payload as { account: string }).account });
    }
  }

  /**
   * Parts claimed by a process that stopped before it stored their outcome: those whose
   * submit_sm was never written to a socket (`written_at` null) go back to the queue at once;
   * the others become `unknown` (the SMSC may have them), or queued again for accounts that chose
   * at-least-once. A claim is recovered when its lease ran out, or when its holder (another
   * replica) has had no live heartbeat for `replicas.deadAfterMs`. The holder marks written_at
   * only while the claim is still its own, on the same row: see WrittenMarks.
   */
  async recoverExpiredClaims(
    account: string,
    requeue: boolean,
    replicas?: { self: string; deadAfterMs: number },
  ): Promise<{ parts: number; unsent: number; events: PendingEvent[] }> {
    const observed: ReceiptObservation[] = [];
    const result = await this.dataSource.transaction(async (em) => {
      await lockAccounts(em, [this.scope.lockKey(account)]);
      const updated = await rows<{ id: string; message_id: string; status: string }>(
        em,
        `UPDATE smpp_message_parts p
            SET status = CASE WHEN p.written_at IS NULL OR $2::boolean THEN 'queued' ELSE 'unknown' END,
                attempts = CASE WHEN p.written_at IS NULL THEN GREATEST(0, p.attempts - 1) ELSE p.attempts END,
                error_status = CASE WHEN p.written_at IS NOT NULL AND NOT $2::boolean THEN 'NO_RESPONSE' ELSE p.error_status END,
                next_attempt_at = CASE WHEN p.written_at IS NULL OR $2::boolean THEN now() ELSE p.next_attempt_at END,
                written_at = CASE WHEN p.written_at IS NULL OR $2::boolean THEN NULL ELSE p.written_at END,
                claimed_by = NULL, claimed_until = NULL, updated_at = now()
          WHERE p.account = $1 AND p.status = 'submitting'
            AND (p.claimed_until < now()
                 OR ($3::varchar IS NOT NULL AND p.claimed_by IS DISTINCT FROM $3::varchar
                     AND p.updated_at < now() - $4::int * interval '1 millisecond'
                     AND NOT EXISTS (SELECT 1 FROM smpp_replicas r
                                      WHERE r.replica = p.claimed_by AND r.expires_at >= now())))
         RETURNING p.id, p.message_id, p.status`,
        [account, requeue, replicas?.self ?? null, replicas?.deadAfterMs ?? 0],
      );
      const touched = new Set(updated.map((u) => u.message_id));
      const resolved = await this.unknowns.forParts(
        em,
        updated.filter((u) => u.status === 'unknown').map((u) => u.id),
      );
      if (resolved.parts.length > 0) await this.matchParked(em, resolved.parts, touched, observed);
      const events = await this.finish(em, touched, resolved.events);
      const unsent = updated.filter((u) => u.status === 'queued').length;
      return { parts: updated.length, unsent, events };
    });
    this.observe(observed, result.events);
    return result;
  }

  private async matchParked(
    em: SqlExecutor,
    accepted: PartRow[],
    touched: Set<string>,
    observed: ReceiptObservation[],
  ): Promise<void> {
    const byKey = new Map<string, PartRow>();
    for (const part of accepted) {
      for (const account of this.scope.siblings(part.account)) {
        for (const candidate of smscIdCandidates(part.smsc_message_id)) {
          const key = `${account}\u0000${candidate}`;
          if (!byKey.has(key)) byKey.set(key, part);
        }
      }
    }
    const keys = [...byKey.keys()].map((k) => k.split('\u0000'));
    const parked = await rows<{
      id: string;
      account: string;
      smsc_message_id: string;
      stat: string;
      error_code: number | null;
    }>(
      em,
      `SELECT r.id, r.account, r.smsc_message_id, r.stat, r.error_code
         FROM smpp_receipts r
         JOIN unnest($1::varchar[], $2::varchar[]) AS k(account, smsc_message_id)
           ON r.account = k.account AND r.smsc_message_id = k.smsc_message_id
        WHERE r.part_id IS NULL
        ORDER BY r.received_at, r.id`,
      [keys.map((k) => k[0]), keys.map((k) => k[1])],
    );
    if (parked.length === 0) return;
    const changes = new PartChanges();
    for (const receipt of parked) {
      const part = byKey.get(`${receipt.account}\u0000${receipt.smsc_message_id}`);
      if (!part) continue;
      changes.apply(part, {
        receiptId: receipt.id,
        stat: receipt.stat,
        errorCode: receipt.error_code,
      });
      touched.add(part.message_id);
      observed.push({
        account: receipt.account,
        stat: receipt.stat,
        match: 'matched-late',
        // Two copies of a receipt may both have been parked: the second is a duplicate.
        duplicate: changes.matches[changes.matches.length - 1].duplicate,
        // No submit->receipt latency: the receipt overtook the stored submit_sm_resp.
      });
    }
    await changes.write(em);
  }

  private async finish(
    em: SqlExecutor,
    touched: Set<string>,
    extra: PendingEvent[],
  ): Promise<PendingEvent[]> {
    const events = [...extra, ...(await refreshMessages(em, touched))];
    if (this.recordEvents()) await writeOutbox(em, events, this.eventOwner);
    return events;
  }
}

/** The receipts matched in one transaction and what they do to their parts, applied in arrival order. */
class PartChanges {
  readonly matches: Array<{ receiptId: string; part: PartRow; duplicate: boolean }> = [];
  private readonly statuses = new Map<string, PartStatus>();
  private readonly facts = new Map<string, { stat: string; errorCode: number | null }>();

  /** Applies one receipt in memory; a receipt that changes nothing is a duplicate. */
  apply(part: PartRow, receipt: ReceiptFacts): void {
    const current = this.statuses.get(part.id) ?? part.status;
    const next = partStateOfStat(receipt.stat);
    let changes: boolean;
    if (next === null) {
      // ACCEPTD / ENROUTE: recorded on the part, the message goes on.
      changes = !FINAL.has(current);
      if (changes) this.facts.set(part.id, { stat: receipt.stat, errorCode: receipt.errorCode });
      this.statuses.set(part.id, current);
    } else {
      changes = canTransition(current, next);
      if (changes) {
        this.facts.set(part.id, { stat: receipt.stat, errorCode: receipt.errorCode });
        this.statuses.set(part.id, next);
      } else {
        this.statuses.set(part.id, current);
      }
    }
    this.matches.push({ receiptId: receipt.receiptId, part, duplicate: !changes });
  }

  async write(em: SqlExecutor): Promise<void> {
    const matches = this.matches;
    if (matches.length > 0) {
      await em.query(
        `UPDATE smpp_receipts r SET part_id = v.part_id, matched_at = now(), duplicate = v.duplicate
         FROM unnest($1::uuid[], $2::uuid[], $3::boolean[]) AS v(id, part_id, duplicate)
        WHERE r.id = v.id`,
        [
          matches.map((m) => m.receiptId),
          matches.map((m) => m.part.id),
          matches.map((m) => m.duplicate),
        ],
      );
    }
    const partIds = [...this.facts.keys()];
    if (partIds.length > 0) {
      const facts = partIds.map((id) => this.facts.get(id));
      await em.query(
        `UPDATE smpp_message_parts p
          SET status = v.status,
              receipt_stat = COALESCE(v.stat, p.receipt_stat),
              error_code = CASE WHEN v.status IN ('undeliverable', 'expired', 'rejected', 'failed', 'unknown') AND v.status <> p.status THEN v.error_code ELSE p.error_code END,
              error_status = CASE WHEN v.status IN ('undeliverable', 'expired', 'rejected', 'failed', 'unknown') AND v.status <> p.status THEN v.stat ELSE p.error_status END,
              done_at = CASE WHEN v.status IN ('delivered', 'undeliverable', 'expired', 'rejected', 'failed') AND p.done_at IS NULL THEN now() ELSE p.done_at END,
              updated_at = now()
         FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::bigint[]) AS v(id, status, stat, error_code)
        WHERE p.id = v.id`,
        [
          partIds,
          partIds.map((id) => this.statuses.get(id)),
          facts.map((f) => f?.stat ?? null),
          facts.map((f) => f?.errorCode ?? null),
        ],
      );
    }
  }
}

const FINAL: ReadonlySet<PartStatus> = FINAL_STATUSES;

async function insertReceipts(
  em: SqlExecutor,
  receipts: readonly IncomingReceipt[],
): Promise<void> {
  await em.query(
    `INSERT INTO smpp_receipts (id, account, smsc_message_id, stat, error_code, network_error_code, final, raw_text,
                                tlvs, source_addr, destination_addr, bind_label, raw_pdu)
     SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::int[], $6::jsonb[],
                          $7::boolean[], $8::text[], $9::jsonb[], $10::varchar[], $11::varchar[], $12::varchar[],
                          $13::bytea[])`,
    [
      receipts.map((r) => r.id),
      receipts.map((r) => r.account),
      receipts.map((r) => fitColumn(r.parsed.smscMessageId, 64)),
      receipts.map((r) => fitColumn(r.parsed.stat ?? '', 8)),
      receipts.map((r) => r.parsed.errorCode),
      receipts.map((r) =>
        r.parsed.networkErrorCode ? JSON.stringify(r.parsed.networkErrorCode) : null,
      ),
      receipts.map((r) => r.parsed.final),
      receipts.map((r) => storableText(r.parsed.rawText)),
      receipts.map((r) => JSON.stringify(tlvsAsHex(r.deliver.tlvs))),
      receipts.map((r) => fitColumn(r.deliver.sourceAddr, 32)),
      receipts.map((r) => fitColumn(r.deliver.destinationAddr, 32)),
      receipts.map((r) => fitColumn(r.bindLabel, 64)),
      receipts.map((r) => r.rawPdu ?? null),
    ],
  );
}

/** The parts the receipts are for: the exact id first, then its other spellings (hex/decimal, case, zeros). */
async function findParts(
  em: SqlExecutor,
  receipts: readonly IncomingReceipt[],
  scope: AccountScope,
): Promise<Map<string, PartRow>> {
  /** By receipt id. */
  const found = new Map<string, PartRow>();
  // [account to search, id spelling to search, receipt id]
  const lookup = async (keys: Array<[string, string, string]>) => {
    if (keys.length === 0) return;
    const partRows = await rows<PartRow>(
      em,
      `SELECT p.id, p.message_id, p.account, p.seq, p.smsc_message_id, p.status, p.submitted_at
         FROM smpp_message_parts p
         JOIN unnest($1::varchar[], $2::varchar[]) AS k(account, smsc_message_id)
           ON p.account = k.account AND p.smsc_message_id = k.smsc_message_id`,
      [keys.map((k) => k[0]), keys.map((k) => k[1])],
    );
    const byStored = new Map(partRows.map((p) => [`${p.account}\u0000${p.smsc_message_id}`, p]));
    for (const [account, candidate, receiptId] of keys) {
      const part = byStored.get(`${account}\u0000${candidate}`);
      if (part && !found.has(receiptId)) found.set(receiptId, part);
    }
  };
  const spellings = (r: IncomingReceipt, ids: readonly string[]) =>
    scope
      .siblings(r.account)
      .flatMap((account) => ids.map((id): [string, string, string] => [account, id, r.id]));
  await lookup(receipts.flatMap((r) => spellings(r, [r.parsed.smscMessageId])));
  const missed = receipts.filter((r) => !found.has(r.id));
  await lookup(
    missed.flatMap((r) => spellings(r, smscIdCandidates(r.parsed.smscMessageId).slice(1))),
  );
  return found;
}

function tlvsAsHex(tlvs: ReadonlyMap<number, Buffer>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [tag, value] of tlvs) out[tag.toString(16).padStart(4, '0')] = value.toString('hex');
  return out;
}

function encodeOutcome(r: SubmitResult) {
  const o = r.outcome;
  const base = {
    id: r.partId,
    smscId: null as string | null,
    delayMs: 0,
    errorCode: null as number | null,
    errorStatus: null as string | null,
    attemptsDelta: 0,
  };
  switch (o.kind) {
    case 'submitted':
      return { ...base, status: 'submitted', smscId: fitColumn(o.smscMessageId, 64) };
    case 'retry':
      return {
        ...base,
        status: 'queued',
        delayMs: o.delayMs,
        errorCode: o.errorCode,
        errorStatus: fitColumn(o.errorStatus, 32),
      };
    case 'failed':
      return {
        ...base,
        status: 'failed',
        errorCode: o.errorCode,
        errorStatus: fitColumn(o.errorStatus, 32),
      };
    case 'unknown':
      return { ...base, status: 'unknown', errorStatus: fitColumn(o.errorStatus, 32) };
    case 'requeue':
      return { ...base, status: 'queued', attemptsDelta: -1 };
  }
}
