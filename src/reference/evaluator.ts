/**
 * @module The reference evaluator: NetworkPolicy v1 semantics written to be read beside the
 * Kubernetes documentation (concepts/services-networking/network-policies) and semantics.md.
 * It is the oracle the WASM core is tested against, so it favours plainness over speed.
 */
import type { Bundle, BundleOptions, NetworkPolicy, Peer, PortMatch, Rule } from '../model/bundle.js';
import {
  combineSides,
  LOOPBACK_DECISION,
  type Decision,
  type Direction,
  type PolicyRef,
  type SideVerdict,
} from '../model/decision.js';
import type { ResolvedFlow } from '../model/pod-index.js';
import { cidrContains, type IP } from '../net/ip.js';
import { placeFlow, type Endpoint, type PodEndpoint } from './endpoints.js';
import { selectorMatches } from '../model/selector.js';
import { firstMatchingRule } from './tiers.js';

/**
 * "May this flow pass?": allowed = egress allowed at the source AND ingress allowed at the
 * destination. A pod talking to itself is always allowed. The flow's endpoints are resolved
 * (src/engine/endpoints.ts; the ReferenceEngine takes flows as callers name them).
 */
export function decide(bundle: Bundle, flow: ResolvedFlow): Decision {
  const { src, dst } = placeFlow(bundle, flow);
  if (isSamePod(src, dst)) return LOOPBACK_DECISION;
  const egress = judgeSide(bundle, 'egress', src, dst, flow);
  const ingress = judgeSide(bundle, 'ingress', dst, src, flow);
  return combineSides(egress, ingress);
}

/**
 * A workload's representative pod stands for all its replicas: from itself to itself is one replica
 * talking to another, judged like any flow, not loopback.
 */
function isSamePod(a: Endpoint, b: Endpoint): boolean {
  return a.kind === 'pod' && b.kind === 'pod' && a.pod !== undefined && a.pod === b.pod && !a.pod.workload;
}

/**
 * One direction at one end: egress at the source (`peer` is the destination) or ingress at the
 * destination (`peer` is the source).
 */
function judgeSide(
  bundle: Bundle,
  direction: Direction,
  subject: Endpoint,
  peer: Endpoint,
  flow: ResolvedFlow,
): SideVerdict {
  const destination = direction === 'egress' ? peer : subject;
  // An endpoint outside the cluster has no policy of its own.
  if (subject.kind === 'external') return { direction, allowed: true, reason: 'outside-cluster', isolatedBy: [] };
  // hostNetwork pods are never selected by a podSelector or namespaceSelector.
  if (subject.hostNetwork) return { direction, allowed: true, reason: 'host-network', isolatedBy: [] };

  // A pod is isolated for a direction when at least one policy of that direction selects it.
  const selecting = bundle.policies.filter((policy) => selectsPod(policy, subject, direction));
  const isolatedBy: PolicyRef[] = selecting.map(({ namespace, name }) => ({ namespace, name }));

  // Admin tier: the first matching rule decides, unless it passes the flow to the tiers below.
  const admin = firstMatchingRule(bundle, 'admin', direction, subject, peer, flow);
  if (admin && admin.action !== 'Pass') {
    const allowed = admin.action === 'Allow';
    return { direction, allowed, reason: allowed ? 'admin-allowed' : 'admin-denied', isolatedBy, decidedBy: admin };
  }
  const passed = admin ? { passedBy: admin } : {};

  // "Traffic to and from the node where a Pod is running is always allowed" by NetworkPolicies; the
  // baseline tier, a separate API, may still deny it (as upstream's conformance expects).
  const node = isPodsNode(subject, peer);
  if (selecting.length === 0) {
    // Baseline tier: only for pods no NetworkPolicy selects; a Pass there decides nothing.
    const baseline = firstMatchingRule(bundle, 'baseline', direction, subject, peer, flow);
    if (baseline && baseline.action !== 'Pass') {
      const allowed = baseline.action === 'Allow';
      return { direction, allowed, reason: allowed ? 'baseline-allowed' : 'baseline-denied', isolatedBy, decidedBy: baseline, ...passed };
    }
    return { direction, allowed: true, reason: node ? 'node' : 'not-isolated', isolatedBy, ...passed };
  }
  if (node) return { direction, allowed: true, reason: 'node', isolatedBy, ...passed };

  // An isolated pod accepts what at least one rule of one selecting policy allows; policies are
  // additive, so the first allowing rule (policy order, then rule order) is the one reported.
  for (const policy of selecting) {
    const rules = direction === 'ingress' ? policy.ingress : policy.egress;
    for (let rule = 0; rule < rules.length; rule++) {
      if (ruleMatches(rules[rule]!, policy, peer, destination, flow, bundle.options)) {
        return {
          direction,
          allowed: true,
          reason: 'allowed-by-rule',
          isolatedBy,
          allowedBy: { policy: { namespace: policy.namespace, name: policy.name }, rule },
          ...passed,
        };
      }
    }
  }
  return { direction, allowed: false, reason: 'no-rule-matched', isolatedBy, ...passed };
}

/** The policy is in the pod's namespace, is of this direction, and its podSelector matches. */
function selectsPod(policy: NetworkPolicy, pod: PodEndpoint, direction: Direction): boolean {
  const ofDirection = direction === 'ingress' ? policy.affectsIngress : policy.affectsEgress;
  return ofDirection && policy.namespace === pod.namespace && selectorMatches(policy.podSelector, pod.labels);
}

function isPodsNode(pod: PodEndpoint, peer: Endpoint): boolean {
  const peerIP = peer.ip;
  return peerIP !== undefined && pod.hostIPs.some((host) => sameIP(host, peerIP));
}

/** A rule matches when its peers match the other end AND its ports match the flow. */
function ruleMatches(
  rule: Rule,
  policy: NetworkPolicy,
  peer: Endpoint,
  destination: Endpoint,
  flow: ResolvedFlow,
  options: BundleOptions,
): boolean {
  // `from`/`to` absent or empty: every peer. `ports` absent or empty: every port and protocol.
  const peerMatches = rule.peers === null || rule.peers.some((p) => peerMatchesEndpoint(p, policy, peer, options));
  const portMatches = rule.ports === null || rule.ports.some((p) => portMatchesFlow(p, flow, destination));
  return peerMatches && portMatches;
}

function peerMatchesEndpoint(peer: Peer, policy: NetworkPolicy, endpoint: Endpoint, options: BundleOptions): boolean {
  switch (peer.kind) {
    case 'pods': {
      if (endpoint.kind !== 'pod' || endpoint.hostNetwork) return false;
      // Without a namespaceSelector a peer means pods of the policy's own namespace; with one,
      // pods of the selected namespaces. The podSelector (absent = `{}`) applies within them.
      const inNamespace =
        peer.namespaceSelector === null
          ? endpoint.namespace === policy.namespace
          : selectorMatches(peer.namespaceSelector, endpoint.namespaceLabels);
      return inNamespace && selectorMatches(peer.podSelector, endpoint.labels);
    }
    case 'ipBlock': {
      const ip = ipSeenByIPBlocks(endpoint, options);
      return ip !== undefined && cidrContains(peer.cidr, ip) && !peer.except.some((e) => cidrContains(e, ip));
    }
  }
}

/**
 * Outside addresses are always seen; a hostNetwork pod's IP is its node's, so it is too; other pods
 * only with the ipBlockMatchesPods option (semantics.md), and never without an IP.
 */
function ipSeenByIPBlocks(endpoint: Endpoint, options: BundleOptions): IP | undefined {
  if (endpoint.kind === 'external') return endpoint.ip;
  if (endpoint.hostNetwork || options.ipBlockMatchesPods) return endpoint.ip;
  return undefined;
}

/**
 * The protocol must match; then every port, a range `port..endPort`, or a named port, which is
 * resolved on the DESTINATION pod's container ports (for egress rules too). A hostNetwork pod's
 * ports are its node's, outside pod networking: named ports never resolve on it, whether it is
 * named or addressed by its (node) IP.
 */
function portMatchesFlow(port: PortMatch, flow: ResolvedFlow, destination: Endpoint): boolean {
  if (port.protocol !== flow.protocol) return false;
  switch (port.kind) {
    case 'all':
      return true;
    case 'range':
      return port.from <= flow.port && flow.port <= port.to;
    case 'named':
      return (
        destination.kind === 'pod' &&
        !destination.hostNetwork &&
        destination.ports.some((c) => c.name === port.name && c.protocol === port.protocol && c.port === flow.port)
      );
  }
}

function sameIP(a: IP, b: IP): boolean {
  return a.family === b.family && a.value === b.value;
}
