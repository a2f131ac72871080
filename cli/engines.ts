/** @module The evaluators the CLI can answer with, behind one interface. */
import { compileBundle } from '../src/compile/compile.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { FlowError } from '../src/model/errors.js';
import type { Bundle } from '../src/model/bundle.js';
import type { FlowDecider } from '../src/flow/verdict.js';
import { decide } from '../src/reference/evaluator.js';
import type { EngineName } from './bundle-args.js';

export async function createDecider(engine: EngineName, bundle: Bundle): Promise<FlowDecider> {
  switch (engine) {
    case 'wasm':
      return WasmEngine.fromCompiled(loadCoreModule(), compileBundle(bundle));
    case 'reference':
      return {
        explain: (flow) => decide(bundle, flow),
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
