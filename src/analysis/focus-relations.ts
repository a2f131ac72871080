/**
 * @module Which pods a focus's node relations let the scope group (focus-scope.ts). A pod t and a
 * focused pod d are node-related when either's address is the other's node. Such a pair is decided
 * by sides: t's side is open (passes every flow) when t is hostNetwork, or when no cluster-wide
 * policy has t as a subject for that direction and either no NetworkPolicy selects t for it or
 * every address of d is one of t's node addresses (traffic with its own node is always allowed,
 * and d has an address in every family a flow of the two can use, so every flow names the node);
 * d's side likewise. When all four sides (t and d, egress and ingress) are open, the pair allows
 * everything both ways, so t's connection with d's workload is everything whatever else t's class
 * is paired with, and with every other focused workload it is what its class gets (a node-related
 * pair decided as its classes would be allows no less: its sides are open or its classes' sides).
 * So pods of one class key whose every relation with the focus is open, related to the same
 * focused workloads, connect alike with the focus: one stands for all. A pair with a side that is
 * not open (a cluster-wide subject, or a node that is not the peer's every address) is decided pod
 * by pod, and the scope keeps the pod. A pod open-related to every focused workload needs no
 * stand-in at all: it connects with each, every port both ways (focused-connectivity.ts).
 */
import type { Bundle, Pod } from '../model/bundle.js';
import { PodAddressIndex } from './pod-address-index.js';
import { PolicySubjects } from './policy-subjects.js';

/** Per pod: not node-related to the focus (undefined), kept one by one (KEEP), or its relation key. */
export const KEEP = null;
/** The relation key of a pod open-related to every focused workload: it connects with each, every port both ways. */
export const ALL = '*';
export type RelationKey = string | typeof KEEP | undefined;

/**
 * Per pod of the bundle that is not focused: undefined when it has no node relation with a focused
 * pod; KEEP when one of its relations has a side that is not open; ALL when its relations are open
 * and reach every focused workload; else the focused workloads it is node-related to, as text
 * (`workloadOf`: per pod, its workload).
 */
export function focusRelationKeys(
  bundle: Bundle,
  focused: readonly number[],
  workloadOf: ArrayLike<number>,
  addressIndex = new PodAddressIndex(bundle),
): RelationKey[] {
  const { pods } = bundle;
  const isFocused = new Uint8Array(pods.length);
  for (const d of focused) isFocused[d] = 1;
  // Pods whose address is a focused pod's node, found in the address index (no pass over every
  // pod's addresses); focused pods by their addresses, for the pods whose node is one.
  const onFocusNode = new Map<number, number[]>();
  const byAddress = new Map<string, number[]>();
  const add = <K>(table: Map<K, number[]>, key: K, d: number): void => {
    const list = table.get(key);
    if (!list) table.set(key, [d]);
    else if (list[list.length - 1] !== d) list.push(d);
  };
  for (const d of focused) {
    for (const ip of pods[d]!.ips) add(byAddress, ip, d);
    for (const ip of pods[d]!.hostIPs) for (const t of addressIndex.claimants(ip)) add(onFocusNode, t, d);
  }
  const focusedWorkloads = new Set(focused.map((d) => workloadOf[d]!)).size;
  const sides = new SideOpenness(bundle);
  // One plain loop over 100,000s of pods: the relations reused per pod (a pod has one or two).
  const keys: RelationKey[] = new Array(pods.length).fill(undefined);
  const related: number[] = [];
  const workloads: number[] = [];
  for (let p = 0; p < pods.length; p++) {
    if (isFocused[p]) continue;
    const t = pods[p]!;
    related.length = 0;
    const nodeOf = onFocusNode.size === 0 ? undefined : onFocusNode.get(p);
    if (nodeOf !== undefined) for (const d of nodeOf) noteOnce(related, d);
    const { hostIPs } = t;
    for (let i = 0; i < hostIPs.length; i++) {
      const atNode = byAddress.get(hostIPs[i]!);
      if (atNode !== undefined) for (const d of atNode) noteOnce(related, d);
    }
    if (related.length === 0) continue;
    keys[p] = relationKey(t, related);
  }
  return keys;

  function relationKey(t: Pod, related: readonly number[]): RelationKey {
    workloads.length = 0;
    for (const d of related) {
      if (!sides.pairOpen(t, pods[d]!)) return KEEP;
      noteOnce(workloads, workloadOf[d]!);
    }
    return workloads.length === focusedWorkloads ? ALL : workloads.sort((a, b) => a - b).join(',');
  }
}

function noteOnce(list: number[], value: number): void {
  if (!list.includes(value)) list.push(value);
}

/** Whether a pod's side passes every flow with a given peer (see the module comment). */
class SideOpenness {
  private readonly subjects: PolicySubjects;

  constructor(bundle: Bundle) {
    this.subjects = new PolicySubjects(bundle);
  }

  /** Whether every side of flows between t and d, both ways, is open. */
  pairOpen(t: Pod, d: Pod): boolean {
    return this.bothOpen(t, d) && this.bothOpen(d, t);
  }

  /**
   * Whether the subject's egress and ingress sides with the peer are open. Cheapest test first:
   * hostNetwork, then the few cluster-wide policies, then the node (no selector), then the namespace's.
   */
  private bothOpen(subject: Pod, peer: Pod): boolean {
    if (subject.hostNetwork) return true; // never a subject of any policy
    const { subjects } = this;
    if (subjects.clusterSubject(subject, 'egress') || subjects.clusterSubject(subject, 'ingress')) return false;
    return facesOwnNode(subject, peer) || (!subjects.selected(subject, 'egress') && !subjects.selected(subject, 'ingress'));
  }
}

/**
 * Whether every address of the peer is one of the subject's node addresses, and the peer has an
 * address in each family either has (so a flow of the two in any family names the subject's node).
 */
function facesOwnNode(subject: Pod, peer: Pod): boolean {
  if (peer.ips.length === 0) return false;
  for (const ip of peer.ips) if (!subject.hostIPs.includes(ip)) return false;
  return (families(subject) & ~families(peer)) === 0;
}

/** The families of the pod's addresses, as bits (1: IPv4, 2: IPv6). */
function families(pod: Pod): number {
  let bits = 0;
  for (const ip of pod.ips) bits |= ip.includes(':') ? 2 : 1;
  return bits;
}
