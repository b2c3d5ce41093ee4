/**
 * `npm start` for real: the service built the way `npm start` builds it (swc), as a child process,
 * fully zero-config (embedded Postgres in its working directory's .data/pg, in-process
 * simulator), started from a folder closed to others (0700, as /root/app is), logging JSON
 * (its output is not a terminal), stopped by Ctrl+C (SIGINT to its process group) and by SIGTERM;
 * then killed with SIGKILL (its Postgres survives) and started again on the same data.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const IS_ROOT = process.getuid?.() === 0;
/** A child process that initialises a cluster and drains on exit: generous on a loaded machine. */
const PROCESS_TEST_TIMEOUT_MS = 120_000;

interface LogRecord {
  level: string;
  message: string;
  context?: string;
}

interface Running {
  child: ChildProcess;
  output: string[];
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Every line the process wrote, each parsed as JSON (throws on a line that is not). */
function records(r: Running): LogRecord[] {
  return r.output
    .join('')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogRecord;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}

const messages = (r: Running) => records(r).map((l) => l.message);

describe('the built service as a process (zero-config, from a 0700 folder)', () => {
  let buildDir: string;
  let workDir: string;
  let dataDir: string;
  const started: Running[] = [];

  async function start(): Promise<Running> {
    const output: string[] = [];
    const child = spawn(process.execPath, [join(buildDir, 'src/main.js')], {
      cwd: workDir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, as a shell gives a foreground job: Ctrl+C is a SIGINT to the group.
      detached: true,
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
        if (child.exitCode !== null) throw new Error(`the service exited: ${output.join('')}`);
        return output.join('').match(/HTTP API : (http:\/\/localhost:\d+)/)?.[1];
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
    // The build `npm start` runs (prestart): swc, no type check.
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [join(ROOT, 'scripts/build-for-start.js'), '--out-dir', buildDir],
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
    expect(out).toMatch(/built \d+ files with swc/);
    expect(existsSync(join(buildDir, 'src/main.js'))).toBe(true);
    // mkdtemp makes it 0700: as root, the postgres user cannot traverse it.
    workDir = await mkdtemp(join(tmpdir(), 'smpp-service-'));
    expect((await stat(workDir)).mode & 0o777).toBe(0o700);
  }, 120_000);

  afterAll(async () => {
    for (const r of started)
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    // A Postgres left behind by a failed test: stop it by the pid it wrote.
    const pidFile = dataDir ? join(dataDir, 'postmaster.pid') : '';
    if (pidFile && existsSync(pidFile)) {
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
    if (dataDir && dataDir !== join(workDir, '.data/pg'))
      await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
    await rm(buildDir, { recursive: true, force: true });
  }, 60_000);

  let messageId: string;

  it(
    'starts with no configuration from a 0700 folder, logs JSON lines, one banner, no route chatter',
    async () => {
      const run = await start();
      const banner = messages(run).filter((m) =>
        m.startsWith('nestjs-smpp reference service is up'),
      );
      expect(banner).toHaveLength(1);
      expect(banner[0]).toContain('SMSC     : in-process SMSC simulator on 127.0.0.1:');
      expect(banner[0]).toContain('Auth     : none: simulator mode');
      const db = banner[0].match(
        /Database : embedded Postgres on 127\.0\.0\.1:\d+, data in (\S+);/,
      );
      expect(db).not.toBeNull();
      dataDir = db![1];
      if (IS_ROOT) {
        // Staged where the postgres user can reach it, and said so.
        expect(dataDir).toMatch(/nestjs-smpp\/data-[0-9a-f]{16}$/);
        expect(messages(run).join('\n')).toContain(`the cluster is kept in ${dataDir}`);
      } else {
        expect(dataDir).toBe(join(workDir, '.data/pg'));
      }
      const all = messages(run);
      expect(all.filter((m) => m.startsWith('Mapped {'))).toEqual([]);
      expect(all.filter((m) => m.includes('dependencies initialized'))).toEqual([]);
      expect(new Set(all).size).toBe(all.length);
      for (const r of records(run)) expect(r).toMatchObject({ level: expect.any(String) });

      const sent = await http<{ id: string }>(run.url, '/messages', {
        json: { to: '+6591234567', text: 'from a process' },
        apiKey: null,
      });
      expect(sent.status).toBe(202);
      messageId = sent.body.id;
      await eventually(
        async () =>
          (await http<{ status: string }>(run.url, `/messages/${messageId}`)).body.status ===
          'delivered',
        'delivered',
      );

      // Ctrl+C right after a burst: the app drains and stops, then its Postgres, with no warning.
      const burst = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          http(run.url, '/messages', {
            json: { to: `+659300${String(i).padStart(4, '0')}`, text: `burst ${i}` },
          }),
        ),
      );
      expect(burst.every((r) => r.status === 202)).toBe(true);
      process.kill(-run.child.pid!, 'SIGINT');
      expect(await run.exited).toEqual({ code: 0, signal: null });
      const lines = records(run);
      expect(
        lines.filter((l) => l.level === 'error' || l.level === 'warn').map((l) => l.message),
      ).toEqual([]);
      const text = messages(run).join('\n');
      expect(text).toContain('closed: unbound');
      expect(text).toContain('Embedded Postgres stopped');
      expect(text).not.toContain('from a process');
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'stops cleanly on SIGTERM too',
    async () => {
      const run = await start();
      run.child.kill('SIGTERM');
      expect(await run.exited).toEqual({ code: 0, signal: null });
      expect(records(run).filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
      expect(messages(run).join('\n')).toContain('Embedded Postgres stopped');
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'after a SIGKILL (its Postgres orphaned) it starts again on the same data',
    async () => {
      const killed = await start();
      killed.child.kill('SIGKILL');
      await killed.exited;
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(true);

      const run = await start();
      expect(messages(run).join('\n')).toMatch(/orphaned Postgres|stale/);
      const again = await http<{ status: string }>(run.url, `/messages/${messageId}`);
      expect(again.status).toBe(200);
      expect(again.body.status).toBe('delivered');
      run.child.kill('SIGTERM');
      expect((await run.exited).code).toBe(0);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
