// The evaluator: the same semantics as src/reference/evaluator.ts (docs/semantics.md), answered
// from the image with lookups and bit tests. Step for step it mirrors the reference, so that the
// differential tests can demand identical verdicts and reasons.
import {
  ADHOC_HEADER_WORDS, ADHOC_RECORD_NAMESPACE, ADHOC_RECORD_PORT_COUNT, ADHOC_RECORD_PORTS, AMBIGUOUS,
  CLUSTER_ACTION_ALLOW, CLUSTER_ACTION_PASS, CLUSTER_LIST_ENTRY_POD_BITS, CLUSTER_LIST_ENTRY_RULE, CLUSTER_LIST_ENTRY_WORDS, CLUSTER_LIST_SET_STRIDE, CLUSTER_POD_BITS_ANY, CLUSTER_POLICY_ROW_EGRESS_COUNT, CLUSTER_POLICY_ROW_EGRESS_START,
  CLUSTER_POLICY_ROW_INGRESS_COUNT, CLUSTER_POLICY_ROW_INGRESS_START, CLUSTER_POLICY_ROW_NAMESPACE_SELECTOR,
  CLUSTER_POLICY_ROW_POD_SELECTOR, CLUSTER_POLICY_ROW_TIER, CLUSTER_POLICY_STRIDE, CLUSTER_RULE_FLAG_ALL_PORTS,
  CLUSTER_RULE_FLAG_MATCHES_ALL_PEERS, CLUSTER_RULE_ROW_ACTION, CLUSTER_RULE_ROW_FLAGS, CLUSTER_RULE_ROW_MATCHER,
  CLUSTER_RULE_STRIDE, CLUSTER_TIER_ADMIN, CLUSTER_TIER_BASELINE, DECISION_CODE_ALLOWED, DECISION_CODE_DENIED,
  DECISION_CODE_LOOPBACK, DECISION_CODE_NO_POLICY, DIRECTION_COUNT, DIRECTION_EGRESS, DIRECTION_INGRESS, ENDPOINT_KIND_ADHOC,
  ENDPOINT_KIND_IPV4, ENDPOINT_KIND_IPV6, ENDPOINT_KIND_POD, FLOW_RECORD_DST, FLOW_RECORD_DST_KIND,
  FLOW_RECORD_PORT, FLOW_RECORD_PROTOCOL, FLOW_RECORD_SRC, FLOW_RECORD_SRC_KIND, HOST_IP_ROW_ADDRESS,
  HOST_IP_FILTER_MULTIPLIER, HOST_IP_ROW_FAMILY, HOST_IP_ROW_IPV4, HOST_IP_STRIDE, IP_FAMILY_V4, IP_FAMILY_V6,
  ISOLATING_LIST_COUNT, ISOLATING_LIST_IDS, MATCHER_PEER_BITS, MATCHER_POD_PEER_COUNT, MATCHER_POD_PEER_START,
  MATCHER_PORT_COUNT, MATCHER_PORT_START, MATCHER_V4_COUNT, MATCHER_V4_START, MATCHER_V6_COUNT, MATCHER_V6_START,
  NAMED_PORT_ROW_NAME, NAMED_PORT_ROW_PORT, NAMED_PORT_ROW_PROTOCOL, NAMED_PORT_STRIDE, NONE,
  OPTION_IPBLOCK_MATCHES_PODS, POD_FLAG_HAS_V4, POD_FLAG_HAS_V6, POD_FLAG_HOST_NETWORK, POD_FLAG_ISOLATED_EGRESS,
  POD_FLAG_ISOLATED_INGRESS, POD_FLAG_PRIMARY_V6, POD_FLAG_WORKLOAD, POD_PEER_ROW_NAMESPACE_SELECTOR,
  POD_PEER_ROW_POD_SELECTOR, POD_PEER_STRIDE, POD_ROW_CLUSTER_LISTS, POD_ROW_EGRESS_RULES, POD_ROW_FLAGS,
  POD_ROW_HOST_IP_COUNT, POD_ROW_HOST_IP_FILTER, POD_ROW_HOST_IP_START, POD_ROW_IDENTITY, POD_ROW_INGRESS_RULES, POD_ROW_IPV4,
  POD_ROW_IPV6, POD_ROW_NAMED_PORT_COUNT, POD_ROW_NAMED_PORT_START, POD_STRIDE, POLICY_FLAG_EGRESS,
  POLICY_FLAG_INGRESS, POLICY_ROW_EGRESS_COUNT, POLICY_ROW_EGRESS_START, POLICY_ROW_FLAGS,
  POLICY_ROW_INGRESS_COUNT, POLICY_ROW_INGRESS_START, POLICY_ROW_NAMESPACE, POLICY_ROW_POD_SELECTOR,
  POLICY_STRIDE, PORT_ANY_PROTOCOL, PORT_KIND_ALL, PORT_KIND_NAMED, PORT_KIND_RANGE, PORT_ROW_FROM,
  PORT_ROW_KIND, PORT_ROW_NAME, PORT_ROW_PROTOCOL, PORT_ROW_TO, PORT_STRIDE, PROTOCOL_CODE_SCTP,
  PROTOCOL_CODE_TCP, RULE_FLAG_ALL_PEERS, RULE_FLAG_ALL_PORTS, RULE_LIST_END, RULE_LIST_START,
  RULE_ROW_FLAGS, RULE_ROW_MATCHER, RULE_ROW_POLICY, RULE_STRIDE, SELECTOR_HEADER_WORDS,
  SELECTOR_TERMS_FORBIDDEN_COUNT, SELECTOR_TERMS_GROUP_COUNT, SELECTOR_TERMS_REQUIRED_COUNT,
  SIDE_CODE_ADMIN_ALLOWED, SIDE_CODE_ADMIN_DENIED, SIDE_CODE_ALLOWED_BY_RULE, SIDE_CODE_BASELINE_ALLOWED,
  SIDE_CODE_BASELINE_DENIED, SIDE_CODE_HOST_NETWORK, SIDE_CODE_NO_RULE_MATCHED, SIDE_CODE_NODE,
  SIDE_CODE_NOT_ISOLATED, SIDE_CODE_OUTSIDE_CLUSTER, STATUS_AMBIGUOUS_DST, STATUS_AMBIGUOUS_SRC,
  STATUS_BAD_ENDPOINT, STATUS_BAD_POD, STATUS_BAD_PORT, STATUS_BAD_PROTOCOL, STATUS_FAMILY_MISMATCH,
  STATUS_OK, V4_INTERVAL_ROW_HI, V4_INTERVAL_ROW_LO, V4_INTERVAL_STRIDE, V6_INTERVAL_ROW_HI,
  V6_INTERVAL_ROW_LO, V6_INTERVAL_STRIDE, VERDICT_RECORD_DECISION, VERDICT_RECORD_EGRESS_PASSED,
  VERDICT_RECORD_EGRESS_REASON, VERDICT_RECORD_EGRESS_RULE, VERDICT_RECORD_INGRESS_PASSED,
  VERDICT_RECORD_INGRESS_REASON, VERDICT_RECORD_INGRESS_RULE, VERDICT_RECORD_STATUS,
} from './layout';
import {
  hostIPs, identities, identityCount, labelWords,
  namedPorts, namespaceCount, nsLabels, nsPolicies, options, peerBits, podCount, podPeers, pods,
  policies, ports, ruleCount, rules, selectorCount, selectors, selPolicies, selRules, v4Intervals,
  v6Intervals, word, clusterPolicyCount, clusterRuleCount, clusterPolicies, clusterRules, clusterPodPeers,
  selClusterRules, clusterListSets, clusterPeerBits, clusterV4Intervals, clusterV6Intervals, clusterPorts, rowAt, v6High, v6Low,
} from './image';
import { ownerOfIPv4, ownerOfIPv6 } from './address-index';

const EXTERNAL: u32 = 0;
const POD: u32 = 1;
const ADHOC: u32 = 2;

const INGRESS = DIRECTION_INGRESS;
const EGRESS = DIRECTION_EGRESS;

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
  store<u8>(at + VERDICT_RECORD_STATUS, <u8>status);
  if (status != STATUS_OK) {
    store<u8>(at + VERDICT_RECORD_DECISION, 0);
    writeNoSides();
  }
  return status;
}

/** Side reasons 0 and no rules: what a record says where no side was judged. */
function writeNoSides(): void {
  store<u8>(out + VERDICT_RECORD_EGRESS_REASON, 0);
  store<u8>(out + VERDICT_RECORD_INGRESS_REASON, 0);
  store<u32>(out + VERDICT_RECORD_EGRESS_RULE, NONE);
  store<u32>(out + VERDICT_RECORD_INGRESS_RULE, NONE);
  store<u32>(out + VERDICT_RECORD_EGRESS_PASSED, NONE);
  store<u32>(out + VERDICT_RECORD_INGRESS_PASSED, NONE);
}

function decideInto(flow: usize): u32 {
  const protocol = <u32>load<u8>(flow + FLOW_RECORD_PROTOCOL);
  const port = <u32>load<u16>(flow + FLOW_RECORD_PORT);
  if (protocol < PROTOCOL_CODE_TCP || protocol > PROTOCOL_CODE_SCTP) return STATUS_BAD_PROTOCOL;
  if (port == 0) return STATUS_BAD_PORT;
  let status = resolve(source, <u32>load<u8>(flow + FLOW_RECORD_SRC_KIND), flow + FLOW_RECORD_SRC, STATUS_AMBIGUOUS_SRC);
  if (status != STATUS_OK) return status;
  status = resolve(destination, <u32>load<u8>(flow + FLOW_RECORD_DST_KIND), flow + FLOW_RECORD_DST, STATUS_AMBIGUOUS_DST);
  if (status != STATUS_OK) return status;
  if (!chooseFamily()) return STATUS_FAMILY_MISMATCH;
  writeVerdict(protocol, port);
  return STATUS_OK;
}

function writeVerdict(protocol: u32, port: u32): void {
  // Loopback: a pod talking to itself; a workload's representative pod stands for its replicas.
  if (source.kind == POD && destination.kind == POD && source.pod == destination.pod &&
      (source.podFlags & POD_FLAG_WORKLOAD) == 0) {
    store<u8>(out + VERDICT_RECORD_DECISION, <u8>DECISION_CODE_LOOPBACK);
    writeNoSides();
    return;
  }
  judge(EGRESS, source, destination, protocol, port);
  const egressReason = sideReason;
  const egressRule = sideRule;
  const egressPassed = sidePassed;
  const egressIsolated = sideIsolated;
  judge(INGRESS, destination, source, protocol, port);
  let decision = DECISION_CODE_NO_POLICY;
  if (denies(egressReason) || denies(sideReason)) decision = DECISION_CODE_DENIED;
  else if (egressIsolated || sideIsolated || byTier(egressReason) || byTier(sideReason)) decision = DECISION_CODE_ALLOWED;
  store<u8>(out + VERDICT_RECORD_DECISION, <u8>decision);
  store<u8>(out + VERDICT_RECORD_EGRESS_REASON, <u8>egressReason);
  store<u8>(out + VERDICT_RECORD_INGRESS_REASON, <u8>sideReason);
  store<u32>(out + VERDICT_RECORD_EGRESS_RULE, egressRule);
  store<u32>(out + VERDICT_RECORD_INGRESS_RULE, sideRule);
  store<u32>(out + VERDICT_RECORD_EGRESS_PASSED, egressPassed);
  store<u32>(out + VERDICT_RECORD_INGRESS_PASSED, sidePassed);
}

// @ts-ignore: decorator
@inline function denies(reason: u32): bool {
  return reason == SIDE_CODE_NO_RULE_MATCHED || reason == SIDE_CODE_ADMIN_DENIED || reason == SIDE_CODE_BASELINE_DENIED;
}

/** Decided by a cluster-wide rule: a policy had a say even where no NetworkPolicy isolates. */
// @ts-ignore: decorator
@inline function byTier(reason: u32): bool {
  return reason >= SIDE_CODE_ADMIN_ALLOWED;
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
    const namespace = word(ep.adhoc, ADHOC_RECORD_NAMESPACE);
    ep.namespace = namespace < namespaceCount ? namespace : NONE;
    return STATUS_OK;
  }
  let owner: u32 = NONE;
  if (kind == ENDPOINT_KIND_IPV4) {
    ep.family = IP_FAMILY_V4;
    ep.v4 = load<u32>(at);
    owner = ownerOfIPv4(ep.v4);
  } else if (kind == ENDPOINT_KIND_IPV6) {
    ep.family = IP_FAMILY_V6;
    ep.v6hi = v6High(at, 0);
    ep.v6lo = v6Low(at, 0);
    owner = ownerOfIPv6(ep.v6hi, ep.v6lo);
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
  const row = rowAt(pods, pod, POD_STRIDE);
  ep.kind = POD;
  ep.pod = pod;
  ep.row = row;
  ep.identity = word(row, POD_ROW_IDENTITY);
  ep.podFlags = word(row, POD_ROW_FLAGS);
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
  return (flags & POD_FLAG_PRIMARY_V6) != 0 ? IP_FAMILY_V6 : IP_FAMILY_V4;
}

function podAddress(ep: Endpoint, family: u32): void {
  if (ep.kind != POD || ep.givenIP) return;
  const row = ep.row;
  if (family == IP_FAMILY_V4 && (ep.podFlags & POD_FLAG_HAS_V4) != 0) {
    ep.hasIP = true;
    ep.family = IP_FAMILY_V4;
    ep.v4 = word(row, POD_ROW_IPV4);
  } else if (family == IP_FAMILY_V6 && (ep.podFlags & POD_FLAG_HAS_V6) != 0) {
    ep.hasIP = true;
    ep.family = IP_FAMILY_V6;
    ep.v6hi = v6High(row, POD_ROW_IPV6);
    ep.v6lo = v6Low(row, POD_ROW_IPV6);
  }
}

/** Sets sideReason, sideRule and sideIsolated for one direction at `subject`. */
function judge(direction: u32, subject: Endpoint, peer: Endpoint, protocol: u32, port: u32): void {
  sideRule = NONE;
  sidePassed = NONE;
  sideIsolated = false;
  if (subject.kind == EXTERNAL) {
    sideReason = SIDE_CODE_OUTSIDE_CLUSTER;
    return;
  }
  if ((subject.podFlags & POD_FLAG_HOST_NETWORK) != 0) {
    sideReason = SIDE_CODE_HOST_NETWORK;
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
        sideReason = action == CLUSTER_ACTION_ALLOW ? SIDE_CODE_ADMIN_ALLOWED : SIDE_CODE_ADMIN_DENIED;
        sideRule = rule;
        return;
      }
      sidePassed = rule;
    }
  }
  // Node traffic is always allowed by NetworkPolicies; the baseline tier may still deny it.
  const node = subject.kind == POD && isPodsNode(subject, peer);
  if (!sideIsolated) {
    sideReason = node ? SIDE_CODE_NODE : SIDE_CODE_NOT_ISOLATED;
    if (clusterPolicyCount > 0) {
      // Baseline tier: only for pods no NetworkPolicy selects; a Pass there decides nothing.
      const rule = firstClusterRule(CLUSTER_TIER_BASELINE, direction, subject, peer, dst, protocol, port);
      if (rule != NONE && clusterAction(rule) != CLUSTER_ACTION_PASS) {
        sideReason = clusterAction(rule) == CLUSTER_ACTION_ALLOW ? SIDE_CODE_BASELINE_ALLOWED : SIDE_CODE_BASELINE_DENIED;
        sideRule = rule;
      }
    }
    return;
  }
  if (node) {
    sideReason = SIDE_CODE_NODE;
    return;
  }
  if (subject.kind == POD) {
    // The pod's row holds its rule list: [start, end) of SEL_RULES' ids, per direction.
    const field = direction == INGRESS ? POD_ROW_INGRESS_RULES : POD_ROW_EGRESS_RULES;
    const start = word(subject.row, field + RULE_LIST_START);
    const end = word(subject.row, field + RULE_LIST_END);
    const data = selListData(DIRECTION_COUNT);
    for (let i = start; i < end; i++) {
      const rule = word(selRules, data + i);
      if (ruleMatches(rule, peer, dst, protocol, port)) {
        sideReason = SIDE_CODE_ALLOWED_BY_RULE;
        sideRule = rule;
        return;
      }
    }
  } else {
    // An ad-hoc pod: walk its namespace's selecting policies in order, as the compiler did for identities.
    const end = word(nsPolicies, subject.namespace + 1);
    for (let i = nextSelecting(subject, direction, word(nsPolicies, subject.namespace)); i < end; i = nextSelecting(subject, direction, i + 1)) {
      const row = rowAt(policies, nsPolicyAt(i), POLICY_STRIDE);
      const first = word(row, direction == INGRESS ? POLICY_ROW_INGRESS_START : POLICY_ROW_EGRESS_START);
      const count = word(row, direction == INGRESS ? POLICY_ROW_INGRESS_COUNT : POLICY_ROW_EGRESS_COUNT);
      for (let r: u32 = 0; r < count; r++) {
        if (ruleMatches(first + r, peer, dst, protocol, port)) {
          sideReason = SIDE_CODE_ALLOWED_BY_RULE;
          sideRule = first + r;
          return;
        }
      }
    }
  }
  sideReason = SIDE_CODE_NO_RULE_MATCHED;
}

// @ts-ignore: decorator
@inline function clusterRuleRow(rule: u32): usize {
  return rowAt(clusterRules, rule, CLUSTER_RULE_STRIDE);
}

// @ts-ignore: decorator
@inline function clusterAction(rule: u32): u32 {
  return word(clusterRuleRow(rule), CLUSTER_RULE_ROW_ACTION);
}

/** Where the ids of a per-identity list section (SEL_RULES) start: after its offsets. */
// @ts-ignore: decorator
@inline function selListData(lists: u32): u32 {
  return lists * identityCount + 1;
}

/**
 * The first rule of the tier, for this direction and subject, that matches the flow: from the
 * identity's precomputed list for a pod, by walking the tier's policies for an ad-hoc pod.
 */
function firstClusterRule(tier: u32, direction: u32, subject: Endpoint, peer: Endpoint, dst: Endpoint, protocol: u32, port: u32): u32 {
  if (subject.kind == POD) {
    // The pod's row names its row of cluster lists: [start, end) of SEL_CLUSTER_RULES' entries per tier and direction.
    const lists = rowAt(clusterListSets, word(subject.row, POD_ROW_CLUSTER_LISTS), CLUSTER_LIST_SET_STRIDE);
    const field = (tier * DIRECTION_COUNT + direction) << 1;
    const start = word(lists, field + RULE_LIST_START);
    const end = word(lists, field + RULE_LIST_END);
    let entry = rowAt(selClusterRules, start, CLUSTER_LIST_ENTRY_WORDS);
    // A pod peer (no hostNetwork pod) meets most rules' peers by one bit, read from the entry (layout.ts CLUSTER_LIST_ENTRY).
    const podPeer = peer.kind == POD && (peer.podFlags & POD_FLAG_HOST_NETWORK) == 0;
    const identity = peer.identity;
    for (let i = start; i < end; i++, entry += CLUSTER_LIST_ENTRY_WORDS << 2) {
      const rule = word(entry, CLUSTER_LIST_ENTRY_RULE);
      const bits = word(entry, CLUSTER_LIST_ENTRY_POD_BITS);
      if (!podPeer || bits == CLUSTER_POD_BITS_ANY) {
        if (clusterRuleMatches(rule, peer, dst, protocol, port)) return rule;
      } else if (bits != NONE && (word(clusterPeerBits, bits + (identity >> 5)) & (1 << (identity & 31))) != 0 &&
          clusterPortsMatch(rule, dst, protocol, port)) {
        return rule;
      }
    }
    return NONE;
  }
  for (let p: u32 = 0; p < clusterPolicyCount; p++) {
    const row = rowAt(clusterPolicies, p, CLUSTER_POLICY_STRIDE);
    if (word(row, CLUSTER_POLICY_ROW_TIER) != tier || !clusterSubjectSelectsAdhoc(row, subject)) continue;
    const first = word(row, direction == INGRESS ? CLUSTER_POLICY_ROW_INGRESS_START : CLUSTER_POLICY_ROW_EGRESS_START);
    const count = word(row, direction == INGRESS ? CLUSTER_POLICY_ROW_INGRESS_COUNT : CLUSTER_POLICY_ROW_EGRESS_COUNT);
    for (let r: u32 = 0; r < count; r++) {
      if (clusterRuleMatches(first + r, peer, dst, protocol, port)) return first + r;
    }
  }
  return NONE;
}

function clusterSubjectSelectsAdhoc(policy: usize, subject: Endpoint): bool {
  if (!selectorMatches(word(policy, CLUSTER_POLICY_ROW_NAMESPACE_SELECTOR), namespaceLabelsOf(subject))) return false;
  const podSelector = word(policy, CLUSTER_POLICY_ROW_POD_SELECTOR);
  return podSelector == NONE || selectorMatches(podSelector, adhocPodLabels(subject.adhoc));
}

function clusterRuleMatches(rule: u32, peer: Endpoint, dst: Endpoint, protocol: u32, port: u32): bool {
  assert(rule < clusterRuleCount);
  const row = clusterRuleRow(rule);
  const flags = word(row, CLUSTER_RULE_ROW_FLAGS);
  const matcher = rowAt(row, CLUSTER_RULE_ROW_MATCHER, 1);
  const peers = (flags & CLUSTER_RULE_FLAG_MATCHES_ALL_PEERS) != 0 || clusterPodPeersMatch(matcher, peer) ||
    (peer.hasIP && inIntervals(clusterV4Intervals, clusterV6Intervals, matcher, peer));
  return peers && clusterPortsMatch(rule, dst, protocol, port);
}

/** The flow's destination port is among the cluster rule's ports. */
function clusterPortsMatch(rule: u32, dst: Endpoint, protocol: u32, port: u32): bool {
  const row = clusterRuleRow(rule);
  const matcher = rowAt(row, CLUSTER_RULE_ROW_MATCHER, 1);
  return (word(row, CLUSTER_RULE_ROW_FLAGS) & CLUSTER_RULE_FLAG_ALL_PORTS) != 0 ||
    portsMatch(clusterPorts, word(matcher, MATCHER_PORT_START), word(matcher, MATCHER_PORT_COUNT), dst, protocol, port);
}

/** namespaces and pods peers: never a hostNetwork pod; an ad-hoc pod by its label bits. */
function clusterPodPeersMatch(matcher: usize, peer: Endpoint): bool {
  if (peer.kind == POD) {
    const bits = word(matcher, MATCHER_PEER_BITS);
    if (bits == NONE || (peer.podFlags & POD_FLAG_HOST_NETWORK) != 0) return false;
    const identity = peer.identity;
    return (word(clusterPeerBits, bits + (identity >> 5)) & (1 << (identity & 31))) != 0;
  }
  if (peer.kind != ADHOC) return false;
  const start = word(matcher, MATCHER_POD_PEER_START);
  const count = word(matcher, MATCHER_POD_PEER_COUNT);
  for (let i: u32 = 0; i < count; i++) {
    const podPeer = rowAt(clusterPodPeers, start + i, POD_PEER_STRIDE);
    const podSelector = word(podPeer, POD_PEER_ROW_POD_SELECTOR);
    if (
      selectorMatches(word(podPeer, POD_PEER_ROW_NAMESPACE_SELECTOR), namespaceLabelsOf(peer)) &&
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
  const row = rowAt(policies, policy, POLICY_STRIDE);
  const flag = direction == INGRESS ? POLICY_FLAG_INGRESS : POLICY_FLAG_EGRESS;
  return (word(row, POLICY_ROW_FLAGS) & flag) != 0 && selectorMatches(word(row, POLICY_ROW_POD_SELECTOR), adhocPodLabels(subject.adhoc));
}

/** "Traffic to and from the node where a Pod is running is always allowed." */
function isPodsNode(subject: Endpoint, peer: Endpoint): bool {
  const row = subject.row;
  if (!peer.hasIP) return false;
  // The row's filter rules out most peers without reading HOST_IPS (a miss of its own).
  const folded = peer.family == IP_FAMILY_V4
    ? peer.v4
    : <u32>(peer.v6hi >> 32) ^ <u32>peer.v6hi ^ <u32>(peer.v6lo >> 32) ^ <u32>peer.v6lo;
  if ((word(row, POD_ROW_HOST_IP_FILTER) & (1 << ((folded * HOST_IP_FILTER_MULTIPLIER) >> 27))) == 0) return false;
  const count = word(row, POD_ROW_HOST_IP_COUNT);
  const start = word(row, POD_ROW_HOST_IP_START);
  for (let h: u32 = 0; h < count; h++) {
    const host = rowAt(hostIPs, start + h, HOST_IP_STRIDE);
    const family = word(host, HOST_IP_ROW_FAMILY);
    if (family != peer.family) continue;
    if (family == IP_FAMILY_V4) {
      if (word(host, HOST_IP_ROW_IPV4) == peer.v4) return true;
    } else if (v6High(host, HOST_IP_ROW_ADDRESS) == peer.v6hi && v6Low(host, HOST_IP_ROW_ADDRESS) == peer.v6lo) {
      return true;
    }
  }
  return false;
}

function ruleMatches(rule: u32, peer: Endpoint, dst: Endpoint, protocol: u32, port: u32): bool {
  // The loader checked every rule id; the debug build re-checks what the hot path relies on.
  assert(rule < ruleCount);
  const row = rowAt(rules, rule, RULE_STRIDE);
  const flags = word(row, RULE_ROW_FLAGS);
  const matcher = rowAt(row, RULE_ROW_MATCHER, 1);
  // Peers first: a bit test that most rules fail on, before the longer port list.
  if ((flags & RULE_FLAG_ALL_PEERS) == 0 && !podPeersMatch(row, matcher, peer) && !ipBlocksMatch(matcher, peer)) return false;
  return (flags & RULE_FLAG_ALL_PORTS) != 0 ||
    portsMatch(ports, word(matcher, MATCHER_PORT_START), word(matcher, MATCHER_PORT_COUNT), dst, protocol, port);
}

/** A port entry of `table` matches: its protocol (PORT_ANY_PROTOCOL: the flow's), then the port. */
function portsMatch(table: usize, start: u32, count: u32, dst: Endpoint, protocol: u32, port: u32): bool {
  for (let i: u32 = 0; i < count; i++) {
    const row = rowAt(table, start + i, PORT_STRIDE);
    const entryProtocol = word(row, PORT_ROW_PROTOCOL);
    if (entryProtocol != protocol && entryProtocol != PORT_ANY_PROTOCOL) continue;
    const kind = word(row, PORT_ROW_KIND);
    if (kind == PORT_KIND_ALL) return true;
    if (kind == PORT_KIND_RANGE) {
      if (word(row, PORT_ROW_FROM) <= port && port <= word(row, PORT_ROW_TO)) return true;
    } else if (kind == PORT_KIND_NAMED && hasNamedPort(dst, word(row, PORT_ROW_NAME), protocol, port)) {
      return true;
    }
  }
  return false;
}

/** Named ports resolve on the destination: a pod (never hostNetwork) or an ad-hoc pod's ports. */
function hasNamedPort(dst: Endpoint, name: u32, protocol: u32, port: u32): bool {
  if (dst.kind == POD) {
    if ((dst.podFlags & POD_FLAG_HOST_NETWORK) != 0) return false;
    return namedPortIn(namedPorts, word(dst.row, POD_ROW_NAMED_PORT_START), word(dst.row, POD_ROW_NAMED_PORT_COUNT), name, protocol, port);
  }
  if (dst.kind == ADHOC) {
    const table = rowAt(dst.adhoc, ADHOC_RECORD_PORTS, 1);
    return namedPortIn(table, 0, word(dst.adhoc, ADHOC_RECORD_PORT_COUNT), name, protocol, port);
  }
  return false;
}

/** Rows [start, start + count) of the named port rows at `table` hold (name, protocol, port). */
function namedPortIn(table: usize, start: u32, count: u32, name: u32, protocol: u32, port: u32): bool {
  for (let i: u32 = 0; i < count; i++) {
    const row = rowAt(table, start + i, NAMED_PORT_STRIDE);
    if (word(row, NAMED_PORT_ROW_NAME) == name && word(row, NAMED_PORT_ROW_PROTOCOL) == protocol && word(row, NAMED_PORT_ROW_PORT) == port) {
      return true;
    }
  }
  return false;
}

function podPeersMatch(rule: usize, matcher: usize, peer: Endpoint): bool {
  if (peer.kind == POD) {
    const bits = word(matcher, MATCHER_PEER_BITS);
    if (bits == NONE || (peer.podFlags & POD_FLAG_HOST_NETWORK) != 0) return false;
    assert(peer.identity < identityCount);
    const identity = peer.identity;
    return (word(peerBits, bits + (identity >> 5)) & (1 << (identity & 31))) != 0;
  }
  if (peer.kind != ADHOC) return false;
  const start = word(matcher, MATCHER_POD_PEER_START);
  const count = word(matcher, MATCHER_POD_PEER_COUNT);
  const policyNamespace = word(rowAt(policies, word(rule, RULE_ROW_POLICY), POLICY_STRIDE), POLICY_ROW_NAMESPACE);
  const podLabels = adhocPodLabels(peer.adhoc);
  for (let i: u32 = 0; i < count; i++) {
    const podPeer = rowAt(podPeers, start + i, POD_PEER_STRIDE);
    const namespaceSelector = word(podPeer, POD_PEER_ROW_NAMESPACE_SELECTOR);
    const inNamespace = namespaceSelector == NONE
      ? peer.namespace == policyNamespace
      : selectorMatches(namespaceSelector, namespaceLabelsOf(peer));
    if (inNamespace && selectorMatches(word(podPeer, POD_PEER_ROW_POD_SELECTOR), podLabels)) return true;
  }
  return false;
}

/**
 * Outside addresses are always seen; a hostNetwork pod's (node) IP too; other pods only with
 * ipBlockMatchesPods; never an endpoint without an address.
 */
function ipBlocksMatch(matcher: usize, peer: Endpoint): bool {
  if (!peer.hasIP) return false;
  if (peer.kind == POD && (peer.podFlags & POD_FLAG_HOST_NETWORK) == 0 && (options & OPTION_IPBLOCK_MATCHES_PODS) == 0) {
    return false;
  }
  return inIntervals(v4Intervals, v6Intervals, matcher, peer);
}

/** The endpoint's address lies in the intervals of the rule's MATCHER block. */
function inIntervals(v4: usize, v6: usize, matcher: usize, peer: Endpoint): bool {
  if (peer.family == IP_FAMILY_V4) return inV4Intervals(v4, word(matcher, MATCHER_V4_START), word(matcher, MATCHER_V4_COUNT), peer.v4);
  return inV6Intervals(v6, word(matcher, MATCHER_V6_START), word(matcher, MATCHER_V6_COUNT), peer.v6hi, peer.v6lo);
}

function inV4Intervals(table: usize, start: u32, count: u32, ip: u32): bool {
  let lo: i32 = 0;
  let hi: i32 = <i32>count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const interval = rowAt(table, start + <u32>mid, V4_INTERVAL_STRIDE);
    if (ip < word(interval, V4_INTERVAL_ROW_LO)) hi = mid - 1;
    else if (ip > word(interval, V4_INTERVAL_ROW_HI)) lo = mid + 1;
    else return true;
  }
  return false;
}

function inV6Intervals(table: usize, start: u32, count: u32, ipHi: u64, ipLo: u64): bool {
  let lo: i32 = 0;
  let hi: i32 = <i32>count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const interval = rowAt(table, start + <u32>mid, V6_INTERVAL_STRIDE);
    if (v6Below(interval, ipHi, ipLo, V6_INTERVAL_ROW_LO)) hi = mid - 1;
    else if (v6Above(interval, ipHi, ipLo, V6_INTERVAL_ROW_HI)) lo = mid + 1;
    else return true;
  }
  return false;
}

/** (hi, lo) is below the IPv6 address at word `at` of `row`. */
function v6Below(row: usize, hi: u64, lo: u64, at: u32): bool {
  const bhi = v6High(row, at);
  return hi < bhi || (hi == bhi && lo < v6Low(row, at));
}

/** (hi, lo) is above the IPv6 address at word `at` of `row`. */
function v6Above(row: usize, hi: u64, lo: u64, at: u32): bool {
  const bhi = v6High(row, at);
  return hi > bhi || (hi == bhi && lo > v6Low(row, at));
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
  const terms = rowAt(selectors, at, 1);
  const required = word(terms, SELECTOR_TERMS_REQUIRED_COUNT);
  const forbidden = word(terms, SELECTOR_TERMS_FORBIDDEN_COUNT);
  const groups = word(terms, SELECTOR_TERMS_GROUP_COUNT);
  at += SELECTOR_HEADER_WORDS;
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
  const list = rowAt(at, ISOLATING_LIST_IDS, 1);
  if (subject.kind == POD && (subject.podFlags & POD_FLAG_HOST_NETWORK) == 0) {
    const index = direction * identityCount + subject.identity;
    const start = word(selPolicies, index);
    const end = word(selPolicies, index + 1);
    const data = selListData(DIRECTION_COUNT);
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
  store<u32>(rowAt(at, ISOLATING_LIST_COUNT, 1), count);
  return list + ((<usize>count) << 2);
}
