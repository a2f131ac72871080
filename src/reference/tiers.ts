/**
 * @module Cluster-wide policies (policy.networking.k8s.io: AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy, ClusterNetworkPolicy), as semantics.md orders them: per direction,
 * admin policies by priority and rules in order, the first matching rule decides (Allow, Deny, or
 * Pass to the tiers below); the baseline tier decides only for pods no NetworkPolicy selects.
 */
import type { Bundle, ClusterPeer, ClusterPolicy, ClusterPort, ClusterRule, ClusterTier, Selector } from '../model/bundle.js';
import type { ClusterRuleRef, Direction } from '../model/decision.js';
import type { ResolvedFlow } from '../model/pod-index.js';
import { cidrContains, parseIP, type IP } from '../net/ip.js';
import type { Endpoint, PodEndpoint } from './endpoints.js';
import { selectorMatches } from '../model/selector.js';

/** The first rule of a tier that matches, in policy order then rule order; undefined when none. */
export function firstMatchingRule(
  bundle: Bundle,
  tier: ClusterTier,
  direction: Direction,
  subject: PodEndpoint,
  peer: Endpoint,
  flow: ResolvedFlow,
): ClusterRuleRef | undefined {
  const destination = direction === 'egress' ? peer : subject;
  for (const policy of bundle.clusterPolicies) {
    if (policy.tier !== tier || !subjectSelects(policy, subject)) continue;
    const rules = direction === 'ingress' ? policy.ingress : policy.egress;
    for (let rule = 0; rule < rules.length; rule++) {
      const candidate = rules[rule]!;
      if (peersMatch(bundle, candidate, peer) && portsMatch(candidate.ports, flow, destination)) {
        return { kind: policy.kind, name: policy.name, rule, ruleName: candidate.name, action: candidate.action };
      }
    }
  }
  return undefined;
}

/** The subject: pods of the selected namespaces, or pods matching both selectors. */
function subjectSelects(policy: ClusterPolicy, pod: PodEndpoint): boolean {
  const subject = policy.subject;
  if (!selectorMatches(subject.namespaceSelector, pod.namespaceLabels)) return false;
  return subject.kind === 'namespaces' || selectorMatches(subject.podSelector, pod.labels);
}

/**
 * Any listed peer matches. A peer this version does not recognise fails closed: it matches
 * nothing for Allow, and everything for Deny and Pass (semantics.md).
 */
function peersMatch(bundle: Bundle, rule: ClusterRule, endpoint: Endpoint): boolean {
  if (rule.unrecognisedPeers > 0 && rule.action !== 'Allow') return true;
  return rule.peers.some((peer) => peerMatches(bundle, peer, endpoint));
}

function peerMatches(bundle: Bundle, peer: ClusterPeer, endpoint: Endpoint): boolean {
  switch (peer.kind) {
    case 'namespaces':
      return isSelectablePod(endpoint) && selectorMatches(peer.namespaceSelector, endpoint.namespaceLabels);
    case 'pods':
      return (
        isSelectablePod(endpoint) &&
        selectorMatches(peer.namespaceSelector, endpoint.namespaceLabels) &&
        selectorMatches(peer.podSelector, endpoint.labels)
      );
    case 'nodes':
      return endpoint.ip !== undefined && nodeOwns(bundle, peer.nodeSelector, endpoint.ip);
    case 'networks':
      // Networks match any address, pods' included (semantics.md).
      return endpoint.ip !== undefined && peer.cidrs.some((cidr) => cidrContains(cidr, endpoint.ip!));
  }
}

/** hostNetwork pods are selected by no pod or namespace selector, as for NetworkPolicies. */
function isSelectablePod(endpoint: Endpoint): endpoint is PodEndpoint {
  return endpoint.kind === 'pod' && !endpoint.hostNetwork;
}

function nodeOwns(bundle: Bundle, selector: Selector, ip: IP): boolean {
  return bundle.nodes.some(
    (node) =>
      selectorMatches(selector, node.labels) &&
      node.addresses.some((text) => {
        const address = parseIP(text)!;
        return address.family === ip.family && address.value === ip.value;
      }),
  );
}

/** null: every port. A named port resolves on the destination pod, as for NetworkPolicies. */
function portsMatch(ports: readonly ClusterPort[] | null, flow: ResolvedFlow, destination: Endpoint): boolean {
  if (ports === null) return true;
  return ports.some((port) => {
    switch (port.kind) {
      case 'number':
        return port.protocol === flow.protocol && port.port === flow.port;
      case 'range':
        return port.protocol === flow.protocol && port.from <= flow.port && flow.port <= port.to;
      case 'named':
        return (
          destination.kind === 'pod' &&
          !destination.hostNetwork &&
          destination.ports.some((c) => c.name === port.name && c.protocol === flow.protocol && c.port === flow.port)
        );
    }
  });
}
