/**
 * Runs test/faults/app-process.ts as a real child process: compiled once with the project's tsc
 * (decorator metadata as in production) into .data/, then forked per run.
 */
import { type ChildProcess, execFile, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ChildConfig } from './app-process.js';
import { type MarkedMessage, ROOT, waitFor } from './support.js';

const run = promisify(execFile);

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
  done = false;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    child.on(
      'message',
      (m: { sent?: number; id?: string; failed?: number; error?: string; done?: boolean }) => {
        if (m.sent !== undefined && m.id) this.sent.set(m.sent, m.id);
        if (m.failed !== undefined) this.failed.push(`${m.failed}: ${m.error}`);
        if (m.done) this.done = true;
      },
    );
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  static async start(script: string, config: ChildConfig): Promise<ChildApp> {
    const child = fork(script, [], {
      env: { ...process.env, FAULT_CHILD: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const app = new ChildApp(child);
    let ready = false;
    child.once('message', (m: { ready?: boolean }) => (ready = !!m.ready));
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`the app process exited (${child.exitCode})`);
        return ready;
      },
      'the app process to boot',
      30_000,
    );
    return app;
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
