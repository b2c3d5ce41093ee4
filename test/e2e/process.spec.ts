/**
 * `npm start` for real: the compiled service as a child process, fully zero-config (embedded
 * Postgres in its working directory's .data/pg, in-process simulator), stopped by SIGTERM; then
 * killed with SIGKILL (its Postgres survives) and started again on the same data.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Running {
  child: ChildProcess;
  output: string[];
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function text(r: Running): string {
  return r.output.join('');
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

describe('the compiled service as a process (zero-config)', () => {
  let buildDir: string;
  let workDir: string;
  const started: Running[] = [];

  async function start(): Promise<Running> {
    const output: string[] = [];
    const child = spawn(process.execPath, [join(buildDir, 'src/main.js')], {
      cwd: workDir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const running: Running = { child, output, url: '', exited };
    started.push(running);
    running.url = await eventually(
      () => {
        if (child.exitCode !== null) throw new Error(`the service exited: ${text(running)}`);
        return stripAnsi(text(running)).match(/HTTP API : (http:\/\/localhost:\d+)/)?.[1];
      },
      'the banner',
      60_000,
    );
    await eventually(
      async () => (await http(running.url, '/health')).status === 200,
      '/health 200',
      20_000,
    );
    return running;
  }

  beforeAll(async () => {
    buildDir = join(ROOT, '.data', `e2e-build-${process.pid}`);
    // Emits even if someone's work in progress has a type error elsewhere; main.js must exist.
    await new Promise<void>((resolve) =>
      execFile(
        process.execPath,
        [
          join(ROOT, 'node_modules/typescript/bin/tsc'),
          '-p',
          join(ROOT, 'tsconfig.build.json'),
          '--outDir',
          buildDir,
        ],
        () => resolve(),
      ),
    );
    expect(existsSync(join(buildDir, 'src/main.js'))).toBe(true);
    workDir = await mkdtemp(join(tmpdir(), 'smpp-service-'));
    await chmod(workDir, 0o755); // as root, Postgres runs as "postgres" and must reach .data/pg
  }, 120_000);

  afterAll(async () => {
    for (const r of started)
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    // A Postgres left behind by a failed test: stop it by the pid it wrote.
    const pidFile = join(workDir, '.data/pg/postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number.parseInt(await readFile(pidFile, 'utf8'), 10);
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGINT');
        } catch {
          // gone
        }
        await eventually(() => !existsSync(pidFile), 'the stale Postgres to stop', 10_000).catch(
          () => undefined,
        );
      }
    }
    await rm(workDir, { recursive: true, force: true });
    await rm(buildDir, { recursive: true, force: true });
  }, 60_000);

  let messageId: string;

  it('starts with no configuration, sends, and stops cleanly on SIGTERM', async () => {
    const run = await start();
    const banner = stripAnsi(text(run));
    expect(banner).toContain('SMSC     : in-process SMSC simulator on 127.0.0.1:');
    expect(banner).toContain(`Database : embedded Postgres on 127.0.0.1:`);
    expect(banner).toContain(join(workDir, '.data/pg'));

    const sent = await http<{ id: string }>(run.url, '/messages', {
      json: { to: '+6591234567', text: 'from a process' },
    });
    expect(sent.status).toBe(202);
    messageId = sent.body.id;
    await eventually(
      async () =>
        (await http<{ status: string }>(run.url, `/messages/${messageId}`)).body.status ===
        'delivered',
      'delivered',
    );

    // SIGTERM right after a burst: the drain must still have its database.
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        http(run.url, '/messages', {
          json: { to: `+659300${String(i).padStart(4, '0')}`, text: `burst ${i}` },
        }),
      ),
    );
    expect(burst.every((r) => r.status === 202)).toBe(true);
    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    const out = stripAnsi(text(run));
    expect(out.split('\n').filter((l) => / (ERROR|WARN) /.test(l))).toEqual([]);
    expect(out).toContain('closed: unbound');
    expect(out).toContain('Embedded Postgres stopped');
    expect(out).not.toContain('from a process');
    expect(existsSync(join(workDir, '.data/pg/postmaster.pid'))).toBe(false);
  });

  it('after a SIGKILL (its Postgres orphaned) it starts again on the same data', async () => {
    const killed = await start();
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(existsSync(join(workDir, '.data/pg/postmaster.pid'))).toBe(true);

    const run = await start();
    expect(stripAnsi(text(run))).toMatch(/orphaned Postgres|stale/);
    const again = await http<{ status: string }>(run.url, `/messages/${messageId}`);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('delivered');
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });
});
