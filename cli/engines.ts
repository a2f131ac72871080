/** @module The engine the CLI answers with, chosen by --engine (the one Engine interface). */
import { createEngine } from '../src/engine/create-engine.js';
import type { Engine } from '../src/engine/engine.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import type { Bundle } from '../src/model/bundle.js';
import type { EngineName } from './bundle-args.js';

export function localEngine(engine: EngineName, bundle: Bundle): Engine {
  return engine === 'wasm' ? createEngine({ kind: 'wasm', bundle, core: loadCoreModule() }) : createEngine({ kind: 'reference', bundle });
}
