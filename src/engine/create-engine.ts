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
  | { readonly kind: 'wasm'; readonly bundle: Bundle; readonly core: WebAssembly.Module; readonly version?: string }
  | ({ readonly kind: 'remote' } & RemoteOptions);

/** Throws EngineError when the core refuses the compiled image, RemoteError for a bad URL. */
export function createEngine(source: EngineSource): Engine {
  switch (source.kind) {
    case 'reference':
      return new ReferenceEngine(source.bundle, source.version ?? null);
    case 'wasm':
      return WasmEngine.fromCompiled(source.core, compileBundle(source.bundle), source.version ?? null);
    case 'remote':
      return new RemoteEngine(source);
  }
}
