/**
 * @module Which pods may be a peer of a focus at all: candidates.ts's test, asked per pod profile
 * (namespace and the labels selectors see; hostNetwork pods are one profile) instead of per class,
 * so that a focus never classes the whole bundle. A flow between a focused pod f and a pod t can
 * pass only if f's side and t's side may each allow it; a side that NetworkPolicies alone isolate
 * (no cluster-wide policy has the pod as a subject for that direction) allows only what its rules'
 * peers match. A profile's answer holds for all its pods unless an ipBlock decides it: then each
 * pod's addresses are looked at. Node relations are not asked about here (a side that faces its
 * own node allows everything): the scope keeps those pods whatever this says.
 */
import type { Bundle, IPBlockPeer, Labels, NetworkPolicy, Pod, Rule } from '../model/bundle.js';
import { selectorMatches } from '../model/selector.js';
import { cidrContains, parseIP, type IP } from '../net/ip.js';
import type { Direction } from './candidates.js';
import { labelProjection } from './peer-keys.js';
import { PodAddressIndex } from './pod-address-index.js';
import { selectorVocabulary } from './pod-classes.js';
import { PolicySubjects } from './policy-subjects.js';

/** Three-valued: no, yes, or it depends on the peer's addresses. */
const NO = 0;
const YES = 1;
const BY_ADDRESS = 2;
type Maybe = typeof NO | typeof YES | typeof BY_ADDRESS;

/** A side of a flow as its pod's policies see it: open, or the rules of the policies that isolate it. */
interface Side {
  readonly open: boolean;
  readonly rules: readonly { readonly policy: NetworkPolicy; readonly rule: Rule }[];
}

/** More distinct focused profiles than this and every pod is taken as a peer (no pruning). */
const MAX_FOCUS_SIDES = 64;

/**
 * Per pod of the bundle, 1 when it may be a peer of a focused pod in either direction.
 * `addressIndex`: the bundle's, when the caller reads its addresses too (parsed once for both).
 * `settled`: per pod, 1 when the caller knows its connections otherwise (answered 0, not looked at).
 */
export function focusPeers(bundle: Bundle, focused: readonly number[], addressIndex = new PodAddressIndex(bundle), settled?: Uint8Array): Uint8Array {
  const { pods } = bundle;
  const out = new Uint8Array(pods.length);
  const subjects = new PolicySubjects(bundle);
  const labelsOf = (namespace: string): Labels => subjects.namespaceLabels(namespace);
  const sideOf = (pod: Pod, direction: Direction): Side => {
    const cluster = subjects.clusterSubject(pod, direction);
    const selecting = subjects.selecting(pod, direction);
    if (pod.hostNetwork || cluster || selecting.length === 0) return { open: true, rules: [] };
    return { open: false, rules: selecting.flatMap((policy) => (direction === 'ingress' ? policy.ingress : policy.egress).map((rule) => ({ policy, rule }))) };
  };
  /**
   * Whether the side may allow a flow with peer t; addresses: t's, or undefined to answer BY_ADDRESS.
   * `matched`: per ipBlock, whether it holds one of these addresses, when they are a focused
   * profile's (thousands of them for a DaemonSet: looked at once per block, not per pod).
   */
  const sideMay = (side: Side, t: Pod, addresses: readonly IP[] | undefined, matched?: Map<IPBlockPeer, boolean>): Maybe => {
    if (side.open) return YES;
    let answer: Maybe = NO;
    for (const { policy, rule } of side.rules) {
      if (rule.peers === null) return YES;
      for (const peer of rule.peers) {
        if (peer.kind === 'pods') {
          if (t.hostNetwork) continue; // never matched by a pod peer
          const namespaceMatches = peer.namespaceSelector === null ? t.namespace === policy.namespace : selectorMatches(peer.namespaceSelector, labelsOf(t.namespace));
          if (namespaceMatches && selectorMatches(peer.podSelector, t.labels)) return YES;
        } else if (t.hostNetwork || bundle.options.ipBlockMatchesPods) {
          if (!addresses) answer = addressIndex.holdsPod(peer) ? BY_ADDRESS : answer;
          else if (holdsOneOf(peer, addresses, matched)) return YES;
        }
      }
    }
    return answer;
  };
  // The selectors' vocabulary only once a pod that is not hostNetwork asks (a DaemonSet's peers may all be settled).
  let projected: ((labels: Labels) => string) | undefined;
  const profileOf = (pod: Pod): string =>
    pod.hostNetwork ? 'host' : `${pod.namespace}\u0001${(projected ??= labelProjection(selectorVocabulary(bundle)))(pod.labels)}`;
  const focus = focusProfiles(bundle, focused, profileOf);
  if (focus === undefined) return out.fill(1);
  // A focused profile's sides are its pods' (peers read its pods' addresses only): "some pod of it".
  const focusSides = focus.map(({ pod, addresses }) => ({ pod, addresses, matched: new Map<IPBlockPeer, boolean>(), egress: sideOf(pod, 'egress'), ingress: sideOf(pod, 'ingress') }));
  /** Whether t may be a peer of some focused pod (addresses as for sideMay); t's sides only when asked for. */
  const mayPeer = (t: Pod, sides: Partial<Record<Direction, Side>>, addresses: readonly IP[] | undefined): Maybe => {
    const side = (direction: Direction): Side => (sides[direction] ??= sideOf(t, direction));
    let answer: Maybe = NO;
    for (const f of focusSides) {
      const fOut = sideMay(f.egress, t, addresses);
      const out = fOut === NO ? NO : and(fOut, sideMay(side('ingress'), f.pod, f.addresses, f.matched));
      const fIn = sideMay(f.ingress, t, addresses);
      const back = fIn === NO ? NO : and(fIn, sideMay(side('egress'), f.pod, f.addresses, f.matched));
      if (out === YES || back === YES) return YES;
      if (out === BY_ADDRESS || back === BY_ADDRESS) answer = BY_ADDRESS;
    }
    return answer;
  };
  // A namespace none of the focused sides reaches holds no peer (but hostNetwork pods, by address).
  const reaches = (side: Side, namespace: string): boolean =>
    side.open ||
    side.rules.some(({ policy, rule }) =>
      rule.peers === null ||
      rule.peers.some((peer) =>
        peer.kind === 'ipBlock'
          ? bundle.options.ipBlockMatchesPods && addressIndex.holdsPod(peer)
          : peer.namespaceSelector === null
            ? namespace === policy.namespace
            : selectorMatches(peer.namespaceSelector, labelsOf(namespace)),
      ),
    );
  const reached = new Map<string, boolean>();
  const reachedNamespace = (namespace: string): boolean => {
    let found = reached.get(namespace);
    if (found === undefined) reached.set(namespace, (found = focusSides.some((f) => reaches(f.egress, namespace) || reaches(f.ingress, namespace))));
    return found;
  };
  const byProfile = new Map<string, { answer: Maybe; sides: Partial<Record<Direction, Side>> }>();
  pods.forEach((pod, p) => {
    if (settled?.[p] || (!pod.hostNetwork && !reachedNamespace(pod.namespace))) return;
    const profile = profileOf(pod);
    let found = byProfile.get(profile);
    if (!found) {
      const sides = {};
      byProfile.set(profile, (found = { answer: mayPeer(pod, sides, undefined), sides }));
    }
    if (found.answer === BY_ADDRESS) out[p] = mayPeer(pod, found.sides, addressesOf(pod)) === YES ? 1 : 0;
    else out[p] = found.answer;
  });
  return out;
}

/** Whether the block holds one of the addresses (remembered in `matched` when given). */
function holdsOneOf(peer: IPBlockPeer, addresses: readonly IP[], matched: Map<IPBlockPeer, boolean> | undefined): boolean {
  let found = matched?.get(peer);
  if (found === undefined) {
    found = addresses.some((ip) => cidrContains(peer.cidr, ip) && !peer.except.some((e) => cidrContains(e, ip)));
    matched?.set(peer, found);
  }
  return found;
}

function and(a: Maybe, b: Maybe): Maybe {
  if (a === NO || b === NO) return NO;
  return a === YES && b === YES ? YES : BY_ADDRESS;
}

/** The focused pods by profile, with all their addresses; undefined past the limit. */
function focusProfiles(bundle: Bundle, focused: readonly number[], profileOf: (pod: Pod) => string): { pod: Pod; addresses: IP[] }[] | undefined {
  const seen = new Map<string, { pod: Pod; addresses: IP[] }>();
  for (const p of focused) {
    const pod = bundle.pods[p]!;
    const profile = profileOf(pod);
    const found = seen.get(profile);
    if (found) found.addresses.push(...addressesOf(pod));
    else seen.set(profile, { pod, addresses: addressesOf(pod) });
    if (seen.size > MAX_FOCUS_SIDES) return undefined;
  }
  return [...seen.values()];
}

function addressesOf(pod: Pod): IP[] {
  return pod.ips.map((ip) => parseIP(ip)!);
}
