/**
 * @module The engines the shared case suites run against. Every engine answers the same `Flow`
 * with the same `Decision`; a case suite is written once and run against each (hono's
 * `common.case.test.ts` pattern).
 */
import type { Bundle } from '../../src/model/bundle.js';
import type { Decision } from '../../src/model/decision.js';
import type { Flow } from '../../src/model/flow.js';
import { compileBundle } from '../../src/compile/compile.js';
import { loadCoreModule } from '../../src/engine/node-core.js';
import { WasmEngine } from '../../src/engine/wasm-engine.js';
import { decide } from '../../src/reference/evaluator.js';

export interface Decider {
  decide(flow: Flow): Decision;
}

export interface EngineUnderTest {
  readonly name: string;
  load(bundle: Bundle): Decider | Promise<Decider>;
}

export const referenceEngine: EngineUnderTest = {
  name: 'reference',
  load: (bundle) => ({ decide: (flow) => decide(bundle, flow) }),
};

/** The debug build: asserts on, so that a core bug traps here rather than answering. */
export const wasmEngine: EngineUnderTest = {
  name: 'wasm',
  load: (bundle) => {
    const engine = WasmEngine.fromCompiled(loadCoreModule('debug'), compileBundle(bundle));
    return { decide: (flow) => engine.explain(flow) };
  },
};

export const ENGINES: readonly EngineUnderTest[] = [referenceEngine, wasmEngine];
