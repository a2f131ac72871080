/**
 * @module Label selector matching, as k8s.io/apimachinery/pkg/labels/selector.go defines it
 * (Requirement.Matches): every term must hold.
 */
import type { Labels, Selector, SelectorRequirement } from './bundle.js';

/** `{}`: selects everything. */
export const EMPTY_SELECTOR: Selector = { matchLabels: Object.freeze(Object.create(null)), matchExpressions: [] };

export function selectorMatches(selector: Selector, labels: Labels): boolean {
  for (const key of Object.keys(selector.matchLabels)) {
    if (!Object.hasOwn(labels, key) || labels[key] !== selector.matchLabels[key]) return false;
  }
  return selector.matchExpressions.every((requirement) => requirementMatches(requirement, labels));
}

export function requirementMatches(requirement: SelectorRequirement, labels: Labels): boolean {
  const present = Object.hasOwn(labels, requirement.key);
  switch (requirement.operator) {
    case 'In':
      return present && requirement.values.includes(labels[requirement.key]!);
    case 'NotIn':
      // A missing key satisfies NotIn (upstream: "!ls.Has(r.key) -> return true").
      return !present || !requirement.values.includes(labels[requirement.key]!);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
  }
}
