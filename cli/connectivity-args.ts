/** @module What `list`, `diff` and `exposure` share: the output option, and the analysis of a bundle. */
import { analyzeConnectivity, type ConnectivityOptions, type ConnectivityResult } from '../src/analysis/connectivity.js';
import { wasmDecider, type Decider } from '../src/analysis/decider.js';
import { focusedConnectivity } from '../src/analysis/focused-connectivity.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from '../src/format/connectivity-formats.js';
import type { Bundle } from '../src/model/bundle.js';
import { engineOf, type BundleArgs } from './bundle-args.js';
import { UsageError } from './usage.js';

export function outputOf(value: string | undefined, allowed: readonly OutputFormat[] = OUTPUT_FORMATS): OutputFormat {
  const format = value ?? 'txt';
  if (!isOutputFormat(format) || !allowed.includes(format)) {
    throw new UsageError(`--output ${format}: use one of ${allowed.join(', ')}`);
  }
  return format;
}

/** The analysis is computed by the WASM core; the reference evaluator checks it in the tests. */
export function analysisDecider(bundle: Bundle, args: BundleArgs): Decider {
  checkAnalysisEngine(args);
  return wasmDecider(loadCoreModule(), bundle);
}

export function checkAnalysisEngine(args: BundleArgs): void {
  if (engineOf(args) !== 'wasm') throw new UsageError('--engine: the connectivity analysis is computed by the WASM core only');
}

/**
 * The analysis, with the bundle and decider that its explanations' flows belong to: a focus is
 * decided on its scope alone (focused-connectivity.ts), never compiling the whole bundle.
 */
export function analyze(bundle: Bundle, args: BundleArgs, options: ConnectivityOptions): { result: ConnectivityResult; decider: Decider; explained: Bundle } {
  if (options.focus !== undefined) {
    checkAnalysisEngine(args);
    const focused = focusedConnectivity(bundle, (scoped) => wasmDecider(loadCoreModule(), scoped), options);
    return { result: focused.result, decider: focused.decider, explained: focused.bundle };
  }
  const decider = analysisDecider(bundle, args);
  return { result: analyzeConnectivity(bundle, decider, options), decider, explained: bundle };
}
