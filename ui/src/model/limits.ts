/**
 * @module Whether the Worker would refuse a version's whole connectivity list as too large, told
 * before asking: the page then opens the namespace matrix directly instead of provoking a 422 (which
 * the browser logs as an error). The Worker's own check (src/analysis/limits.ts) stays the
 * authority: a version under the pod limit can still be refused for its endpoints, and the page
 * handles that 422 as before.
 */
import type { AnalysisLimits, BundleInfo } from './types.js';

/** The refusal's reason as the Worker words it, or null when the list may be asked for. */
export function wholeListRefusal(info: BundleInfo, version: string, limits: AnalysisLimits | null): string | null {
  if (!limits) return null;
  const counts = info.versions.find((v) => v.version === version)?.counts;
  if (typeof counts?.pods !== 'number') return null;
  // The analysis counts every pod, workload-created ones included (the bundle's pods).
  const pods = counts.pods + (typeof counts.workloadPods === 'number' ? counts.workloadPods : 0);
  if (pods <= limits.maxPods) return null;
  return (
    `the version has ${pods} pods; a whole-bundle connectivity answer is computed here for at most ${limits.maxPods}. ` +
    'Run it locally: netpol-edge list --output json MANIFEST...'
  );
}
