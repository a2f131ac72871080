/**
 * @module The diff of two bundles, computed only where it can differ. A side of a flow is decided
 * by the policies that select its pod, so when two versions differ only in NetworkPolicies, a pair
 * whose pods no changed policy selects (in either version) is decided alike in both: only the
 * connections into or out of the workloads of the changed policies' pods are analysed and
 * compared. Any other difference (pods, namespaces, nodes, cluster-wide tiers, options) takes the
 * full analysis of both versions.
 */
import type { Bundle, NetworkPolicy } from '../model/bundle.js';
import { policyKey } from '../model/bundle.js';
import { selectorMatches } from '../model/selector.js';
import { analyzeConnectivity } from './connectivity.js';
import type { Decider } from './decider.js';
import { diffConnectivity, type ConnectionChange } from './diff.js';

/** A version to compare: its bundle, and its decider (made only if the version is analysed). */
export interface VersionInput {
  readonly bundle: Bundle;
  readonly decider: () => Decider;
}

export interface VersionDiffOptions {
  /** Compare workloads' (and pods') connections to themselves too. */
  readonly includeSelf?: boolean;
}

/** Every endpoint pair whose allowed set differs, exactly as diffConnectivity of both full lists. */
export function diffVersions(before: VersionInput, after: VersionInput, options: VersionDiffOptions = {}): ConnectionChange[] {
  const affected = podsOfChangedPolicies(before.bundle, after.bundle);
  if (affected !== undefined && affected.length === 0) return [];
  const focus = affected === undefined ? {} : { focusPods: affected };
  const [old, now] = [before, after].map(({ bundle, decider }) =>
    analyzeConnectivity(bundle, decider(), { includeSelf: options.includeSelf, ...focus }),
  );
  return diffConnectivity({ connectivity: old!, workloads: old!.groups.workloads }, { connectivity: now!, workloads: now!.groups.workloads });
}

/**
 * When the bundles differ in NetworkPolicies only: the pods that a policy present in one version
 * but not the same in the other selects (in either version), sorted. Undefined when anything else
 * differs, since then any pair may be decided differently.
 */
export function podsOfChangedPolicies(before: Bundle, after: Bundle): number[] | undefined {
  if (!sameExceptPolicies(before, after)) return undefined;
  const oldByKey = new Map(before.policies.map((policy) => [policyKey(policy), policy]));
  const newByKey = new Map(after.policies.map((policy) => [policyKey(policy), policy]));
  const changed: NetworkPolicy[] = [];
  for (const [key, policy] of oldByKey) {
    const other = newByKey.get(key);
    if (other === undefined) changed.push(policy);
    else if (!samePolicy(policy, other)) changed.push(policy, other);
  }
  for (const [key, policy] of newByKey) if (!oldByKey.has(key)) changed.push(policy);
  const byNamespace = new Map<string, number[]>();
  before.pods.forEach((pod, p) => {
    const list = byNamespace.get(pod.namespace);
    if (list) list.push(p);
    else byNamespace.set(pod.namespace, [p]);
  });
  const pods = new Set<number>();
  for (const policy of changed) {
    for (const p of byNamespace.get(policy.namespace) ?? []) if (selectorMatches(policy.podSelector, before.pods[p]!.labels)) pods.add(p);
  }
  return [...pods].sort((a, b) => a - b);
}

/** Whether everything but the NetworkPolicies is equal: pods, namespaces, nodes, cluster tiers, options. */
function sameExceptPolicies(before: Bundle, after: Bundle): boolean {
  return (['namespaces', 'pods', 'clusterPolicies', 'nodes', 'options'] as const).every((field) => sameData(before[field], after[field]));
}

function samePolicy(a: NetworkPolicy, b: NetworkPolicy): boolean {
  return sameData(a, b);
}

/**
 * Structural equality of bundle data (plain objects, arrays, strings, numbers, booleans, bigints,
 * null). A key whose value is undefined on one side only counts as a difference: at worst the
 * full analysis runs.
 */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  // Only plain objects are compared key by key; anything else (a Map, a Set) counts as different.
  if (!isPlain(a) || !isPlain(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key) || !sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

function isPlain(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
