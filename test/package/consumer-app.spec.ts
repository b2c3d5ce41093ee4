/**
 * The package as a user gets it: build the library into a temp dir, `npm pack` it, install the
 * tarball into a consumer app whose other dependencies are this project's installed packages (no
 * network), compile the consumer (and every ```ts snippet of the README) with tsc, strict
 * NodeNext, and boot it against the simulator and a test database. A missing export, a broken
 * type or a file left out of the tarball fails here.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { readmeSnippets } from './readme-snippets.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

/** What the consumer resolves from this project's node_modules: the package's dependencies and peers, and the app's own. */
const LINKED = [
  'pg',
  'smpp',
  'typeorm',
  'reflect-metadata',
  'rxjs',
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/typeorm',
  '@nestjs/event-emitter',
  '@nestjs/terminus',
  '@nestjs/config',
  '@nestjs/platform-express',
  '@nestjs/testing',
  '@types/node',
];

async function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  try {
    return await run(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

// Three compiles (tsc) and a boot: slow on a loaded machine, so generous timeouts (hooks included).
const SLOW = 600_000;

describe('the packed library in a consumer app', { timeout: SLOW }, () => {
  let tmp: string;
  let files: string[];
  let consumer: string;
  let db: TestDatabase;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'nestjs-smpp-pack-'));
    // Build into the staging dir (never the project's dist, which other tests may be running).
    const staging = join(tmp, 'staging');
    await sh(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--outDir', join(staging, 'dist')],
      root,
    );
    await cp(join(root, 'package.json'), join(staging, 'package.json'));
    await cp(join(root, 'README.md'), join(staging, 'README.md'));
    const { stdout } = await sh(
      'npm',
      ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp],
      staging,
      { npm_config_offline: 'true', npm_config_update_notifier: 'false' },
    );
    const [packed] = JSON.parse(stdout) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    files = packed.files.map((f) => f.path);

    consumer = join(tmp, 'consumer');
    await cp(join(import.meta.dirname, 'consumer-app'), consumer, { recursive: true });
    await mkdir(join(consumer, 'node_modules/@nestjs'), { recursive: true });
    await mkdir(join(consumer, 'node_modules/@types'), { recursive: true });
    await sh(
      'tar',
      ['-xzf', join(tmp, packed.filename), '-C', join(consumer, 'node_modules')],
      tmp,
    );
    await rename(
      join(consumer, 'node_modules/package'),
      join(consumer, 'node_modules/nestjs-smpp'),
    );
    for (const name of LINKED) {
      await symlink(join(root, 'node_modules', name), join(consumer, 'node_modules', name), 'dir');
    }
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    await mkdir(join(consumer, 'src/readme'), { recursive: true });
    for (const [i, snippet] of readmeSnippets(readme).entries()) {
      await writeFile(join(consumer, 'src/readme', `snippet-${i + 1}.ts`), snippet);
    }
    db = await createTestDatabase({ migrate: false });
  }, SLOW);

  afterAll(async () => {
    await db?.drop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('holds the library, the simulator, the testing entry and compiled migrations; not the service or raw sources', () => {
    expect(files).toContain('dist/src/smpp/index.js');
    expect(files).toContain('dist/src/smpp/index.d.ts');
    expect(files).toContain('dist/src/smpp/health/index.js');
    expect(files).toContain('dist/src/smpp/advanced.js');
    expect(files).toContain('dist/src/simulator/index.js');
    expect(files).toContain('dist/src/testing/index.js');
    expect(files).toContain('dist/src/testing/index.d.ts');
    expect(files).toContain('dist/migrations/index.js');
    expect(files).toContain('dist/migrations/index.d.ts');
    expect(files).toContain('dist/migrations/1764100000000-InitialSchema.js');
    expect(files).toContain('dist/migrations/1764100000000-InitialSchema.d.ts');
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    const unexpected = files.filter(
      (f) =>
        f.startsWith('dist/src/app/') ||
        f.startsWith('dist/src/main.') ||
        f.startsWith('dist/data-source.') ||
        f.startsWith('dist/bench/') ||
        f.startsWith('dist/test/') ||
        f.endsWith('.map') ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts')),
    );
    expect(unexpected).toEqual([]);
  });

  it('compiles a strict NodeNext consumer app and every README snippet against the tarball', async () => {
    await sh(process.execPath, [tsc, '-p', 'tsconfig.json'], consumer);
    const snippets = readmeSnippets(await readFile(join(root, 'README.md'), 'utf8'));
    expect(snippets.length).toBeGreaterThanOrEqual(6);
  });

  it('boots: sends on an injected account, listens with typed events, maps errors, and stops the simulator with the app', async () => {
    const { stdout } = await sh(process.execPath, ['dist/main.js'], consumer, {
      DATABASE_URL: db.url,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(result).toMatchObject({
      sentStatus: 201,
      submitText: 'Your code is 123456',
      delivered: true,
      storedStatus: 'delivered',
      storedAccount: 'otp',
      badStatus: 400,
      badFields: ['id'],
      inboundText: 'STOP',
      inboundAccount: 'otp',
    });
    // The simulator was stopped with the application.
    const refused = await new Promise<boolean>((done) => {
      const socket = createConnection({ host: '127.0.0.1', port: result.simulatorPort as number });
      socket.once('connect', () => {
        socket.destroy();
        done(false);
      });
      socket.once('error', () => done(true));
    });
    expect(refused).toBe(true);
  });
});
