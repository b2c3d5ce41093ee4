// The Docker image's package.json: the reference service needs, at run time, packages that are
// dev dependencies (or peers) of the library; this moves them to `dependencies` so that
// `npm ci --omit=dev` installs them and nothing else.
//   node scripts/service-package.js [package.json]
import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';

/** Imported by the compiled service (src/main.ts, src/app, the module, the simulator). */
export const SERVICE_RUNTIME_PACKAGES = [
  '@nestjs/common',
  '@nestjs/config',
  '@nestjs/core',
  '@nestjs/event-emitter',
  '@nestjs/platform-express',
  '@nestjs/swagger',
  '@nestjs/terminus',
  '@nestjs/throttler',
  '@nestjs/typeorm',
  'prom-client',
  'reflect-metadata',
  'rxjs',
  'typeorm',
  'zod',
];

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const file = process.argv[2] ?? 'package.json';
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  for (const name of SERVICE_RUNTIME_PACKAGES) {
    const version = pkg.devDependencies?.[name];
    if (!version) throw new Error(`${name} is not a dev dependency in ${file}`);
    pkg.dependencies[name] = version;
    delete pkg.devDependencies[name];
  }
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}
