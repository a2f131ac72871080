/**
 * @module Manifest arguments to sources for the CLI: the shared file reader (src/ingest/files.ts)
 * with stdin as `-`, its failures reported as usage errors (exit code 2).
 */
import { parseArgs } from 'node:util';
import { ingestSources, type IngestResult } from '../src/ingest/bundle.js';
import { hasErrors } from '../src/ingest/diagnostics.js';
import { InputTooLargeError, ManifestFileError, readManifestFiles } from '../src/ingest/files.js';
import { LIMITS } from '../src/ingest/limits.js';
import type { Source } from '../src/ingest/parse.js';
import { UsageError } from './usage.js';

/** The environment variable that sets the input limit when `--max-input-mb` is not given. */
export const MAX_INPUT_ENV = 'NETPOL_EDGE_MAX_INPUT_MB';
/** Above this a file no longer fits one JavaScript string (V8: 2^29 - 24 characters). */
export const MAX_INPUT_MB_CEILING = 500;

/** `--max-input-mb` of every command that reads manifests. */
export const INPUT_LIMIT_OPTION = { 'max-input-mb': { type: 'string' } } as const;

export const INPUT_LIMIT_HELP = `  --max-input-mb N        the input limit in MiB, all manifests together (default ${LIMITS.maxInputBytes / 2 ** 20},
                          at most ${MAX_INPUT_MB_CEILING}; or ${MAX_INPUT_ENV}=N); a generated 100,000-pod
                          bundle is about 80 MiB as JSON`;

/**
 * The input limit in bytes: `--max-input-mb`, else $NETPOL_EDGE_MAX_INPUT_MB, else the default
 * (LIMITS.maxInputBytes). The limit bounds memory on unexpected input, so raising it is explicit.
 */
export function inputLimitBytes(args: { readonly 'max-input-mb'?: string }, env: NodeJS.ProcessEnv = process.env): number {
  const [text, origin] =
    args['max-input-mb'] !== undefined
      ? [args['max-input-mb'], '--max-input-mb']
      : env[MAX_INPUT_ENV] !== undefined && env[MAX_INPUT_ENV] !== ''
        ? [env[MAX_INPUT_ENV], MAX_INPUT_ENV]
        : [undefined, ''];
  if (text === undefined) return LIMITS.maxInputBytes;
  const mb = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(mb >= 1 && mb <= MAX_INPUT_MB_CEILING)) {
    throw new UsageError(`${origin} ${text}: expected a whole number of MiB from 1 to ${MAX_INPUT_MB_CEILING}`);
  }
  return mb * 2 ** 20;
}

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
      ...INPUT_LIMIT_OPTION,
    },
  });
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return undefined;
  }
  const maxInputBytes = inputLimitBytes(values);
  const result = ingestSources(await readManifestSources(positionals, maxInputBytes), { defaultNamespace: values.namespace, maxInputBytes });
  return { result, valid: !hasErrors(result.diagnostics) && result.bundle !== undefined, json: values.json ?? false };
}

/** The manifests as sources, at most `maxInputBytes` together (the environment's limit by default). */
export async function readManifestSources(paths: readonly string[], maxInputBytes = inputLimitBytes({})): Promise<Source[]> {
  try {
    return await readManifestFiles(paths, readStdin, maxInputBytes);
  } catch (error) {
    if (error instanceof InputTooLargeError) throw new UsageError(`${error.message}; ${howToRaise(error)}`);
    if (error instanceof ManifestFileError) throw new UsageError(error.message);
    throw error;
  }
}

function howToRaise(error: InputTooLargeError): string {
  if (error.source === '<stdin>') return `raise the limit with --max-input-mb N (or ${MAX_INPUT_ENV}=N), at most ${MAX_INPUT_MB_CEILING}`;
  const needed = Math.ceil(error.totalBytes / 2 ** 20);
  if (needed > MAX_INPUT_MB_CEILING) return `the most the CLI reads is ${MAX_INPUT_MB_CEILING} MiB`;
  return `raise the limit with --max-input-mb ${needed} (or ${MAX_INPUT_ENV}=${needed})`;
}

/**
 * Reads stdin until its end or until more than `limit` bytes came (then stops, and the caller
 * refuses the input), rather than buffering without bound.
 */
async function readStdin(limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    chunks.push(buffer);
    if (size > limit) break;
  }
  return Buffer.concat(chunks);
}
