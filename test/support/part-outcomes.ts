import type { IncomingReceipt, SubmitResult } from '../../src/smpp/store/part-rows.js';
import { PartOutcomeWriter } from '../../src/smpp/store/part-outcome-writer.js';
import type { PartWriteContext } from '../../src/smpp/store/part-write-context.js';

/** Submit results or receipts written as the module writes them (one PartOutcomeWriter batch each call). */
export function partOutcomes(context: PartWriteContext) {
  const writer = new PartOutcomeWriter(context);
  return {
    recordSubmitResults: (results: readonly SubmitResult[]) =>
      writer.write(results.map((result) => ({ result }))),
    recordReceipts: (receipts: readonly IncomingReceipt[]) =>
      writer.write(receipts.map((receipt) => ({ receipt }))),
  };
}
