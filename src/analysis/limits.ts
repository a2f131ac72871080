/**
 * @module How big a bundle the analysis answers inside a request (the Worker's CPU budget), the
 * error above that, naming the CLI command that computes the same answer locally, and the cache key
 * of an answer (versions are content hashes, so an answer never goes stale).
 */
import type { Bundle } from '../model/bundle.js';

export type AnalysisKind = 'connectivity' | 'diff' | 'exposure';

/**
 * Pods per version analysed within one request: a whole-bundle answer, and one focused on a single
 * workload. Provisional: set from the CLI's timings on the benchmark clusters (bench/connectivity.ts);
 * raise them as the analysis gets faster.
 */
export const ANALYSIS_LIMITS: AnalysisLimits = { maxPods: 2_000, maxPodsWithFocus: 20_000 };

export interface AnalysisLimits {
  readonly maxPods: number;
  readonly maxPodsWithFocus: number;
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
  diff: 'netpol-edge diff --output json OLD NEW',
  exposure: 'netpol-edge exposure --output json MANIFEST...',
};

/**
 * Throws AnalysisTooLarge when `bundle` is above the limit for this kind of answer; `limits` lets
 * a deployment (and a test) set other limits than the defaults.
 */
export function checkAnalysisSize(bundle: Bundle, kind: AnalysisKind, focused = false, limits: AnalysisLimits = ANALYSIS_LIMITS): void {
  const limit = focused ? limits.maxPodsWithFocus : limits.maxPods;
  if (bundle.pods.length <= limit) return;
  const what = focused ? 'a focused connectivity answer' : `a whole-bundle ${kind} answer`;
  throw new AnalysisTooLarge(
    `the version has ${bundle.pods.length} pods; ${what} is computed here for at most ${limit}. Run it locally: ${COMMANDS[kind]}`,
    COMMANDS[kind],
  );
}

/** The cache key of one answer: kind, versions, and the parameters that change it. */
export function analysisCacheKey(kind: AnalysisKind, versions: readonly string[], params: Readonly<Record<string, string | undefined>>): string {
  const query = Object.keys(params)
    .filter((key) => params[key] !== undefined)
    .sort()
    .map((key) => `${key}=${encodeURIComponent(params[key]!)}`)
    .join('&');
  return `analysis/${kind}/${versions.join('..')}${query ? `?${query}` : ''}`;
}
