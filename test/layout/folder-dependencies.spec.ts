/**
 * The direction of imports between the folders of src/smpp: module -> dispatch/inbound -> store ->
 * events -> receipts -> messages -> protocol. A folder imports its own files and folders ranked
 * below it, never one above, so no two of them form a cycle (store <-> events was one).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src/smpp');

const RANK: Record<string, number> = {
  dispatch: 5,
  inbound: 5,
  store: 4,
  events: 3,
  receipts: 2,
  messages: 1,
  protocol: 0,
};

/** Imports against the direction, each with the reason it stays. */
const KNOWN: Record<string, string> = {
  // The draft builds the store's row type; NewMessage lives beside the insert that takes it.
  'messages/message-draft.ts -> store/message-store.ts': 'NewMessage',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** `from -> to` for each relative import (type-only ones too) of a file under src/smpp. */
function imports(): Array<{ from: string; to: string }> {
  return sourceFiles(SRC).flatMap((file) =>
    ts
      .preProcessFile(readFileSync(file, 'utf8'), true, true)
      .importedFiles.map((f) => f.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => ({
        from: relative(SRC, file).split(sep).join('/'),
        to: relative(SRC, resolve(dirname(file), name))
          .split(sep)
          .join('/')
          .replace(/\.js$/, '.ts'),
      })),
  );
}

const folderOf = (path: string) => (path.includes('/') ? path.split('/')[0] : null);

describe('folder dependencies of src/smpp', () => {
  it('finds the imports it checks', () => {
    const edges = imports();
    expect(edges.length).toBeGreaterThan(100);
    expect(edges).toContainEqual({
      from: 'store/receipt-matching.ts',
      to: 'store/part-changes.ts',
    });
  });

  it('imports only downwards: dispatch/inbound -> store -> events -> receipts -> messages -> protocol', () => {
    const upward = imports()
      .filter(({ from, to }) => {
        const a = folderOf(from);
        const b = folderOf(to);
        if (a === null || b === null || a === b) return false;
        if (RANK[a] === undefined || RANK[b] === undefined) return false;
        return RANK[b] >= RANK[a];
      })
      .map(({ from, to }) => `${from} -> ${to}`)
      .filter((edge) => KNOWN[edge] === undefined);
    expect(upward).toEqual([]);
  });

  it('lists no exception that no longer happens', () => {
    const edges = new Set(imports().map(({ from, to }) => `${from} -> ${to}`));
    expect(Object.keys(KNOWN).filter((edge) => !edges.has(edge))).toEqual([]);
  });
});
