import { ReceiptReceivedEvent } from '../events/message-events.js';
import { SmppEvents } from '../events/smpp-events.js';
import { fitColumn, storableText } from '../messages/wire-values.js';
import { smscIdCandidates } from '../receipts/smsc-id.js';
import type { ReceiptObservation } from '../telemetry/smpp-telemetry.js';
import type { PendingEvent } from './message-state-writer.js';
import { PartChanges } from './part-changes.js';
import type { IncomingReceipt, PartRow } from './part-rows.js';
import type { AccountScope, PartWrite, PartWriteContext } from './part-write-context.js';
import { rows, type SqlExecutor } from './sql.js';

/**
 * Stores receipts (all of them, matched or parked) and matches them to parts by (account, SMSC
 * message id), whichever of a receipt and its submit_sm_resp comes first: a receipt that arrives
 * first is parked, and matched when the submit result is stored (see matchParked). Runs inside a
 * part write (PartOutcomeWriter: the accounts' lock held); returns its own events.
 */
export async function storeReceipts(
  context: PartWriteContext,
  write: PartWrite,
  receipts: readonly IncomingReceipt[],
): Promise<PendingEvent[]> {
  const { em, touched, observed } = write;
  const { scope } = context;
  const parts = await findParts(em, receipts, scope);
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
  const matchOf = new Map(changes.matches.map((m) => [m.receiptId, m]));
  // Each receipt is inserted already matched: one row version, where a parked row updated at
  // once went into every index and then into two again. The unknown parts' lookup below reads
  // the unmatched ones back.
  await insertReceipts(em, receipts, matchOf);
  await changes.writeParts(em);
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
  for (const m of changes.matches) touched.add(m.part.message_id);
  // Receipts that matched no SMSC id may be those of `unknown` parts.
  const resolved = await context.unknowns.forReceipts(
    em,
    receipts.filter((r) => !matchOf.has(r.id)).map((r) => r.id),
  );
  if (resolved.parts.length > 0) await matchParked(em, scope, resolved.parts, touched, observed);
  return [...receiptEvents, ...resolved.events];
}

/**
 * Parts just accepted by the SMSC whose receipts overtook their submit_sm_resp: applies the parked
 * receipts to them, in arrival order. Runs inside the submit results' transaction and lock.
 */
export async function matchParked(
  em: SqlExecutor,
  scope: AccountScope,
  accepted: PartRow[],
  touched: Set<string>,
  observed: ReceiptObservation[],
): Promise<void> {
  const byKey = new Map<string, PartRow>();
  for (const part of accepted) {
    for (const account of scope.siblings(part.account)) {
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
    // A probe of the parked index per key. OFFSET 0 keeps the subquery from being flattened
    // into a join, for which the planner may prefer reading every parked receipt (part_id IS
    // NULL on ix_smpp_receipts_part) and hashing them: cheap with few parked, not with many.
    `SELECT r.id, r.account, r.smsc_message_id, r.stat, r.error_code
       FROM unnest($1::varchar[], $2::varchar[]) AS k(account, smsc_message_id)
      CROSS JOIN LATERAL (
        SELECT r.id, r.account, r.smsc_message_id, r.stat, r.error_code, r.received_at
          FROM smpp_receipts r
         WHERE r.account = k.account AND r.smsc_message_id = k.smsc_message_id AND r.part_id IS NULL
        OFFSET 0) r
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

async function insertReceipts(
  em: SqlExecutor,
  receipts: readonly IncomingReceipt[],
  matchOf: ReadonlyMap<string, { part: PartRow; duplicate: boolean }>,
): Promise<void> {
  await em.query(
    `INSERT INTO smpp_receipts (id, account, smsc_message_id, stat, error_code, network_error_code, final, raw_text,
                                tlvs, source_addr, destination_addr, bind_label, raw_pdu, part_id, duplicate, matched_at)
     SELECT v.*, CASE WHEN v.part_id IS NULL THEN NULL ELSE now() END
       FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::int[], $6::jsonb[],
                   $7::boolean[], $8::text[], $9::jsonb[], $10::varchar[], $11::varchar[], $12::varchar[],
                   $13::bytea[], $14::uuid[], $15::boolean[])
         AS v(id, account, smsc_message_id, stat, error_code, network_error_code, final, raw_text,
              tlvs, source_addr, destination_addr, bind_label, raw_pdu, part_id, duplicate)`,
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
      receipts.map((r) => matchOf.get(r.id)?.part.id ?? null),
      receipts.map((r) => matchOf.get(r.id)?.duplicate ?? false),
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
