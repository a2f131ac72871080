/** @module The evaluators the CLI can answer with, behind one interface. */
import { compileBundle } from '../src/compile/compile.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { FlowError } from '../src/flow/decode.js';
import type { Bundle } from '../src/model/bundle.js';
import type { Decision, Verdict } from '../src/model/decision.js';
import type { Flow } from '../src/model/flow.js';
import { decide } from '../src/reference/evaluator.js';
import type { EngineName } from './bundle-args.js';

export interface Decider {
  /** One flow with its full explanation. */
  decide(flow: Flow): Decision;
  /** Many flows: a Verdict each, or the FlowError that refused it. */
  decideBatch(flows: readonly Flow[]): (Verdict | FlowError)[];
}

export async function createDecider(engine: EngineName, bundle: Bundle): Promise<Decider> {
  switch (engine) {
    case 'wasm':
      return WasmEngine.fromCompiled(loadCoreModule(), compileBundle(bundle));
    case 'reference':
      return {
        decide: (flow) => decide(bundle, flow),
        decideBatch: (flows) =>
          flows.map((flow) => {
            try {
              return decide(bundle, flow);
            } catch (error) {
              if (error instanceof FlowError) return error;
              throw error;
            }
          }),
      };
  }
}
