import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestSources } from './bundle.js';
import { InputTooLargeError, readManifestFiles } from './files.js';

const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns1\n';

function tempFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-edge-files-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('readManifestFiles: the input byte limit', () => {
  it('refuses a file above the limit before reading it, naming the file, its size and the limit', async () => {
    const dir = tempFiles({ 'big.yaml': NAMESPACE + '#'.repeat(2000) });
    const path = join(dir, 'big.yaml');
    const size = NAMESPACE.length + 2000;
    const error = await readManifestFiles([path], undefined, 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputTooLargeError);
    expect(error).toMatchObject({ source: path, sourceBytes: size, totalBytes: size, limitBytes: 1024 });
    expect((error as Error).message).toBe(
      `${path}: ${size.toLocaleString('en-US')} bytes (0.0 MiB), above the input limit of 1,024 bytes (0.0 MiB) for all manifests together`,
    );
  });

  it('counts all files together and names the one that crosses the limit', async () => {
    const dir = tempFiles({ 'a.yaml': NAMESPACE + '#'.repeat(600), 'b.yaml': NAMESPACE + '#'.repeat(600) });
    const error = await readManifestFiles([dir], undefined, 1024).catch((e: unknown) => e);
    expect(error).toMatchObject({ source: join(dir, 'b.yaml'), totalBytes: 2 * (NAMESPACE.length + 600) });
    expect((error as Error).message).toContain('with the manifests before it');
  });

  it('reads the same files under a raised limit', async () => {
    const dir = tempFiles({ 'big.yaml': NAMESPACE + '#'.repeat(2000) });
    const sources = await readManifestFiles([join(dir, 'big.yaml')], undefined, 4096);
    expect(sources).toHaveLength(1);
    expect(ingestSources(sources, { maxInputBytes: 4096 }).bundle?.namespaces.map((n) => n.name)).toContain('ns1');
  });

  it('refuses stdin that delivers more than the limit', async () => {
    const stdin = async (limit: number) => new Uint8Array(limit + 1);
    const error = await readManifestFiles(['-'], stdin, 100).catch((e: unknown) => e);
    expect(error).toMatchObject({ source: '<stdin>', sourceBytes: 101, limitBytes: 100 });
    expect((error as Error).message).toMatch(/^<stdin>: more than 101 bytes/);
  });
});

describe('ingestSources: the input byte limit', () => {
  it('is the default unless the caller raises it', () => {
    const sources = [{ name: 'a.yaml', text: NAMESPACE + '#'.repeat(100) }];
    expect(ingestSources(sources, { maxInputBytes: 50 }).diagnostics[0]).toMatchObject({ code: 'limit' });
    expect(ingestSources(sources, { maxInputBytes: 500 }).bundle).toBeDefined();
    expect(ingestSources(sources).bundle).toBeDefined();
  });
});
