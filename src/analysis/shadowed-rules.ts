/**
 * @module Shadowed rules: rules that can never decide a flow because an earlier rule always
 * matches first, found statically from the bundle.
 *
 * - A cluster-wide rule R (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy)
 *   is shadowed by a rule E of the same direction that comes before it in the tier's order (a
 *   lower priority number, then name, or earlier in the same policy; any admin Allow or Deny comes
 *   before every baseline rule) when E applies to every subject of R and E's peers and ports
 *   contain R's: the first matching rule decides (or passes), so R is never the first.
 * - A NetworkPolicy allow rule R is shadowed by an allow rule E of the same direction that comes
 *   before it (an earlier policy of the namespace, or earlier in the same policy) in a policy that
 *   selects every pod R's policy selects, with peers and ports containing R's: the first allowing
 *   rule is the one that decides, so R never does (the flow is allowed either way).
 *
 * Containment is proved, never guessed: label selectors by term implication (every term of the
 * wider selector implied by one term of the narrower), peers one by one (each peer of R inside one
 * peer of E), ports as intervals per protocol. When containment cannot be proved the rule is NOT
 * reported: a false "shadowed" would lead an operator to delete a rule that matters. So the list
 * is sound but not complete (a rule covered only by several earlier rules together is not found).
 */
import {
  NAMESPACE_NAME_LABEL,
  type Bundle,
  type ClusterPeer,
  type ClusterPolicy,
  type ClusterPort,
  type ClusterRule,
  type NetworkPolicy,
  type Peer,
  type PortMatch,
  type Protocol,
  type Rule,
  type Selector,
  type SelectorRequirement,
} from '../model/bundle.js';
import { selectorMatches } from '../model/selector.js';
import type { CIDR } from '../net/ip.js';
import { cidrContains } from '../net/ip.js';

type Direction = 'ingress' | 'egress';

/** A policy rule, as reports name it (`rule` indexes spec.ingress or spec.egress). */
export interface ShadowedRuleRef {
  readonly kind: 'NetworkPolicy' | ClusterPolicy['kind'];
  readonly namespace?: string;
  readonly name: string;
  readonly direction: Direction;
  readonly rule: number;
  readonly ruleName?: string;
}

export interface ShadowedRule extends ShadowedRuleRef {
  /** The earliest rule that always decides before it. */
  readonly shadowedBy: ShadowedRuleRef;
}

export function findShadowedRules(bundle: Bundle): ShadowedRule[] {
  return [...shadowedNetworkPolicyRules(bundle), ...shadowedClusterRules(bundle)];
}

// ------------------------------------------------------------------ label selectors

/** matchLabels as `In [value]`, so that one implication table covers both forms. */
function terms(selector: Selector): SelectorRequirement[] {
  const labels = Object.keys(selector.matchLabels).map((key): SelectorRequirement => ({ key, operator: 'In', values: [selector.matchLabels[key]!] }));
  return [...labels, ...selector.matchExpressions];
}

/** Every label set that satisfies `narrow` satisfies `wide` (one term of `narrow` per term of `wide`). */
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

/** `wide` selects every label set `narrow` selects (proved term by term; false when unsure). */
export function selectorContains(wide: Selector, narrow: Selector): boolean {
  const narrowTerms = terms(narrow);
  return terms(wide).every((w) => narrowTerms.some((n) => termImplies(n, w)));
}

/** A selector that can only match the namespace named `namespace`. */
function onlyNamespace(selector: Selector, namespace: string): boolean {
  return terms(selector).some((t) => termImplies(t, { key: NAMESPACE_NAME_LABEL, operator: 'In', values: [namespace] }));
}

// ------------------------------------------------------------------ addresses and ports

function cidrInside(inner: CIDR, outer: CIDR): boolean {
  return inner.family === outer.family && inner.prefix >= outer.prefix && cidrContains(outer, { family: inner.family, value: inner.base });
}

/** Closed intervals [from, to] cover [from, to] of the target. */
function intervalsCover(intervals: readonly (readonly [number, number])[], from: number, to: number): boolean {
  let reached = from - 1;
  for (const [a, b] of [...intervals].sort((x, y) => x[0] - y[0])) {
    if (a > reached + 1) break;
    reached = Math.max(reached, b);
    if (reached >= to) return true;
  }
  return reached >= to;
}

const ALL_PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

// ------------------------------------------------------------------ NetworkPolicies

function npPortIntervals(ports: readonly PortMatch[], protocol: Protocol): [number, number][] {
  return ports.flatMap((p): [number, number][] => {
    if (p.protocol !== protocol) return [];
    if (p.kind === 'all') return [[1, 65535]];
    if (p.kind === 'range') return [[p.from, p.to]];
    return [];
  });
}

/** Every (protocol, port) `narrow` matches, `wide` matches (null: every port of every protocol). */
function npPortsContain(wide: readonly PortMatch[] | null, narrow: readonly PortMatch[] | null): boolean {
  if (wide === null) return true;
  if (narrow === null) return ALL_PROTOCOLS.every((p) => intervalsCover(npPortIntervals(wide, p), 1, 65535));
  return narrow.every((port) => {
    const covered = npPortIntervals(wide, port.protocol);
    if (port.kind === 'all') return intervalsCover(covered, 1, 65535);
    if (port.kind === 'range') return intervalsCover(covered, port.from, port.to);
    // A named port resolves to some number on the destination: the same name, or every port.
    return wide.some((w) => w.kind === 'named' && w.protocol === port.protocol && w.name === port.name) || intervalsCover(covered, 1, 65535);
  });
}

/** The IPs `narrow` matches are inside `wide`'s: inside its cidr, and none in its exceptions. */
function ipBlockContains(wide: Extract<Peer, { kind: 'ipBlock' }>, narrow: Extract<Peer, { kind: 'ipBlock' }>): boolean {
  if (!cidrInside(narrow.cidr, wide.cidr)) return false;
  return wide.except.every((hole) => {
    const disjoint = !cidrInside(hole, narrow.cidr) && !cidrInside(narrow.cidr, hole);
    return disjoint || narrow.except.some((own) => cidrInside(hole, own));
  });
}

/** Peer `narrow` of policy `np` matches nothing that peer `wide` of policy `wp` does not. */
function npPeerContains(bundle: Bundle, wide: Peer, wp: NetworkPolicy, narrow: Peer, np: NetworkPolicy): boolean {
  if (wide.kind === 'ipBlock' || narrow.kind === 'ipBlock') return wide.kind === 'ipBlock' && narrow.kind === 'ipBlock' && ipBlockContains(wide, narrow);
  if (!selectorContains(wide.podSelector, narrow.podSelector)) return false;
  // null namespaceSelector: the policy's own namespace.
  if (narrow.namespaceSelector === null) {
    if (wide.namespaceSelector === null) return wp.namespace === np.namespace;
    const labels = bundle.namespaces.find((ns) => ns.name === np.namespace)?.labels;
    return labels !== undefined && selectorMatches(wide.namespaceSelector, labels);
  }
  if (wide.namespaceSelector === null) return onlyNamespace(narrow.namespaceSelector, wp.namespace);
  return selectorContains(wide.namespaceSelector, narrow.namespaceSelector);
}

function npRuleContains(bundle: Bundle, wide: Rule, wp: NetworkPolicy, narrow: Rule, np: NetworkPolicy): boolean {
  if (!npPortsContain(wide.ports, narrow.ports)) return false;
  if (wide.peers === null) return true;
  if (narrow.peers === null) return false;
  return narrow.peers.every((n) => wide.peers!.some((w) => npPeerContains(bundle, w, wp, n, np)));
}

function shadowedNetworkPolicyRules(bundle: Bundle): ShadowedRule[] {
  const found: ShadowedRule[] = [];
  const policies = bundle.policies;
  for (const direction of ['ingress', 'egress'] as const) {
    const affects = (p: NetworkPolicy): boolean => (direction === 'ingress' ? p.affectsIngress : p.affectsEgress);
    policies.forEach((policy, pi) => {
      if (!affects(policy)) return;
      policy[direction].forEach((rule, ri) => {
        const ref = { kind: 'NetworkPolicy' as const, namespace: policy.namespace, name: policy.name, direction, rule: ri };
        // Earlier in the order the evaluator reports the first allowing rule in: policies, then rules.
        for (let qi = 0; qi <= pi; qi++) {
          const other = policies[qi]!;
          if (other.namespace !== policy.namespace || !affects(other) || !selectorContains(other.podSelector, policy.podSelector)) continue;
          const rules = other[direction];
          const end = qi === pi ? ri : rules.length;
          for (let ei = 0; ei < end; ei++) {
            if (npRuleContains(bundle, rules[ei]!, other, rule, policy)) {
              found.push({ ...ref, shadowedBy: { kind: 'NetworkPolicy', namespace: other.namespace, name: other.name, direction, rule: ei } });
              return;
            }
          }
        }
      });
    });
  }
  return found;
}

// ------------------------------------------------------------------ cluster-wide policies

type ClusterSubjectSet = { readonly namespaceSelector: Selector; readonly podSelector: Selector | null };

function subjectOf(policy: ClusterPolicy): ClusterSubjectSet {
  const s = policy.subject;
  return { namespaceSelector: s.namespaceSelector, podSelector: s.kind === 'pods' ? s.podSelector : null };
}

/** `wide` selects every pod `narrow` selects (a null podSelector selects every pod). */
function podSetContains(wide: ClusterSubjectSet, narrow: ClusterSubjectSet): boolean {
  if (!selectorContains(wide.namespaceSelector, narrow.namespaceSelector)) return false;
  if (wide.podSelector === null) return true;
  return selectorContains(wide.podSelector, narrow.podSelector ?? { matchLabels: {}, matchExpressions: [] });
}

function clusterPeerContains(wide: ClusterPeer, narrow: ClusterPeer): boolean {
  switch (narrow.kind) {
    case 'namespaces':
    case 'pods': {
      if (wide.kind !== 'namespaces' && wide.kind !== 'pods') return false;
      const w = { namespaceSelector: wide.namespaceSelector, podSelector: wide.kind === 'pods' ? wide.podSelector : null };
      const n = { namespaceSelector: narrow.namespaceSelector, podSelector: narrow.kind === 'pods' ? narrow.podSelector : null };
      return podSetContains(w, n);
    }
    case 'nodes':
      return wide.kind === 'nodes' && selectorContains(wide.nodeSelector, narrow.nodeSelector);
    case 'networks':
      return wide.kind === 'networks' && narrow.cidrs.every((c) => wide.cidrs.some((w) => cidrInside(c, w)));
  }
}

/** A peer no field of which this version knows fails closed: Deny and Pass then match every peer. */
const matchesEveryPeer = (rule: ClusterRule): boolean => rule.unrecognisedPeers > 0 && rule.action !== 'Allow';

function clusterPeersContain(wide: ClusterRule, narrow: ClusterRule): boolean {
  if (matchesEveryPeer(wide)) return true;
  if (matchesEveryPeer(narrow)) return false;
  return narrow.peers.every((n) => wide.peers.some((w) => clusterPeerContains(w, n)));
}

function clusterPortIntervals(ports: readonly ClusterPort[], protocol: Protocol): [number, number][] {
  return ports.flatMap((p): [number, number][] => {
    if (p.kind === 'number' && p.protocol === protocol) return [[p.port, p.port]];
    if (p.kind === 'range' && p.protocol === protocol) return [[p.from, p.to]];
    return [];
  });
}

function clusterPortsContain(wide: readonly ClusterPort[] | null, narrow: readonly ClusterPort[] | null): boolean {
  if (wide === null) return true;
  const everyPort = ALL_PROTOCOLS.every((p) => intervalsCover(clusterPortIntervals(wide, p), 1, 65535));
  if (narrow === null) return everyPort;
  return narrow.every((port) => {
    if (port.kind === 'named') return everyPort || wide.some((w) => w.kind === 'named' && w.name === port.name);
    const [from, to] = port.kind === 'number' ? [port.port, port.port] : [port.from, port.to];
    return intervalsCover(clusterPortIntervals(wide, port.protocol), from, to);
  });
}

function shadowedClusterRules(bundle: Bundle): ShadowedRule[] {
  const found: ShadowedRule[] = [];
  // The bundle's order is the evaluation order: admin tier by priority then name, then baseline.
  const policies = bundle.clusterPolicies;
  for (const direction of ['ingress', 'egress'] as const) {
    policies.forEach((policy, pi) => {
      const subject = subjectOf(policy);
      policy[direction].forEach((rule, ri) => {
        const earlier = earlierClusterRules(policies, pi, ri, direction);
        for (const { policy: other, index } of earlier) {
          const candidate = other[direction][index]!;
          if (!podSetContains(subjectOf(other), subject)) continue;
          if (clusterPeersContain(candidate, rule) && clusterPortsContain(candidate.ports, rule.ports)) {
            found.push({
              kind: policy.kind, name: policy.name, direction, rule: ri, ruleName: rule.name,
              shadowedBy: { kind: other.kind, name: other.name, direction, rule: index, ruleName: candidate.name },
            });
            return;
          }
        }
      });
    });
  }
  return found;
}

/**
 * The rules evaluated before rule `ri` of policy `pi`: of the same tier, every rule of earlier
 * policies and earlier rules of the same policy; for a baseline rule, also every admin Allow and
 * Deny (an admin Pass hands the flow down to the baseline tier, so it does not shadow it).
 */
function* earlierClusterRules(policies: readonly ClusterPolicy[], pi: number, ri: number, direction: Direction) {
  const tier = policies[pi]!.tier;
  for (let qi = 0; qi <= pi; qi++) {
    const other = policies[qi]!;
    const rules = other[direction];
    const end = qi === pi ? ri : rules.length;
    for (let index = 0; index < end; index++) {
      const sameTier = other.tier === tier;
      if (sameTier || rules[index]!.action !== 'Pass') yield { policy: other, index };
    }
  }
}
