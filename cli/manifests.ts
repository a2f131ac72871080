/**
 * @module Manifest arguments to sources: files, directories (recursively *.yaml, *.yml, *.json,
 * sorted) and `-` for stdin, with the input byte limit checked before anything is read whole.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Source } from '../src/ingest/parse.js';
import { LIMITS } from '../src/ingest/limits.js';
import { UsageError } from './usage.js';

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

export async function readManifestSources(paths: readonly string[]): Promise<Source[]> {
  if (paths.length === 0) throw new UsageError('no manifest given: name files, directories, or - for stdin');
  const files: string[] = [];
  for (const path of paths) {
    if (path === '-') files.push(path);
    else files.push(...(await expand(path)));
  }
  const sources: Source[] = [];
  let total = 0;
  for (const file of files) {
    const bytes = file === '-' ? await readStdin(LIMITS.maxInputBytes - total) : await readFile(file);
    total += bytes.length;
    if (total > LIMITS.maxInputBytes) {
      throw new UsageError(`the manifests are larger than ${LIMITS.maxInputBytes} bytes, the input limit`);
    }
    sources.push({ name: file === '-' ? '<stdin>' : file, text: decodeUTF8(bytes, file) });
  }
  return sources;
}

async function expand(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UsageError(`${path}: no such file or directory`);
  }
  if (!info.isDirectory()) return [path];
  const found: string[] = [];
  const entries = await readdir(path, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) found.push(...(await expand(child)));
    else if (entry.isFile() && MANIFEST_EXTENSIONS.test(entry.name)) found.push(child);
  }
  return found;
}

/** Reads stdin, refusing more than `limit` bytes rather than buffering without bound. */
export async function readStdin(limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new UsageError(`stdin is larger than ${limit} bytes, the input limit`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function decodeUTF8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // The lenient decoding marks the first bad sequence with U+FFFD; its line is the one to fix.
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const line = lenient.slice(0, lenient.indexOf('\uFFFD')).split('\n').length;
    throw new UsageError(`${file === '-' ? '<stdin>' : file}:${line}: not valid UTF-8`);
  }
}
