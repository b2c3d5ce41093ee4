import type { OnApplicationShutdown } from '@nestjs/common';
import type { SmscSimulator } from '../simulator/index.js';
import type { MoRequest, MoResult, ReceiptRule, SubmitRecord } from '../simulator/index.js';
import { CommandStatus } from '../smpp/protocol/command-status.js';

/** What an awaited submit must match: a predicate, or fields of the submit_sm. */
export type SubmitMatch =
  ((submit: SubmitRecord) => boolean) | { to?: string; text?: string | RegExp; systemId?: string };

/** An inbound (MO) message for `injectMo`: from the account's system_id unless given. */
export type TestMo = Omit<MoRequest, 'systemId'> & { account?: string; systemId?: string };

function matches(submit: SubmitRecord, match: SubmitMatch): boolean {
  if (typeof match === 'function') return match(submit);
  if (match.to !== undefined && submit.destinationAddr !== match.to.replace(/^\+/, ''))
    return false;
  if (match.systemId !== undefined && submit.systemId !== match.systemId) return false;
  if (typeof match.text === 'string' && submit.text !== match.text) return false;
  if (match.text instanceof RegExp && !match.text.test(submit.text)) return false;
  return true;
}

/**
 * The SMSC simulator of SmppTestingModule, injectable in tests: await submits, inject inbound
 * messages, script receipts and faults. Started before SmppModule binds; stopped after the
 * module unbound (on application shutdown), unless the test gave its own simulator.
 */
export class SimulatorHandle implements OnApplicationShutdown {
  constructor(
    /** The simulator itself, for every other knob (see SmscSimulator). */
    readonly simulator: SmscSimulator,
    private readonly systemIds: ReadonlyMap<string, string>,
    private readonly owned: boolean,
  ) {}

  get host(): string {
    return this.simulator.host;
  }

  get port(): number {
    return this.simulator.port;
  }

  /** Every submit_sm the simulator accepted, oldest first. */
  get submits(): readonly SubmitRecord[] {
    return this.simulator.submits;
  }

  /** Resolves with the first accepted submit (already seen or coming) that matches; rejects after timeoutMs. */
  async waitForSubmit(match: SubmitMatch = () => true, timeoutMs = 10_000): Promise<SubmitRecord> {
    const [found] = await this.waitFor(
      (all) => {
        const hit = all.find((s) => matches(s, match));
        return hit ? [hit] : undefined;
      },
      timeoutMs,
      'a matching submit_sm',
    );
    return found;
  }

  /** Resolves once at least `count` submits (matching, when given) were accepted; with all of them. */
  waitForSubmits(count: number, match: SubmitMatch = () => true, timeoutMs = 10_000) {
    return this.waitFor(
      (all) => {
        const hits = all.filter((s) => matches(s, match));
        return hits.length >= count ? hits : undefined;
      },
      timeoutMs,
      `${count} submit_sm`,
    );
  }

  /** Sends an inbound (MO) message to the account's receiver-capable binds. */
  injectMo(mo: TestMo): Promise<MoResult> {
    const { account, systemId, ...rest } = mo;
    const target = systemId ?? this.systemIdOf(account);
    return this.simulator.injectMo({ ...rest, systemId: target });
  }

  /** Receipts from now on: first matching rule decides (no match: DELIVRD). */
  scriptReceipts(rules: ReceiptRule[]): void {
    this.simulator.setReceiptRules(rules);
  }

  /** The next n submit_sm are answered with this status (default ESME_RSYSERR, a temporary error). */
  failNextSubmits(n: number, status: number = CommandStatus.ESME_RSYSERR): void {
    this.simulator.failNextSubmits(n, status);
  }

  /** Answers every bind with this status until called with null (e.g. ESME_RINVPASWD). */
  refuseBinds(status: number | null): void {
    this.simulator.refuseBinds(status);
  }

  /** Drops every connection at once (the module reconnects). */
  dropConnections(): number {
    return this.simulator.dropAllConnections();
  }

  /** Stops answering anything (a half-open link) until called with false. */
  goSilent(on: boolean): void {
    this.simulator.goSilent(on);
  }

  /** Forgets the recorded submits and every scripted receipt and fault. */
  reset(): void {
    this.simulator.clearSubmits();
    this.simulator.setReceiptRules([]);
    this.simulator.failNextSubmits(0);
    this.simulator.refuseBinds(null);
    this.simulator.goSilent(false);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.owned) await this.simulator.stop();
  }

  private systemIdOf(account: string | undefined): string {
    const first = this.systemIds.values().next().value;
    const systemId = account === undefined ? first : this.systemIds.get(account);
    if (systemId === undefined) {
      throw new Error(
        `SimulatorHandle: unknown account "${account}"; configured: ${[...this.systemIds.keys()].join(', ')}`,
      );
    }
    return systemId;
  }

  private waitFor<T>(
    check: (all: readonly SubmitRecord[]) => T | undefined,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const now = check(this.simulator.submits);
      if (now !== undefined) return resolve(now);
      const onSubmit = () => {
        const value = check(this.simulator.submits);
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `SimulatorHandle: no ${what} within ${timeoutMs} ms (${this.simulator.submits.length} accepted)`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.simulator.off('submit', onSubmit);
      };
      this.simulator.on('submit', onSubmit);
    });
  }
}
