/**
 * @module How big a bundle the analysis answers inside a request (the Worker's CPU budget), the
 * error above that, naming the CLI command that computes the same answer locally, and the cache key
 * of an answer (versions are content hashes, so an answer never goes stale).
 */
import type { Bundle } from '../model/bundle.js';
import { groupWorkloads } from './endpoints.js';

export type AnalysisKind = 'connectivity' | 'connectivity-grouped' | 'diff' | 'exposure';

/**
 * Per version analysed within one request: pods for a whole-bundle answer and for one focused on a
 * single workload (its linear passes: grouping, the scope's selection, carrying the answer back),
 * pods of a focus's scope (focused-connectivity.ts: the analysis actually run), and endpoints (workloads plus pods no workload owns) for a whole-bundle answer:
 * its size grows with their square, and exposure's time with their number. Provisional: set from
 * timings in workerd on generated clusters (a whole list of 2,000 owned pods took 4 s and 6 MB; of
 * 2,000 bare pods, 7 s and 122 MB; exposure of 300 bare pods 6 s, on a loaded machine); raise them
 * as the analysis gets faster.
 */
export const ANALYSIS_LIMITS: AnalysisLimits = { maxPods: 2_000, maxPodsWithFocus: 20_000, maxFocusScope: 10_000, maxEndpoints: 500, maxPodsGrouped: 10_000 };

export interface AnalysisLimits {
  readonly maxPods: number;
  /**
   * Pods of the whole bundle for a focused answer: only linear passes see them all. A Deployment's
   * focus at size L (100,000 pods) took 1.9 s of CPU in Node on a quiet machine, at M 0.3 s; but
   * memory binds first: the canonical L bundle alone holds 192 MiB of V8 heap (about 2 KiB a pod),
   * and the focus added 55 MiB, against the isolate's 128 MB. 20,000 pods (about 38 MiB of bundle)
   * is also about what the 16 MiB upload admits (the generated L is 78 MiB for 100,000 pods).
   */
  readonly maxPodsWithFocus: number;
  /**
   * Pods of the scope a focus is decided on (the whole bundle when the scope would hold more than
   * half of it): the focused analysis that was answered for 20,000 pods of a whole bundle; 10,000
   * since maxPodsWithFocus fell to 20,000 (a scope is at most half the bundle, and 10,000 is the
   * largest whole analysis measured in the Worker, the grouped answers at size M).
   */
  readonly maxFocusScope: number;
  /** Workloads and pods no workload owns, in a whole-bundle answer. */
  readonly maxEndpoints: number;
  /**
   * Pods for a grouped answer (the namespace matrix, or one namespace's rows): the whole analysis
   * runs, but the answer is small, so only its time bounds it. Size M (10,000 pods, 2,861
   * workloads) took 6 s in Node and 5 s in wrangler dev on a loaded machine, inside the Worker's
   * 30 s default CPU limit; its matrix is 0.64 MB, a namespace's rows at most 8.4 MB.
   */
  readonly maxPodsGrouped: number;
}

/** The 422 `too-large` answer: what was too big, and the command to run instead. */
export class AnalysisTooLarge extends Error {
  readonly code = 'too-large';
  constructor(
    message: string,
    readonly command: string,
  ) {
    super(message);
    this.name = 'AnalysisTooLarge';
  }
}

const COMMANDS: Readonly<Record<AnalysisKind, string>> = {
  connectivity: 'netpol-edge list --output json MANIFEST...',
  'connectivity-grouped': 'netpol-edge list --output json MANIFEST...',
  diff: 'netpol-edge diff --output json OLD NEW',
  exposure: 'netpol-edge exposure --output json MANIFEST...',
};

/**
 * Throws AnalysisTooLarge when `bundle` is above the limit for this kind of answer; `limits` lets
 * a deployment (and a test) set other limits than the defaults.
 */
export function checkAnalysisSize(bundle: Bundle, kind: AnalysisKind, focused = false, limits: AnalysisLimits = ANALYSIS_LIMITS): void {
  if (kind === 'connectivity-grouped') {
    const what = `${bundle.pods.length} pods; a namespace-grouped connectivity answer is computed here for at most ${limits.maxPodsGrouped}`;
    if (bundle.pods.length > limits.maxPodsGrouped) tooLarge(kind, what);
    return;
  }
  const limit = focused ? limits.maxPodsWithFocus : limits.maxPods;
  const what = focused ? 'a focused connectivity answer' : `a whole-bundle ${kind} answer`;
  if (bundle.pods.length > limit) tooLarge(kind, `${bundle.pods.length} pods; ${what} is computed here for at most ${limit}`);
  if (focused) return;
  const endpoints = groupWorkloads(bundle).workloads.length;
  if (endpoints > limits.maxEndpoints) {
    tooLarge(kind, `${endpoints} workloads and unowned pods; ${what} is computed here for at most ${limits.maxEndpoints}`);
  }
}

/**
 * Throws AnalysisTooLarge when the bundle a focus is decided on (its scope, or the whole bundle) is
 * above `limits.maxFocusScope`; the command names the focus.
 */
export function checkFocusScope(scope: Bundle, focus: string, limits: AnalysisLimits = ANALYSIS_LIMITS): void {
  if (scope.pods.length <= limits.maxFocusScope) return;
  const command = `netpol-edge list --focus ${focus} --output json MANIFEST...`;
  throw new AnalysisTooLarge(
    `focus=${focus} is decided on ${scope.pods.length} pods (the focus, the pods on its nodes, one pod per kind of peer); ` +
      `a focused connectivity answer is computed here for at most ${limits.maxFocusScope}. Run it locally: ${command}`,
    command,
  );
}

function tooLarge(kind: AnalysisKind, what: string): never {
  throw new AnalysisTooLarge(`the version has ${what}. Run it locally: ${COMMANDS[kind]}`, COMMANDS[kind]);
}

/** The cache key of one answer: kind, versions, and the parameters that change it. */
export function analysisCacheKey(
  kind: AnalysisKind,
  versions: readonly string[],
  params: Readonly<Record<string, string | undefined>>,
  limits: AnalysisLimits,
): string {
  const query = Object.keys(params)
    .filter((key) => params[key] !== undefined)
    .sort()
    .map((key) => `${key}=${encodeURIComponent(params[key]!)}`)
    .join('&');
  return `analysis/${kind}/${versions.join('..')}?${query ? `${query}&` : ''}limits=${limitsKey(limits)}`;
}

/**
 * The limits an answer was computed under, as part of its cache key: under tighter limits the
 * same request must be refused (422), not answered from what looser ones computed.
 */
export function limitsKey(limits: AnalysisLimits): string {
  return Object.keys(limits)
    .sort()
    .map((name) => `${name}:${limits[name as keyof AnalysisLimits]}`)
    .join(',');
}
