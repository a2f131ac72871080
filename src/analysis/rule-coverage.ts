/**
 * @module Rule coverage: whether every flow one rule matches is matched by at least one rule of a
 * set, proved from selectors, addresses and ports, never guessed.
 *
 * A rule is a flow space: its peers (any of them) times its ports (any of them). A union of
 * products is not the product of unions (peers A on ports 80-85 and peers B on 86-90 do not cover
 * A and B on 80-90), so coverage is checked piece by piece: each peer of the target is split into
 * pieces (a selector with `In [a, b]` into `a` and `b`, an address range at every boundary of a
 * candidate's ranges), and each piece's ports must be covered by the union of the ports of the
 * candidates whose peers contain the whole piece. A piece no candidate is proved to contain is not
 * covered: the answer errs towards "not covered".
 */
import type { Labels, Protocol, Selector } from '../model/bundle.js';
import { NAMESPACE_NAME_LABEL, PROTOCOLS } from '../model/bundle.js';
import { selectorMatches } from '../model/selector.js';
import type { IPFamily } from '../net/ip.js';
import { onlyNamespace, selectorContains, splitSelector } from './selector-sets.js';

/** Inclusive [from, to]. */
export type PortInterval = readonly [number, number];

export interface NamedPort {
  /** null: resolved in the flow's protocol (v1alpha1/v1alpha2 named ports have none). */
  readonly protocol: Protocol | null;
  readonly name: string;
}

/** The (protocol, port) pairs a rule matches: numbers per protocol, and named container ports. */
export interface PortSpace {
  readonly ranges: Readonly<Record<Protocol, readonly PortInterval[]>>;
  readonly named: readonly NamedPort[];
}

const FULL: readonly PortInterval[] = [[1, 65535]];
export const EVERY_PORT: PortSpace = { ranges: { TCP: FULL, UDP: FULL, SCTP: FULL }, named: [] };

/** The namespaces of a pod peer: one known namespace (with its labels), or those a selector picks. */
export type NamespaceScope =
  | { readonly kind: 'exact'; readonly name: string; readonly labels: Labels | undefined }
  | { readonly kind: 'selected'; readonly selector: Selector };

/** One peer of a rule, in the terms coverage compares (NetworkPolicy and cluster-wide alike). */
export type PeerSpace =
  /** Every endpoint, inside or outside the cluster. */
  | { readonly kind: 'everything' }
  /** Non-hostNetwork pods of the namespaces whose labels match `pods`. */
  | { readonly kind: 'pods'; readonly namespaces: NamespaceScope; readonly pods: Selector }
  | { readonly kind: 'nodes'; readonly nodes: Selector }
  /** Endpoints with an address in [from, to] (the whole range, both ends included). */
  | { readonly kind: 'addresses'; readonly family: IPFamily; readonly from: bigint; readonly to: bigint };

export interface RuleSpace {
  readonly peers: readonly PeerSpace[];
  readonly ports: PortSpace;
}

/** Selector pieces per peer; more would make coverage slow without making it much more complete. */
const SPLIT_LIMIT = 64;
/** Past this many candidates in a covering set, it is reported as found, without minimising. */
const MINIMISE_LIMIT = 24;

function intervalsCover(intervals: readonly PortInterval[], from: number, to: number): boolean {
  let reached = from - 1;
  for (const [a, b] of [...intervals].sort((x, y) => x[0] - y[0])) {
    if (a > reached + 1) break;
    reached = Math.max(reached, b);
    if (reached >= to) return true;
  }
  return reached >= to;
}

export function portSpaceEmpty(space: PortSpace): boolean {
  return space.named.length === 0 && PROTOCOLS.every((p) => space.ranges[p].every(([a, b]) => a > b));
}

/** Every (protocol, port) of `target` is in at least one of `union`. */
export function portsCovered(target: PortSpace, union: readonly PortSpace[]): boolean {
  const merged = (p: Protocol) => union.flatMap((u) => u.ranges[p]);
  const full = (p: Protocol) => intervalsCover(merged(p), 1, 65535);
  for (const p of PROTOCOLS) {
    const have = merged(p);
    if (!target.ranges[p].every(([a, b]) => a > b || intervalsCover(have, a, b))) return false;
  }
  const hasNamed = (name: string, protocol: Protocol | null) =>
    union.some((u) => u.named.some((m) => m.name === name && (m.protocol === null || m.protocol === protocol)));
  return target.named.every((n) =>
    n.protocol !== null
      ? hasNamed(n.name, n.protocol) || full(n.protocol)
      : hasNamed(n.name, null) || PROTOCOLS.every((p) => full(p) || hasNamed(n.name, p)),
  );
}

type PodsPeer = Extract<PeerSpace, { kind: 'pods' }>;

function namespacesContain(wide: NamespaceScope, narrow: NamespaceScope): boolean {
  if (wide.kind === 'exact') return narrow.kind === 'exact' ? narrow.name === wide.name : onlyNamespace(narrow.selector, wide.name, NAMESPACE_NAME_LABEL);
  if (narrow.kind === 'exact') return narrow.labels !== undefined && selectorMatches(wide.selector, narrow.labels);
  return selectorContains(wide.selector, narrow.selector);
}

/** `wide` matches every endpoint `narrow` matches (only pieces of the same kind are compared). */
function peerContains(wide: PeerSpace, narrow: PodsPeer | Extract<PeerSpace, { kind: 'nodes' }>): boolean {
  if (wide.kind === 'everything') return true;
  if (narrow.kind === 'pods') return wide.kind === 'pods' && namespacesContain(wide.namespaces, narrow.namespaces) && selectorContains(wide.pods, narrow.pods);
  return wide.kind === 'nodes' && selectorContains(wide.nodes, narrow.nodes);
}

function podPieces(peer: PodsPeer): PodsPeer[] {
  const namespaces = peer.namespaces.kind === 'selected' ? splitSelector(peer.namespaces.selector, SPLIT_LIMIT).map((selector): NamespaceScope => ({ kind: 'selected', selector })) : [peer.namespaces];
  const pods = splitSelector(peer.pods, Math.max(1, Math.floor(SPLIT_LIMIT / namespaces.length)));
  return namespaces.flatMap((ns) => pods.map((p) => ({ kind: 'pods' as const, namespaces: ns, pods: p })));
}

/**
 * The candidates that together cover `target` (by index into `candidates`, ascending), or
 * undefined when coverage is not proved. A target that matches no flow at all is not covered: it
 * is not "behind" anything.
 */
export function coveringSet(target: RuleSpace, candidates: readonly RuleSpace[]): number[] | undefined {
  if (target.peers.length === 0 || portSpaceEmpty(target.ports) || candidates.length === 0) return undefined;
  // Most rules fail here, before any peer is compared: all the candidates together miss a port.
  if (!portsCovered(target.ports, candidates.map((c) => c.ports))) return undefined;
  const used = coverWith(target, candidates, candidates.map((_, i) => i));
  if (!used) return undefined;
  let kept = [...used].sort((a, b) => a - b);
  if (kept.length > MINIMISE_LIMIT) return kept;
  // Drop, latest first, every candidate the others cover without.
  for (const drop of [...kept].reverse()) {
    const rest = kept.filter((i) => i !== drop);
    if (rest.length > 0 && coverWith(target, candidates, rest)) kept = rest;
  }
  return kept;
}

/** The candidates (of `allowed`) that contributed to covering every piece, or undefined. */
function coverWith(target: RuleSpace, candidates: readonly RuleSpace[], allowed: readonly number[]): Set<number> | undefined {
  const used = new Set<number>();
  const covers = (contributors: readonly number[]): boolean => {
    if (!portsCovered(target.ports, contributors.map((i) => candidates[i]!.ports))) return false;
    for (const i of contributors) used.add(i);
    return true;
  };
  for (const peer of target.peers) {
    switch (peer.kind) {
      case 'everything':
        if (!covers(allowed.filter((i) => candidates[i]!.peers.some((w) => w.kind === 'everything')))) return undefined;
        break;
      case 'nodes':
        if (!covers(allowed.filter((i) => candidates[i]!.peers.some((w) => peerContains(w, peer))))) return undefined;
        break;
      case 'pods':
        for (const piece of podPieces(peer)) {
          if (!covers(allowed.filter((i) => candidates[i]!.peers.some((w) => peerContains(w, piece))))) return undefined;
        }
        break;
      case 'addresses':
        if (!addressesCovered(peer, candidates, allowed, covers)) return undefined;
        break;
    }
  }
  return used;
}

type AddressPeer = Extract<PeerSpace, { kind: 'addresses' }>;

/** Cuts the range at every candidate range's ends; each segment needs its own covering ports. */
function addressesCovered(target: AddressPeer, candidates: readonly RuleSpace[], allowed: readonly number[], covers: (c: readonly number[]) => boolean): boolean {
  const ranges: { index: number; from: bigint; to: bigint }[] = [];
  const everywhere: number[] = [];
  for (const index of allowed) {
    for (const w of candidates[index]!.peers) {
      if (w.kind === 'everything') everywhere.push(index);
      else if (w.kind === 'addresses' && w.family === target.family && w.from <= target.to && w.to >= target.from) ranges.push({ index, from: w.from, to: w.to });
    }
  }
  const cuts = new Set<bigint>([target.from]);
  for (const r of ranges) {
    if (r.from > target.from) cuts.add(r.from);
    if (r.to < target.to) cuts.add(r.to + 1n);
  }
  const starts = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return starts.every((start, k) => {
    const end = k + 1 < starts.length ? starts[k + 1]! - 1n : target.to;
    const inside = ranges.filter((r) => r.from <= start && r.to >= end).map((r) => r.index);
    return covers([...new Set([...everywhere, ...inside])]);
  });
}
