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

/**
 * Input above the byte limit (all manifests together). Names the file that crossed it, its size,
 * and the limit; front ends add how to raise it (`--max-input-mb` in the CLI).
 */
export class InputTooLargeError extends ManifestFileError {
  constructor(
    /** The file (or `<stdin>`) that crossed the limit. */
    readonly source: string,
    /** Its size; for stdin, the bytes read when reading stopped. */
    readonly sourceBytes: number,
    /** All manifests up to and including this one. */
    readonly totalBytes: number,
    readonly limitBytes: number,
  ) {
    const before = totalBytes - sourceBytes;
    super(
      `${source}: ${source === '<stdin>' ? 'more than ' : ''}${sizeText(sourceBytes)}` +
        (before > 0 ? ` (${sizeText(totalBytes)} with the manifests before it)` : '') +
        `, above the input limit of ${sizeText(limitBytes)} for all manifests together`,
    );
    this.name = 'InputTooLargeError';
  }
}

/** `85,983,012 bytes (82.0 MiB)`: exact, and in the unit the limit is set in. */
function sizeText(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} bytes (${(bytes / 2 ** 20).toFixed(1)} MiB)`;
}

/** Reads at most `limit` bytes of stdin (the caller's, so the library never touches it). */
export type StdinReader = (limit: number) => Promise<Uint8Array>;

/**
 * Reads the manifests, refusing more than `maxInputBytes` together (LIMITS.maxInputBytes unless
 * the caller raises it): sizes are checked before a file is read, stdin as it is read.
 */
export async function readManifestFiles(
  paths: readonly string[],
  readStdin?: StdinReader,
  maxInputBytes: number = LIMITS.maxInputBytes,
): Promise<Source[]> {
  if (paths.length === 0) throw new ManifestFileError('no manifest given: name files, directories, or - for stdin');
  const files: ManifestFile[] = [];
  for (const path of paths) {
    if (path === '-') files.push({ path, scanned: false, size: 0 });
    else files.push(...(await expand(path, false)));
  }
  const sources: Source[] = [];
  let total = 0;
  for (const { path, scanned, size } of files) {
    if (path === '-' && !readStdin) throw new ManifestFileError('- (stdin) is not available here');
    const name = path === '-' ? '<stdin>' : path;
    if (total + size > maxInputBytes) throw new InputTooLargeError(name, size, total + size, maxInputBytes);
    const bytes = path === '-' ? await readStdin!(maxInputBytes - total) : await readFile(path);
    total += bytes.length;
    // A file that grew since stat, or stdin that reached the limit exactly.
    if (total > maxInputBytes) throw new InputTooLargeError(name, bytes.length, total, maxInputBytes);
    sources.push({ name, text: decodeUTF8(bytes, name), ...(scanned ? { scanned } : {}) });
  }
  return sources;
}

interface ManifestFile {
  readonly path: string;
  readonly scanned: boolean;
  /** From stat; 0 for stdin (unknown until read). */
  readonly size: number;
}

async function expand(path: string, scanned: boolean): Promise<ManifestFile[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new ManifestFileError(`${path}: no such file or directory`);
  }
  if (!info.isDirectory()) return [{ path, scanned, size: info.size }];
  const found: ManifestFile[] = [];
  const entries = await readdir(path, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) found.push(...(await expand(child, true)));
    else if (entry.isFile() && MANIFEST_EXTENSIONS.test(entry.name)) found.push(...(await expand(child, true)));
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
