import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleWorker, isBuildFresh } from './worker-pool.js';

describe('isBuildFresh', () => {
  let root: string | undefined;
  afterEach(() => root && rmSync(root, { recursive: true, force: true }));

  it('takes the build only when it exists and no TypeScript source under the tree is newer', () => {
    root = mkdtempSync(join(tmpdir(), 'netpol-build-'));
    const sources = join(root, 'src');
    mkdirSync(join(sources, 'replay'), { recursive: true });
    const source = join(sources, 'replay', 'part.ts');
    const other = join(sources, 'notes.md');
    const built = join(root, 'replay-worker.js');
    for (const file of [source, other]) writeFileSync(file, '');
    const at = (file: string, seconds: number): void => utimesSync(file, seconds, seconds);
    at(source, 1_000);
    at(other, 3_000);
    expect(isBuildFresh(built, sources)).toBe(false);
    writeFileSync(built, '');
    at(built, 2_000);
    expect(isBuildFresh(built, sources)).toBe(true);
    at(source, 2_001);
    expect(isBuildFresh(built, sources)).toBe(false);
  });
});

describe('bundleWorker', () => {
  it('bundles a TypeScript entry and what it imports into one module, written whole', async () => {
    const root = mkdtempSync(join(tmpdir(), 'netpol-bundle-'));
    try {
      writeFileSync(join(root, 'answer.ts'), 'export const answer: number = 42;\n');
      writeFileSync(join(root, 'entry.ts'), "import { answer } from './answer.js';\nexport const doubled: number = answer * 2;\n");
      const outfile = join(root, 'cache', 'entry.mjs');
      expect(bundleWorker(join(root, 'entry.ts'), outfile)).toBe(true);
      expect(readdirSync(join(root, 'cache'))).toEqual(['entry.mjs']);
      expect(((await import(pathToFileURL(outfile).href)) as { doubled: number }).doubled).toBe(84);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
