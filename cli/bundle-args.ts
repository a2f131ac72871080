/**
 * @module The options every bundle-reading command shares (`-n`, `--option`, `--engine`,
 * `--skip-invalid`), and loading a bundle from manifest arguments with its diagnostics printed to stderr.
 */
import type { ParseArgsConfig } from 'node:util';
import { ingestSources } from '../src/ingest/bundle.js';
import { formatDiagnostic, hasErrors } from '../src/ingest/diagnostics.js';
import type { Bundle, BundleOptions } from '../src/model/bundle.js';
import { INPUT_LIMIT_HELP, INPUT_LIMIT_OPTION, inputLimitBytes, readManifestSources } from './manifests.js';
import { UsageError } from './usage.js';

export const BUNDLE_OPTIONS = {
  namespace: { type: 'string', short: 'n' },
  option: { type: 'string', multiple: true },
  engine: { type: 'string' },
  'skip-invalid': { type: 'boolean' },
  ...INPUT_LIMIT_OPTION,
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const BUNDLE_OPTIONS_HELP = `Bundle options:
  -n, --namespace NS      namespace for objects that name none (default: default)
  --option NAME=VALUE     a bundle option, overriding a BundleOptions object in the manifests:
                            ipBlockMatchesPods=true|false  (default true: ipBlocks also match pod IPs)
  --engine NAME           wasm (default: the compiled WASM core) or reference (the
                          spec-literal TypeScript evaluator the core is tested against)
  --skip-invalid          drop an invalid object (its errors printed as warnings) instead of
                          refusing the whole input; validate and publishing stay strict
${INPUT_LIMIT_HELP}
  -h, --help              this help`;

export interface BundleArgs {
  readonly namespace?: string;
  readonly option?: readonly string[];
  readonly engine?: string;
  readonly 'skip-invalid'?: boolean;
  readonly 'max-input-mb'?: string;
}

export const ENGINE_NAMES = ['wasm', 'reference'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export function engineOf(args: BundleArgs): EngineName {
  const name = args.engine ?? 'wasm';
  if (!(ENGINE_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`--engine ${name}: unknown engine; use one of ${ENGINE_NAMES.join(', ')}`);
  }
  return name as EngineName;
}

function parseBundleOptions(pairs: readonly string[] | undefined): Partial<BundleOptions> {
  const options: { -readonly [K in keyof BundleOptions]?: BundleOptions[K] } = {};
  for (const pair of pairs ?? []) {
    const [name, value] = pair.split('=', 2);
    if (name !== 'ipBlockMatchesPods' || (value !== 'true' && value !== 'false')) {
      throw new UsageError(`--option ${pair}: expected ipBlockMatchesPods=true or ipBlockMatchesPods=false`);
    }
    options.ipBlockMatchesPods = value === 'true';
  }
  return options;
}

/**
 * Reads and ingests the manifests. Errors (and, unless `quiet`, warnings) go to stderr; a bundle
 * with errors is a UsageError, so no command ever answers from a partial bundle.
 */
export async function loadBundle(paths: readonly string[], args: BundleArgs, quiet = false): Promise<Bundle> {
  const maxInputBytes = inputLimitBytes(args);
  const sources = await readManifestSources(paths, maxInputBytes);
  const result = ingestSources(sources, {
    defaultNamespace: args.namespace,
    options: parseBundleOptions(args.option),
    skipInvalid: args['skip-invalid'] ?? false,
    maxInputBytes,
  });
  for (const diagnostic of result.diagnostics) {
    if (diagnostic.severity === 'error' || !quiet) process.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
  }
  if (!result.bundle || hasErrors(result.diagnostics)) {
    throw new UsageError('the bundle is invalid; fix the errors above (netpol-edge validate lists them all)');
  }
  return result.bundle;
}
