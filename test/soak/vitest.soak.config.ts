// `npm run test:soak`: the long fault runs (minutes each), never part of `npm test`.
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../../', import.meta.url)),
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['test/soak/**/*.soak.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One at a time: each measures timings that a neighbour would disturb.
    fileParallelism: false,
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default'],
  },
});
