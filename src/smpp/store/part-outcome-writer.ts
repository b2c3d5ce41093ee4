import { SmppBackpressureError } from '../errors.js';
import { BatchQueue } from './batch-queue.js';
import type { PendingEvent } from './message-state-writer.js';
import type { IncomingReceipt, SubmitResult } from './part-rows.js';
import { inPartWrite, type PartWriteContext } from './part-write-context.js';
import { storeReceipts } from './receipt-matching.js';
import { storeSubmitResults } from './submit-results.js';

/** What the part-outcome writer stores: a submit result or a receipt. */
export type PartOutcome =
  { result: SubmitResult; receipt?: undefined } | { receipt: IncomingReceipt; result?: undefined };

/**
 * Submit results and receipts, written together: one transaction per batch. Both take the
 * system_id's lock and end by recomputing their messages and writing the outbox; written apart,
 * each batch paid its own BEGIN, lock, message read and update, outbox insert and COMMIT (a WAL
 * flush), and the two writers waited for each other's lock. Results go first: a receipt in the
 * same batch as its part's submit_sm_resp then finds the SMSC id and matches at once.
 */
export class PartOutcomeWriter {
  constructor(private readonly context: PartWriteContext) {}

  async write(items: readonly PartOutcome[]): Promise<PendingEvent[]> {
    const results = items.flatMap((i) => (i.result ? [i.result] : []));
    const receipts = items.flatMap((i) => (i.receipt ? [i.receipt] : []));
    if (results.length === 0 && receipts.length === 0) return [];
    const accounts = [...results, ...receipts].map((x) => x.account);
    return inPartWrite(this.context, accounts, async (write) => [
      ...(results.length > 0 ? await storeSubmitResults(this.context, write, results) : []),
      ...(receipts.length > 0 ? await storeReceipts(this.context, write, receipts) : []),
    ]);
  }
}

/** One kind of outcome going into the shared queue: bounded on its own, with its own idle(). */
export class OutcomeSink<T> {
  private pending = 0;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly name: string,
    private readonly maxPending: number,
    private readonly enqueue: (item: T) => Promise<void>,
  ) {}

  add(item: T): Promise<void> {
    if (this.pending >= this.maxPending)
      return Promise.reject(new SmppBackpressureError(`pending ${this.name}`, this.maxPending));
    this.pending++;
    return this.enqueue(item).finally(() => {
      if (--this.pending === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  /** Resolves when none of this kind is pending or being written. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

/** The group-commit queue of part outcomes, with a sink per kind. */
export class PartOutcomeQueue {
  readonly results: OutcomeSink<SubmitResult>;
  readonly receipts: OutcomeSink<IncomingReceipt>;
  private readonly queue: BatchQueue<PartOutcome, void>;

  constructor(
    writer: PartOutcomeWriter,
    afterCommit: (events: PendingEvent[]) => void,
    maxPendingPerKind: number,
  ) {
    this.queue = new BatchQueue<PartOutcome, void>(
      async (items) => {
        afterCommit(await writer.write(items));
        return items.map(() => undefined);
      },
      {
        name: 'submit results and receipts',
        maxPending: 2 * maxPendingPerKind,
        describe: (o) =>
          o.result
            ? `the ${o.result.outcome.kind} result of part ${o.result.partId}`
            : `receipt ${o.receipt.id} of "${o.receipt.account}"`,
      },
    );
    this.results = new OutcomeSink('submit results', maxPendingPerKind, (result) =>
      this.queue.add({ result }),
    );
    this.receipts = new OutcomeSink('receipts', maxPendingPerKind, (receipt) =>
      this.queue.add({ receipt }),
    );
  }
}
