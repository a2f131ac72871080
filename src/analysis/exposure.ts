/**
 * @module Exposure: per workload and direction, the ports open to (or from) every namespace (an
 * unlabelled pod in each namespace of the bundle and in one it does not have yet), to every pod of
 * the cluster, and to the whole outside world of each family (0.0.0.0/0, ::/0); and the rules whose
 * selectors match no pod today but would admit one that appears later.
 */
import type { Bundle, ClusterPeer, Peer, Protocol, Selector } from '../model/bundle.js';
import type { EndpointSpec, Flow } from '../model/flow.js';
import { selectorMatches } from '../model/selector.js';
import { parseIP, type IPFamily } from '../net/ip.js';
import { connSetKey, isEmptyConnSet, type ConnSet } from './conn-set.js';
import type { ConnectivityResult } from './connectivity.js';
import type { Decider } from './decider.js';
import { endpointKey, isExternal, type WorkloadEndpoint } from './endpoints.js';
import { NOTHING } from './patterns.js';

export interface DirectionExposure {
  /** Open to (from) an unlabelled pod of every namespace, present and future. */
  readonly allNamespaces: ConnSet | null;
  /** Open to (from) every other workload and pod of the cluster. */
  readonly allPods: ConnSet | null;
  /** Open to (from) every outside address of the family. */
  readonly world: { readonly ipv4: ConnSet | null; readonly ipv6: ConnSet | null };
}

export interface WorkloadExposure {
  readonly workload: WorkloadEndpoint;
  readonly ingress: DirectionExposure;
  readonly egress: DirectionExposure;
}

/** A rule of an allowing kind whose pod or namespace peer matches no pod of the bundle. */
export interface FutureRule {
  /** `NetworkPolicy ns/name`, `AdminNetworkPolicy name`, ... */
  readonly policy: string;
  readonly direction: 'ingress' | 'egress';
  /** Index in spec.ingress / spec.egress, and the rule's name for cluster-wide policies. */
  readonly rule: number;
  readonly ruleName?: string;
  readonly peer: number;
  readonly selects: string;
}

export interface Exposure {
  readonly workloads: readonly WorkloadExposure[];
  readonly futureRules: readonly FutureRule[];
}

/** A namespace name no bundle can have (too long for a DNS label): "a namespace created later". */
export const FUTURE_NAMESPACE = 'netpol-edge-a-namespace-that-does-not-exist-yet-in-this-bundle-x';

export function analyzeExposure(bundle: Bundle, decider: Decider, result: ConnectivityResult): Exposure {
  const namespaces = [...bundle.namespaces.map((ns) => ns.name), FUTURE_NAMESPACE];
  const perClass = namespaceExposure(bundle, decider, result, namespaces);
  const { groups, pairs } = result;
  const workloads: WorkloadExposure[] = [];
  groups.workloads.forEach((workload, w) => {
    const classes = [...new Set(groups.pods[w]!.map((p) => pairs.classes.classOf[p]!))];
    const direction = (d: 'ingress' | 'egress'): DirectionExposure => {
      const pattern = classes.reduce((acc, a) => pairs.store.union(acc, perClass.get(`${a}:${d}`)!), NOTHING);
      return {
        allNamespaces: orNull(pairs.store.connSet(pattern)),
        allPods: orNull(fromEveryWorkload(result, workload, d)),
        world: { ipv4: orNull(fromWorld(result, workload, d, 4)), ipv6: orNull(fromWorld(result, workload, d, 6)) },
      };
    };
    const entry = { workload, ingress: direction('ingress'), egress: direction('egress') };
    const open = [entry.ingress, entry.egress].some((e) => e.allNamespaces || e.allPods || e.world.ipv4 || e.world.ipv6);
    if (open) workloads.push(entry);
  });
  return { workloads, futureRules: futureRules(bundle) };
}

function orNull(set: ConnSet): ConnSet | null {
  return isEmptyConnSet(set) ? null : set;
}

/** Per class and direction: the pattern open to an unlabelled pod of every namespace. */
function namespaceExposure(bundle: Bundle, decider: Decider, result: ConnectivityResult, namespaces: readonly string[]): Map<string, number> {
  const { pairs } = result;
  const intervals = pairs.store.intervals;
  const out = new Map<string, number>();
  const words = Math.max(1, Math.ceil(intervals.length / 32));
  // One class at a time: a batch of namespaces x intervals x 2 flows, never the whole bundle's.
  for (const c of pairs.classes.classes) {
    const pod: EndpointSpec = { kind: 'ref', ref: bundle.pods[c.pods[0]!]!.ref };
    const flows: Flow[] = [];
    for (const namespace of namespaces) {
      const adhoc: EndpointSpec = { kind: 'adhoc', pod: { namespace, labels: Object.create(null), ports: [] } };
      for (const interval of intervals) {
        flows.push({ src: pod, dst: adhoc, protocol: interval.protocol, port: interval.from });
        flows.push({ src: adhoc, dst: pod, protocol: interval.protocol, port: interval.from });
      }
    }
    const verdicts = decider.decideFlows(flows);
    let at = 0;
    const egress = new Uint32Array(words);
    const ingress = new Uint32Array(words);
    for (let i = 0; i < intervals.length; i++) {
      egress[i >>> 5]! |= 1 << (i & 31);
      ingress[i >>> 5]! |= 1 << (i & 31);
    }
    for (let n = 0; n < namespaces.length; n++) {
      for (let i = 0; i < intervals.length; i++) {
        if (!verdicts[at++]!.allowed) egress[i >>> 5]! &= ~(1 << (i & 31));
        if (!verdicts[at++]!.allowed) ingress[i >>> 5]! &= ~(1 << (i & 31));
      }
    }
    out.set(`${c.id}:egress`, pairs.store.intern(egress));
    out.set(`${c.id}:ingress`, pairs.store.intern(ingress));
  }
  return out;
}

function intersect(a: ConnSet, b: ConnSet): ConnSet {
  const ports = {} as Record<Protocol, [number, number][]>;
  for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) {
    ports[protocol] = [];
    for (const [a0, a1] of a.ports[protocol]) {
      for (const [b0, b1] of b.ports[protocol]) {
        const lo = Math.max(a0, b0);
        const hi = Math.min(a1, b1);
        if (lo <= hi) ports[protocol].push([lo, hi]);
      }
    }
  }
  const all = a.all && b.all;
  return { all, ports };
}

const EVERYTHING_KEY = '1-65535|1-65535|1-65535';

/** What every other workload of the cluster may open to it (ingress) or it to them (egress). */
function fromEveryWorkload(result: ConnectivityResult, workload: WorkloadEndpoint, direction: 'ingress' | 'egress'): ConnSet {
  const key = endpointKey(workload);
  const others = result.groups.workloads.filter((w) => endpointKey(w) !== key);
  if (others.length === 0) return { all: false, ports: { TCP: [], UDP: [], SCTP: [] } };
  const sets = new Map<string, ConnSet>();
  for (const c of result.connections) {
    const [self, other] = direction === 'ingress' ? [c.dst, c.src] : [c.src, c.dst];
    if (isExternal(other) || isExternal(self) || endpointKey(self) !== key || endpointKey(other) === key) continue;
    sets.set(endpointKey(other), c.set);
  }
  if (sets.size < others.length) return { all: false, ports: { TCP: [], UDP: [], SCTP: [] } };
  return [...sets.values()].reduce(intersect);
}

/** What every outside address of one family may open to it (or it to them). */
function fromWorld(result: ConnectivityResult, workload: WorkloadEndpoint, direction: 'ingress' | 'egress', family: IPFamily): ConnSet {
  const empty: ConnSet = { all: false, ports: { TCP: [], UDP: [], SCTP: [] } };
  const key = endpointKey(workload);
  let total = 0n;
  for (const piece of result.pairs.pieces) {
    if (piece.family === family) for (const [lo, hi] of piece.ranges) total += hi - lo + 1n;
  }
  let covered = 0n;
  let set: ConnSet | undefined;
  for (const c of result.connections) {
    const [self, other] = direction === 'ingress' ? [c.dst, c.src] : [c.src, c.dst];
    if (!isExternal(other) || isExternal(self) || endpointKey(self) !== key) continue;
    let size = 0n;
    for (const range of other.external) {
      const [lo, hi] = range.split('-').map((t) => parseIP(t)!);
      if (lo!.family === family) size += hi!.value - lo!.value + 1n;
    }
    if (size === 0n) continue;
    covered += size;
    set = set ? intersect(set, c.set) : c.set;
  }
  if (total === 0n || covered !== total || !set) return empty;
  return connSetKey(set) === EVERYTHING_KEY ? { ...set, all: true } : set;
}

function selectorText(selector: Selector): string {
  const terms = [
    ...Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${v}`),
    ...selector.matchExpressions.map((e) => `${e.key} ${e.operator}${e.values.length ? ` (${e.values.join(',')})` : ''}`),
  ];
  return terms.length === 0 ? '{}' : terms.join(', ');
}

function futureRules(bundle: Bundle): FutureRule[] {
  const pods = bundle.pods.filter((p) => !p.hostNetwork);
  const nsLabels = new Map(bundle.namespaces.map((ns) => [ns.name, ns.labels]));
  const matchesAny = (ns: ((name: string) => boolean), podSelector: Selector | undefined) =>
    pods.some((p) => ns(p.namespace) && (podSelector === undefined || selectorMatches(podSelector, p.labels)));
  const byNamespaceSelector = (selector: Selector) => (name: string) => {
    const labels = nsLabels.get(name);
    return labels !== undefined && selectorMatches(selector, labels);
  };
  const out: FutureRule[] = [];
  for (const policy of bundle.policies) {
    for (const direction of ['ingress', 'egress'] as const) {
      const rules = direction === 'ingress' ? policy.ingress : policy.egress;
      rules.forEach((rule, r) => {
        (rule.peers ?? []).forEach((peer: Peer, i) => {
          if (peer.kind !== 'pods') return;
          const ns = peer.namespaceSelector === null ? (name: string) => name === policy.namespace : byNamespaceSelector(peer.namespaceSelector);
          if (matchesAny(ns, peer.podSelector)) return;
          const where = peer.namespaceSelector === null ? `namespace ${policy.namespace}` : `namespaces ${selectorText(peer.namespaceSelector)}`;
          out.push({ policy: `NetworkPolicy ${policy.namespace}/${policy.name}`, direction, rule: r, peer: i, selects: `pods ${selectorText(peer.podSelector)} in ${where}` });
        });
      });
    }
  }
  for (const policy of bundle.clusterPolicies) {
    for (const direction of ['ingress', 'egress'] as const) {
      const rules = direction === 'ingress' ? policy.ingress : policy.egress;
      rules.forEach((rule, r) => {
        if (rule.action !== 'Allow') return;
        rule.peers.forEach((peer: ClusterPeer, i) => {
          if (peer.kind !== 'pods' && peer.kind !== 'namespaces') return;
          const podSelector = peer.kind === 'pods' ? peer.podSelector : undefined;
          if (matchesAny(byNamespaceSelector(peer.namespaceSelector), podSelector)) return;
          const what = podSelector ? `pods ${selectorText(podSelector)} in ` : 'every pod in ';
          out.push({
            policy: `${policy.kind} ${policy.name}`,
            direction,
            rule: r,
            ruleName: rule.name,
            peer: i,
            selects: `${what}namespaces ${selectorText(peer.namespaceSelector)}`,
          });
        });
      });
    }
  }
  return out;
}
