/**
 * The README's "Using SmppModule" section against issue 13's "done when": it covers install (git
 * URL and tarball), the options factory, the per-account handle, typed events, the exception
 * filter and the testing module, in code that the consumer-app test compiles (every ```ts block).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeSnippets } from './readme-snippets.js';

const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

/** The text of a `## ` section, up to the next one. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}`);
  expect(start, `README section "${title}"`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('README snippets', () => {
  it('writes TypeScript only in ```ts blocks, the ones the consumer-app test compiles', () => {
    const languages = [...readme.matchAll(/^```(\S*)$/gm)]
      .map((m) => m[1])
      .filter((_, i) => i % 2 === 0); // opening fences only
    expect(languages.filter((l) => !['ts', 'sh', 'json', 'yaml', ''].includes(l))).toEqual([]);
    expect(readmeSnippets(readme)).toHaveLength(languages.filter((l) => l === 'ts').length);
  });

  it('"Using SmppModule" shows install, options factory, account handle, typed events, filter and testing in compiled code', () => {
    const using = section('Using SmppModule');
    expect(using).toMatch(/npm install git\+https:\/\/\S+/);
    expect(using).toMatch(/npm install \S+\.tgz/);
    const code = readmeSnippets(using).join('\n');
    for (const api of [
      'implements SmppOptionsFactory',
      'createSmppOptions()',
      'useClass: SmppConfig',
      "@InjectSmppAccount('otp')",
      ".account('marketing').send(",
      "@OnSmppEvent('message.delivered')",
      'SmppExceptionFilter',
      'SmppTestingModule.forRoot(',
    ])
      expect(code, api).toContain(api);
  });
});
