/**
 * @module A bundle's rule list as JSON: every policy rule (RULEREF, in bundle order) and the
 * shadowed ones (src/analysis/shadowed-rules.ts). `lint` and replay compute it from manifests; the
 * service answers it from a stored version (`GET /v1/bundles/:name/rules`), so that a remote replay
 * lists unused and shadowed rules as a local one does.
 */
import { findShadowedRules, type ShadowedRule } from '../analysis/shadowed-rules.js';
import type { Bundle } from '../model/bundle.js';
import { bundleRules, type PolicyRuleRef } from '../replay/rule-hits.js';

export interface RuleList {
  readonly rules: readonly PolicyRuleRef[];
  readonly shadowedRules: readonly ShadowedRule[];
}

export function ruleListOf(bundle: Bundle): RuleList {
  return { rules: bundleRules(bundle), shadowedRules: findShadowedRules(bundle) };
}

/** The service's answer: the list, and the version it is of. */
export function ruleListJSON(version: string, list: RuleList): string {
  return `${JSON.stringify({ version, rules: list.rules, shadowedRules: list.shadowedRules })}\n`;
}
