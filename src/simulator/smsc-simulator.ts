import { randomInt, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';
import smpp from 'smpp';
import type { PDU } from 'smpp';
import { decodeText } from '../smpp/messages/encoding/data-coding.js';
import { CommandStatus } from '../smpp/protocol/command-status.js';
import { malformedBytes } from './malformed.js';
import { convertMessageId, MessageIdGenerator } from './message-ids.js';
import { buildMoParts } from './mo-builder.js';
import {
  ReceiptScheduler,
  type ReceiptCounters,
  type ReceiptRequest,
} from './receipt-scheduler.js';
import { receiptOutcome } from './receipt-rules.js';
import { SimSession } from './sim-session.js';
import {
  resolveSimulatorOptions,
  type ReceiptRule,
  type ResolvedSimulatorOptions,
  type SimulatorAccount,
  type SmscSimulatorOptions,
} from './simulator.options.js';
import type {
  BindInfo,
  BindMode,
  CloseReason,
  DuplicateSubmit,
  MalformedKind,
  MoPartResult,
  MoRequest,
  MoResult,
  SimulatorEvents,
  SimulatorStats,
  SubmitRecord,
} from './simulator.types.js';
import { RecordRing } from './record-ring.js';
import { readSubmitSm } from './submit-sm-reader.js';
import { concatFromSar, concatFromUdh, splitUdh } from './udh.js';

const BIND_MODES: Readonly<Record<string, BindMode>> = {
  bind_transmitter: 'transmitter',
  bind_receiver: 'receiver',
  bind_transceiver: 'transceiver',
};

const TLV_MESSAGE_PAYLOAD = 0x0424;
const TLV_8X8_MO_ID = 0x1502;
/** With receiptBeforeResponse, the submit_sm_resp follows the receipt after at least this, ms. */
const RECEIPT_FIRST_GAP_MS = 20;
const SERVER_UNBIND_TIMEOUT_MS = 1000;

type Counters = Omit<SimulatorStats, 'bindsNow' | 'maxConcurrentBinds'> & ReceiptCounters;

function zeroCounters(): Counters {
  return {
    bindAttempts: 0,
    refusedBinds: 0,
    submitsAccepted: 0,
    submitsDropped: 0,
    submitsFailed: 0,
    throttled: 0,
    receiptsSent: 0,
    receiptsAcked: 0,
    receiptsRedelivered: 0,
    receiptsAbandoned: 0,
    moSent: 0,
    moAcked: 0,
    enquireLinksReceived: 0,
    enquireLinksSent: 0,
    garbageReceived: 0,
    genericNacksSent: 0,
  };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function addressTonNpi(address: string): { ton: number; npi: number } {
  return /^\+?\d+$/.test(address) ? { ton: 1, npi: 1 } : { ton: 5, npi: 0 };
}

function contentKey(destinationAddr: string, content: Buffer): string {
  return `${destinationAddr}\u0000${content.toString('hex')}`;
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: net.Server | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * An SMSC that behaves like 8x8's SMPP servers, for tests and local runs: binds with a budget per
 * system_id, per-bind throttling, UUID message ids, receipts in 8x8's format on any receiver bind,
 * MO injection, and faults on demand.
 */
export class SmscSimulator extends EventEmitter<SimulatorEvents> {
  private readonly options: ResolvedSimulatorOptions;
  private readonly accounts = new Map<string, SimulatorAccount>();
  private readonly sessions = new Set<SimSession>();
  /** Every accepted TCP socket, TLS handshakes in progress included (closed on stop). */
  private readonly sockets = new Set<Socket>();
  private readonly ids = new MessageIdGenerator();
  private readonly receipts: ReceiptScheduler;
  private readonly records: RecordRing<SubmitRecord>;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Shared with the receipt scheduler: reset in place, never replaced. */
  private readonly counters: Counters = zeroCounters();
  private maxBinds: Record<string, number> = {};
  private nextSessionId = 1;
  private roundRobin = 0;
  private plainServer?: net.Server;
  private tlsServer?: tls.Server;
  private listenPort?: number;
  private listenTlsPort?: number;
  private running = false;
  private stopping?: Promise<void>;

  // Fault injection state.
  private silent = false;
  private refuseBindStatus: number | null = null;
  private failSubmits = { remaining: 0, status: CommandStatus.ESME_RSYSERR as number };
  private submitResponseDelayMs = 0;
  private receiptFirst = false;
  private duplicateReceiptsOn = false;
  private dropAfterSubmitRemaining = 0;
  /** Connections holding submits accepted without an answer, dropped with the n-th. */
  private readonly withheld = new Set<SimSession>();

  constructor(options: SmscSimulatorOptions = {}) {
    super();
    this.options = resolveSimulatorOptions(options);
    this.records = new RecordRing(this.options.maxRecords);
    for (const account of this.options.accounts) this.accounts.set(account.systemId, account);
    this.receipts = new ReceiptScheduler(this.options.receipts, {
      pickReceiver: (systemId) => this.pickReceiver(systemId),
      isSilent: () => this.silent,
      counters: this.counters,
      onSent: (event) => this.notify('receipt-sent', event),
      onAcked: (event) => this.notify('receipt-acked', event),
      logger: this.options.logger,
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Port of the plain listener. */
  get port(): number {
    if (this.listenPort === undefined) throw new Error('SmscSimulator: start() it first');
    return this.listenPort;
  }

  /** Port of the TLS listener, when `tls` was given. */
  get tlsPort(): number | undefined {
    return this.listenTlsPort;
  }

  get host(): string {
    return this.options.host;
  }

  /** Listens (again after stop(): on the same ports, so clients can reconnect). */
  async start(): Promise<void> {
    if (this.stopping) await this.stopping;
    if (this.running) return;
    const { host, logger } = this.options;
    const plain = net.createServer((socket) => this.accept(socket, false));
    plain.on('connection', (socket: Socket) => this.track(socket));
    this.listenPort = await listen(plain, this.listenPort ?? this.options.port, host);
    plain.on('error', (e) => logger.error(`simulator listener: ${e.message}`));
    this.plainServer = plain;
    if (this.options.tls) {
      const secure = tls.createServer(
        { key: this.options.tls.key, cert: this.options.tls.cert, minVersion: 'TLSv1.2' },
        (socket) => this.accept(socket, true),
      );
      secure.on('connection', (socket: Socket) => this.track(socket));
      secure.on('tlsClientError', (e) => logger.debug?.(`TLS handshake failed: ${e.message}`));
      try {
        this.listenTlsPort = await listen(secure, this.listenTlsPort ?? this.options.tlsPort, host);
      } catch (e) {
        await closeServer(plain);
        this.plainServer = undefined;
        throw e;
      }
      secure.on('error', (e) => logger.error(`simulator TLS listener: ${e.message}`));
      this.tlsServer = secure;
    }
    this.receipts.resume();
    this.running = true;
    logger.log(
      `SMSC simulator listening on ${host}:${this.listenPort}` +
        (this.listenTlsPort !== undefined ? ` (TLS on ${host}:${this.listenTlsPort})` : ''),
    );
  }

  /** Closes every session and listener. Receipts not yet acknowledged are kept for a restart. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    if (!this.running) return Promise.resolve();
    this.running = false;
    this.stopping = (async () => {
      this.receipts.suspend();
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      for (const session of this.sessions) session.close('stopped');
      for (const socket of this.sockets) socket.destroy();
      await Promise.all([closeServer(this.plainServer), closeServer(this.tlsServer)]);
      this.plainServer = undefined;
      this.tlsServer = undefined;
      this.options.logger.log('SMSC simulator stopped');
    })().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  // ---------------------------------------------------------------- accounts and inspection

  /** Changes (or adds) an account's password; binds already up stay up. */
  setPassword(systemId: string, password: string): void {
    const account = this.accounts.get(systemId);
    if (account) account.password = password;
    else this.accounts.set(systemId, { systemId, password });
  }

  /** Changes the receipt rules for submits accepted from now on. */
  setReceiptRules(rules: ReceiptRule[]): void {
    this.options.receipts.rules = [...rules];
  }

  /** Changes the per-bind limit of every bind, existing ones included (0 = off). */
  setSubmitsPerSecond(limit: number): void {
    this.options.submitsPerSecondPerBind = limit;
    for (const session of this.sessions) session.limiter.setLimit(limit);
  }

  /** The latest accepted submits (at most `maxRecords`), oldest first; a copy. */
  get submits(): readonly SubmitRecord[] {
    return this.records.toArray();
  }

  /** Submits accepted since the last clearSubmits(), also those no longer kept in `submits`. */
  get submitCount(): number {
    return this.records.length + this.records.dropped;
  }

  clearSubmits(): void {
    this.records.clear();
  }

  /** Accepted submits per content (destination + exact short_message / message_payload bytes). */
  acceptedCountByContent(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.records) {
      const key = contentKey(r.destinationAddr, r.messagePayload ?? r.shortMessage);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  /** Contents accepted more than once: empty when no part was submitted twice. */
  duplicateSubmits(): DuplicateSubmit[] {
    const groups = new Map<string, SubmitRecord[]>();
    for (const r of this.records) {
      const key = contentKey(r.destinationAddr, r.messagePayload ?? r.shortMessage);
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    return [...groups.values()]
      .filter((g) => g.length > 1)
      .map((g) => ({
        destinationAddr: g[0].destinationAddr,
        shortMessage: g[0].shortMessage,
        count: g.length,
        messageIds: g.map((r) => r.messageId),
      }));
  }

  /** Binds up now (from an accepted bind until the connection closes). */
  get binds(): BindInfo[] {
    return [...this.sessions]
      .filter((s) => s.holdsBind)
      .map((s) => s.info())
      .filter((i): i is BindInfo => i !== undefined);
  }

  /** Receipts not yet acknowledged with ESME_ROK, sent or not. */
  get pendingReceipts(): number {
    return this.receipts.pending;
  }

  get stats(): SimulatorStats {
    const bySystemId = this.bindsBySystemId();
    const total = Object.values(bySystemId).reduce((a, b) => a + b, 0);
    return {
      ...this.counters,
      bindsNow: { total, bySystemId },
      maxConcurrentBinds: { ...this.maxBinds },
    };
  }

  /** Zeroes the counters; maxConcurrentBinds restarts from the binds up now. */
  resetStats(): void {
    Object.assign(this.counters, zeroCounters());
    this.maxBinds = this.bindsBySystemId();
  }

  /** Resolves when predicate(stats) holds (polled every 5 ms); rejects after timeoutMs. */
  waitFor(
    predicate: (stats: SimulatorStats, sim: this) => boolean,
    timeoutMs = 2000,
    description = 'condition',
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const check = () => {
        let ok = false;
        try {
          ok = predicate(this.stats, this);
        } catch (e) {
          reject(e as Error);
          return;
        }
        if (ok) resolve();
        else if (Date.now() >= deadline) {
          reject(new Error(`SmscSimulator.waitFor: ${description} not met in ${timeoutMs} ms`));
        } else setTimeout(check, 5);
      };
      check();
    });
  }

  // ---------------------------------------------------------------- MO

  /**
   * Sends an inbound message as deliver_sm (split into parts when needed) to receiver-capable
   * binds of the system_id. Resolves with each part's deliver_sm_resp status.
   */
  injectMo(req: MoRequest): Promise<MoResult> {
    if (!this.running) return Promise.reject(new Error('SmscSimulator: not running'));
    if (this.silent) return Promise.reject(new Error('SmscSimulator: silent (goSilent)'));
    const receivers = this.receivers(req.systemId);
    if (receivers.length === 0) {
      return Promise.reject(
        new Error(`SmscSimulator: no receiver-capable bind for system_id ${req.systemId}`),
      );
    }
    let parts: ReturnType<typeof buildMoParts>;
    try {
      parts = buildMoParts(req);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const first = this.roundRobin++;
    const from = addressTonNpi(req.from);
    const to = addressTonNpi(req.to);
    const timeoutMs = req.timeoutMs ?? 5000;

    return new Promise<MoResult>((resolve, reject) => {
      const results: MoPartResult[] = new Array<MoPartResult>(parts.length);
      let answered = 0;
      let finished = false;
      const finish = (error?: Error) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        this.timers.delete(timer);
        if (error) reject(error);
        else resolve({ parts: results });
      };
      const timer = setTimeout(
        () =>
          finish(
            new Error(
              `SmscSimulator: MO ${parts.length - answered} of ${parts.length} part(s) unanswered after ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      timer.unref();
      this.timers.add(timer);

      parts.forEach((part, i) => {
        if (finished) return;
        const session =
          req.splitAcross === 'differentBinds'
            ? receivers[(first + i) % receivers.length]
            : receivers[first % receivers.length];
        const moId = randomUUID();
        const fields: Record<string, unknown> = {
          service_type: '',
          source_addr_ton: from.ton,
          source_addr_npi: from.npi,
          source_addr: req.from,
          dest_addr_ton: to.ton,
          dest_addr_npi: to.npi,
          destination_addr: req.to,
          esm_class: part.esmClass,
          data_coding: part.dataCoding,
          short_message: part.shortMessage,
          ...part.tlvs,
          ...req.tlvs,
        };
        const rawTlvs = [
          { tag: TLV_8X8_MO_ID, value: Buffer.from(moId, 'ascii') },
          ...(req.rawTlvs ?? []),
        ];
        let sequence: number | undefined;
        try {
          sequence = session.pdus.request(
            'deliver_sm',
            fields,
            (response) => {
              if (!response) {
                finish(new Error('SmscSimulator: MO bind closed before the part was answered'));
                return;
              }
              if (response.command === 'deliver_sm_resp' && response.command_status === 0) {
                this.counters.moAcked++;
              }
              results[i] = { moId, bindId: session.id, status: response.command_status };
              if (++answered === parts.length) finish();
            },
            rawTlvs,
          );
        } catch (e) {
          finish(e as Error);
          return;
        }
        if (sequence === undefined) {
          finish(new Error('SmscSimulator: MO bind closed'));
          return;
        }
        this.counters.moSent++;
      });
    });
  }

  // ---------------------------------------------------------------- faults

  /** Destroys every connection (no unbind). Returns how many. */
  dropAllConnections(): number {
    const sessions = [...this.sessions];
    for (const session of sessions) session.close('dropped');
    return sessions.length;
  }

  /** Half-open: read and ignore everything, answer and send nothing; sockets stay open. */
  goSilent(on: boolean): void {
    if (this.silent === on) return;
    this.silent = on;
    if (!on) {
      for (const session of this.sessions) session.enquireOutstanding = undefined;
      this.receipts.flush();
    }
  }

  /** Writes bytes that are not valid SMPP to every connection (of one system_id). Returns how many. */
  sendMalformed(kind: MalformedKind, target: { systemId?: string } = {}): number {
    let written = 0;
    for (const session of this.sessions) {
      if (target.systemId !== undefined && session.systemId !== target.systemId) continue;
      if (session.pdus.writeRaw(malformedBytes(kind, session.pdus.nextSequence()))) written++;
    }
    return written;
  }

  /** Refuses every bind with this status until called with null. */
  refuseBinds(status: number | null): void {
    this.refuseBindStatus = status;
  }

  /** Answers the next n submit_sm with this status (default ESME_RSYSERR), recording nothing. */
  failNextSubmits(n: number, status: number = CommandStatus.ESME_RSYSERR): void {
    this.failSubmits = { remaining: n, status };
  }

  /** Answers submit_sm this late (ms; 0 = at once). */
  setSubmitResponseDelay(ms: number): void {
    this.submitResponseDelayMs = Math.max(0, ms);
  }

  /** Sends each receipt at once, before the submit_sm_resp. */
  receiptBeforeResponse(on: boolean): void {
    this.receiptFirst = on;
  }

  /** Sends every receipt twice (two deliver_sm, each redelivered until acknowledged). */
  duplicateReceipts(on: boolean): void {
    this.duplicateReceiptsOn = on;
  }

  /**
   * Accepts and records the next n submits without answering them, then (with the n-th) drops
   * the connections they came on: the client cannot know they were accepted. Receipts follow.
   */
  dropAfterSubmit(n: number): void {
    this.dropAfterSubmitRemaining = Math.max(0, n);
    if (n <= 0) this.withheld.clear();
  }

  /** Server-initiated unbind of every bind (of one system_id); closes after unbind_resp. */
  sendUnbind(target: { systemId?: string } = {}): number {
    let sent = 0;
    for (const session of this.sessions) {
      if (session.state !== 'bound') continue;
      if (target.systemId !== undefined && session.systemId !== target.systemId) continue;
      session.state = 'unbinding';
      const sequence = session.pdus.request('unbind', {}, () => session.close('unbind', true));
      if (sequence === undefined) continue;
      sent++;
      this.later(() => session.close('unbind'), SERVER_UNBIND_TIMEOUT_MS);
    }
    return sent;
  }

  // ---------------------------------------------------------------- sessions

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    // Errors before a session exists (e.g. during a TLS handshake).
    socket.on('error', (e) => this.options.logger.debug?.(`socket error: ${e.message}`));
  }

  private accept(socket: Socket, secure: boolean): void {
    if (!this.running) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const { logger } = this.options;
    const session: SimSession = new SimSession(
      this.nextSessionId++,
      secure,
      socket,
      this.options.submitsPerSecondPerBind,
      {
        onPdu: (pdu, raw) => this.onPdu(session, pdu, raw),
        onGarbage: (reason) => {
          this.counters.garbageReceived++;
          session.closeReason ??= 'garbage';
          logger.debug?.(`bind #${session.id}: garbage (${reason}), disconnecting`);
        },
        onError: (e) => {
          session.closeReason ??= 'error';
          logger.debug?.(`bind #${session.id}: ${e.message}`);
          socket.destroy();
        },
        onClose: () => this.onClosed(session),
      },
      () => this.silent,
    );
    this.sessions.add(session);
    logger.debug?.(
      `connection #${session.id} from ${session.remoteAddress}${secure ? ' (TLS)' : ''}`,
    );
  }

  private onClosed(session: SimSession): void {
    const held = session.holdsBind;
    session.state = 'closed';
    this.sessions.delete(session);
    if (session.enquireTimer) clearInterval(session.enquireTimer);
    if (held && session.systemId && session.mode) {
      const reason: CloseReason = session.closeReason ?? 'client-closed';
      this.options.logger.debug?.(`bind #${session.id} (${session.systemId}) closed: ${reason}`);
      this.notify('unbind', {
        bindId: session.id,
        systemId: session.systemId,
        mode: session.mode,
        reason,
      });
    }
  }

  private onPdu(session: SimSession, pdu: PDU, raw: Buffer): void {
    try {
      this.dispatch(session, pdu, raw);
    } catch (e) {
      this.options.logger.debug?.(
        `bind #${session.id}: ${pdu.command} failed: ${(e as Error).message}`,
      );
      session.close('error');
    }
  }

  private dispatch(session: SimSession, pdu: PDU, raw: Buffer): void {
    const mode = BIND_MODES[pdu.command];
    if (mode) {
      this.onBind(session, pdu, mode);
      return;
    }
    switch (pdu.command) {
      case 'submit_sm':
        this.onSubmit(session, pdu, raw);
        return;
      case 'enquire_link':
        this.counters.enquireLinksReceived++;
        this.reply(
          session,
          new smpp.PDU('enquire_link_resp', { sequence_number: pdu.sequence_number }),
        );
        return;
      case 'unbind':
        this.onUnbind(session, pdu);
        return;
    }
    if (pdu.isResponse()) {
      this.options.logger.debug?.(
        `bind #${session.id}: unexpected ${pdu.command} (sequence ${pdu.sequence_number})`,
      );
      return;
    }
    // Unknown command ids, what 8x8 does not support (submit_multi, data_sm, query_sm, cancel_sm,
    // replace_sm) and what a client must not send (deliver_sm, outbind, alert_notification).
    this.counters.genericNacksSent++;
    this.reply(
      session,
      new smpp.PDU('generic_nack', {
        sequence_number: pdu.sequence_number,
        command_status: CommandStatus.ESME_RINVCMDID,
      }),
    );
  }

  private onBind(session: SimSession, pdu: PDU, mode: BindMode): void {
    this.counters.bindAttempts++;
    const systemId = text(pdu.system_id);
    const password = text(pdu.password);
    const account = this.accounts.get(systemId);
    let status: number = CommandStatus.ESME_ROK;
    if (session.state !== 'open') status = CommandStatus.ESME_RALYBND;
    else if (this.refuseBindStatus !== null) status = this.refuseBindStatus;
    else if (!account) status = CommandStatus.ESME_RINVSYSID;
    else if (account.password !== password) status = CommandStatus.ESME_RINVPASWD;
    else {
      const limit = account.maxBinds ?? this.options.maxBindsPerSystemId;
      if ((this.bindsBySystemId()[systemId] ?? 0) >= limit) status = CommandStatus.ESME_RBINDFAIL;
    }

    this.reply(
      session,
      new smpp.PDU(`${pdu.command}_resp`, {
        sequence_number: pdu.sequence_number,
        command_status: status,
        system_id: this.options.serverSystemId,
        sc_interface_version: 0x34,
      }),
    );
    if (status !== CommandStatus.ESME_ROK) {
      this.counters.refusedBinds++;
      this.options.logger.debug?.(
        `bind #${session.id}: ${pdu.command} as ${systemId} refused (0x${status.toString(16)})`,
      );
      this.notify('bind-refused', { bindId: session.id, systemId, mode, status });
      return;
    }
    session.bind(systemId, mode);
    const now = this.bindsBySystemId()[systemId] ?? 0;
    this.maxBinds[systemId] = Math.max(this.maxBinds[systemId] ?? 0, now);
    this.options.logger.debug?.(`bind #${session.id}: bound ${mode} as ${systemId}`);
    this.startEnquireLink(session);
    const info = session.info();
    if (info) this.notify('bind', info);
    if (session.canReceive) this.receipts.flush(systemId);
  }

  private onUnbind(session: SimSession, pdu: PDU): void {
    const bound = session.state === 'bound';
    this.reply(
      session,
      new smpp.PDU('unbind_resp', {
        sequence_number: pdu.sequence_number,
        command_status: bound ? CommandStatus.ESME_ROK : CommandStatus.ESME_RINVBNDSTS,
      }),
    );
    if (!bound) return;
    session.state = 'unbinding';
    session.close('unbind', true);
  }

  private onSubmit(session: SimSession, pdu: PDU, raw: Buffer): void {
    const sequence = pdu.sequence_number;
    if (!session.canTransmit) {
      this.replySubmit(session, sequence, CommandStatus.ESME_RINVBNDSTS);
      return;
    }
    const read = readSubmitSm(raw);
    if (!read.ok) {
      this.replySubmit(session, sequence, read.status);
      return;
    }
    if (!session.limiter.tryAcquire()) {
      this.counters.throttled++;
      this.replySubmit(session, sequence, CommandStatus.ESME_RTHROTTLED);
      return;
    }
    if (this.failSubmits.remaining > 0) {
      this.failSubmits.remaining--;
      this.counters.submitsFailed++;
      this.replySubmit(session, sequence, this.failSubmits.status);
      return;
    }
    const s = read.pdu;
    if (!s.destinationAddr) {
      this.replySubmit(session, sequence, CommandStatus.ESME_RINVDSTADR);
      return;
    }

    const messageId = this.ids.next(this.options.messageIdStyle);
    const receiptId = convertMessageId(
      messageId,
      this.options.messageIdStyle,
      this.options.receiptIdStyle,
    );
    const payload = s.tlvs.get(TLV_MESSAGE_PAYLOAD);
    const content = s.shortMessage.length === 0 && payload ? payload : s.shortMessage;
    const { udh, body } = splitUdh(s.esmClass, content);
    const concat = udh ? concatFromUdh(udh) : concatFromSar(s.tlvs);
    const record: SubmitRecord = {
      messageId,
      receiptId,
      systemId: session.systemId ?? '',
      bindId: session.id,
      sourceAddr: s.sourceAddr,
      sourceAddrTon: s.sourceAddrTon,
      sourceAddrNpi: s.sourceAddrNpi,
      destinationAddr: s.destinationAddr,
      destAddrTon: s.destAddrTon,
      destAddrNpi: s.destAddrNpi,
      dataCoding: s.dataCoding,
      esmClass: s.esmClass,
      registeredDelivery: s.registeredDelivery,
      shortMessage: s.shortMessage,
      ...(payload ? { messagePayload: payload } : {}),
      ...(udh ? { udh: Buffer.from(udh) } : {}),
      ...(concat ? { concat } : {}),
      text: decodeText(body, s.dataCoding),
      at: new Date(),
    };
    if (this.records.length === this.records.capacity) this.counters.submitsDropped++;
    this.records.push(record);
    this.counters.submitsAccepted++;
    this.notify('submit', record);

    this.scheduleReceipts(record);
    if (this.dropAfterSubmitRemaining > 0) {
      this.withheld.add(session);
      if (--this.dropAfterSubmitRemaining === 0) {
        for (const held of this.withheld) held.close('drop-after-submit');
        this.withheld.clear();
      }
      return;
    }
    const delay = this.receiptFirst
      ? Math.max(this.submitResponseDelayMs, RECEIPT_FIRST_GAP_MS)
      : this.submitResponseDelayMs;
    const respond = () => this.replySubmit(session, sequence, CommandStatus.ESME_ROK, messageId);
    if (delay > 0) this.later(respond, delay);
    else respond();
  }

  private scheduleReceipts(record: SubmitRecord): void {
    const options = this.options.receipts;
    if (!options.enabled) return;
    // registered_delivery bits 0-1: 1 (or 3) every final outcome, 2 failures only.
    const wanted = record.registeredDelivery & 0x03;
    if (wanted === 0) return;
    const outcome = receiptOutcome(options.rules, record.destinationAddr);
    if (wanted === 2 && outcome.stat === 'DELIVRD') return;
    const delay = this.receiptFirst ? 0 : (outcome.delayMs ?? options.delayMs);
    const copies = this.duplicateReceiptsOn ? 2 : 1;
    const base: Omit<ReceiptRequest, 'stat' | 'err'> = {
      systemId: record.systemId,
      messageId: record.messageId,
      receiptId: record.receiptId,
      submitDate: record.at,
      text: record.text,
      sourceAddr: record.sourceAddr,
      sourceAddrTon: record.sourceAddrTon,
      sourceAddrNpi: record.sourceAddrNpi,
      destinationAddr: record.destinationAddr,
      destAddrTon: record.destAddrTon,
      destAddrNpi: record.destAddrNpi,
    };
    let finalDelay = delay;
    if (options.enroute) {
      for (let i = 0; i < copies; i++) {
        this.receipts.schedule({ ...base, stat: 'ENROUTE', err: 0 }, delay);
      }
      finalDelay = delay * 2;
    }
    for (let i = 0; i < copies; i++) {
      this.receipts.schedule({ ...base, stat: outcome.stat, err: outcome.err }, finalDelay);
    }
  }

  private startEnquireLink(session: SimSession): void {
    const every = this.options.enquireLinkMs;
    if (every <= 0) return;
    session.enquireTimer = setInterval(() => {
      if (this.silent || !session.pdus.isOpen) return;
      const now = Date.now();
      if (session.enquireOutstanding) {
        if (now - session.enquireOutstanding.sentAt >= every) {
          this.options.logger.debug?.(`bind #${session.id}: enquire_link unanswered, dropping`);
          session.close('enquire-link-timeout');
        }
        return;
      }
      if (now - session.pdus.lastInboundAt < every) return;
      const sequence = session.pdus.request('enquire_link', {}, () => {
        session.enquireOutstanding = undefined;
      });
      if (sequence === undefined) return;
      session.enquireOutstanding = { sequence, sentAt: now };
      this.counters.enquireLinksSent++;
    }, every);
    session.enquireTimer.unref();
  }

  // ---------------------------------------------------------------- helpers

  private receivers(systemId: string): SimSession[] {
    return [...this.sessions].filter((s) => s.canReceive && s.systemId === systemId);
  }

  private pickReceiver(systemId: string): SimSession | undefined {
    const candidates = this.receivers(systemId);
    if (candidates.length === 0) return undefined;
    if (this.options.receipts.target === 'random') {
      return candidates[randomInt(candidates.length)];
    }
    return candidates[this.roundRobin++ % candidates.length];
  }

  private bindsBySystemId(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const s of this.sessions) {
      if (s.holdsBind && s.systemId !== undefined) {
        counts[s.systemId] = (counts[s.systemId] ?? 0) + 1;
      }
    }
    return counts;
  }

  private reply(session: SimSession, pdu: PDU): void {
    if (this.silent) return;
    session.pdus.respond(pdu);
  }

  private replySubmit(session: SimSession, sequence: number, status: number, messageId = ''): void {
    this.reply(
      session,
      new smpp.PDU('submit_sm_resp', {
        sequence_number: sequence,
        command_status: status,
        message_id: messageId,
      }),
    );
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  /** emit() that never lets a listener's exception reach a socket handler. */
  private notify<K extends keyof SimulatorEvents>(event: K, ...args: SimulatorEvents[K]): void {
    try {
      (this.emit as (event: K, ...args: SimulatorEvents[K]) => boolean)(event, ...args);
    } catch (e) {
      this.options.logger.error(`SmscSimulator '${event}' listener threw: ${(e as Error).message}`);
    }
  }
}
