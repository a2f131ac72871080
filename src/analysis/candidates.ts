/**
 * @module Which class pairs can allow anything at all, found without the core so that the core is
 * asked only about those: a pod that NetworkPolicies isolate for a direction, and that no
 * cluster-wide policy has as a subject for that direction, allows exactly what the peers of its
 * policies' rules match. A pair is a candidate unless one side is such a pod and no peer of its
 * rules can match the other side's class; non-candidates are denied at every port. The test is
 * conservative (an empty peer list may match anything), never wrong.
 */
import type { Bundle, IPBlockPeer, NetworkPolicy, Peer, Pod } from '../model/bundle.js';
import { cidrContains } from '../net/ip.js';
import { selectorMatches } from '../model/selector.js';
import { PairTable } from './pair-table.js';
import { podAddresses } from './pod-addresses.js';
import type { PodClasses } from './pod-classes.js';
import { PolicySubjects } from './policy-subjects.js';

export type Direction = 'egress' | 'ingress';

export interface ClassCandidates {
  /**
   * Per class and direction: the classes its rules can match as peers (sorted), or undefined when
   * any class may be allowed (not isolated, a cluster-wide subject, hostNetwork, or a rule that
   * matches every peer or addresses).
   */
  readonly peers: Record<Direction, (Int32Array | undefined)[]>;
  /** Per class and direction: whether any outside address may be allowed. */
  readonly outside: Record<Direction, boolean[]>;
  /** Per class and direction: what its own side of a flow reads about it (side-groups.ts). */
  readonly subjects: Record<Direction, SubjectFacts[]>;
}

/** How a class's own side (egress as source, ingress as destination) is decided. */
export interface SubjectFacts {
  /** hostNetwork, or selected by no policy of any tier for the direction: every flow passes. */
  readonly open: boolean;
  /** A subject of a cluster-wide policy for the direction (its side depends on more than below). */
  readonly cluster: boolean;
  /** The NetworkPolicies (indexes) that select it for the direction, in order. */
  readonly policies: readonly number[];
  /** For NetworkPolicy-only subjects: each pods peer's matched classes (an ipBlock reads cells). */
  readonly peerSets: readonly (readonly number[])[];
}

/**
 * With `focus` (the classes of a focused workload), only those classes' peer lists are complete;
 * every other class's list holds only the focus classes it may match, which is all a focused
 * analysis asks of it (each pair it decides has a focus class on one side).
 */
export function classCandidates(bundle: Bundle, classes: PodClasses, focus?: ReadonlySet<number>): ClassCandidates {
  const policySubjects = new PolicySubjects(bundle);
  const reps = classes.classes.map((c) => bundle.pods[c.pods[0]!]!);
  const byNamespace = new Map<string, number[]>();
  reps.forEach((pod, a) => {
    if (pod.hostNetwork) return; // never matched by a pod peer
    const list = byNamespace.get(pod.namespace);
    if (list) list.push(a);
    else byNamespace.set(pod.namespace, [a]);
  });
  const peerCache = new Map<string, number[]>();
  const peerClasses = (peer: Extract<Peer, { kind: 'pods' }>, policy: NetworkPolicy): number[] => {
    const key = JSON.stringify([peer.namespaceSelector === null ? policy.namespace : peer.namespaceSelector, peer.podSelector]);
    let found = peerCache.get(key);
    if (!found) {
      const namespaces = peer.namespaceSelector === null
        ? [policy.namespace]
        : [...byNamespace.keys()].filter((ns) => selectorMatches(peer.namespaceSelector!, policySubjects.namespaceLabels(ns)));
      found = namespaces.flatMap((ns) => (byNamespace.get(ns) ?? []).filter((a) => selectorMatches(peer.podSelector, reps[a]!.labels)));
      peerCache.set(key, found);
    }
    return found;
  };
  // An ipBlock matches a pod by an address of its own (hostNetwork pods: their node's), the same
  // for every pod of a class (the class key holds each address's cell).
  const parsed = podAddresses(bundle).ips;
  const addresses = classes.classes.map((c) => parsed[c.pods[0]!]!);
  const blockCache = new Map<string, number[]>();
  const blockClasses = (peer: IPBlockPeer): number[] => {
    const key = JSON.stringify([peer.cidr.base.toString(), peer.cidr.prefix, peer.except.map((e) => `${e.base}/${e.prefix}`)]);
    let found = blockCache.get(key);
    if (!found) {
      found = [];
      reps.forEach((pod, a) => {
        if (!pod.hostNetwork && !bundle.options.ipBlockMatchesPods) return;
        const inside = addresses[a]!.some((ip) => cidrContains(peer.cidr, ip) && !peer.except.some((e) => cidrContains(e, ip)));
        if (inside) found!.push(a);
      });
      blockCache.set(key, found);
    }
    return found;
  };
  const result: ClassCandidates = { peers: { egress: [], ingress: [] }, outside: { egress: [], ingress: [] }, subjects: { egress: [], ingress: [] } };
  const policyIndex = new Map(bundle.policies.map((policy, i) => [policy, i]));
  const byPolicies = new Map<string, { peers: Int32Array | undefined; outside: boolean; peerSets: (readonly number[])[] }>();
  // Per matched-classes list: the focus classes in it (lists are shared, so this is once each).
  const focusHits = new Map<readonly number[], number[]>();
  const focusIn = (list: readonly number[]): number[] => {
    let hits = focusHits.get(list);
    if (!hits) focusHits.set(list, (hits = list.filter((b) => focus!.has(b))));
    return hits;
  };
  // Classes of one namespace and label projection are selected alike (pod-classes.ts): once each
  // (a hostNetwork class, whose pods' namespaces and labels may differ, by its first pod's).
  const selectedBy = new Map<string, { clusterSubject: boolean; selecting: NetworkPolicy[]; policies: number[] }>();
  const subjectOf = (pod: Pod, a: number, direction: Direction) => {
    const key = pod.hostNetwork ? undefined : `${direction}|${classes.classes[a]!.selected}`;
    let found = key === undefined ? undefined : selectedBy.get(key);
    if (found) return found;
    const clusterSubject = policySubjects.clusterSubject(pod, direction);
    const selecting = policySubjects.selecting(pod, direction);
    found = { clusterSubject, selecting, policies: selecting.map((policy) => policyIndex.get(policy)!) };
    if (key !== undefined) selectedBy.set(key, found);
    return found;
  };
  reps.forEach((pod, a) => {
    const complete = focus === undefined || focus.has(a);
    for (const direction of ['egress', 'ingress'] as const) {
      const { clusterSubject, selecting, policies } = subjectOf(pod, a, direction);
      const open = pod.hostNetwork || (!clusterSubject && selecting.length === 0);
      const peerSets = new Set<readonly number[]>();
      result.subjects[direction][a] = { open, cluster: clusterSubject && !pod.hostNetwork, policies, peerSets: [] };
      if (pod.hostNetwork || clusterSubject || selecting.length === 0) {
        result.peers[direction][a] = undefined;
        result.outside[direction][a] = true;
        continue;
      }
      // Classes selected by the same policies match the same peers: computed once per list.
      const listKey = `${direction}:${complete ? '' : 'focus:'}${policies.join(',')}`;
      let rules = byPolicies.get(listKey);
      if (!rules) {
        const matched = new Set<number>();
        const match = (found: readonly number[]): void => (complete ? found : focusIn(found)).forEach((b) => matched.add(b));
        let everything = false;
        let outside = false;
        for (const policy of selecting) {
          for (const rule of direction === 'ingress' ? policy.ingress : policy.egress) {
            if (rule.peers === null) everything = outside = true;
            for (const peer of rule.peers ?? []) {
              if (peer.kind === 'ipBlock') {
                outside = true;
                match(blockClasses(peer));
              } else {
                const found = peerClasses(peer, policy);
                peerSets.add(found);
                match(found);
              }
            }
          }
        }
        const peers = everything ? undefined : Int32Array.from(matched).sort();
        byPolicies.set(listKey, (rules = { peers, outside, peerSets: [...peerSets] }));
      }
      result.peers[direction][a] = rules.peers;
      result.outside[direction][a] = rules.outside;
      result.subjects[direction][a] = { open, cluster: false, policies, peerSets: rules.peerSets };
    }
  });
  return result;
}

/** Whether class b is among a's candidate peers in a direction (binary search). */
export function mayMatch(candidates: ClassCandidates, direction: Direction, a: number, b: number): boolean {
  const list = candidates.peers[direction][a];
  return list === undefined || sortedHas(list, b);
}

/** Whether a sorted list holds b (binary search). */
export function sortedHas(list: Int32Array, b: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] === b) return true;
    if (list[mid]! < b) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * The candidate class pairs (of `classCount`) with a source among `sources` or a destination among
 * `targets` (every class when undefined), each once, flat: source, destination, source, ...
 */
export function candidatePairs(
  candidates: ClassCandidates,
  classCount: number,
  sources: readonly number[] | undefined,
  targets: readonly number[] | undefined,
): Int32Array {
  let out = new Int32Array(1024);
  let length = 0;
  const push = (a: number, b: number): void => {
    if (length + 2 > out.length) {
      const bigger = new Int32Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    out[length++] = a;
    out[length++] = b;
  };
  const { ingress, egress } = candidates.peers;
  const all = Array.from({ length: classCount }, (_, a) => a);
  if (sources === undefined || targets === undefined) {
    // Every pair: walk each destination's possible sources, not all C x C; each pair comes once.
    for (const b of all) for (const a of ingress[b] ?? all) if (mayMatch(candidates, 'egress', a, b)) push(a, b);
    return out.slice(0, length);
  }
  const seen = new PairTable();
  const emit = (a: number, b: number): void => {
    if (seen.has(a, b) || !mayMatch(candidates, 'egress', a, b) || !mayMatch(candidates, 'ingress', b, a)) return;
    seen.set(a, b, 1);
    push(a, b);
  };
  for (const a of sources) for (const b of egress[a] ?? all) emit(a, b);
  for (const b of targets) for (const a of ingress[b] ?? all) emit(a, b);
  return out.slice(0, length);
}
