/**
 * @module Manifest arguments to sources for the CLI: the shared file reader (src/ingest/files.ts)
 * with stdin as `-`, its failures reported as usage errors (exit code 2).
 */
import { parseArgs } from 'node:util';
import { ingestSources, type IngestResult } from '../src/ingest/bundle.js';
import { hasErrors } from '../src/ingest/diagnostics.js';
import { ManifestFileError, readManifestFiles } from '../src/ingest/files.js';
import type { Source } from '../src/ingest/parse.js';
import { UsageError } from './usage.js';

/** What `validate` and `lint` read: manifests, strictly (no --skip-invalid), and how to print. */
export interface StrictRead {
  readonly result: IngestResult;
  /** No error, and a bundle came out. */
  readonly valid: boolean;
  readonly json: boolean;
}

/**
 * The arguments `validate` and `lint` share (`-n NS`, `--json`, `-h`, MANIFEST...), and the
 * manifests ingested strictly. Undefined when it printed `help` instead (exit code 0).
 */
export async function readStrict(argv: readonly string[], help: string): Promise<StrictRead | undefined> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      namespace: { type: 'string', short: 'n' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return undefined;
  }
  const result = ingestSources(await readManifestSources(positionals), { defaultNamespace: values.namespace });
  return { result, valid: !hasErrors(result.diagnostics) && result.bundle !== undefined, json: values.json ?? false };
}

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
