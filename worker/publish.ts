/**
 * @module Publishing a bundle: text -> validated canonical bundle -> image -> a stored version,
 * kept with its canonical bundle and the manifests as published (both gzip-compressed), so that
 * the image can be rebuilt after an upgrade and an operator can see what was published.
 * The same ingest and compiler as the CLI, so the Worker accepts exactly what `netpol-edge
 * validate` accepts.
 */
import { compileBundle } from '../src/compile/compile.js';
import { ingestSources } from '../src/ingest/bundle.js';
import type { Diagnostic } from '../src/ingest/diagnostics.js';
import { bundleToJSON, contentHash } from '../src/model/serialize.js';
import { ApiError } from './errors.js';
import type { Mode } from './audit.js';
import type { PutVersionResult } from './store.js';
import { store } from './engines.js';
import type { Env } from './env.js';
import { gzip } from './gzip.js';
import { bufferOf } from './stored-bundles.js';

export interface Published extends PutVersionResult {
  readonly name: string;
  readonly version: string;
  readonly counts: unknown;
  readonly warnings: readonly Diagnostic[];
}

/** Diagnostic codes that mean the text could not be read at all (400), not an invalid bundle (422). */
const UNREADABLE = new Set(['syntax', 'limit']);

/** The request body as it came, kept for audit; without it, `text` as YAML. */
export interface PublishedBody {
  readonly bytes: Uint8Array;
  readonly type: string;
}

export async function publish(
  env: Env,
  name: string,
  text: string,
  source: string,
  activate: boolean,
  body: PublishedBody = { bytes: new TextEncoder().encode(text), type: 'application/yaml' },
  mode?: Mode,
): Promise<Published> {
  const result = ingestSources([{ name: source, text }]);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning');
  if (!result.bundle || errors.length > 0) {
    const unreadable = errors.some((d) => UNREADABLE.has(d.code) && d.object === undefined);
    throw unreadable
      ? new ApiError(400, 'malformed-bundle', `the body could not be read: ${errors[0]?.message ?? 'no objects'}`, errors)
      : new ApiError(422, 'invalid-bundle', `the bundle has ${errors.length} error${errors.length === 1 ? '' : 's'}`, errors);
  }
  const canonical = new TextEncoder().encode(bundleToJSON(result.bundle));
  const version = await contentHash(canonical);
  const { image } = compileBundle(result.bundle);
  const stored = await store(env).putVersion({
    name,
    version,
    image: bufferOf(image),
    canonical: bufferOf(await gzip(canonical)),
    manifests: { gzip: bufferOf(await gzip(body.bytes)), type: body.type, bytes: body.bytes.byteLength },
    counts: result.counts,
    warnings,
    activate,
    mode,
  });
  return { name, version, counts: result.counts, warnings, ...stored };
}
