/**
 * @module Shadowed rules: rules that can never decide a flow because earlier rules always match
 * first, found statically from the bundle.
 *
 * "Decide" is what the evaluator reports (and replay counts): a cluster-wide rule decides when it
 * is the first matching rule of its tier (Allow, Deny or Pass); a NetworkPolicy rule when it is the
 * first allowing rule of the policies selecting the pod, in policy order (namespace, then name)
 * then rule order. A rule R is shadowed when every flow it matches, for every pod it applies to,
 * is matched first by one of these rules (several may share the work: 80-85 and 86-90 cover 80-90):
 * - R of a cluster-wide tier: earlier rules of the same tier (a lower priority number, then kind
 *   and name, or earlier in the same policy), any action, whose policy applies to every subject of
 *   R's policy. For a baseline rule, also admin Allow and Deny rules applying to all its subjects,
 *   but only those before the first admin Pass that may apply to one of them: a Pass hands its
 *   flows down, so the Allow or Deny behind it is not reached for them.
 * - R of a NetworkPolicy: admin Allow and Deny rules applying to every pod R's policy selects
 *   (its namespace's labels match, its pod selector contains R's), again only those before the
 *   first admin Pass that may apply to one of them; and allow rules of the same namespace's
 *   policies selecting every pod R's policy selects that come earlier in the evaluator's order.
 *   Only earlier rules: of two NetworkPolicy rules that cover each other, the later is shadowed and
 *   the earlier is not (it is the one that decides), so both are never listed.
 *
 * Coverage is proved (rule-coverage.ts), never guessed: when it cannot be proved the rule is NOT
 * reported, since a false "shadowed" would lead an operator to delete a rule that matters. So the
 * list is sound but not complete (for example, selectors whose union covers another only through
 * NotIn or Exists terms, or a pod peer covered by ipBlocks of every pod address, are not found).
 */
import type { Bundle, ClusterPeer, ClusterPolicy, ClusterPort, ClusterRule, Labels, NetworkPolicy, Peer, PortMatch, Protocol, Selector } from '../model/bundle.js';
import { EMPTY_SELECTOR, selectorMatches } from '../model/selector.js';
import { familyBits, type CIDR } from '../net/ip.js';
import { coveringSet, EVERY_PORT, type NamedPort, type PeerSpace, type PortInterval, type PortSpace, type RuleSpace } from './rule-coverage.js';
import { selectorContains, selectorsDisjoint } from './selector-sets.js';

export { selectorContains } from './selector-sets.js';

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
  /** The earlier rules that together always decide first, in evaluation order (often one). */
  readonly shadowedBy: readonly ShadowedRuleRef[];
}

/** A rule that may decide before another, with its flow space. */
interface Candidate {
  readonly ref: ShadowedRuleRef;
  readonly space: RuleSpace;
}

export function findShadowedRules(bundle: Bundle): ShadowedRule[] {
  const found: ShadowedRule[] = [];
  const labels = new Map(bundle.namespaces.map((ns) => [ns.name, ns.labels]));
  for (const direction of ['ingress', 'egress'] as const) {
    const cluster = bundle.clusterPolicies.map((policy) => policy[direction].map((rule, index) => clusterCandidate(policy, rule, index, direction)));
    found.push(...shadowedNetworkPolicyRules(bundle, labels, direction, cluster));
    found.push(...shadowedClusterRules(bundle, direction, cluster));
  }
  const order = (r: ShadowedRule) => (r.kind === 'NetworkPolicy' ? 0 : 1);
  return found.sort((a, b) => order(a) - order(b));
}

/** Candidates in evaluation order, with their spaces side by side (what coverage reads). */
class Earlier {
  readonly refs: ShadowedRuleRef[] = [];
  readonly spaces: RuleSpace[] = [];

  constructor(...lists: readonly (readonly Candidate[])[]) {
    for (const list of lists) for (const c of list) this.push(c);
  }

  push(candidate: Candidate): void {
    this.refs.push(candidate.ref);
    this.spaces.push(candidate.space);
  }

  shadow(ref: ShadowedRuleRef, space: RuleSpace): ShadowedRule | undefined {
    const covering = coveringSet(space, this.spaces);
    return covering && { ...ref, shadowedBy: covering.map((i) => this.refs[i]!) };
  }
}

// ------------------------------------------------------------------ flow spaces of rules

function cidrRange(cidr: CIDR): { from: bigint; to: bigint } {
  return { from: cidr.base, to: cidr.base + (1n << BigInt(familyBits(cidr.family) - cidr.prefix)) - 1n };
}

/** The cidr minus its exceptions, as disjoint ranges. */
function ipBlockSpaces(cidr: CIDR, except: readonly CIDR[]): PeerSpace[] {
  const holes = except.map(cidrRange).sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const { from, to } = cidrRange(cidr);
  const spaces: PeerSpace[] = [];
  let next = from;
  for (const hole of holes) {
    if (hole.from > next) spaces.push({ kind: 'addresses', family: cidr.family, from: next, to: hole.from - 1n });
    if (hole.to + 1n > next) next = hole.to + 1n;
  }
  if (next <= to) spaces.push({ kind: 'addresses', family: cidr.family, from: next, to });
  return spaces;
}

function portSpace(entries: readonly { protocol: Protocol | null; range?: PortInterval; name?: string }[]): PortSpace {
  const ranges: Record<Protocol, PortInterval[]> = { TCP: [], UDP: [], SCTP: [] };
  const named: NamedPort[] = [];
  for (const e of entries) {
    if (e.name !== undefined) named.push({ protocol: e.protocol, name: e.name });
    else if (e.range && e.protocol !== null && e.range[0] <= e.range[1]) ranges[e.protocol].push(e.range);
  }
  return { ranges, named };
}

function npPorts(ports: readonly PortMatch[] | null): PortSpace {
  if (ports === null) return EVERY_PORT;
  return portSpace(ports.map((p) =>
    p.kind === 'all' ? { protocol: p.protocol, range: [1, 65535] as const } : p.kind === 'range' ? { protocol: p.protocol, range: [p.from, p.to] as const } : { protocol: p.protocol, name: p.name },
  ));
}

function clusterPorts(ports: readonly ClusterPort[] | null): PortSpace {
  if (ports === null) return EVERY_PORT;
  return portSpace(ports.map((p) =>
    p.kind === 'number' ? { protocol: p.protocol, range: [p.port, p.port] as const } : p.kind === 'range' ? { protocol: p.protocol, range: [p.from, p.to] as const } : { protocol: null, name: p.name },
  ));
}

function npPeer(labels: NamespaceLabels, policy: NetworkPolicy, peer: Peer): PeerSpace[] {
  if (peer.kind === 'ipBlock') return ipBlockSpaces(peer.cidr, peer.except);
  const namespaces = peer.namespaceSelector === null
    ? { kind: 'exact' as const, name: policy.namespace, labels: labels.get(policy.namespace) }
    : { kind: 'selected' as const, selector: peer.namespaceSelector };
  return [{ kind: 'pods', namespaces, pods: peer.podSelector }];
}

function npSpace(labels: NamespaceLabels, policy: NetworkPolicy, direction: Direction, index: number): RuleSpace {
  const rule = policy[direction][index]!;
  const peers: PeerSpace[] = rule.peers === null ? [{ kind: 'everything' }] : rule.peers.flatMap((p) => npPeer(labels, policy, p));
  return { peers, ports: npPorts(rule.ports) };
}

function clusterPeer(peer: ClusterPeer): PeerSpace[] {
  switch (peer.kind) {
    case 'namespaces':
      return [{ kind: 'pods', namespaces: { kind: 'selected', selector: peer.namespaceSelector }, pods: EMPTY_SELECTOR }];
    case 'pods':
      return [{ kind: 'pods', namespaces: { kind: 'selected', selector: peer.namespaceSelector }, pods: peer.podSelector }];
    case 'nodes':
      return [{ kind: 'nodes', nodes: peer.nodeSelector }];
    case 'networks':
      return peer.cidrs.flatMap((cidr) => ipBlockSpaces(cidr, []));
  }
}

function clusterCandidate(policy: ClusterPolicy, rule: ClusterRule, index: number, direction: Direction): Candidate {
  // A peer no field of which this version knows fails closed: Deny and Pass match every peer.
  const everyPeer = rule.unrecognisedPeers > 0 && rule.action !== 'Allow';
  const peers: PeerSpace[] = everyPeer ? [{ kind: 'everything' }] : rule.peers.flatMap(clusterPeer);
  return {
    ref: { kind: policy.kind, name: policy.name, direction, rule: index, ruleName: rule.name },
    space: { peers, ports: clusterPorts(rule.ports) },
  };
}

/** The bundle's namespaces' labels by name. */
type NamespaceLabels = ReadonlyMap<string, Labels>;

// ------------------------------------------------------------------ who applies to whom

/** The pods a cluster-wide subject or a NetworkPolicy selects; a null podSelector is every pod. */
interface PodSet {
  readonly namespaceSelector: Selector;
  readonly podSelector: Selector | null;
}

function subjectOf(policy: ClusterPolicy): PodSet {
  const s = policy.subject;
  return { namespaceSelector: s.namespaceSelector, podSelector: s.kind === 'pods' ? s.podSelector : null };
}

function podSetContains(wide: PodSet, narrow: PodSet): boolean {
  if (!selectorContains(wide.namespaceSelector, narrow.namespaceSelector)) return false;
  return wide.podSelector === null || selectorContains(wide.podSelector, narrow.podSelector ?? EMPTY_SELECTOR);
}

function podSetsDisjoint(a: PodSet, b: PodSet): boolean {
  if (selectorsDisjoint(a.namespaceSelector, b.namespaceSelector)) return true;
  return a.podSelector !== null && b.podSelector !== null && selectorsDisjoint(a.podSelector, b.podSelector);
}

/** How the subject of the cluster policy at an index relates to the pods a target rule applies to. */
interface Applies {
  readonly toAll: (index: number) => boolean;
  readonly toNone: (index: number) => boolean;
}

/**
 * Admin Allow and Deny rules of `direction` applying to all the target's pods, up to the first
 * admin Pass that may apply to one of them (the rules behind it are not reached for its flows).
 */
function adminDeciders(bundle: Bundle, direction: Direction, cluster: readonly Candidate[][], applies: Applies): Candidate[] {
  const deciders: Candidate[] = [];
  for (let pi = 0; pi < bundle.clusterPolicies.length; pi++) {
    const policy = bundle.clusterPolicies[pi]!;
    const rules = cluster[pi]!;
    if (policy.tier !== 'admin' || rules.length === 0 || applies.toNone(pi)) continue;
    const toAll = applies.toAll(pi);
    for (let ri = 0; ri < rules.length; ri++) {
      if (policy[direction][ri]!.action === 'Pass') return deciders;
      if (toAll) deciders.push(rules[ri]!);
    }
  }
  return deciders;
}

// ------------------------------------------------------------------ NetworkPolicies

function shadowedNetworkPolicyRules(bundle: Bundle, namespaces: NamespaceLabels, direction: Direction, cluster: readonly Candidate[][]): ShadowedRule[] {
  const found: ShadowedRule[] = [];
  const affects = (p: NetworkPolicy): boolean => (direction === 'ingress' ? p.affectsIngress : p.affectsEgress);
  const policies = bundle.policies;
  const spaces = policies.map((policy) => policy[direction].map((_, ri) => npSpace(namespaces, policy, direction, ri)));
  const clusterPolicies = bundle.clusterPolicies;
  // Per namespace, whether each cluster policy's namespaceSelector selects it (undefined: not known).
  const selected = new Map<string, (boolean | undefined)[]>();
  const selectedIn = (namespace: string) => {
    let row = selected.get(namespace);
    if (!row) {
      const labels = namespaces.get(namespace);
      selected.set(namespace, (row = clusterPolicies.map((c) => (labels === undefined ? undefined : selectorMatches(c.subject.namespaceSelector, labels)))));
    }
    return row;
  };
  policies.forEach((policy, pi) => {
    if (!affects(policy) || policy[direction].length === 0) return;
    const inNamespace = selectedIn(policy.namespace);
    const pods = (i: number) => subjectOf(clusterPolicies[i]!).podSelector;
    const applies: Applies = {
      toAll: (i) => inNamespace[i] === true && (pods(i) === null || selectorContains(pods(i)!, policy.podSelector)),
      toNone: (i) => inNamespace[i] === false || (pods(i) !== null && selectorsDisjoint(pods(i)!, policy.podSelector)),
    };
    const earlier = new Earlier(adminDeciders(bundle, direction, cluster, applies));
    // Earlier in the order the evaluator reports the first allowing rule in: policies, then rules.
    // Policies are sorted by namespace: walk back over this namespace's only.
    let first = pi;
    while (first > 0 && policies[first - 1]!.namespace === policy.namespace) first--;
    for (let qi = first; qi < pi; qi++) {
      const other = policies[qi]!;
      if (!affects(other) || !selectorContains(other.podSelector, policy.podSelector)) continue;
      other[direction].forEach((_, ei) => earlier.push({ ref: npRef(other, direction, ei), space: spaces[qi]![ei]! }));
    }
    policy[direction].forEach((_, ri) => {
      const hit = earlier.shadow(npRef(policy, direction, ri), spaces[pi]![ri]!);
      if (hit) found.push(hit);
      earlier.push({ ref: npRef(policy, direction, ri), space: spaces[pi]![ri]! });
    });
  });
  return found;
}

function npRef(policy: NetworkPolicy, direction: Direction, rule: number): ShadowedRuleRef {
  return { kind: 'NetworkPolicy', namespace: policy.namespace, name: policy.name, direction, rule };
}

// ------------------------------------------------------------------ cluster-wide policies

function shadowedClusterRules(bundle: Bundle, direction: Direction, cluster: readonly Candidate[][]): ShadowedRule[] {
  const found: ShadowedRule[] = [];
  // The bundle's order is the evaluation order: admin tier by priority then name, then baseline.
  const policies = bundle.clusterPolicies;
  policies.forEach((policy, pi) => {
    if (policy[direction].length === 0) return;
    const subject = subjectOf(policy);
    const admin = policy.tier === 'baseline'
      ? adminDeciders(bundle, direction, cluster, {
          toAll: (i) => podSetContains(subjectOf(policies[i]!), subject),
          toNone: (i) => podSetsDisjoint(subjectOf(policies[i]!), subject),
        })
      : [];
    const earlier = new Earlier(admin);
    for (let qi = 0; qi < pi; qi++) {
      const other = policies[qi]!;
      if (other.tier === policy.tier && podSetContains(subjectOf(other), subject)) for (const c of cluster[qi]!) earlier.push(c);
    }
    cluster[pi]!.forEach((candidate) => {
      const hit = earlier.shadow(candidate.ref, candidate.space);
      if (hit) found.push(hit);
      earlier.push(candidate);
    });
  });
  return found;
}
