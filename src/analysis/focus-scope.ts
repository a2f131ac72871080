/**
 * @module The small bundle a focus is decided on: the focused pods, every pod with a node
 * relation to one of them (either is the other's node: such pairs are decided pod by pod) unless
 * that relation is open both ways (focus-relations.ts: then one pod per class key and focused
 * workloads related to stands for the rest, or nobody when it reaches every focused workload),
 * and one pod per class key (peer-keys.ts) for all the
 * others that may be its peers (focus-peers.ts), which stands for every pod of its key; plus,
 * over and over, every pod that claims an address a kept pod claims (whether an address names one
 * pod alone is part of the key, and the core resolves addresses). A kept pod that is not focused
 * becomes a bare pod named by its ref, so that each is an endpoint of its own; namespaces without
 * a kept pod, and their NetworkPolicies (which select only their own pods), are left out. Removing pods
 * changes nothing any rule reads about the pods kept: selectors read a pod's own labels and
 * namespace, named ports its own containers, ipBlocks its own addresses (the outside world loses
 * the addresses of the pods left out; focused-connectivity.ts cuts them out again).
 */
import type { Bundle, Pod } from '../model/bundle.js';
import { ALL, KEEP, type RelationKey } from './focus-relations.js';
import { peerKeys } from './peer-keys.js';
import { PodAddressIndex } from './pod-address-index.js';

export interface FocusScope {
  readonly bundle: Bundle;
  /** Per pod of the scope, its index in the whole bundle (ascending: refs stay sorted). */
  readonly original: Int32Array;
  /** The focused pods' indexes in the scope. */
  readonly focusPods: readonly number[];
  /** Per pod of the scope, 1 for a focused pod. */
  readonly isFocus: Uint8Array;
  /** Per pod of the whole bundle, the pod of the scope that stands for it. */
  readonly standsFor: Int32Array;
}

/**
 * `focused`: the focused pods' indexes. `peers` (focus-peers.ts): per pod, 1 when it may be a peer
 * of the focus; the others are left out and stood for by nobody (nothing passes between them and
 * the focus). Undefined: every pod may be. `addressIndex`: the bundle's (peer-keys.ts), when the
 * caller has one. `relations` (focus-relations.ts, for this focus): node-related pods whose every
 * relation with the focus is open are stood for by one pod per (class key, focused workloads
 * related to) instead of kept one by one, and those related to every focused workload (ALL) by
 * nobody. Undefined: every node-related pod is kept (for explanations: those name the rules of
 * each pod's own pairs, which differ between nodes).
 */
export function focusScope(
  bundle: Bundle,
  focused: readonly number[],
  peers?: Uint8Array,
  addressIndex?: PodAddressIndex,
  relations?: readonly RelationKey[],
): FocusScope {
  const { pods } = bundle;
  const kept = new Uint8Array(pods.length);
  for (const p of focused) kept[p] = 1;
  // Node relations with the focus: either pod's address is the other's node.
  relations ??= oneByOne(pods, focused, kept);
  for (let p = 0; p < pods.length; p++) if (relations[p] === KEEP) kept[p] = 1;
  // Everybody else who may be a peer, or is node-related to the focus: the first pod of each key stands for the rest.
  const wanted = kept.map((k, p) => {
    const relation = relations[p];
    if (k || relation === ALL) return 0;
    return relation !== undefined || !peers || peers[p] ? 1 : 0;
  });
  // No pod wanted (a focus whose every peer is settled by node relations): no keys to compute.
  const keys = wanted.includes(1) ? peerKeys(bundle, wanted, addressIndex) : [];
  const standsFor = new Int32Array(pods.length).fill(-1);
  const firstOfKey = new Map<string, number>();
  for (let p = 0; p < pods.length; p++) {
    if (!wanted[p]) continue;
    const relation = relations[p];
    const key = relation === undefined ? keys[p]! : `\u0003${relation}\u0003${keys[p]!}`;
    const first = firstOfKey.get(key);
    if (first === undefined) firstOfKey.set(key, p);
    standsFor[p] = first ?? p;
  }
  for (const p of firstOfKey.values()) kept[p] = 1;
  keepSharers(pods, kept, addressIndex ?? new PodAddressIndex(bundle));
  const keptPods: number[] = [];
  for (let p = 0; p < pods.length; p++) if (kept[p]) keptPods.push(p);
  const original = Int32Array.from(keptPods);
  const scopeIndex = new Int32Array(pods.length).fill(-1);
  original.forEach((p, i) => (scopeIndex[p] = i));
  for (let p = 0; p < pods.length; p++) {
    const standing = kept[p] ? p : standsFor[p]!;
    standsFor[p] = standing < 0 ? -1 : scopeIndex[standing]!;
  }
  const focusPods = focused.map((p) => scopeIndex[p]!);
  const isFocus = new Uint8Array(original.length);
  for (const i of focusPods) isFocus[i] = 1;
  const scopedPods = Array.from(original, (p, i) => (isFocus[i] ? pods[p]! : bare(pods[p]!)));
  // A NetworkPolicy selects pods of its own namespace only: those of other namespaces read nothing here.
  const namespaces = new Set(scopedPods.map((pod) => pod.namespace));
  const scoped: Bundle = {
    ...bundle,
    namespaces: bundle.namespaces.filter((ns) => namespaces.has(ns.name)),
    policies: bundle.policies.filter((policy) => namespaces.has(policy.namespace)),
    pods: scopedPods,
  };
  return { bundle: scoped, original, focusPods, isFocus, standsFor };
}

/** Every pod node-related to the focus kept (KEEP): its address is a focus's node, or its node a focus's address. */
function oneByOne(pods: readonly Pod[], focused: readonly number[], isFocus: Uint8Array): RelationKey[] {
  const focusAddresses = new Set(focused.flatMap((p) => pods[p]!.ips));
  const focusNodes = new Set(focused.flatMap((p) => pods[p]!.hostIPs));
  const related = (pod: Pod): boolean => pod.ips.some((ip) => focusNodes.has(ip)) || pod.hostIPs.some((ip) => focusAddresses.has(ip));
  return pods.map((pod, p) => (!isFocus[p] && related(pod) ? KEEP : undefined));
}

/** Keeps, until none is left, every pod that claims an address a kept pod claims (looked up, not a pass over all pods). */
function keepSharers(pods: readonly Pod[], kept: Uint8Array, addressIndex: PodAddressIndex): void {
  const claimed = new Set<string>();
  const queue: number[] = [];
  for (let p = 0; p < pods.length; p++) if (kept[p]) queue.push(p);
  while (queue.length > 0) {
    for (const ip of pods[queue.pop()!]!.ips) {
      if (claimed.has(ip)) continue;
      claimed.add(ip);
      for (const q of addressIndex.claimants(ip)) {
        if (kept[q]) continue;
        kept[q] = 1;
        queue.push(q);
      }
    }
  }
}

/** The pod as a bare pod named by its ref: an endpoint of its own (refs are unique). */
function bare(pod: Pod): Pod {
  const { owner: _owner, workload: _workload, ...rest } = pod;
  return { ...rest, name: pod.ref };
}
