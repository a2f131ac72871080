/**
 * @module The engines the shared case suites run against, each through every path (paths.ts).
 * Every engine answers the same `Flow` with the same `Decision`; a case suite is written once and
 * run against each (hono's `common.case.test.ts` pattern).
 */
import { compileBundle } from '../../src/compile/compile.js';
import { loadCoreModule } from '../../src/engine/node-core.js';
import { ReferenceEngine } from '../../src/engine/reference-engine.js';
import { WasmEngine } from '../../src/engine/wasm-engine.js';
import type { EngineUnderTest } from './paths.js';

export type { EngineUnderTest };

export const referenceEngine: EngineUnderTest = {
  name: 'reference',
  load: async (bundle) => new ReferenceEngine(bundle),
  reader: (bundle) => WasmEngine.fromCompiled(loadCoreModule(), compileBundle(bundle)),
};

/** The debug build: asserts on, so that a core bug traps here rather than answering. */
export const wasmEngine: EngineUnderTest = {
  name: 'wasm',
  load: async (bundle) => WasmEngine.fromCompiled(loadCoreModule('debug'), compileBundle(bundle)),
  reader: (_bundle, loaded) => loaded as WasmEngine,
};

export const ENGINES: readonly EngineUnderTest[] = [referenceEngine, wasmEngine];
