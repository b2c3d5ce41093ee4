import { EventEmitter } from 'node:events';
import smpp from 'smpp';
import type { PDU, Session as LibSession } from 'smpp';
import {
  BindRefusedError,
  CommandError,
  ConnectionClosedError,
  ConnectTimeoutError,
  ResponseTimeoutError,
  SessionNotReadyError,
  SmppConfigError,
  SmppValidationError,
} from '../errors.js';
import { CommandStatus, commandStatusName } from '../protocol/command-status.js';
import { parseDeliverSm } from './deliver-sm.js';
import {
  enableStrictFraming,
  describeHeader,
  installRawPduCapture,
  MalformedPduError,
  parseErrorOf,
  rawPduOf,
  readFirstCString,
} from './raw-pdu.js';
import { RequestWindow } from './request-window.js';
import {
  connectOptions,
  type ResolvedSessionOptions,
  resolveSessionOptions,
  sessionOptionIssues,
} from './session-options.js';
import type {
  BindMode,
  SessionCloseEvent,
  SessionOptions,
  SessionState,
  SubmitSmRequest,
  SubmitSmResult,
} from './session.types.js';
import { submitSmFields, validateSubmitSm } from './submit-sm.js';
import { TokenBucket } from './token-bucket.js';

installRawPduCapture();

const INTERFACE_VERSION = 0x34;
const MAX_SEQUENCE = 0x7fffffff;
/** Sliding-window pacing: at most `submitsPerSecond` submits in any 1 s + this (ms). */
const PACING_GUARD_MS = 5;
/** After a graceful end(), the socket is destroyed if the peer has not closed it by then. */
const END_GRACE_MS = 2_000;

interface PendingRequest {
  seq: number;
  command: string;
  holdsWindowSlot: boolean;
  timer: NodeJS.Timeout;
  resolve: (pdu: PDU) => void;
  reject: (error: Error) => void;
}

interface Ending {
  /** Set unless the session ended by an unbind exchange. */
  error?: Error;
  graceful: boolean;
  reason: string;
  /** End the socket politely (after a last write) instead of destroying it. */
  end?: boolean;
}

type CloseListener = (event: SessionCloseEvent) => void;

/**
 * One SMPP session = one TCP/TLS connection = one bind, over smpp@0.5.1, with what the library lacks:
 * connect/response timeouts, a window, submit pacing, keepalive with dead-link detection, failing
 * every pending request on close, exact raw-byte decoding of deliver_sm, and typed errors.
 */
export class SmppSession {
  private readonly opts: ResolvedSessionOptions;
  private readonly window: RequestWindow;
  private readonly bucket: TokenBucket;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly emitter = new EventEmitter();
  private readonly idleWaiters = new Set<() => void>();
  private lib: LibSession | undefined;
  private current: SessionState = 'connecting';
  private sequence = 0;
  private lastActivity = performance.now();
  private connectTimer: NodeJS.Timeout | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private enquireInFlight = false;
  private deliversInFlight = 0;
  private unbindSent = false;
  private unbinding: Promise<void> | undefined;
  private opening: { resolve: (s: SmppSession) => void; reject: (e: Error) => void } | undefined;
  private closeEvent: SessionCloseEvent | undefined;
  private resolveClosed!: (event: SessionCloseEvent) => void;
  private smscId: string | undefined;

  /** Resolves (never rejects) with the close event once the session has closed. */
  readonly closed: Promise<SessionCloseEvent>;

  private constructor(options: ResolvedSessionOptions) {
    this.opts = options;
    this.window = new RequestWindow(options.window);
    const rate = options.submitsPerSecond;
    this.bucket = new TokenBucket({
      ratePerSecond: rate,
      burst: options.submitBurst,
      // SMSCs count "n per second" in a sliding window (8x8: 50 per bind); the bucket alone
      // allows burst + rate in one second. Each submit counts from its answer (settle() below),
      // so the window costs a round trip plus the guard per `rate` submits (~0.5 % on a LAN).
      window:
        Number.isFinite(rate) && rate >= 1
          ? { limit: Math.floor(rate), ms: 1000 + PACING_GUARD_MS }
          : undefined,
    });
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /**
   * Connects (a new socket every time), binds, and resolves once bound. Rejects with
   * SmppConfigError, ConnectTimeoutError, BindRefusedError, ResponseTimeoutError or
   * ConnectionClosedError (closed or refused before the bind was answered).
   */
  static open(options: SessionOptions): Promise<SmppSession> {
    const issues = sessionOptionIssues(options);
    if (issues.length > 0) return Promise.reject(new SmppConfigError(issues));
    return new SmppSession(resolveSessionOptions(options)).start();
  }

  // ---- observability -------------------------------------------------------------------------

  get state(): SessionState {
    return this.current;
  }

  get mode(): BindMode {
    return this.opts.mode;
  }

  get label(): string {
    return this.opts.label;
  }

  /** The system_id the SMSC gave in its bind response. */
  get smscSystemId(): string | undefined {
    return this.smscId;
  }

  /** Requests sent and not yet answered (submit_sm, enquire_link, unbind). */
  get outstanding(): number {
    return this.pending.size;
  }

  /** Free submit window slots; 0 unless bound. */
  get windowFree(): number {
    return this.current === 'bound' && this.opts.mode !== 'receiver' ? this.window.free : 0;
  }

  /** Callers of submit() waiting for a window slot or a token. */
  get queued(): number {
    return this.window.queued + this.bucket.queued;
  }

  /** Submit tokens available now (fractional; Infinity when unpaced); 0 unless bound. */
  tokensAvailable(): number {
    return this.current === 'bound' && this.opts.mode !== 'receiver' ? this.bucket.available() : 0;
  }

  on(event: 'close', listener: CloseListener): this {
    return this.listen(event, listener, false);
  }

  once(event: 'close', listener: CloseListener): this {
    return this.listen(event, listener, true);
  }

  off(event: 'close', listener: CloseListener): this {
    this.emitter.off(event, listener);
    return this;
  }

  // ---- requests ------------------------------------------------------------------------------

  /**
   * Sends a submit_sm once a window slot and a token are free (callers queue FIFO).
   * Rejects with SessionNotReadyError, SmppValidationError, CommandError, ResponseTimeoutError or
   * ConnectionClosedError (`sent` tells whether the SMSC may have received it).
   */
  async submit(request: SubmitSmRequest): Promise<SubmitSmResult> {
    if (this.current !== 'bound') throw new SessionNotReadyError(this.current);
    if (this.opts.mode === 'receiver')
      throw new SessionNotReadyError('bound as receiver (receive-only)');
    const errors = validateSubmitSm(request);
    if (errors.length > 0) throw new SmppValidationError(errors);
    const fields = submitSmFields(request);

    await this.window.acquire();
    let ticket: number;
    try {
      this.assertStillBound();
      ticket = await this.bucket.take();
      this.assertStillBound();
    } catch (error) {
      this.window.release();
      throw error;
    }
    let response: PDU;
    try {
      response = await this.request('submit_sm', fields, this.opts.responseTimeoutMs, true);
    } finally {
      // The SMSC counted it before it answered: pace from the answer, so that no delay on the way
      // there (or in the SMSC) can squeeze `rate` submits into less than a second on its clock.
      this.bucket.settle(ticket);
    }
    const raw = rawPduOf(response);
    const fromRaw = raw ? readFirstCString(raw) : undefined;
    const messageId =
      fromRaw ?? (typeof response.message_id === 'string' ? response.message_id : '');
    return { messageId };
  }

  /**
   * Graceful close: takes no new requests, waits (up to unbindTimeoutMs) for outstanding responses
   * and running deliver_sm handlers, sends unbind, waits (up to unbindTimeoutMs) for unbind_resp,
   * closes. Never rejects; idempotent.
   */
  unbind(): Promise<void> {
    if (this.unbinding) return this.unbinding;
    if (this.closeEvent) return Promise.resolve();
    this.unbinding = this.runUnbind().catch((error: unknown) => {
      this.log('error', `unbind failed unexpectedly: ${describe(error)}`);
      this.destroy(error instanceof Error ? error : String(error));
    });
    return this.unbinding;
  }

  /** Closes at once; every pending request and waiter fails with ConnectionClosedError. Idempotent. */
  destroy(reason?: Error | string): void {
    if (this.closeEvent) return;
    const text =
      reason === undefined
        ? 'destroyed by the application'
        : typeof reason === 'string'
          ? reason
          : reason.message;
    const error = reason instanceof Error ? reason : new ConnectionClosedError(text);
    this.finish({ error, graceful: false, reason: text });
  }

  // ---- connect and bind ----------------------------------------------------------------------

  private start(): Promise<SmppSession> {
    return new Promise<SmppSession>((resolve, reject) => {
      this.opening = { resolve, reject };
      const { host, port, connectTimeoutMs } = this.opts;
      const secure = Boolean(this.opts.tls);
      let lib: LibSession;
      try {
        lib = new smpp.Session(connectOptions(this.opts));
      } catch (error) {
        this.finish({
          error: new SmppConfigError([`connection options rejected: ${describe(error)}`]),
          graceful: false,
          reason: 'invalid connection options',
        });
        return;
      }
      this.lib = lib;
      // Listeners first: an error without one (ECONNREFUSED) would kill the process.
      lib.on('error', (error: unknown) => this.guard(() => this.onLibError(error)));
      lib.on('close', () => this.guard(() => this.onLibClose()));
      lib.on('pdu', (pdu: PDU) => this.guard(() => this.onPdu(pdu)));
      lib.once(secure ? 'secureConnect' : 'connect', () => this.guard(() => this.onConnected()));
      enableStrictFraming(lib.socket);
      lib.socket.setNoDelay(true);
      this.connectTimer = setTimeout(() => {
        const error = new ConnectTimeoutError(host, port, connectTimeoutMs);
        this.finish({ error, graceful: false, reason: error.message });
      }, connectTimeoutMs);
      this.log('debug', `connecting to ${host}:${port}${secure ? ' (TLS)' : ''}`);
    });
  }

  private onConnected(): void {
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    if (this.current !== 'connecting') return;
    this.current = 'binding';
    const { mode, systemId, password, systemType } = this.opts;
    const command = `bind_${mode}`;
    this.log('debug', `connected; sending ${command} as system_id "${systemId}"`);
    const fields = {
      system_id: systemId,
      password,
      system_type: systemType ?? '',
      interface_version: INTERFACE_VERSION,
    };
    this.request(command, fields, this.opts.responseTimeoutMs, false).then(
      (response) => this.guard(() => this.onBound(response)),
      (error: unknown) => this.guard(() => this.onBindFailed(error)),
    );
  }

  private onBound(response: PDU): void {
    if (this.current !== 'binding' || !this.opening) return;
    this.current = 'bound';
    this.smscId = typeof response.system_id === 'string' ? response.system_id : undefined;
    this.log('log', `bound as ${this.opts.mode} to ${this.opts.host}:${this.opts.port}`);
    this.armKeepalive(this.opts.enquireLinkMs);
    const opening = this.opening;
    this.opening = undefined;
    opening.resolve(this);
  }

  private onBindFailed(error: unknown): void {
    if (this.closeEvent) return;
    const e =
      error instanceof CommandError
        ? new BindRefusedError(this.opts.systemId, error.status)
        : error instanceof Error
          ? error
          : new Error(String(error));
    this.finish({ error: e, graceful: false, reason: e.message });
  }

  // ---- the wire ------------------------------------------------------------------------------

  /** Sends a request and resolves with its response; never throws synchronously. */
  private request(
    command: string,
    fields: Record<string, unknown>,
    timeoutMs: number,
    holdsWindowSlot: boolean,
  ) {
    return new Promise<PDU>((resolve, reject) => {
      const fail = (error: Error) => {
        if (holdsWindowSlot) this.window.release();
        reject(error);
      };
      const lib = this.lib;
      if (this.closeEvent || !lib) {
        fail(
          new ConnectionClosedError(
            this.closeEvent?.reason ?? 'the session is not connected',
            false,
          ),
        );
        return;
      }
      const seq = this.nextSequence();
      let written: boolean;
      try {
        written = lib.send(new smpp.PDU(command, { ...fields, sequence_number: seq }));
      } catch (error) {
        // Encoding failed before any byte was written (validation should have caught it).
        fail(new SmppValidationError([{ field: command, message: describe(error) }]));
        return;
      }
      if (!written) {
        fail(new ConnectionClosedError('the socket is no longer writable', false));
        return;
      }
      this.lastActivity = performance.now();
      const entry: PendingRequest = {
        seq,
        command,
        holdsWindowSlot,
        resolve,
        reject,
        timer: setTimeout(
          () => this.guard(() => this.onResponseTimeout(entry, timeoutMs)),
          timeoutMs,
        ),
      };
      this.pending.set(seq, entry);
    });
  }

  private onResponseTimeout(entry: PendingRequest, timeoutMs: number): void {
    if (this.pending.get(entry.seq) !== entry) return;
    this.pending.delete(entry.seq);
    const error = new ResponseTimeoutError(entry.command, timeoutMs);
    entry.reject(error);
    this.finish({ error, graceful: false, reason: error.message });
  }

  private nextSequence(): number {
    do {
      this.sequence = this.sequence >= MAX_SEQUENCE ? 1 : this.sequence + 1;
    } while (this.pending.has(this.sequence));
    return this.sequence;
  }

  /** Sends a response PDU; failures are logged, never thrown. */
  private reply(pdu: PDU): void {
    const lib = this.lib;
    if (!lib || this.closeEvent) return;
    try {
      if (lib.send(pdu)) this.lastActivity = performance.now();
      else this.log('debug', `could not send ${pdu.command}: socket not writable`);
    } catch (error) {
      this.log('warn', `could not encode ${pdu.command}: ${describe(error)}`);
    }
  }

  private onPdu(pdu: PDU): void {
    if (this.closeEvent) return;
    this.lastActivity = performance.now();
    if (pdu.isResponse()) {
      // A response is matched on its header alone (a submit_sm_resp's message_id is read from
      // the raw bytes): one whose body could not be parsed settles its request all the same.
      this.onResponse(pdu);
      return;
    }
    const unparsed = parseErrorOf(pdu);
    if (unparsed) this.log('warn', `could not parse a request from the SMSC: ${unparsed.message}`);
    switch (pdu.command) {
      case 'enquire_link':
        this.reply(pdu.response());
        return;
      case 'deliver_sm':
        this.onDeliverSm(pdu);
        return;
      case 'unbind':
        this.reply(pdu.response());
        this.log('log', 'the SMSC unbound the session; closing');
        this.finish({ graceful: true, reason: 'the SMSC unbound the session', end: true });
        return;
      case 'alert_notification':
        this.log('debug', 'ignoring alert_notification');
        return;
      case 'unknown':
        this.log(
          'warn',
          `unknown command_id 0x${hex8(pdu.command_id)}; answering generic_nack ESME_RINVCMDID`,
        );
        this.reply(pdu.response());
        return;
      default:
        this.log('warn', `unexpected ${pdu.command}; answering generic_nack ESME_RINVCMDID`);
        this.reply(
          new smpp.PDU('generic_nack', {
            sequence_number: pdu.sequence_number,
            command_status: CommandStatus.ESME_RINVCMDID,
          }),
        );
    }
  }

  private onResponse(pdu: PDU): void {
    const entry = this.pending.get(pdu.sequence_number);
    if (!entry) {
      this.log(
        'warn',
        `ignoring ${pdu.command} (sequence ${pdu.sequence_number}, ${commandStatusName(pdu.command_status)}) that matches no request`,
      );
      return;
    }
    this.pending.delete(entry.seq);
    clearTimeout(entry.timer);
    if (entry.holdsWindowSlot) this.window.release();
    if (pdu.command === 'generic_nack' || pdu.command_status !== 0) {
      const status = pdu.command_status !== 0 ? pdu.command_status : CommandStatus.ESME_RUNKNOWNERR;
      entry.reject(new CommandError(entry.command, status));
    } else {
      entry.resolve(pdu);
    }
    this.checkIdle();
  }

  // ---- deliver_sm ----------------------------------------------------------------------------

  private onDeliverSm(pdu: PDU): void {
    const raw = rawPduOf(pdu);
    const parsed = raw
      ? parseDeliverSm(raw)
      : { ok: false as const, error: new MalformedPduError('no raw bytes') };
    if (!parsed.ok) {
      this.onMalformedDeliverSm(pdu, raw ?? Buffer.alloc(0), parsed.error);
      return;
    }
    const handler = this.opts.onDeliver;
    if (!handler) {
      this.reply(pdu.response());
      return;
    }
    if (this.unbindSent) {
      // Our unbind is out: the socket closes before a stored receipt could be acknowledged, so
      // it would arrive again anyway. Refuse it untouched; the SMSC re-sends it to another bind.
      this.reply(pdu.response({ command_status: CommandStatus.ESME_RX_T_APPN }));
      return;
    }
    this.deliversInFlight++;
    let result: Promise<number>;
    try {
      result = Promise.resolve(handler(parsed.deliver));
    } catch (error) {
      result = Promise.reject(error);
    }
    void result
      .then(
        (status) => this.deliverStatus(status),
        (error: unknown) => {
          this.log(
            'warn',
            `deliver_sm handler failed (${describe(error)}); answering ESME_RX_T_APPN`,
          );
          return CommandStatus.ESME_RX_T_APPN;
        },
      )
      .then((status) => this.answerDeliver(pdu, status))
      .finally(() => {
        this.deliversInFlight--;
        this.checkIdle();
      })
      .catch((error: unknown) => this.log('error', `deliver_sm answer failed: ${describe(error)}`));
  }

  /**
   * A deliver_sm whose frame is sound but whose body cannot be read (a truncated field or TLV, an
   * sm_length past the end): answered in place, so the SMSC neither re-sends it for ever nor sees
   * the bind drop. onMalformedDeliver (e.g. a quarantine) decides the status; without it, or when
   * it fails, the answer is ESME_RX_P_APPN: SMPP 3.4 (5.1.3) defines it as the ESME's permanent
   * error for the message, which the SMSC does not retry (ESME_RX_T_APPN would make it re-send).
   */
  private onMalformedDeliverSm(pdu: PDU, raw: Buffer, error: MalformedPduError): void {
    this.log(
      'warn',
      `malformed deliver_sm from the SMSC (${describeHeader(raw)}, sequence ${pdu.sequence_number}: ${error.message})`,
    );
    const hook = this.opts.onMalformedDeliver;
    if (!hook) {
      this.reply(pdu.response({ command_status: CommandStatus.ESME_RX_P_APPN }));
      return;
    }
    this.deliversInFlight++;
    let result: Promise<number>;
    try {
      result = Promise.resolve(hook(raw, error));
    } catch (e) {
      result = Promise.reject(e);
    }
    void result
      .then(
        (status) => this.deliverStatus(status, CommandStatus.ESME_RX_P_APPN),
        (e: unknown) => {
          this.log(
            'warn',
            `malformed deliver_sm handler failed (${describe(e)}); answering ESME_RX_P_APPN`,
          );
          return CommandStatus.ESME_RX_P_APPN;
        },
      )
      .then((status) => this.answerDeliver(pdu, status))
      .finally(() => {
        this.deliversInFlight--;
        this.checkIdle();
      })
      .catch((e: unknown) => this.log('error', `deliver_sm answer failed: ${describe(e)}`));
  }

  private deliverStatus(status: unknown, otherwise: number = CommandStatus.ESME_RX_T_APPN): number {
    if (status === undefined || status === null) return CommandStatus.ESME_ROK;
    if (
      typeof status === 'number' &&
      Number.isInteger(status) &&
      status >= 0 &&
      status <= 0xffffffff
    )
      return status;
    this.log(
      'warn',
      `deliver_sm handler returned ${String(status)}, not a command_status; answering ${commandStatusName(otherwise)}`,
    );
    return otherwise;
  }

  private answerDeliver(pdu: PDU, status: number): void {
    if (this.closeEvent) {
      this.log(
        'debug',
        `closed before deliver_sm ${pdu.sequence_number} was answered; the SMSC will deliver it again`,
      );
      return;
    }
    this.reply(pdu.response(status === 0 ? {} : { command_status: status }));
  }

  // ---- keepalive -----------------------------------------------------------------------------

  private armKeepalive(delayMs: number): void {
    clearTimeout(this.keepaliveTimer);
    this.keepaliveTimer = setTimeout(
      () => this.guard(() => this.onKeepaliveTimer()),
      Math.max(1, delayMs),
    );
  }

  private onKeepaliveTimer(): void {
    this.keepaliveTimer = undefined;
    if (this.current !== 'bound') return;
    const { enquireLinkMs, responseTimeoutMs } = this.opts;
    const idle = performance.now() - this.lastActivity;
    if (idle < enquireLinkMs - 1) {
      this.armKeepalive(enquireLinkMs - idle);
      return;
    }
    if (!this.enquireInFlight) {
      this.enquireInFlight = true;
      // A timeout destroys the session (see onResponseTimeout); any answer, even generic_nack, proves the link.
      void this.request('enquire_link', {}, responseTimeoutMs, false)
        .catch(() => undefined)
        .finally(() => (this.enquireInFlight = false));
    }
    this.armKeepalive(enquireLinkMs);
  }

  // ---- closing -------------------------------------------------------------------------------

  private async runUnbind(): Promise<void> {
    if (this.current !== 'bound') {
      this.destroy('unbind() before the bind completed');
      return;
    }
    this.current = 'unbinding';
    clearTimeout(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
    const neverSent = () =>
      new ConnectionClosedError('the session is unbinding; the request was never sent', false);
    this.window.rejectWaiters(neverSent);
    this.bucket.rejectWaiters(neverSent);

    const { unbindTimeoutMs } = this.opts;
    const drained = await this.waitIdle(unbindTimeoutMs);
    if (this.closeEvent) return;
    if (!drained) {
      this.log(
        'warn',
        `${this.pending.size} request(s) and ${this.deliversInFlight} deliver_sm handler(s) still outstanding after ${unbindTimeoutMs} ms; unbinding anyway`,
      );
    }
    this.unbindSent = true;
    try {
      await this.request('unbind', {}, unbindTimeoutMs, false);
    } catch (error) {
      if (!this.closeEvent) {
        const e = error instanceof Error ? error : new Error(String(error));
        this.finish({ error: e, graceful: false, reason: `unbind failed: ${e.message}` });
      }
      return;
    }
    this.finish({ graceful: true, reason: 'unbound', end: true });
  }

  /** true once nothing is outstanding (requests, deliver handlers); false after `timeoutMs` or on close. */
  private waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const done = (idle: boolean) => {
        clearTimeout(timer);
        this.idleWaiters.delete(onIdle);
        resolve(idle);
      };
      const onIdle = () => done(this.isIdle());
      const timer = setTimeout(() => done(false), timeoutMs);
      this.idleWaiters.add(onIdle);
    });
  }

  private isIdle(): boolean {
    return this.pending.size === 0 && this.deliversInFlight === 0 && !this.closeEvent;
  }

  private checkIdle(): void {
    if (!this.isIdle() && !this.closeEvent) return;
    for (const waiter of [...this.idleWaiters]) waiter();
  }

  private onLibError(error: unknown): void {
    if (this.closeEvent) {
      this.log('debug', `error after close: ${describe(error)}`);
      return;
    }
    const { host, port } = this.opts;
    const code = errorCode(error);
    let reason: string;
    if (error instanceof MalformedPduError) {
      reason = `malformed PDU from the SMSC (${error.message}); the stream cannot be parsed any further`;
    } else if (this.current === 'connecting' && code === 'ECONNREFUSED') {
      reason = `the SMSC at ${host}:${port} refused the connection (ECONNREFUSED) before the bind could be answered. Check the host and port, and that this machine's IP address is allow-listed by the SMSC`;
    } else if (this.current === 'connecting' && (code === 'ECONNRESET' || code === 'EPIPE')) {
      // Accepted, then dropped (typically during the TLS handshake): what an allow-list refusal looks like.
      reason = `${beforeBindReason()} (${code}${this.opts.tls ? ' during the TLS handshake' : ''})`;
    } else if (this.current === 'connecting') {
      reason = `could not connect${this.opts.tls ? ' (TLS)' : ''} to ${host}:${port}: ${describe(error)}`;
    } else if (this.current === 'binding') {
      reason = `${beforeBindReason()} (${code ?? describe(error)})`;
    } else {
      reason = `connection error: ${describe(error)}`;
    }
    this.finish({
      error: new ConnectionClosedError(reason, false, { cause: error }),
      graceful: false,
      reason,
    });
  }

  private onLibClose(): void {
    if (this.closeEvent) return;
    if (this.current === 'connecting' || this.current === 'binding') {
      const reason = beforeBindReason();
      this.finish({ error: new ConnectionClosedError(reason), graceful: false, reason });
    } else if (this.current === 'unbinding' && this.unbindSent) {
      this.finish({ graceful: true, reason: 'the SMSC closed the connection after our unbind' });
    } else {
      const reason = 'the SMSC closed the connection';
      this.finish({ error: new ConnectionClosedError(reason), graceful: false, reason });
    }
  }

  /** The one way a session ends: fails everything pending, closes the socket, emits `close` once. */
  private finish(ending: Ending): void {
    if (this.closeEvent) return;
    const event: SessionCloseEvent = { graceful: ending.graceful, reason: ending.reason };
    if (ending.error) event.error = ending.error;
    this.closeEvent = event;
    this.current = 'closed';
    clearTimeout(this.connectTimer);
    clearTimeout(this.keepaliveTimer);
    this.connectTimer = undefined;
    this.keepaliveTimer = undefined;

    const cause = ending.error instanceof ConnectionClosedError ? ending.error.cause : ending.error;
    const closedError = (sent: boolean) =>
      new ConnectionClosedError(ending.reason, sent, cause === undefined ? undefined : { cause });
    // Waiters first, so that slots freed below cannot be handed to them.
    this.window.rejectWaiters(() => closedError(false));
    this.bucket.rejectWaiters(() => closedError(false));
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const entry of pending) {
      clearTimeout(entry.timer);
      entry.reject(closedError(true));
    }
    this.checkIdle();

    const lib = this.lib;
    if (lib) {
      try {
        if (ending.end) {
          lib.close();
          setTimeout(() => lib.destroy(), END_GRACE_MS).unref();
        } else {
          lib.destroy();
        }
      } catch (error) {
        this.log('debug', `socket close failed: ${describe(error)}`);
      }
    }

    const opening = this.opening;
    this.opening = undefined;
    opening?.reject(ending.error ?? new ConnectionClosedError(ending.reason));

    if (ending.graceful) this.log('log', `closed: ${ending.reason}`);
    // A failed open is the opener's to report (open() rejects with the reason; the bind manager
    // says it once, e.g. a refused password): one line per attempt here would repeat it.
    else this.log(opening ? 'debug' : 'error', `closed: ${ending.reason}`);
    this.resolveClosed(event);
    try {
      this.emitter.emit('close', event);
    } catch (error) {
      this.log('error', `a close listener threw: ${describe(error)}`);
    }
  }

  private assertStillBound(): void {
    if (this.current !== 'bound') {
      throw new ConnectionClosedError(
        this.closeEvent?.reason ?? `the session is ${this.current}; the request was never sent`,
        false,
      );
    }
  }

  private listen(event: 'close', listener: CloseListener, once: boolean): this {
    const closed = this.closeEvent;
    if (closed) {
      // Attached after the fact: still delivered, once.
      queueMicrotask(() => {
        try {
          listener(closed);
        } catch (error) {
          this.log('error', `a close listener threw: ${describe(error)}`);
        }
      });
      return this;
    }
    if (once) this.emitter.once(event, listener);
    else this.emitter.on(event, listener);
    return this;
  }

  /** Runs a callback from the library or a timer; nothing may throw back into the library's parser. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.log('error', `internal error: ${describe(error)}`);
      this.destroy(error instanceof Error ? error : String(error));
    }
  }

  private log(level: 'log' | 'warn' | 'error' | 'debug', message: string): void {
    const logger = this.opts.logger;
    if (!logger) return;
    const line = `${this.opts.label}: ${message}`;
    try {
      if (level === 'debug') logger.debug?.(line);
      else logger[level](line);
    } catch {
      // A logger must never break the session.
    }
  }
}

function beforeBindReason(): string {
  return (
    "the SMSC closed the connection before answering the bind. Check that this machine's IP address is " +
    'allow-listed by the SMSC (a wrong password would have been answered with a bind error)'
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorCode(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string')
    return error.code;
  return undefined;
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
