/**
 * @module `list --focus` without the whole bundle: the focus is decided on its scope
 * (focus-scope.ts: the focused pods, their node relations, one pod per class key for the pods
 * that may be their peers, focus-peers.ts), compiled alone, and the answer carried back. A workload's connection with the focus is
 * the union over its pods of the connection of the scope's pod that stands for each; the outside
 * world loses again the addresses of the pods the scope left out (an address a pod owns is that
 * pod, not the outside world). Equal to the whole-bundle focus: test/connectivity-focus.test.ts.
 */
import type { Bundle } from '../model/bundle.js';
import { formatIP, parseIP, type IPFamily } from '../net/ip.js';
import { connSetOf, MAX_PORT, unionConnSets, type ConnSet } from './conn-set.js';
import { analyzeConnectivity, type Connection, type ConnectivityOptions, type ConnectivityResult } from './connectivity.js';
import type { Decider } from './decider.js';
import { findWorkload, groupWorkloads, isExternal, type AnalysisEndpoint, type ExternalEndpoint, type WorkloadGroups } from './endpoints.js';
import { focusPeers } from './focus-peers.js';
import { ALL, focusRelationKeys } from './focus-relations.js';
import { focusScope, type FocusScope } from './focus-scope.js';
import { firstAtOrAbove, hexOf, PodAddressIndex, type OwnedAddresses } from './pod-address-index.js';

export interface FocusedConnectivity {
  readonly result: ConnectivityResult;
  /** The scope's bundle and decider: a connection's `representatives` name flows of the scope. */
  readonly bundle: Bundle;
  readonly decider: Decider;
}

/**
 * Past this share of the bundle's pods in the scope, the whole bundle is analysed instead: a focus
 * node-related to nearly every pod (a hostNetwork DaemonSet) keeps nearly all of them anyway.
 */
export const LARGEST_SCOPE = 0.5;

/**
 * The connections into or out of `options.focus` (and the workloads of `options.focusPods`).
 * `deciderFor` compiles a bundle (the scope's); `result.pairs` is the scope's analysis.
 * `largestScope`: see LARGEST_SCOPE (1: always the scope).
 */
export function focusedConnectivity(
  bundle: Bundle,
  deciderFor: (scoped: Bundle) => Decider,
  options: ConnectivityOptions,
  largestScope = LARGEST_SCOPE,
): FocusedConnectivity {
  const groups = groupWorkloads(bundle);
  const focused = new Set<number>(options.focusPods?.map((p) => groups.workloadOf[p]!));
  if (options.focus !== undefined) focused.add(findWorkload(groups, options.focus));
  if (focused.size === 0) throw new Error('focusedConnectivity: no focus given');
  const focusPods = [...focused].sort((a, b) => a - b).flatMap((w) => groups.pods[w]!);
  const addressIndex = new PodAddressIndex(bundle);
  // Explanations name each node-related pair's own rules: those pairs stay one by one then.
  const relations = options.explain ? undefined : focusRelationKeys(bundle, focusPods, groups.workloadOf, addressIndex);
  const settled = relations && Uint8Array.from(relations, (relation) => (relation === ALL ? 1 : 0));
  const scope = focusScope(bundle, focusPods, focusPeers(bundle, focusPods, addressIndex, settled), addressIndex, relations);
  if (scope.original.length > largestScope * bundle.pods.length) {
    const decider = deciderFor(bundle);
    return { result: analyzeConnectivity(bundle, decider, options), bundle, decider };
  }
  const decider = deciderFor(scope.bundle);
  const inner = analyzeConnectivity(scope.bundle, decider, { ...options, focus: undefined, focusPods: scope.focusPods });
  const carried = carryBack(bundle, groups, scope, inner, focused, addressIndex, settled);
  return { result: { connections: sortConnections(carried, groups), pairs: inner.pairs, groups }, bundle: scope.bundle, decider };
}

const EVERY_PORT = connSetOf({ TCP: [[1, MAX_PORT]], UDP: [[1, MAX_PORT]], SCTP: [[1, MAX_PORT]] });

/** A connection of the focus with one endpoint of the scope, by that endpoint's scope pod. */
interface Reach {
  set: ConnSet;
  representatives?: string[];
}

function carryBack(
  bundle: Bundle,
  groups: WorkloadGroups,
  scope: FocusScope,
  inner: ConnectivityResult,
  focused: ReadonlySet<number>,
  addressIndex: PodAddressIndex,
  settled: Uint8Array | undefined,
): Connection[] {
  // Each inner workload: a focused workload (the scope keeps those whole), or one scope pod.
  const podOfInner = inner.groups.pods.map((pods) => pods[0]!);
  const workloadOfInner = podOfInner.map((p) => groups.workloadOf[scope.original[p]!]!);
  const innerIndex = new Map(inner.groups.workloads.map((w, i) => [w, i]));
  const indexOf = (e: AnalysisEndpoint): number | undefined => (isExternal(e) ? undefined : innerIndex.get(e)!);
  const outOf = new Map<number, Map<number, Reach>>();
  const into = new Map<number, Map<number, Reach>>();
  const connections: Connection[] = [];
  const outside: Connection[] = [];
  for (const c of inner.connections) {
    const [s, d] = [indexOf(c.src), indexOf(c.dst)];
    if (s === undefined || d === undefined) {
      outside.push(c);
      continue;
    }
    const [sFocus, dFocus] = [scope.isFocus[podOfInner[s]!] === 1, scope.isFocus[podOfInner[d]!] === 1];
    if (sFocus && dFocus) connections.push({ ...c, src: groups.workloads[workloadOfInner[s]!]!, dst: groups.workloads[workloadOfInner[d]!]! });
    else if (sFocus) note(outOf, workloadOfInner[s]!, podOfInner[d]!, c);
    else if (dFocus) note(into, workloadOfInner[d]!, podOfInner[s]!, c);
  }
  // Per other workload with a pod stood for by a scope pod the focus reaches: those scope pods, once each.
  const reached = new Uint8Array(scope.original.length);
  for (const table of [outOf, into]) for (const row of table.values()) for (const pod of row.keys()) reached[pod] = 1;
  // A workload with a pod open-related to every focused workload: every port, both ways, with each.
  const everything = new Set<number>();
  settled?.forEach((all, p) => all && everything.add(groups.workloadOf[p]!));
  for (const w of everything) {
    for (const x of focused) connections.push({ src: groups.workloads[x]!, dst: groups.workloads[w]!, set: EVERY_PORT }, { src: groups.workloads[w]!, dst: groups.workloads[x]!, set: EVERY_PORT });
  }
  const touched = new Set<number>();
  scope.standsFor.forEach((s, p) => {
    if (s >= 0 && reached[s]) touched.add(groups.workloadOf[p]!);
  });
  [...touched].forEach((w) => {
    if (focused.has(w) || everything.has(w)) return;
    const standing = [...new Set(groups.pods[w]!.map((p) => scope.standsFor[p]!))].filter((s) => s >= 0);
    for (const [x, reach] of outOf) {
      const joined = joinReach(standing, reach);
      if (joined) connections.push({ src: groups.workloads[x]!, dst: groups.workloads[w]!, ...joined });
    }
    for (const [y, reach] of into) {
      const joined = joinReach(standing, reach);
      if (joined) connections.push({ src: groups.workloads[w]!, dst: groups.workloads[y]!, ...joined });
    }
  });
  if (outside.length === 0) return connections;
  const owned = droppedAddresses(bundle, scope, addressIndex);
  const trimmed = new Map<AnalysisEndpoint, ExternalEndpoint | undefined>();
  const trim = (e: AnalysisEndpoint): AnalysisEndpoint | undefined => {
    if (!isExternal(e)) return groups.workloads[workloadOfInner[indexOf(e)!]!]!;
    if (!trimmed.has(e)) trimmed.set(e, withoutAddresses(e, owned));
    return trimmed.get(e);
  };
  for (const c of outside) {
    const [src, dst] = [trim(c.src), trim(c.dst)];
    if (src && dst) connections.push({ ...c, src, dst });
  }
  return connections;
}

function note(table: Map<number, Map<number, Reach>>, focus: number, pod: number, c: Connection): void {
  let row = table.get(focus);
  if (!row) table.set(focus, (row = new Map()));
  row.set(pod, c.representatives ? { set: c.set, representatives: [...c.representatives] } : { set: c.set });
}

function joinReach(standing: readonly number[], reach: Map<number, Reach>): Reach | undefined {
  let joined: Reach | undefined;
  for (const pod of standing) {
    const found = reach.get(pod);
    if (!found) continue;
    if (!joined) joined = found.representatives ? { set: found.set, representatives: [...found.representatives] } : { set: found.set };
    else {
      joined.set = unionConnSets(joined.set, found.set);
      if (found.representatives) joined.representatives = [...new Set([...joined.representatives!, ...found.representatives])];
    }
  }
  return joined;
}

/** The addresses pods left out of the scope own (hostNetwork pods own none), ascending, per family. */
function droppedAddresses(bundle: Bundle, scope: FocusScope, addressIndex: PodAddressIndex): OwnedAddresses {
  const inScope = new Uint8Array(bundle.pods.length);
  for (const p of scope.original) inScope[p] = 1;
  return addressIndex.ownedOutside(inScope);
}

/** The endpoint's ranges without the owned addresses; undefined when nothing is left. */
function withoutAddresses(endpoint: ExternalEndpoint, owned: OwnedAddresses): ExternalEndpoint | undefined {
  const out: string[] = [];
  for (const range of endpoint.external) {
    const [first, last] = range.split('-') as [string, string];
    const { family, value: lo } = parseIP(first)!;
    const hi = parseIP(last)!.value;
    const text = (value: bigint): string => formatIP({ family, value });
    let next = lo;
    for (const value of ownedWithin(owned, family, lo, hi)) {
      if (value > next) out.push(`${text(next)}-${text(value - 1n)}`);
      next = value + 1n;
    }
    if (next <= hi) out.push(`${text(next)}-${text(hi)}`);
  }
  return out.length === 0 ? undefined : { external: out };
}

/** The owned addresses of the family in [lo, hi], ascending, as bigints (only those are converted). */
function* ownedWithin(owned: OwnedAddresses, family: IPFamily, lo: bigint, hi: bigint): Generator<bigint> {
  if (family === 4) {
    const values = owned[4];
    for (let at = firstAtOrAbove(values, Number(lo)); at < values.length && values[at]! <= Number(hi); at++) yield BigInt(values[at]!);
    return;
  }
  const values = owned[6];
  const [first, last] = [hexOf(lo), hexOf(hi)];
  for (let at = firstAtOrAbove(values, first); at < values.length && values[at]! <= last; at++) yield BigInt(`0x${values[at]!}`);
}

/** Workloads in their order, the outside world after them (IPv4 ranges first, by address). */
function sortConnections(connections: Connection[], groups: WorkloadGroups): Connection[] {
  const order = new Map<AnalysisEndpoint, number>();
  groups.workloads.forEach((w, i) => order.set(w, i));
  // Ranked by first appearance of their ranges; each endpoint object's ranges joined once only.
  const externals = new Map<string, AnalysisEndpoint>();
  const seen = new Set<AnalysisEndpoint>();
  for (const c of connections) {
    for (const e of [c.src, c.dst]) {
      if (!('external' in e) || seen.has(e)) continue;
      seen.add(e);
      externals.set(e.external.join(','), e);
    }
  }
  [...externals.values()].forEach((e, i) => order.set(e, groups.workloads.length + i));
  // Each connection's rank computed once, then sorted by it (ties keep their order, as a stable sort).
  const width = order.size;
  const count = connections.length;
  const ranks = new Float64Array(count);
  connections.forEach((c, i) => (ranks[i] = order.get(c.src)! * width + order.get(c.dst)!));
  if (width * width * count < Number.MAX_SAFE_INTEGER) {
    // Rank and position in one exact number: the native numeric sort, with no comparator to call.
    for (let i = 0; i < count; i++) ranks[i] = ranks[i]! * count + i;
    ranks.sort();
    return Array.from(ranks, (key) => connections[key % count]!);
  }
  const sorted = new Uint32Array(count).map((_, i) => i).sort((i, j) => ranks[i]! - ranks[j]! || i - j);
  return Array.from(sorted, (i) => connections[i]!);
}
