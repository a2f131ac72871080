// The evaluator: the same semantics as src/reference/evaluator.ts (docs/semantics.md), answered
// from the image with lookups and bit tests. Step for step it mirrors the reference, so that the
// differential tests can demand identical verdicts and reasons.
import {
  ADHOC_HEADER_WORDS, AMBIGUOUS, DECISION_ALLOWED, DECISION_DENIED, DECISION_LOOPBACK,
  DECISION_NO_POLICY, ENDPOINT_KIND_ADHOC, ENDPOINT_KIND_IPV4, ENDPOINT_KIND_IPV6,
  ENDPOINT_KIND_POD, HOST_IP_STRIDE, IDENTITY_STRIDE, NAMED_PORT_STRIDE, NONE,
  OPTION_IPBLOCK_MATCHES_PODS, POD_FLAG_HAS_V4, POD_FLAG_HAS_V6, POD_FLAG_HOST_NETWORK,
  POD_FLAG_ISOLATED_EGRESS, POD_FLAG_ISOLATED_INGRESS, POD_FLAG_PRIMARY_V6, POD_FLAG_WORKLOAD, POD_PEER_STRIDE, POD_STRIDE, POLICY_FLAG_EGRESS,
  POLICY_FLAG_INGRESS, POLICY_STRIDE, PORT_KIND_ALL, PORT_KIND_NAMED, PORT_KIND_RANGE,
  PORT_STRIDE, RULE_FLAG_ALL_PEERS, RULE_FLAG_ALL_PORTS, RULE_STRIDE, SIDE_ALLOWED_BY_RULE,
  SIDE_HOST_NETWORK, SIDE_NODE, SIDE_NOT_ISOLATED, SIDE_NO_RULE_MATCHED, SIDE_OUTSIDE_CLUSTER,
  STATUS_AMBIGUOUS_DST, STATUS_AMBIGUOUS_SRC, STATUS_BAD_ENDPOINT, STATUS_BAD_POD,
  STATUS_BAD_PORT, STATUS_BAD_PROTOCOL, STATUS_FAMILY_MISMATCH, STATUS_OK, CLUSTER_ACTION_ALLOW,
  CLUSTER_ACTION_PASS, CLUSTER_POLICY_STRIDE, CLUSTER_RULE_FLAG_ALL_PORTS, CLUSTER_RULE_FLAG_MATCHES_ALL_PEERS,
  CLUSTER_RULE_STRIDE, CLUSTER_TIER_ADMIN, CLUSTER_TIER_BASELINE, PORT_ANY_PROTOCOL, SIDE_ADMIN_ALLOWED,
  SIDE_ADMIN_DENIED, SIDE_BASELINE_ALLOWED, SIDE_BASELINE_DENIED,
} from './layout';
import {
  hostIPs, identities, identityCount, ipv4Count, ipv4Table, ipv6Count, ipv6Table, labelWords,
  namedPorts, namespaceCount, nsLabels, nsPolicies, options, peerBits, podCount, podPeers, pods,
  policies, ports, ruleCount, rules, selectorCount, selectors, selPolicies, selRules, v4Intervals,
  v6Intervals, word, clusterPolicyCount, clusterRuleCount, clusterPolicies, clusterRules, clusterPodPeers,
  selClusterRules, clusterPeerBits, clusterV4Intervals, clusterV6Intervals, clusterPorts,
} from './image';

const EXTERNAL: u32 = 0;
const POD: u32 = 1;
const ADHOC: u32 = 2;

const INGRESS: u32 = 0;
const EGRESS: u32 = 1;

/** One end of the flow being decided; two instances, reused for every flow. */
class Endpoint {
  kind: u32 = EXTERNAL;
  pod: u32 = NONE;
  /** The pod's row in PODS: everything the hot path needs about a pod is there. */
  row: usize = 0;
  identity: u32 = NONE;
  podFlags: u32 = 0;
  /** Ad-hoc endpoints only: the namespace id, NONE when the bundle does not know it. */
  namespace: u32 = NONE;
  /** Ad-hoc record address (layout.ts: ADHOC_*). */
  adhoc: usize = 0;
  /** The endpoint was given as an address (which then is `family`/`v4`/`v6`). */
  givenIP: bool = false;
  hasIP: bool = false;
  family: u32 = 0;
  v4: u32 = 0;
  v6hi: u64 = 0;
  v6lo: u64 = 0;
}

const source = new Endpoint();
const destination = new Endpoint();

let adhocBase: usize = 0;
let adhocCount: u32 = 0;
let adhocStride: usize = 0;

/** Where the ad-hoc pods that the next flows name live (written by the engine). */
export function setAdhocTable(base: usize, count: u32): void {
  adhocBase = base;
  adhocCount = count;
  adhocStride = (<usize>(ADHOC_HEADER_WORDS + 2 * labelWords)) << 2;
}

/** Side results of the last `judge`: reason, allowing rule, and whether a policy isolates. */
let sideReason: u32 = 0;
let sideRule: u32 = NONE;
let sideIsolated: bool = false;
/** The admin rule that passed the flow on, or NONE. */
let sidePassed: u32 = NONE;

/** Where `writeVerdict` writes: the current verdict record. */
let out: usize = 0;

/**
 * Decides the flow record at `flow` and writes the verdict record at `at` (layout.ts). Returns the
 * status; on an error status the rest of the record says nothing (reasons 0, rules NONE).
 */
export function decideRecord(flow: usize, at: usize): u32 {
  out = at;
  const status = decideInto(flow);
  store<u8>(at, <u8>status);
  if (status != STATUS_OK) {
    store<u8>(at, 0, 1);
    store<u16>(at, 0, 2);
    store<u32>(at, NONE, 4);
    store<u32>(at, NONE, 8);
    store<u32>(at, NONE, 12);
    store<u32>(at, NONE, 16);
  }
  return status;
}

function decideInto(flow: usize): u32 {
  const protocol = <u32>load<u8>(flow, 2);
  const port = <u32>load<u16>(flow, 4);
  if (protocol < 1 || protocol > 3) return STATUS_BAD_PROTOCOL;
  if (port == 0) return STATUS_BAD_PORT;
  let status = resolve(source, <u32>load<u8>(flow), flow + 8, STATUS_AMBIGUOUS_SRC);
  if (status != STATUS_OK) return status;
  status = resolve(destination, <u32>load<u8>(flow, 1), flow + 24, STATUS_AMBIGUOUS_DST);
  if (status != STATUS_OK) return status;
  if (!chooseFamily()) return STATUS_FAMILY_MISMATCH;
  writeVerdict(protocol, port);
  return STATUS_OK;
}

function writeVerdict(protocol: u32, port: u32): void {
  // Loopback: a pod talking to itself; a workload's representative pod stands for its replicas.
  if (source.kind == POD && destination.kind == POD && source.pod == destination.pod &&
      (source.podFlags & POD_FLAG_WORKLOAD) == 0) {
    store<u8>(out, DECISION_LOOPBACK, 1);
    store<u16>(out, 0, 2);
    store<u32>(out, NONE, 4);
    store<u32>(out, NONE, 8);
    store<u32>(out, NONE, 12);
    store<u32>(out, NONE, 16);
    return;
  }
  judge(EGRESS, source, destination, protocol, port);
  const egressReason = sideReason;
  const egressRule = sideRule;
  const egressPassed = sidePassed;
  const egressIsolated = sideIsolated;
  judge(INGRESS, destination, source, protocol, port);
  let decision = DECISION_NO_POLICY;
  if (denies(egressReason) || denies(sideReason)) decision = DECISION_DENIED;
  else if (egressIsolated || sideIsolated || byTier(egressReason) || byTier(sideReason)) decision = DECISION_ALLOWED;
  store<u8>(out, <u8>decision, 1);
  store<u8>(out, <u8>egressReason, 2);
  store<u8>(out, <u8>sideReason, 3);
  store<u32>(out, egressRule, 4);
  store<u32>(out, sideRule, 8);
  store<u32>(out, egressPassed, 12);
  store<u32>(out, sidePassed, 16);
}

// @ts-ignore: decorator
@inline function denies(reason: u32): bool {
  return reason == SIDE_NO_RULE_MATCHED || reason == SIDE_ADMIN_DENIED || reason == SIDE_BASELINE_DENIED;
}

/** Decided by a cluster-wide rule: a policy had a say even where no NetworkPolicy isolates. */
// @ts-ignore: decorator
@inline function byTier(reason: u32): bool {
  return reason >= SIDE_ADMIN_ALLOWED;
}

/** Fills an endpoint from a flow record's 16 address bytes. */
function resolve(ep: Endpoint, kind: u32, at: usize, ambiguous: u32): u32 {
  ep.givenIP = false;
  ep.hasIP = false;
  ep.podFlags = 0;
  if (kind == ENDPOINT_KIND_POD) {
    const pod = load<u32>(at);
    if (pod >= podCount) return STATUS_BAD_POD;
    setPod(ep, pod);
    return STATUS_OK;
  }
  if (kind == ENDPOINT_KIND_ADHOC) {
    const index = load<u32>(at);
    if (index >= adhocCount) return STATUS_BAD_ENDPOINT;
    ep.kind = ADHOC;
    ep.pod = NONE;
    ep.adhoc = adhocBase + <usize>index * adhocStride;
    const namespace = load<u32>(ep.adhoc);
    ep.namespace = namespace < namespaceCount ? namespace : NONE;
    return STATUS_OK;
  }
  let owner: u32 = NONE;
  if (kind == ENDPOINT_KIND_IPV4) {
    ep.family = 4;
    ep.v4 = load<u32>(at);
    owner = findIPv4(ep.v4);
  } else if (kind == ENDPOINT_KIND_IPV6) {
    ep.family = 6;
    ep.v6hi = ((<u64>load<u32>(at)) << 32) | <u64>load<u32>(at, 4);
    ep.v6lo = ((<u64>load<u32>(at, 8)) << 32) | <u64>load<u32>(at, 12);
    owner = findIPv6(ep.v6hi, ep.v6lo);
  } else {
    return STATUS_BAD_ENDPOINT;
  }
  if (owner == AMBIGUOUS) return ambiguous;
  ep.givenIP = true;
  ep.hasIP = true;
  if (owner == NONE) {
    ep.kind = EXTERNAL;
    ep.pod = NONE;
  } else {
    setPod(ep, owner);
  }
  return STATUS_OK;
}

function setPod(ep: Endpoint, pod: u32): void {
  assert(pod < podCount);
  const row = pods + ((<usize>(pod * POD_STRIDE)) << 2);
  ep.kind = POD;
  ep.pod = pod;
  ep.row = row;
  ep.identity = word(row, 0);
  ep.podFlags = word(row, 1);
  assert(ep.identity < identityCount);
}

/**
 * The flow's family: that of an endpoint given as an IP, else the destination pod's primary IP's,
 * else the source pod's. A pod named by index then uses its address of that family.
 */
function chooseFamily(): bool {
  let family: u32 = 0;
  if (source.givenIP) {
    family = source.family;
    if (destination.givenIP && destination.family != family) return false;
  } else if (destination.givenIP) {
    family = destination.family;
  } else if (destination.kind == POD && (destination.podFlags & (POD_FLAG_HAS_V4 | POD_FLAG_HAS_V6)) != 0) {
    family = primaryFamily(destination.podFlags);
  } else if (source.kind == POD && (source.podFlags & (POD_FLAG_HAS_V4 | POD_FLAG_HAS_V6)) != 0) {
    family = primaryFamily(source.podFlags);
  }
  podAddress(source, family);
  podAddress(destination, family);
  return true;
}

// @ts-ignore: decorator
@inline function primaryFamily(flags: u32): u32 {
  return (flags & POD_FLAG_PRIMARY_V6) != 0 ? 6 : 4;
}

function podAddress(ep: Endpoint, family: u32): void {
  if (ep.kind != POD || ep.givenIP) return;
  const row = ep.row;
  if (family == 4 && (ep.podFlags & POD_FLAG_HAS_V4) != 0) {
    ep.hasIP = true;
    ep.family = 4;
    ep.v4 = word(row, 2);
  } else if (family == 6 && (ep.podFlags & POD_FLAG_HAS_V6) != 0) {
    ep.hasIP = true;
    ep.family = 6;
    ep.v6hi = ((<u64>word(row, 3)) << 32) | <u64>word(row, 4);
    ep.v6lo = ((<u64>word(row, 5)) << 32) | <u64>word(row, 6);
  }
}

/** Sets sideReason, sideRule and sideIsolated for one direction at `subject`. */
function judge(direction: u32, subject: Endpoint, peer: Endpoint, protocol: u32, port: u32): void {
  sideRule = NONE;
  sidePassed = NONE;
  sideIsolated = false;
  if (subject.kind == EXTERNAL) {
    sideReason = SIDE_OUTSIDE_CLUSTER;
    return;
  }
  if ((subject.podFlags & POD_FLAG_HOST_NETWORK) != 0) {
    sideReason = SIDE_HOST_NETWORK;
    return;
  }
  const dst = direction == EGRESS ? peer : subject;
  sideIsolated = isIsolated(direction, subject);
  if (clusterPolicyCount > 0) {
    // Admin tier: the first matching rule decides, unless it passes the flow to the tiers below.
    const rule = firstClusterRule(CLUSTER_TIER_ADMIN, direction, subject, peer, dst, protocol, port);
    if (rule != NONE) {
      const action = clusterAction(rule);
      if (action != CLUSTER_ACTION_PASS) {
        sideReason = action == CLUSTER_ACTION_ALLOW ? SIDE_ADMIN_ALLOWED : SIDE_ADMIN_DENIED;
        sideRule = rule;
        return;
      }
      sidePassed = rule;
    }
  }
  // Node traffic is always allowed by NetworkPolicies; the baseline tier may still deny it.
  const node = subject.kind == POD && isPodsNode(subject, peer);
  if (!sideIsolated) {
    sideReason = node ? SIDE_NODE : SIDE_NOT_ISOLATED;
    if (clusterPolicyCount > 0) {
      // Baseline tier: only for pods no NetworkPolicy selects; a Pass there decides nothing.
      const rule = firstClusterRule(CLUSTER_TIER_BASELINE, direction, subject, peer, dst, protocol, port);
      if (rule != NONE && clusterAction(rule) != CLUSTER_ACTION_PASS) {
        sideReason = clusterAction(rule) == CLUSTER_ACTION_ALLOW ? SIDE_BASELINE_ALLOWED : SIDE_BASELINE_DENIED;
        sideRule = rule;
      }
    }
    return;
  }
  if (node) {
    sideReason = SIDE_NODE;
    return;
  }
  if (subject.kind == POD) {
    // The pod's row holds its rule list: [start, end) of SEL_RULES' ids, per direction.
    const field: u32 = direction == INGRESS ? 9 : 11;
    const start = word(subject.row, field);
    const end = word(subject.row, field + 1);
    const data = 2 * identityCount + 1;
    for (let i = start; i < end; i++) {
      const rule = word(selRules, data + i);
      if (ruleMatches(rule, peer, dst, protocol, port)) {
        sideReason = SIDE_ALLOWED_BY_RULE;
        sideRule = rule;
        return;
      }
    }
  } else {
    // An ad-hoc pod: walk its namespace's selecting policies in order, as the compiler did for identities.
    const end = word(nsPolicies, subject.namespace + 1);
    for (let i = nextSelecting(subject, direction, word(nsPolicies, subject.namespace)); i < end; i = nextSelecting(subject, direction, i + 1)) {
      const row = policies + ((<usize>(nsPolicyAt(i) * POLICY_STRIDE)) << 2);
      const first = direction == INGRESS ? word(row, 3) : word(row, 5);
      const count = direction == INGRESS ? word(row, 4) : word(row, 6);
      for (let r: u32 = 0; r < count; r++) {
        if (ruleMatches(first + r, peer, dst, protocol, port)) {
          sideReason = SIDE_ALLOWED_BY_RULE;
          sideRule = first + r;
          return;
        }
      }
    }
  }
  sideReason = SIDE_NO_RULE_MATCHED;
}

// @ts-ignore: decorator
@inline function clusterRuleRow(rule: u32): usize {
  return clusterRules + ((<usize>(rule * CLUSTER_RULE_STRIDE)) << 2);
}

// @ts-ignore: decorator
@inline function clusterAction(rule: u32): u32 {
  return word(clusterRuleRow(rule), 1);
}

/**
 * The first rule of the tier, for this direction and subject, that matches the flow: from the
 * identity's precomputed list for a pod, by walking the tier's policies for an ad-hoc pod.
 */
function firstClusterRule(tier: u32, direction: u32, subject: Endpoint, peer: Endpoint, dst: Endpoint, protocol: u32, port: u32): u32 {
  if (subject.kind == POD) {
    // The pod's row holds its cluster rule lists: [start, end) per tier and direction from word 15.
    const field = 15 + (tier * 2 + direction) * 2;
    const start = word(subject.row, field);
    const end = word(subject.row, field + 1);
    const data = 4 * identityCount + 1;
    for (let i = start; i < end; i++) {
      const rule = word(selClusterRules, data + i);
      if (clusterRuleMatches(rule, peer, dst, protocol, port)) return rule;
    }
    return NONE;
  }
  for (let p: u32 = 0; p < clusterPolicyCount; p++) {
    const row = clusterPolicies + ((<usize>(p * CLUSTER_POLICY_STRIDE)) << 2);
    if (word(row, 0) != tier || !clusterSubjectSelectsAdhoc(row, subject)) continue;
    const first = direction == INGRESS ? word(row, 4) : word(row, 6);
    const count = direction == INGRESS ? word(row, 5) : word(row, 7);
    for (let r: u32 = 0; r < count; r++) {
      if (clusterRuleMatches(first + r, peer, dst, protocol, port)) return first + r;
    }
  }
  return NONE;
}

function clusterSubjectSelectsAdhoc(policy: usize, subject: Endpoint): bool {
  if (!selectorMatches(word(policy, 2), namespaceLabelsOf(subject))) return false;
  const podSelector = word(policy, 3);
  return podSelector == NONE || selectorMatches(podSelector, adhocPodLabels(subject.adhoc));
}

function clusterRuleMatches(rule: u32, peer: Endpoint, dst: Endpoint, protocol: u32, port: u32): bool {
  assert(rule < clusterRuleCount);
  const row = clusterRuleRow(rule);
  const flags = word(row, 2);
  const peers = (flags & CLUSTER_RULE_FLAG_MATCHES_ALL_PEERS) != 0 || clusterPodPeersMatch(row, peer) ||
    (peer.hasIP && inIntervals(clusterV4Intervals, clusterV6Intervals, row, 6, peer));
  if (!peers) return false;
  return (flags & CLUSTER_RULE_FLAG_ALL_PORTS) != 0 || portsMatch(clusterPorts, word(row, 10), word(row, 11), dst, protocol, port);
}

/** namespaces and pods peers: never a hostNetwork pod; an ad-hoc pod by its label bits. */
function clusterPodPeersMatch(rule: usize, peer: Endpoint): bool {
  if (peer.kind == POD) {
    const bits = word(rule, 3);
    if (bits == NONE || (peer.podFlags & POD_FLAG_HOST_NETWORK) != 0) return false;
    const identity = peer.identity;
    return (word(clusterPeerBits, bits + (identity >> 5)) & (1 << (identity & 31))) != 0;
  }
  if (peer.kind != ADHOC) return false;
  const start = word(rule, 4);
  const count = word(rule, 5);
  for (let i: u32 = 0; i < count; i++) {
    const at = (start + i) * POD_PEER_STRIDE;
    const podSelector = word(clusterPodPeers, at + 1);
    if (
      selectorMatches(word(clusterPodPeers, at), namespaceLabelsOf(peer)) &&
      (podSelector == NONE || selectorMatches(podSelector, adhocPodLabels(peer.adhoc)))
    ) {
      return true;
    }
  }
  return false;
}

function isIsolated(direction: u32, subject: Endpoint): bool {
  if (subject.kind == POD) {
    return (subject.podFlags & (direction == INGRESS ? POD_FLAG_ISOLATED_INGRESS : POD_FLAG_ISOLATED_EGRESS)) != 0;
  }
  if (subject.namespace == NONE) return false;
  return nextSelecting(subject, direction, word(nsPolicies, subject.namespace)) < word(nsPolicies, subject.namespace + 1);
}

/** The policy at position `i` of NS_POLICIES' ids. */
// @ts-ignore: decorator
@inline function nsPolicyAt(i: u32): u32 {
  return word(nsPolicies, namespaceCount + 1 + i);
}

/**
 * From position `i` of the ad-hoc pod's namespace's policy list, the position of the next policy
 * that selects it for `direction`; the list's end when none does.
 */
function nextSelecting(subject: Endpoint, direction: u32, i: u32): u32 {
  const end = word(nsPolicies, subject.namespace + 1);
  while (i < end && !policySelectsAdhoc(nsPolicyAt(i), direction, subject)) i++;
  return i;
}

function policySelectsAdhoc(policy: u32, direction: u32, subject: Endpoint): bool {
  const row = policies + ((<usize>(policy * POLICY_STRIDE)) << 2);
  const flag = direction == INGRESS ? POLICY_FLAG_INGRESS : POLICY_FLAG_EGRESS;
  return (word(row, 2) & flag) != 0 && selectorMatches(word(row, 1), adhocPodLabels(subject.adhoc));
}

/** "Traffic to and from the node where a Pod is running is always allowed." */
function isPodsNode(subject: Endpoint, peer: Endpoint): bool {
  const row = subject.row;
  const count = word(row, 8);
  if (count == 0 || !peer.hasIP) return false;
  const start = word(row, 7);
  for (let h: u32 = 0; h < count; h++) {
    const at = hostIPs + ((<usize>((start + h) * HOST_IP_STRIDE)) << 2);
    const family = word(at, 0);
    if (family != peer.family) continue;
    if (family == 4) {
      if (word(at, 4) == peer.v4) return true;
    } else {
      const hi = ((<u64>word(at, 1)) << 32) | <u64>word(at, 2);
      const lo = ((<u64>word(at, 3)) << 32) | <u64>word(at, 4);
      if (hi == peer.v6hi && lo == peer.v6lo) return true;
    }
  }
  return false;
}

function ruleMatches(rule: u32, peer: Endpoint, dst: Endpoint, protocol: u32, port: u32): bool {
  // The loader checked every rule id; the debug build re-checks what the hot path relies on.
  assert(rule < ruleCount);
  const row = rules + ((<usize>(rule * RULE_STRIDE)) << 2);
  const flags = word(row, 1);
  // Peers first: a bit test that most rules fail on, before the longer port list.
  if ((flags & RULE_FLAG_ALL_PEERS) == 0 && !podPeersMatch(row, peer) && !ipBlocksMatch(row, peer)) return false;
  return (flags & RULE_FLAG_ALL_PORTS) != 0 || portsMatch(ports, word(row, 9), word(row, 10), dst, protocol, port);
}

/** A port entry of `table` matches: its protocol (PORT_ANY_PROTOCOL: the flow's), then the port. */
function portsMatch(table: usize, start: u32, count: u32, dst: Endpoint, protocol: u32, port: u32): bool {
  for (let i: u32 = 0; i < count; i++) {
    const row = table + ((<usize>((start + i) * PORT_STRIDE)) << 2);
    const entryProtocol = word(row, 0);
    if (entryProtocol != protocol && entryProtocol != PORT_ANY_PROTOCOL) continue;
    const kind = word(row, 1);
    if (kind == PORT_KIND_ALL) return true;
    if (kind == PORT_KIND_RANGE) {
      if (word(row, 2) <= port && port <= word(row, 3)) return true;
    } else if (kind == PORT_KIND_NAMED && hasNamedPort(dst, word(row, 2), protocol, port)) {
      return true;
    }
  }
  return false;
}

/** Named ports resolve on the destination: a pod (never hostNetwork) or an ad-hoc pod's ports. */
function hasNamedPort(dst: Endpoint, name: u32, protocol: u32, port: u32): bool {
  if (dst.kind == POD) {
    if ((dst.podFlags & POD_FLAG_HOST_NETWORK) != 0) return false;
    const start = word(dst.row, 13);
    const count = word(dst.row, 14);
    for (let i: u32 = 0; i < count; i++) {
      const at = (start + i) * NAMED_PORT_STRIDE;
      if (word(namedPorts, at) == name && word(namedPorts, at + 1) == protocol && word(namedPorts, at + 2) == port) {
        return true;
      }
    }
    return false;
  }
  if (dst.kind == ADHOC) {
    const count = load<u32>(dst.adhoc, 4);
    for (let i: u32 = 0; i < count; i++) {
      const at = 2 + i * 3;
      if (word(dst.adhoc, at) == name && word(dst.adhoc, at + 1) == protocol && word(dst.adhoc, at + 2) == port) {
        return true;
      }
    }
  }
  return false;
}

function podPeersMatch(rule: usize, peer: Endpoint): bool {
  if (peer.kind == POD) {
    const bits = word(rule, 2);
    if (bits == NONE || (peer.podFlags & POD_FLAG_HOST_NETWORK) != 0) return false;
    assert(peer.identity < identityCount);
    const identity = peer.identity;
    return (word(peerBits, bits + (identity >> 5)) & (1 << (identity & 31))) != 0;
  }
  if (peer.kind != ADHOC) return false;
  const start = word(rule, 3);
  const count = word(rule, 4);
  const policyNamespace = word(policies + ((<usize>(word(rule, 0) * POLICY_STRIDE)) << 2), 0);
  const podLabels = adhocPodLabels(peer.adhoc);
  for (let i: u32 = 0; i < count; i++) {
    const at = (start + i) * POD_PEER_STRIDE;
    const namespaceSelector = word(podPeers, at);
    const inNamespace = namespaceSelector == NONE
      ? peer.namespace == policyNamespace
      : selectorMatches(namespaceSelector, namespaceLabelsOf(peer));
    if (inNamespace && selectorMatches(word(podPeers, at + 1), podLabels)) return true;
  }
  return false;
}

/**
 * Outside addresses are always seen; a hostNetwork pod's (node) IP too; other pods only with
 * ipBlockMatchesPods; never an endpoint without an address.
 */
function ipBlocksMatch(rule: usize, peer: Endpoint): bool {
  if (!peer.hasIP) return false;
  if (peer.kind == POD && (peer.podFlags & POD_FLAG_HOST_NETWORK) == 0 && (options & OPTION_IPBLOCK_MATCHES_PODS) == 0) {
    return false;
  }
  return inIntervals(v4Intervals, v6Intervals, rule, 5, peer);
}

/** The endpoint's address lies in the rule's intervals, whose v4 start and count are at word `at`. */
function inIntervals(v4: usize, v6: usize, rule: usize, at: u32, peer: Endpoint): bool {
  if (peer.family == 4) return inV4Intervals(v4, word(rule, at), word(rule, at + 1), peer.v4);
  return inV6Intervals(v6, word(rule, at + 2), word(rule, at + 3), peer.v6hi, peer.v6lo);
}

function inV4Intervals(table: usize, start: u32, count: u32, ip: u32): bool {
  let lo: i32 = 0;
  let hi: i32 = <i32>count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = (start + <u32>mid) * 2;
    if (ip < word(table, at)) hi = mid - 1;
    else if (ip > word(table, at + 1)) lo = mid + 1;
    else return true;
  }
  return false;
}

function inV6Intervals(table: usize, start: u32, count: u32, ipHi: u64, ipLo: u64): bool {
  let lo: i32 = 0;
  let hi: i32 = <i32>count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = (start + <u32>mid) * 8;
    if (v6Below(table, ipHi, ipLo, at)) hi = mid - 1;
    else if (v6Above(table, ipHi, ipLo, at + 4)) lo = mid + 1;
    else return true;
  }
  return false;
}

// @ts-ignore: decorator
@inline function v6Hi(table: usize, at: u32): u64 {
  return ((<u64>word(table, at)) << 32) | <u64>word(table, at + 1);
}

// @ts-ignore: decorator
@inline function v6Lo(table: usize, at: u32): u64 {
  return ((<u64>word(table, at + 2)) << 32) | <u64>word(table, at + 3);
}

function v6Below(table: usize, hi: u64, lo: u64, at: u32): bool {
  const bhi = v6Hi(table, at);
  return hi < bhi || (hi == bhi && lo < v6Lo(table, at));
}

function v6Above(table: usize, hi: u64, lo: u64, at: u32): bool {
  const bhi = v6Hi(table, at);
  return hi > bhi || (hi == bhi && lo > v6Lo(table, at));
}

function findIPv4(ip: u32): u32 {
  let lo: i32 = 0;
  let hi: i32 = <i32>ipv4Count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = word(ipv4Table, <u32>mid * 2);
    if (ip < value) hi = mid - 1;
    else if (ip > value) lo = mid + 1;
    else return word(ipv4Table, <u32>mid * 2 + 1);
  }
  return NONE;
}

function findIPv6(ipHi: u64, ipLo: u64): u32 {
  let lo: i32 = 0;
  let hi: i32 = <i32>ipv6Count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = <u32>mid * 5;
    const vhi = ((<u64>word(ipv6Table, at)) << 32) | <u64>word(ipv6Table, at + 1);
    const vlo = ((<u64>word(ipv6Table, at + 2)) << 32) | <u64>word(ipv6Table, at + 3);
    if (ipHi < vhi || (ipHi == vhi && ipLo < vlo)) hi = mid - 1;
    else if (ipHi > vhi || (ipHi == vhi && ipLo > vlo)) lo = mid + 1;
    else return word(ipv6Table, at + 4);
  }
  return NONE;
}

/** A known namespace's labels come from the image; an unknown one's from the ad-hoc record. */
function namespaceLabelsOf(peer: Endpoint): usize {
  if (peer.namespace != NONE) return nsLabels + ((<usize>(peer.namespace * labelWords)) << 2);
  return peer.adhoc + ((<usize>ADHOC_HEADER_WORDS) << 2);
}

// @ts-ignore: decorator
@inline function adhocPodLabels(adhoc: usize): usize {
  return adhoc + ((<usize>(ADHOC_HEADER_WORDS + labelWords)) << 2);
}

/** Required bits set, forbidden bits clear, and at least one bit of every group set. */
function selectorMatches(selector: u32, labels: usize): bool {
  const termBase = selectorCount + 1;
  let at = termBase + word(selectors, selector);
  const required = word(selectors, at);
  const forbidden = word(selectors, at + 1);
  const groups = word(selectors, at + 2);
  at += 3;
  for (let i: u32 = 0; i < required; i++) {
    if (!hasBit(labels, word(selectors, at + i))) return false;
  }
  at += required;
  for (let i: u32 = 0; i < forbidden; i++) {
    if (hasBit(labels, word(selectors, at + i))) return false;
  }
  at += forbidden;
  for (let g: u32 = 0; g < groups; g++) {
    const size = word(selectors, at);
    at++;
    let any = false;
    for (let i: u32 = 0; i < size; i++) {
      if (hasBit(labels, word(selectors, at + i))) any = true;
    }
    if (!any) return false;
    at += size;
  }
  return true;
}

// @ts-ignore: decorator
@inline function hasBit(set: usize, bit: u32): bool {
  return (word(set, bit >> 5) & (1 << (bit & 31))) != 0;
}

/**
 * Writes the policies isolating each side of the last decided flow: egress count, ids, ingress
 * count, ids. Only for explanations; the hot path never calls it.
 */
export function writeIsolating(at: usize): void {
  at = writeIsolatingFor(EGRESS, source, at);
  writeIsolatingFor(INGRESS, destination, at);
}

function writeIsolatingFor(direction: u32, subject: Endpoint, at: usize): usize {
  let count: u32 = 0;
  const list = at + 4;
  if (subject.kind == POD && (subject.podFlags & POD_FLAG_HOST_NETWORK) == 0) {
    const index = direction * identityCount + subject.identity;
    const start = word(selPolicies, index);
    const end = word(selPolicies, index + 1);
    const data = 2 * identityCount + 1;
    for (let i = start; i < end; i++) {
      store<u32>(list + ((<usize>count) << 2), word(selPolicies, data + i));
      count++;
    }
  } else if (subject.kind == ADHOC && subject.namespace != NONE) {
    const end = word(nsPolicies, subject.namespace + 1);
    for (let i = nextSelecting(subject, direction, word(nsPolicies, subject.namespace)); i < end; i = nextSelecting(subject, direction, i + 1)) {
      store<u32>(list + ((<usize>count) << 2), nsPolicyAt(i));
      count++;
    }
  }
  store<u32>(at, count);
  return list + ((<usize>count) << 2);
}
