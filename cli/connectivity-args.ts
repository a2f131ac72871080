/** @module What `list`, `diff` and `exposure` share: the output option, and the analysis of a bundle. */
import { analyzeConnectivity, type ConnectivityOptions, type ConnectivityResult } from '../src/analysis/connectivity.js';
import { wasmDecider, type Decider } from '../src/analysis/decider.js';
import { focusedConnectivity } from '../src/analysis/focused-connectivity.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from '../src/format/connectivity-formats.js';
import type { Bundle } from '../src/model/bundle.js';
import { engineOf, type BundleArgs } from './bundle-args.js';
import { UsageError } from './usage.js';

/**
 * The most connections a graph output takes. svg: Graphviz's layout time grows faster than the
 * graph (about 1 s of CPU at 500 edges, 7.5 s at 2,000), and a bigger drawing is unreadable. dot:
 * the graph is held whole until its clusters are written (the other formats stream).
 */
export const GRAPH_LIMITS = { svg: 2_000, dot: 500_000 } as const;

export const GRAPH_LIMITS_HELP = `                          svg takes at most ${GRAPH_LIMITS.svg.toLocaleString('en-US')} connections, dot ${GRAPH_LIMITS.dot.toLocaleString('en-US')}; above,
                          it stops with an error before writing anything (use --focus or
                          another format)`;

/**
 * Refuses a graph of more than its limit's connections, with what to do instead. Called as they
 * come, so a large list stops at its first batch past the limit rather than building the graph.
 */
export function checkGraphSize(format: OutputFormat, connections: number, command: 'list' | 'diff', limits: Readonly<Record<'svg' | 'dot', number>> = GRAPH_LIMITS): void {
  if (format !== 'svg' && format !== 'dot') return;
  const limit = limits[format];
  if (connections <= limit) return;
  const narrow = command === 'list' ? 'narrow it to one workload with --focus NS/NAME, or ' : '';
  const instead =
    format === 'svg'
      ? `use --output dot (up to ${limits.dot.toLocaleString('en-US')}; Graphviz's dot -Tsvg renders it) or txt, json, csv, md`
      : 'use --output txt, json, csv or md (written as computed, no bound)';
  throw new UsageError(
    `--output ${format} takes at most ${limit.toLocaleString('en-US')} connections and this ${command} has more: ${narrow}${instead}`,
  );
}

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
