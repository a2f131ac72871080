/**
 * @module The one way front ends get an engine: the reference evaluator or the WASM core over a
 * bundle, or a running service by URL. The core's module is passed in (Node compiles it from the
 * file, node-core.ts; workerd imports it), so this module runs in both.
 */
import { compileBundle } from '../compile/compile.js';
import type { Bundle } from '../model/bundle.js';
import type { Engine } from './engine.js';
import { ReferenceEngine } from './reference-engine.js';
import { RemoteEngine, type RemoteOptions } from './remote-engine.js';
import { WasmEngine } from './wasm-engine.js';

export type EngineSource =
  | { readonly kind: 'reference'; readonly bundle: Bundle; readonly version?: string }
  /** A bundle, compiled here; or an image compiled before (a stored version). */
  | ({ readonly kind: 'wasm'; readonly core: WebAssembly.Module; readonly version?: string } & ({ readonly bundle: Bundle } | { readonly image: Uint8Array }))
  | ({ readonly kind: 'remote' } & RemoteOptions);

/** Throws EngineError when the core refuses the image, RemoteError for a bad URL. */
export function createEngine(source: EngineSource): Engine {
  switch (source.kind) {
    case 'reference':
      return new ReferenceEngine(source.bundle, source.version ?? null);
    case 'wasm':
      return 'image' in source
        ? new WasmEngine(source.core, source.image, undefined, source.version ?? null)
        : WasmEngine.fromCompiled(source.core, compileBundle(source.bundle), source.version ?? null);
    case 'remote':
      return new RemoteEngine(source);
  }
}
