/**
 * Running as root with the checkout under a folder closed to others (0700, e.g. /root/app): the
 * `postgres` user Postgres must run as cannot reach the binaries in node_modules nor .data/pg.
 * Rather than asking for a chmod on someone's home, what Postgres needs is staged under a
 * root-owned folder every user can traverse but only root can write: /var/tmp/nestjs-smpp (kept
 * across reboots, unlike /tmp). The binaries are copied once per version; the cluster lives
 * there for good (one folder per original data dir path).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, cp, lstat, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const COMPLETE = '.complete';

/** Can `uid` (group `gid`) traverse every folder from `/` down to `path`'s parent? */
export async function isTraversable(path: string, uid: number, gid: number): Promise<boolean> {
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    let st;
    try {
      st = await stat(dir);
    } catch {
      return false;
    }
    const bit = st.uid === uid ? 0o100 : st.gid === gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

/** The staging root, ours (root's) and 0755; refused when someone else could have planted it. */
export async function stagingRoot(): Promise<string> {
  const base = existsSync('/var/tmp') ? '/var/tmp' : tmpdir();
  const root = join(base, 'nestjs-smpp');
  await mkdir(root, { recursive: true, mode: 0o755 });
  const st = await lstat(root);
  if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) {
    throw new Error(
      `${root} must be a folder owned by this user (root) and writable by it only (it holds the Postgres binaries run as the postgres user); remove it and start again, or set DATABASE_URL`,
    );
  }
  return root;
}

/** Copies the binaries folder (bin/, lib/, share/) once; returns the staged copy. */
export async function stageBinaries(
  nativeDir: string,
  version: string,
  logger?: { log(message: string): void },
): Promise<string> {
  const target = join(await stagingRoot(), `postgres-${version}`);
  if (existsSync(join(target, COMPLETE))) return target;
  logger?.log(
    `The postgres user cannot reach ${nativeDir}: copying the Postgres binaries once to ${target}`,
  );
  const partial = `${target}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await cp(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
  await writeFile(join(partial, COMPLETE), `${new Date().toISOString()}\n`);
  await rm(target, { recursive: true, force: true });
  try {
    await rename(partial, target);
  } catch (err) {
    // Another process staged the same version meanwhile: use theirs.
    await rm(partial, { recursive: true, force: true });
    if (!existsSync(join(target, COMPLETE))) throw err;
  }
  return target;
}

/** The cluster folder standing in for `dataDir`, owned by the postgres user. */
export async function stageDataDir(
  dataDir: string,
  owner: { uid: number; gid: number },
): Promise<string> {
  const id = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  const staged = join(await stagingRoot(), `data-${id}`);
  await mkdir(staged, { recursive: true, mode: 0o700 });
  await chown(staged, owner.uid, owner.gid);
  // A note next to the original path says where the cluster went.
  await mkdir(dirname(dataDir), { recursive: true });
  await writeFile(
    `${resolve(dataDir)}.location`,
    `The postgres user cannot reach this folder, so the embedded cluster is kept in ${staged}\n`,
  ).catch(() => undefined);
  return staged;
}
