/**
 * @module Label selectors as sets of label maps, compared without enumerating them: containment
 * (every label set one selects, the other selects), disjointness (none selected by both), and the
 * exact split of a selector into a union of narrower ones. Every answer is proved term by term;
 * "not proved" is `false`, never a guess.
 */
import type { Selector, SelectorRequirement } from '../model/bundle.js';

/** Terms per selector object: a bundle's selectors are compared many times over. */
const termCache = new WeakMap<Selector, readonly SelectorRequirement[]>();

/** matchLabels as `In [value]`, so that one table of term relations covers both forms. */
function terms(selector: Selector): readonly SelectorRequirement[] {
  let cached = termCache.get(selector);
  if (!cached) {
    const labels = Object.keys(selector.matchLabels).map((key): SelectorRequirement => ({ key, operator: 'In', values: [selector.matchLabels[key]!] }));
    termCache.set(selector, (cached = [...labels, ...selector.matchExpressions]));
  }
  return cached;
}

/** Every label set that satisfies `narrow` satisfies `wide`. */
function termImplies(narrow: SelectorRequirement, wide: SelectorRequirement): boolean {
  if (narrow.key !== wide.key) return false;
  const n = narrow.values;
  switch (wide.operator) {
    case 'In':
      return narrow.operator === 'In' && n.length > 0 && n.every((v) => wide.values.includes(v));
    case 'NotIn':
      if (narrow.operator === 'In') return n.every((v) => !wide.values.includes(v));
      if (narrow.operator === 'NotIn') return wide.values.every((v) => n.includes(v));
      return narrow.operator === 'DoesNotExist';
    case 'Exists':
      return (narrow.operator === 'In' && n.length > 0) || narrow.operator === 'Exists';
    case 'DoesNotExist':
      return narrow.operator === 'DoesNotExist';
  }
}

/** No label set satisfies both terms (same key, conflicting demands). */
function termsConflict(a: SelectorRequirement, b: SelectorRequirement): boolean {
  if (a.key !== b.key) return false;
  const conflict = (x: SelectorRequirement, y: SelectorRequirement): boolean => {
    if (x.operator === 'In') {
      if (y.operator === 'In') return !x.values.some((v) => y.values.includes(v));
      if (y.operator === 'NotIn') return x.values.every((v) => y.values.includes(v));
      return y.operator === 'DoesNotExist';
    }
    return x.operator === 'Exists' && y.operator === 'DoesNotExist';
  };
  return conflict(a, b) || conflict(b, a);
}

/** `wide` selects every label set `narrow` selects (every term of `wide` implied by one of `narrow`). */
export function selectorContains(wide: Selector, narrow: Selector): boolean {
  const narrowTerms = terms(narrow);
  return terms(wide).every((w) => narrowTerms.some((n) => termImplies(n, w)));
}

/** No label set is selected by both (two of their terms conflict). */
export function selectorsDisjoint(a: Selector, b: Selector): boolean {
  const bTerms = terms(b);
  return terms(a).some((x) => bTerms.some((y) => termsConflict(x, y)));
}

/** A selector that can only match the namespace named `namespace` (by its name label). */
export function onlyNamespace(selector: Selector, namespace: string, nameLabel: string): boolean {
  return terms(selector).some((t) => termImplies(t, { key: nameLabel, operator: 'In', values: [namespace] }));
}

/**
 * The selector as a union of selectors with one value per `In` term (`app In [a, b]` is `app=a`
 * or `app=b`), so that a union of narrower selectors can be shown to cover it piece by piece.
 * Past `limit` pieces the selector is returned whole (coverage is then proved, or not, as one).
 */
export function splitSelector(selector: Selector, limit: number): Selector[] {
  let pieces: SelectorRequirement[][] = [[]];
  for (const term of selector.matchExpressions) {
    const options = term.operator === 'In' && term.values.length > 1 ? term.values.map((v) => ({ ...term, values: [v] })) : [term];
    if (pieces.length * options.length > limit) return [selector];
    pieces = pieces.flatMap((piece) => options.map((option) => [...piece, option]));
  }
  return pieces.map((matchExpressions) => ({ matchLabels: selector.matchLabels, matchExpressions }));
}
