import type { DeliverContext } from '../binds/bind-manager.js';
import { fitColumn, storableText } from '../messages/wire-values.js';
import { parseReceipt, receiptRawText, type ParsedReceipt } from '../receipts/receipt-parser.js';
import type { InboundDeliverSm } from '../session/session.types.js';
import type { IncomingReceipt } from '../store/part-rows.js';
import { timeOrderedId } from '../messages/time-ordered-id.js';

const SMSC_ID_WIDTH = 64;
const STAT_WIDTH = 8;
const ADDRESS_WIDTH = 32;

/**
 * A receipt deliver_sm as it is stored: parsed, its values cut and cleaned to their columns, and
 * the raw PDU kept when one had to change (or when it has no id at all).
 */
export function incomingReceipt(
  context: DeliverContext,
  deliver: InboundDeliverSm,
): IncomingReceipt {
  const { parsed, fitted } = fitReceipt(parseReceipt(deliver) ?? unparsable(deliver));
  return {
    id: timeOrderedId(),
    account: context.account.name,
    bindLabel: context.bindId,
    parsed,
    deliver,
    rawPdu: fitted || addressesTooLong(deliver) ? (deliver.raw ?? null) : null,
  };
}

/** The receipt's values cut and cleaned to their columns; `fitted` when one had to change. */
function fitReceipt(parsed: ParsedReceipt): { parsed: ParsedReceipt; fitted: boolean } {
  const smscMessageId = fitColumn(parsed.smscMessageId, SMSC_ID_WIDTH);
  const stat = parsed.stat === null ? null : fitColumn(parsed.stat, STAT_WIDTH);
  const rawText = storableText(parsed.rawText);
  const fitted =
    smscMessageId !== parsed.smscMessageId || stat !== parsed.stat || rawText !== parsed.rawText;
  if (!fitted) return { parsed, fitted };
  const out: ParsedReceipt = { ...parsed, smscMessageId, stat, rawText };
  if (parsed.text !== undefined) out.text = storableText(parsed.text);
  if (parsed.err !== undefined) out.err = storableText(parsed.err);
  return { parsed: out, fitted };
}

function addressesTooLong(deliver: InboundDeliverSm): boolean {
  return (
    deliver.sourceAddr.length > ADDRESS_WIDTH || deliver.destinationAddr.length > ADDRESS_WIDTH
  );
}

/** A receipt with no id anywhere: stored as it came (it can never match), so nothing is dropped silently. */
function unparsable(deliver: InboundDeliverSm): ParsedReceipt {
  return {
    smscMessageId: '',
    idSource: 'text',
    stat: null,
    errorCode: null,
    rawText: receiptRawText(deliver),
    finalState: null,
    final: false,
  };
}
