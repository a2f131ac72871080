/** @module The evaluators the CLI can answer with, behind one `decide` interface. */
import type { Bundle } from '../src/model/bundle.js';
import type { Decision } from '../src/model/decision.js';
import type { Flow } from '../src/model/flow.js';
import { decide } from '../src/reference/evaluator.js';
import type { EngineName } from './bundle-args.js';

export interface Decider {
  decide(flow: Flow): Decision;
}

export async function createDecider(engine: EngineName, bundle: Bundle): Promise<Decider> {
  switch (engine) {
    case 'reference':
      return { decide: (flow) => decide(bundle, flow) };
  }
}
