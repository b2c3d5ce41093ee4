/**
 * Runs test/faults/app-process.ts as a real child process: compiled once with the project's tsc
 * (decorator metadata as in production) into .data/, then forked per run.
 */
import { type ChildProcess, execFile, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BindHealth } from '../../src/smpp/health/bind-health.js';
import type { ChildConfig } from './app-process.js';
import { type MarkedMessage, ROOT, waitFor } from './support.js';

const run = promisify(execFile);

interface ChildMessage {
  sent?: number;
  id?: string;
  failed?: number;
  error?: string;
  done?: boolean;
  event?: string;
  eventId?: string;
  receiptId?: string;
  health?: number;
}

/** What the child's health check says (see evaluateBindHealth). */
export type ChildHealth = BindHealth;

/** Compiles the child (and the library it imports); returns the script path and a cleanup. */
export async function buildChildApp(): Promise<{ script: string; remove: () => Promise<void> }> {
  const outDir = join(
    ROOT,
    '.data',
    `fault-build-${process.pid}-${randomBytes(3).toString('hex')}`,
  );
  await run(
    process.execPath,
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(ROOT, 'test/faults/tsconfig.child.json'),
      '--outDir',
      outDir,
    ],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  return {
    script: join(outDir, 'test/faults/app-process.js'),
    remove: () => rm(outDir, { recursive: true, force: true }),
  };
}

export class ChildApp {
  /** Indexes whose send() resolved in the child (durably queued). */
  readonly sent = new Map<number, string>();
  readonly failed: string[] = [];
  /** SMPP events the child emitted (with recordEvents). */
  readonly events: Array<{ event: string; eventId?: string; receiptId?: string }> = [];
  done = false;
  private healthAsked = 0;
  private readonly healthWaiters = new Map<number, (h: ChildHealth) => void>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (m: ChildMessage) => {
      if (m.sent !== undefined && m.id) this.sent.set(m.sent, m.id);
      if (m.failed !== undefined) this.failed.push(`${m.failed}: ${m.error}`);
      if (m.done) this.done = true;
      if (m.event) this.events.push({ event: m.event, eventId: m.eventId, receiptId: m.receiptId });
      if (m.health !== undefined) {
        this.healthWaiters.get(m.health)?.(m as unknown as ChildHealth);
        this.healthWaiters.delete(m.health);
      }
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  static async start(
    script: string,
    config: ChildConfig,
    bootTimeoutMs = 30_000,
  ): Promise<ChildApp> {
    const child = fork(script, [], {
      env: { ...process.env, FAULT_CHILD: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const app = new ChildApp(child);
    let ready = false;
    const onReady = (m: { ready?: boolean }) => {
      if (!m.ready) return;
      ready = true;
      child.off('message', onReady);
    };
    child.on('message', onReady);
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`the app process exited (${child.exitCode})`);
        return ready;
      },
      'the app process to boot',
      bootTimeoutMs,
    );
    return app;
  }

  /** The child's SMPP health (evaluateBindHealth of its bind manager); rejects after 5 s. */
  health(): Promise<ChildHealth> {
    const n = ++this.healthAsked;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.healthWaiters.delete(n);
        reject(new Error('the child did not answer the health request within 5 s'));
      }, 5_000);
      this.healthWaiters.set(n, (h) => {
        clearTimeout(timer);
        resolve(h);
      });
      this.child.send({ health: n });
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  send(messages: readonly MarkedMessage[], perSecond: number): void {
    this.child.send({ send: messages, perSecond });
  }

  /** SIGKILL: no shutdown hook, no unbind, nothing flushed. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.send({ stop: true });
    const timeout = new Promise((r) => setTimeout(r, 10_000));
    await Promise.race([this.exited, timeout]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
