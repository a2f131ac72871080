/**
 * @module The deployment's analysis limits: ANALYSIS_MAX_PODS, ANALYSIS_MAX_PODS_FOCUS,
 * ANALYSIS_MAX_FOCUS_SCOPE, ANALYSIS_MAX_ENDPOINTS and ANALYSIS_MAX_PODS_GROUPED from the Worker's vars, else the documented
 * defaults of src/analysis/limits.ts. The analysis routes enforce them; /v1/access tells the page.
 */
import { ANALYSIS_LIMITS, type AnalysisLimits } from '../src/analysis/limits.js';
import type { Env } from './env.js';

export function analysisLimitsOf(env: Env): AnalysisLimits {
  return {
    maxPods: positiveInteger(env.ANALYSIS_MAX_PODS) ?? ANALYSIS_LIMITS.maxPods,
    maxPodsWithFocus: positiveInteger(env.ANALYSIS_MAX_PODS_FOCUS) ?? ANALYSIS_LIMITS.maxPodsWithFocus,
    maxFocusScope: positiveInteger(env.ANALYSIS_MAX_FOCUS_SCOPE) ?? ANALYSIS_LIMITS.maxFocusScope,
    maxEndpoints: positiveInteger(env.ANALYSIS_MAX_ENDPOINTS) ?? ANALYSIS_LIMITS.maxEndpoints,
    maxPodsGrouped: positiveInteger(env.ANALYSIS_MAX_PODS_GROUPED) ?? ANALYSIS_LIMITS.maxPodsGrouped,
  };
}

function positiveInteger(text: string | undefined): number | undefined {
  return text !== undefined && /^[1-9][0-9]{0,8}$/.test(text) ? Number(text) : undefined;
}
