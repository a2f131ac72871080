/**
 * @module The matrix's two filters: words that match a namespace or a name, and a label selector
 * in kubectl's `-l` syntax (`app`, `!app`, `app=web`, `app!=web`, `tier in (a,b)`, `tier notin (a)`,
 * terms joined by commas, all of them to hold) matched against a workload's pod labels with
 * Kubernetes' meaning: `!=` and `notin` also hold when the key is absent.
 */
import type { AxisMember } from './matrix.js';
import { isExternal } from './types.js';

export type MemberFilter = (member: AxisMember) => boolean;

/** Words, any case, each found in the member's namespace or name. */
export function compileFilter(filter: string): MemberFilter {
  const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return () => true;
  return (member) => words.every((word) => member.group.toLowerCase().includes(word) || member.label.toLowerCase().includes(word));
}

type Requirement = (labels: Readonly<Record<string, string>>) => boolean;

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_./]*[a-z0-9A-Z])?)$/;
const VALUE = /^(([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?)$/;

/**
 * A label selector as a filter, or the reason it is not one. Outside address ranges have no labels
 * and never match a selector; an empty selector matches everything.
 */
export function compileLabelSelector(selector: string): { filter: MemberFilter } | { error: string } {
  const terms = splitTerms(selector);
  if (terms.length === 0) return { filter: () => true };
  const requirements: Requirement[] = [];
  for (const term of terms) {
    const requirement = parseTerm(term);
    if (typeof requirement === 'string') return { error: requirement };
    requirements.push(requirement);
  }
  return {
    filter: (member) => {
      if (isExternal(member.endpoint)) return false;
      const labels = member.endpoint.labels ?? {};
      return requirements.every((holds) => holds(labels));
    },
  };
}

/** Terms split at commas outside parentheses, trimmed, empty ones dropped. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= selector.length; i++) {
    const ch = selector[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if ((ch === ',' && depth === 0) || ch === undefined) {
      terms.push(selector.slice(start, i).trim());
      start = i + 1;
    }
  }
  return terms.filter(Boolean);
}

function parseTerm(term: string): Requirement | string {
  const has = (labels: Readonly<Record<string, string>>, key: string) => Object.hasOwn(labels, key);
  const set = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(term);
  if (set) {
    const [, key, operator, list] = set as unknown as [string, string, string, string];
    const values = list.split(',').map((v) => v.trim());
    const bad = [key].filter((k) => !KEY.test(k)).concat(values.filter((v) => !VALUE.test(v)));
    if (bad.length > 0) return `"${term}": "${bad[0]}" is not a label key or value`;
    return operator === 'in'
      ? (labels) => has(labels, key) && values.includes(labels[key]!)
      : (labels) => !has(labels, key) || !values.includes(labels[key]!);
  }
  const pair = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (pair) {
    const [, key, operator, value] = pair as unknown as [string, string, string, string];
    if (!KEY.test(key)) return `"${term}": "${key}" is not a label key`;
    if (!VALUE.test(value)) return `"${term}": "${value}" is not a label value`;
    return operator === '!=' ? (labels) => !has(labels, key) || labels[key] !== value : (labels) => has(labels, key) && labels[key] === value;
  }
  const absent = term.startsWith('!');
  const key = absent ? term.slice(1).trim() : term;
  if (!KEY.test(key)) return `"${term}": expected key, !key, key=value, key!=value, key in (a,b) or key notin (a,b)`;
  return absent ? (labels) => !has(labels, key) : (labels) => has(labels, key);
}
