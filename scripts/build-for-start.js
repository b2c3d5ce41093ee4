// `npm start`'s build: the service's sources compiled file by file with swc (no type checking:
// that is `npm run lint` and CI), and skipped altogether when dist/ is newer than every source.
//   node scripts/build-for-start.js [--out-dir dist] [--force]
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { transformFile } from '@swc/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out-dir');
const outDir = outIndex >= 0 ? args[outIndex + 1] : join(root, 'dist');
const force = args.includes('--force');

/** What tsconfig.build.json compiles: src, migrations, data-source.ts, without the specs. */
async function sources() {
  const files = [join(root, 'data-source.ts')];
  const walk = async (dir) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.spec.ts') && !path.endsWith('.d.ts'))
        files.push(path);
    }
  };
  await walk(join(root, 'src'));
  await walk(join(root, 'migrations'));
  return files;
}

const mtime = (path) =>
  stat(path).then(
    (s) => s.mtimeMs,
    () => 0,
  );

const SWC_OPTIONS = {
  swcrc: false,
  sourceMaps: true,
  module: { type: 'es6' },
  jsc: {
    target: 'es2022',
    keepClassNames: true,
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
  },
};

const started = Date.now();
const files = await sources();
const built = await mtime(join(outDir, 'src/main.js'));
const newest = Math.max(...(await Promise.all(files.map(mtime))));
if (!force && built > newest) {
  process.stdout.write(`dist is current (built after the last change): no build\n`);
} else {
  await Promise.all(
    files.map(async (file) => {
      const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
      const { code, map } = await transformFile(file, {
        ...SWC_OPTIONS,
        filename: file,
        sourceFileName: relative(dirname(target), file),
      });
      await mkdir(dirname(target), { recursive: true });
      await writeFile(`${target}.map`, map ?? '');
      await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    }),
  );
  process.stdout.write(
    `built ${files.length} files with swc in ${Date.now() - started} ms (type checking: npm run lint)\n`,
  );
}
