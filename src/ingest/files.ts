/**
 * @module Manifest paths to sources (Node only): files, directories (recursively *.yaml, *.yml,
 * *.json, sorted; their files marked `scanned`) and `-` for stdin, with the input byte limit
 * checked before anything is read whole. Shared by the CLI and the library API.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LIMITS } from './limits.js';
import type { Source } from './parse.js';

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

/** A path that cannot be read as manifests: missing, too large, not UTF-8. */
export class ManifestFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestFileError';
  }
}

/** Reads at most `limit` bytes of stdin (the caller's, so the library never touches it). */
export type StdinReader = (limit: number) => Promise<Uint8Array>;

export async function readManifestFiles(paths: readonly string[], readStdin?: StdinReader): Promise<Source[]> {
  if (paths.length === 0) throw new ManifestFileError('no manifest given: name files, directories, or - for stdin');
  const files: { path: string; scanned: boolean }[] = [];
  for (const path of paths) {
    if (path === '-') files.push({ path, scanned: false });
    else files.push(...(await expand(path, false)));
  }
  const sources: Source[] = [];
  let total = 0;
  for (const { path, scanned } of files) {
    if (path === '-' && !readStdin) throw new ManifestFileError('- (stdin) is not available here');
    const bytes = path === '-' ? await readStdin!(LIMITS.maxInputBytes - total) : await readFile(path);
    total += bytes.length;
    if (total > LIMITS.maxInputBytes) {
      throw new ManifestFileError(`the manifests are larger than ${LIMITS.maxInputBytes} bytes, the input limit`);
    }
    const name = path === '-' ? '<stdin>' : path;
    sources.push({ name, text: decodeUTF8(bytes, name), ...(scanned ? { scanned } : {}) });
  }
  return sources;
}

async function expand(path: string, scanned: boolean): Promise<{ path: string; scanned: boolean }[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new ManifestFileError(`${path}: no such file or directory`);
  }
  if (!info.isDirectory()) return [{ path, scanned }];
  const found: { path: string; scanned: boolean }[] = [];
  const entries = await readdir(path, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) found.push(...(await expand(child, true)));
    else if (entry.isFile() && MANIFEST_EXTENSIONS.test(entry.name)) found.push({ path: child, scanned: true });
  }
  return found;
}

function decodeUTF8(bytes: Uint8Array, name: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // The lenient decoding marks the first bad sequence with U+FFFD; its line is the one to fix.
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const line = lenient.slice(0, lenient.indexOf('\uFFFD')).split('\n').length;
    throw new ManifestFileError(`${name}:${line}: not valid UTF-8`);
  }
}
