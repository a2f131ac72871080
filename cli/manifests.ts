/**
 * @module Manifest arguments to sources for the CLI: the shared file reader (src/ingest/files.ts)
 * with stdin as `-`, its failures reported as usage errors (exit code 2).
 */
import { ManifestFileError, readManifestFiles } from '../src/ingest/files.js';
import type { Source } from '../src/ingest/parse.js';
import { UsageError } from './usage.js';

export async function readManifestSources(paths: readonly string[]): Promise<Source[]> {
  try {
    return await readManifestFiles(paths, readStdin);
  } catch (error) {
    if (error instanceof ManifestFileError) throw new UsageError(error.message);
    throw error;
  }
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
