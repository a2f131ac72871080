// The loaded image: where each section starts, and the counts. `loadImage` checks the header, the
// checksum, the section table and every index an evaluation will follow, so that a truncated,
// corrupted or foreign image is refused with an error code and never makes a decision trap or loop.
import {
  AMBIGUOUS, CHECKSUM_FROM, CLUSTER_ACTION_PASS, CLUSTER_LIST_ENTRY_POD_BITS, CLUSTER_LIST_ENTRY_RULE,
  CLUSTER_LIST_ENTRY_WORDS, CLUSTER_LIST_SET_STRIDE, CLUSTER_POD_BITS_ANY, CLUSTER_RULE_FLAG_MATCHES_ALL_PEERS, CLUSTER_RULE_ROW_FLAGS, CLUSTER_POLICY_ROW_EGRESS_COUNT,
  CLUSTER_POLICY_ROW_EGRESS_START, CLUSTER_POLICY_ROW_INGRESS_COUNT, CLUSTER_POLICY_ROW_INGRESS_START,
  CLUSTER_POLICY_ROW_NAMESPACE_SELECTOR, CLUSTER_POLICY_ROW_POD_SELECTOR, CLUSTER_POLICY_ROW_SUBJECT_KIND,
  CLUSTER_POLICY_ROW_TIER, CLUSTER_POLICY_STRIDE, CLUSTER_RULE_ROW_ACTION, CLUSTER_RULE_ROW_MATCHER,
  CLUSTER_RULE_ROW_POLICY, CLUSTER_RULE_STRIDE, CLUSTER_SUBJECT_PODS, CLUSTER_TIER_BASELINE,
  COUNT_CLUSTER_POLICIES, COUNT_CLUSTER_RULES, COUNT_FIELDS, COUNT_IDENTITIES,
  COUNT_IDENTITY_WORDS, COUNT_LABEL_WORDS, COUNT_NAMESPACES, COUNT_OPTIONS, COUNT_POLICIES, COUNT_PODS,
  COUNT_PORT_NAMES, COUNT_RULES, COUNT_SELECTORS, DIRECTION_COUNT, FORMAT_ID, HEADER_BYTES, HEADER_CHECKSUM,
  HEADER_FORMAT_ID, HEADER_LENGTH, HEADER_MAGIC, HEADER_SECTION_COUNT, HOST_IP_ROW_FAMILY, HOST_IP_STRIDE,
  IDENTITY_ROW_NAMED_PORT_COUNT, IDENTITY_ROW_NAMED_PORT_START, IDENTITY_ROW_NAMESPACE, IDENTITY_STRIDE,
  IP_FAMILY_V4, IP_FAMILY_V6, IPV4_TABLE_ROW_ADDRESS, IPV4_TABLE_ROW_POD, IPV4_TABLE_STRIDE,
  IPV6_TABLE_ROW_ADDRESS, IPV6_TABLE_ROW_POD, IPV6_TABLE_STRIDE, LOAD_ERROR_BAD_CHECKSUM,
  LOAD_ERROR_BAD_FORMAT, LOAD_ERROR_BAD_LENGTH, LOAD_ERROR_BAD_MAGIC, LOAD_ERROR_BAD_REFERENCE,
  LOAD_ERROR_BAD_SECTION_SIZE, LOAD_ERROR_BAD_SECTION_TABLE, LOAD_ERROR_MISSING_SECTION,
  LOAD_ERROR_TOO_SHORT, MAGIC, MATCHER_PEER_BITS, MATCHER_POD_PEER_COUNT, MATCHER_POD_PEER_START,
  MATCHER_PORT_COUNT, MATCHER_PORT_START, MATCHER_V4_COUNT, MATCHER_V4_START, MATCHER_V6_COUNT,
  MATCHER_V6_START, MAX_SECTIONS, NAMED_PORT_ROW_NAME, NAMED_PORT_STRIDE, NONE, POD_PEER_ROW_NAMESPACE_SELECTOR,
  POD_PEER_ROW_POD_SELECTOR, POD_PEER_STRIDE, POD_ROW_CLUSTER_LISTS,
  POD_ROW_EGRESS_RULES, POD_ROW_HOST_IP_COUNT, POD_ROW_HOST_IP_START, POD_ROW_IDENTITY, POD_ROW_INGRESS_RULES,
  POD_ROW_NAMED_PORT_COUNT, POD_ROW_NAMED_PORT_START, POD_STRIDE, POLICY_ROW_EGRESS_COUNT,
  POLICY_ROW_EGRESS_START, POLICY_ROW_INGRESS_COUNT, POLICY_ROW_INGRESS_START, POLICY_ROW_NAMESPACE,
  POLICY_ROW_POD_SELECTOR, POLICY_STRIDE, PORT_ANY_PROTOCOL, PORT_KIND_NAMED, PORT_KIND_RANGE, PORT_ROW_FROM,
  PORT_ROW_KIND, PORT_ROW_NAME, PORT_ROW_PROTOCOL, PORT_ROW_TO, PORT_STRIDE, PROTOCOL_CODE_SCTP,
  RULE_LIST_END, RULE_LIST_START, RULE_ROW_MATCHER, RULE_ROW_POLICY, RULE_STRIDE, SECTION_CLUSTER_PEER_BITS,
  SECTION_CLUSTER_LIST_SETS, SECTION_CLUSTER_POD_PEERS, SECTION_CLUSTER_POLICIES, SECTION_CLUSTER_PORTS, SECTION_CLUSTER_RULES,
  SECTION_ALIGN_BYTES, SECTION_CLUSTER_V4_INTERVALS, SECTION_CLUSTER_V6_INTERVALS, SECTION_COUNT, SECTION_COUNTS,
  SECTION_ENTRY_BYTES, SECTION_ENTRY_ID, SECTION_ENTRY_LENGTH, SECTION_ENTRY_OFFSET, SECTION_HOST_IPS,
  SECTION_IDENTITIES, SECTION_IPV4_TABLE, SECTION_IPV6_TABLE, SECTION_META, SECTION_NAMED_PORTS,
  SECTION_NS_LABELS, SECTION_NS_POLICIES, SECTION_PEER_BITS, SECTION_POD_PEERS, SECTION_PODS,
  SECTION_POLICIES, SECTION_PORTS, SECTION_RULES, SECTION_SEL_CLUSTER_RULES, SECTION_SEL_POLICIES,
  SECTION_SEL_RULES, SECTION_SELECTORS, SECTION_V4_INTERVALS, SECTION_V6_INTERVALS, SELECTOR_HEADER_WORDS,
  SELECTOR_TERMS_FORBIDDEN_COUNT, SELECTOR_TERMS_GROUP_COUNT, SELECTOR_TERMS_REQUIRED_COUNT,
  V4_INTERVAL_ROW_HI, V4_INTERVAL_ROW_LO, V4_INTERVAL_STRIDE, V6_INTERVAL_ROW_HI, V6_INTERVAL_ROW_LO,
  V6_INTERVAL_STRIDE,
} from './layout';

/** The u32 at word `index` of the section starting at `base`. */
// @ts-ignore: decorator
@inline export function word(base: usize, index: u32): u32 {
  return load<u32>(base + ((<usize>index) << 2));
}

/** The address of row `index` of `stride` words in the table at `table`. */
// @ts-ignore: decorator
@inline export function rowAt(table: usize, index: u32, stride: u32): usize {
  return table + ((<usize>(index * stride)) << 2);
}

/** The high 64 bits of the IPv6 address at word `at` of `base`. */
// @ts-ignore: decorator
@inline export function v6High(base: usize, at: u32): u64 {
  return ((<u64>word(base, at)) << 32) | <u64>word(base, at + 1);
}

/** The low 64 bits of the IPv6 address at word `at` of `base`. */
// @ts-ignore: decorator
@inline export function v6Low(base: usize, at: u32): u64 {
  return ((<u64>word(base, at + 2)) << 32) | <u64>word(base, at + 3);
}

export let podCount: u32 = 0;
export let identityCount: u32 = 0;
export let namespaceCount: u32 = 0;
export let policyCount: u32 = 0;
export let ruleCount: u32 = 0;
export let selectorCount: u32 = 0;
export let labelWords: u32 = 0;
export let identityWords: u32 = 0;
export let portNameCount: u32 = 0;
export let options: u32 = 0;

/** Section starts (byte addresses) and lengths in u32 words. */
const sectionBase = new StaticArray<usize>(SECTION_COUNT + 1);
const sectionWords = new StaticArray<u32>(SECTION_COUNT + 1);

export let pods: usize = 0;
export let hostIPs: usize = 0;
export let identities: usize = 0;
export let namedPorts: usize = 0;
export let selRules: usize = 0;
export let selPolicies: usize = 0;
export let policies: usize = 0;
export let rules: usize = 0;
export let peerBits: usize = 0;
export let podPeers: usize = 0;
export let v4Intervals: usize = 0;
export let v6Intervals: usize = 0;
export let ports: usize = 0;
export let selectors: usize = 0;
export let nsLabels: usize = 0;
export let nsPolicies: usize = 0;
export let ipv4Table: usize = 0;
export let ipv4Count: u32 = 0;
export let ipv6Table: usize = 0;
export let ipv6Count: u32 = 0;
export let clusterPolicyCount: u32 = 0;
export let clusterRuleCount: u32 = 0;
export let clusterPolicies: usize = 0;
export let clusterRules: usize = 0;
export let clusterPodPeers: usize = 0;
export let selClusterRules: usize = 0;
export let clusterListSets: usize = 0;
export let clusterPeerBits: usize = 0;
export let clusterV4Intervals: usize = 0;
export let clusterV6Intervals: usize = 0;
export let clusterPorts: usize = 0;

/** 0 when the image is usable, else a negated LOAD_ERROR_*. */
export function loadImage(image: usize, length: u32): i32 {
  if (length < HEADER_BYTES || (length & 3) != 0) return -LOAD_ERROR_TOO_SHORT;
  if (load<u32>(image + HEADER_MAGIC) != MAGIC) return -LOAD_ERROR_BAD_MAGIC;
  // An image of another layout is never decoded: the host recompiles it from its bundle.
  if (load<u32>(image + HEADER_FORMAT_ID) != FORMAT_ID) return -LOAD_ERROR_BAD_FORMAT;
  if (load<u32>(image + HEADER_LENGTH) != length) return -LOAD_ERROR_BAD_LENGTH;
  if (checksum(image, length) != load<u32>(image + HEADER_CHECKSUM)) return -LOAD_ERROR_BAD_CHECKSUM;

  const count = load<u32>(image + HEADER_SECTION_COUNT);
  if (count > MAX_SECTIONS || HEADER_BYTES + count * SECTION_ENTRY_BYTES > length) return -LOAD_ERROR_BAD_SECTION_TABLE;
  for (let id: u32 = 0; id <= SECTION_COUNT; id++) {
    unchecked(sectionBase[id] = 0);
    unchecked(sectionWords[id] = NONE);
  }
  const dataStart = HEADER_BYTES + count * SECTION_ENTRY_BYTES;
  for (let i: u32 = 0; i < count; i++) {
    const entry = image + HEADER_BYTES + i * SECTION_ENTRY_BYTES;
    const id = load<u32>(entry + SECTION_ENTRY_ID);
    const offset = load<u32>(entry + SECTION_ENTRY_OFFSET);
    const bytes = load<u32>(entry + SECTION_ENTRY_LENGTH);
    if (id == 0 || id > SECTION_COUNT) return -LOAD_ERROR_BAD_SECTION_TABLE;
    // Sections start on a line (the compiler pads), so that rows of whole lines start on one.
    if ((offset & (SECTION_ALIGN_BYTES - 1)) != 0 || (bytes & 3) != 0 || offset < dataStart) return -LOAD_ERROR_BAD_SECTION_TABLE;
    if (<u64>offset + <u64>bytes > <u64>length) return -LOAD_ERROR_BAD_SECTION_TABLE;
    if (unchecked(sectionWords[id]) != NONE) return -LOAD_ERROR_BAD_SECTION_TABLE;
    unchecked(sectionBase[id] = image + offset);
    unchecked(sectionWords[id] = bytes >> 2);
  }
  for (let id: u32 = 1; id <= SECTION_COUNT; id++) {
    if (id != SECTION_META && unchecked(sectionWords[id]) == NONE) return -LOAD_ERROR_MISSING_SECTION;
  }
  return bindSections();
}

/** FNV-1a over the words from CHECKSUM_FROM on, as the compiler computes it. */
function checksum(image: usize, length: u32): u32 {
  let hash: u32 = 0x811c9dc5;
  for (let at: usize = image + CHECKSUM_FROM; at < image + length; at += 4) {
    hash = (hash ^ load<u32>(at)) * 0x01000193;
  }
  return hash;
}

// @ts-ignore: decorator
@inline function base(id: u32): usize {
  return unchecked(sectionBase[id]);
}

// @ts-ignore: decorator
@inline function words(id: u32): u32 {
  return unchecked(sectionWords[id]);
}

function bindSections(): i32 {
  if (words(SECTION_COUNTS) != COUNT_FIELDS) return -LOAD_ERROR_BAD_SECTION_SIZE;
  const counts = base(SECTION_COUNTS);
  podCount = word(counts, COUNT_PODS);
  identityCount = word(counts, COUNT_IDENTITIES);
  namespaceCount = word(counts, COUNT_NAMESPACES);
  policyCount = word(counts, COUNT_POLICIES);
  ruleCount = word(counts, COUNT_RULES);
  selectorCount = word(counts, COUNT_SELECTORS);
  labelWords = word(counts, COUNT_LABEL_WORDS);
  identityWords = word(counts, COUNT_IDENTITY_WORDS);
  portNameCount = word(counts, COUNT_PORT_NAMES);
  options = word(counts, COUNT_OPTIONS);
  clusterPolicyCount = word(counts, COUNT_CLUSTER_POLICIES);
  clusterRuleCount = word(counts, COUNT_CLUSTER_RULES);

  // Exact sizes, computed in u64 so that absurd counts cannot wrap around.
  if (<u64>words(SECTION_PODS) != <u64>podCount * POD_STRIDE) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (<u64>words(SECTION_IDENTITIES) != <u64>identityCount * IDENTITY_STRIDE) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (<u64>words(SECTION_POLICIES) != <u64>policyCount * POLICY_STRIDE) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (<u64>words(SECTION_RULES) != <u64>ruleCount * RULE_STRIDE) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (<u64>words(SECTION_NS_LABELS) != <u64>namespaceCount * labelWords) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (identityWords != (identityCount + 31) / 32 && !(identityCount == 0 && identityWords == 1)) {
    return -LOAD_ERROR_BAD_SECTION_SIZE;
  }
  if (labelWords == 0 || identityWords == 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_HOST_IPS) % HOST_IP_STRIDE != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_NAMED_PORTS) % NAMED_PORT_STRIDE != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_POD_PEERS) % POD_PEER_STRIDE != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_V4_INTERVALS) % V4_INTERVAL_STRIDE != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_V6_INTERVALS) % V6_INTERVAL_STRIDE != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_PORTS) % PORT_STRIDE != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_IPV4_TABLE) % IPV4_TABLE_STRIDE != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_IPV6_TABLE) % IPV6_TABLE_STRIDE != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_PEER_BITS) % identityWords != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (<u64>words(SECTION_CLUSTER_POLICIES) != <u64>clusterPolicyCount * CLUSTER_POLICY_STRIDE) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (<u64>words(SECTION_CLUSTER_RULES) != <u64>clusterRuleCount * CLUSTER_RULE_STRIDE) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_CLUSTER_POD_PEERS) % POD_PEER_STRIDE != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_CLUSTER_PEER_BITS) % identityWords != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_CLUSTER_V4_INTERVALS) % V4_INTERVAL_STRIDE != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_CLUSTER_V6_INTERVALS) % V6_INTERVAL_STRIDE != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_CLUSTER_PORTS) % PORT_STRIDE != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_SEL_CLUSTER_RULES) % CLUSTER_LIST_ENTRY_WORDS != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  // Row 0 (every list empty) always exists: a pod no cluster policy selects names it.
  if (words(SECTION_CLUSTER_LIST_SETS) % CLUSTER_LIST_SET_STRIDE != 0 || words(SECTION_CLUSTER_LIST_SETS) == 0) {
    return -LOAD_ERROR_BAD_SECTION_SIZE;
  }

  pods = base(SECTION_PODS);
  hostIPs = base(SECTION_HOST_IPS);
  identities = base(SECTION_IDENTITIES);
  namedPorts = base(SECTION_NAMED_PORTS);
  selRules = base(SECTION_SEL_RULES);
  selPolicies = base(SECTION_SEL_POLICIES);
  policies = base(SECTION_POLICIES);
  rules = base(SECTION_RULES);
  peerBits = base(SECTION_PEER_BITS);
  podPeers = base(SECTION_POD_PEERS);
  v4Intervals = base(SECTION_V4_INTERVALS);
  v6Intervals = base(SECTION_V6_INTERVALS);
  ports = base(SECTION_PORTS);
  selectors = base(SECTION_SELECTORS);
  nsLabels = base(SECTION_NS_LABELS);
  nsPolicies = base(SECTION_NS_POLICIES);
  ipv4Table = base(SECTION_IPV4_TABLE);
  ipv4Count = words(SECTION_IPV4_TABLE) / IPV4_TABLE_STRIDE;
  ipv6Table = base(SECTION_IPV6_TABLE);
  ipv6Count = words(SECTION_IPV6_TABLE) / IPV6_TABLE_STRIDE;
  clusterPolicies = base(SECTION_CLUSTER_POLICIES);
  clusterRules = base(SECTION_CLUSTER_RULES);
  clusterPodPeers = base(SECTION_CLUSTER_POD_PEERS);
  selClusterRules = base(SECTION_SEL_CLUSTER_RULES);
  clusterListSets = base(SECTION_CLUSTER_LIST_SETS);
  clusterPeerBits = base(SECTION_CLUSTER_PEER_BITS);
  clusterV4Intervals = base(SECTION_CLUSTER_V4_INTERVALS);
  clusterV6Intervals = base(SECTION_CLUSTER_V6_INTERVALS);
  clusterPorts = base(SECTION_CLUSTER_PORTS);

  if (!checkCSR(selRules, words(SECTION_SEL_RULES), DIRECTION_COUNT * identityCount, ruleCount)) return -LOAD_ERROR_BAD_REFERENCE;
  if (!checkCSR(selPolicies, words(SECTION_SEL_POLICIES), DIRECTION_COUNT * identityCount, policyCount)) return -LOAD_ERROR_BAD_REFERENCE;
  if (!checkCSR(nsPolicies, words(SECTION_NS_POLICIES), namespaceCount, policyCount)) return -LOAD_ERROR_BAD_REFERENCE;
  if (!checkPods() || !checkIdentities() || !checkPolicies() || !checkRules()) return -LOAD_ERROR_BAD_REFERENCE;
  if (!checkSelectors() || !checkIPTables() || !checkCluster() || !checkClusterLists()) return -LOAD_ERROR_BAD_REFERENCE;
  return 0;
}

/** Offsets ascending within the data, and every id below `bound`. */
function checkCSR(section: usize, total: u32, lists: u32, bound: u32): bool {
  if (<u64>total < <u64>lists + 1) return false;
  const data = total - lists - 1;
  let previous: u32 = 0;
  for (let i: u32 = 0; i <= lists; i++) {
    const offset = word(section, i);
    if (offset < previous || offset > data) return false;
    previous = offset;
  }
  if (word(section, lists) != data) return false;
  for (let i: u32 = 0; i < data; i++) {
    if (word(section, lists + 1 + i) >= bound) return false;
  }
  return true;
}

/**
 * Every cluster list entry names a rule, and its POD_BITS is CLUSTER_POD_BITS_ANY or the rule's
 * own peer bits (NONE included) on a rule that does not match all peers: the walk never reads bits
 * a rule does not have. Every list set's lists lie within the entries.
 */
function checkClusterLists(): bool {
  const entries = words(SECTION_SEL_CLUSTER_RULES) / CLUSTER_LIST_ENTRY_WORDS;
  for (let i: u32 = 0; i < entries; i++) {
    const entry = rowAt(selClusterRules, i, CLUSTER_LIST_ENTRY_WORDS);
    const rule = word(entry, CLUSTER_LIST_ENTRY_RULE);
    if (rule >= clusterRuleCount) return false;
    const podBits = word(entry, CLUSTER_LIST_ENTRY_POD_BITS);
    if (podBits == CLUSTER_POD_BITS_ANY) continue;
    const row = rowAt(clusterRules, rule, CLUSTER_RULE_STRIDE);
    if ((word(row, CLUSTER_RULE_ROW_FLAGS) & CLUSTER_RULE_FLAG_MATCHES_ALL_PEERS) != 0) return false;
    if (podBits != word(rowAt(row, CLUSTER_RULE_ROW_MATCHER, 1), MATCHER_PEER_BITS)) return false;
  }
  const sets = words(SECTION_CLUSTER_LIST_SETS) / CLUSTER_LIST_SET_STRIDE;
  for (let s: u32 = 0; s < sets; s++) {
    const set = rowAt(clusterListSets, s, CLUSTER_LIST_SET_STRIDE);
    for (let list: u32 = 0; list < CLUSTER_LIST_SET_STRIDE; list += 2) {
      if (!checkRuleList(set, list, entries)) return false;
    }
  }
  return true;
}

/** `start + count <= limit` without wrapping. */
// @ts-ignore: decorator
@inline function fits(start: u32, count: u32, limit: u32): bool {
  return <u64>start + <u64>count <= <u64>limit;
}

function checkPods(): bool {
  const hostCount = words(SECTION_HOST_IPS) / HOST_IP_STRIDE;
  const ruleIds = words(SECTION_SEL_RULES) - DIRECTION_COUNT * identityCount - 1;
  const listSets = words(SECTION_CLUSTER_LIST_SETS) / CLUSTER_LIST_SET_STRIDE;
  const namedPortCount = words(SECTION_NAMED_PORTS) / NAMED_PORT_STRIDE;
  for (let p: u32 = 0; p < podCount; p++) {
    const row = rowAt(pods, p, POD_STRIDE);
    if (word(row, POD_ROW_IDENTITY) >= identityCount) return false;
    if (!fits(word(row, POD_ROW_HOST_IP_START), word(row, POD_ROW_HOST_IP_COUNT), hostCount)) return false;
    // Rule lists [start, end) per direction, inside SEL_RULES' ids (checkCSR ran first).
    if (!checkRuleList(row, POD_ROW_INGRESS_RULES, ruleIds) || !checkRuleList(row, POD_ROW_EGRESS_RULES, ruleIds)) return false;
    if (!fits(word(row, POD_ROW_NAMED_PORT_START), word(row, POD_ROW_NAMED_PORT_COUNT), namedPortCount)) return false;
    if (word(row, POD_ROW_CLUSTER_LISTS) >= listSets) return false;
  }
  for (let h: u32 = 0; h < hostCount; h++) {
    const family = word(rowAt(hostIPs, h, HOST_IP_STRIDE), HOST_IP_ROW_FAMILY);
    if (family != IP_FAMILY_V4 && family != IP_FAMILY_V6) return false;
  }
  return true;
}

/** The [start, end) pair at `field` of `row` lies within `ids`. */
function checkRuleList(row: usize, field: u32, ids: u32): bool {
  const start = word(row, field + RULE_LIST_START);
  const end = word(row, field + RULE_LIST_END);
  return start <= end && end <= ids;
}

function checkIdentities(): bool {
  const portCount = words(SECTION_NAMED_PORTS) / NAMED_PORT_STRIDE;
  for (let i: u32 = 0; i < identityCount; i++) {
    const row = rowAt(identities, i, IDENTITY_STRIDE);
    if (word(row, IDENTITY_ROW_NAMESPACE) >= namespaceCount) return false;
    if (!fits(word(row, IDENTITY_ROW_NAMED_PORT_START), word(row, IDENTITY_ROW_NAMED_PORT_COUNT), portCount)) return false;
  }
  for (let n: u32 = 0; n < portCount; n++) {
    if (word(rowAt(namedPorts, n, NAMED_PORT_STRIDE), NAMED_PORT_ROW_NAME) >= portNameCount) return false;
  }
  return true;
}

function checkPolicies(): bool {
  for (let p: u32 = 0; p < policyCount; p++) {
    const row = rowAt(policies, p, POLICY_STRIDE);
    if (word(row, POLICY_ROW_NAMESPACE) >= namespaceCount || word(row, POLICY_ROW_POD_SELECTOR) >= selectorCount) return false;
    if (!fits(word(row, POLICY_ROW_INGRESS_START), word(row, POLICY_ROW_INGRESS_COUNT), ruleCount)) return false;
    if (!fits(word(row, POLICY_ROW_EGRESS_START), word(row, POLICY_ROW_EGRESS_COUNT), ruleCount)) return false;
  }
  return true;
}

function checkRules(): bool {
  const podPeerCount = words(SECTION_POD_PEERS) / POD_PEER_STRIDE;
  for (let r: u32 = 0; r < ruleCount; r++) {
    const row = rowAt(rules, r, RULE_STRIDE);
    if (word(row, RULE_ROW_POLICY) >= policyCount) return false;
    const matcher = rowAt(row, RULE_ROW_MATCHER, 1);
    if (!checkMatchers(matcher, podPeerCount, SECTION_PEER_BITS, SECTION_V4_INTERVALS, SECTION_V6_INTERVALS, SECTION_PORTS)) return false;
  }
  return checkPodPeers(podPeers, podPeerCount, false) && checkPorts(SECTION_PORTS, false);
}

/** Cluster policies and rules, which share the shape of NetworkPolicy rules' matchers. */
function checkCluster(): bool {
  const podPeerCount = words(SECTION_CLUSTER_POD_PEERS) / POD_PEER_STRIDE;
  for (let p: u32 = 0; p < clusterPolicyCount; p++) {
    const row = rowAt(clusterPolicies, p, CLUSTER_POLICY_STRIDE);
    const subjectKind = word(row, CLUSTER_POLICY_ROW_SUBJECT_KIND);
    if (word(row, CLUSTER_POLICY_ROW_TIER) > CLUSTER_TIER_BASELINE || subjectKind > CLUSTER_SUBJECT_PODS) return false;
    if (word(row, CLUSTER_POLICY_ROW_NAMESPACE_SELECTOR) >= selectorCount) return false;
    const podSelector = word(row, CLUSTER_POLICY_ROW_POD_SELECTOR);
    if (subjectKind == CLUSTER_SUBJECT_PODS ? podSelector >= selectorCount : podSelector != NONE) return false;
    if (!fits(word(row, CLUSTER_POLICY_ROW_INGRESS_START), word(row, CLUSTER_POLICY_ROW_INGRESS_COUNT), clusterRuleCount)) return false;
    if (!fits(word(row, CLUSTER_POLICY_ROW_EGRESS_START), word(row, CLUSTER_POLICY_ROW_EGRESS_COUNT), clusterRuleCount)) return false;
  }
  for (let r: u32 = 0; r < clusterRuleCount; r++) {
    const row = rowAt(clusterRules, r, CLUSTER_RULE_STRIDE);
    if (word(row, CLUSTER_RULE_ROW_POLICY) >= clusterPolicyCount || word(row, CLUSTER_RULE_ROW_ACTION) > CLUSTER_ACTION_PASS) return false;
    const matcher = rowAt(row, CLUSTER_RULE_ROW_MATCHER, 1);
    if (!checkMatchers(matcher, podPeerCount, SECTION_CLUSTER_PEER_BITS, SECTION_CLUSTER_V4_INTERVALS, SECTION_CLUSTER_V6_INTERVALS, SECTION_CLUSTER_PORTS)) {
      return false;
    }
  }
  return checkPodPeers(clusterPodPeers, podPeerCount, true) && checkPorts(SECTION_CLUSTER_PORTS, true);
}

/**
 * A rule's MATCHER block at `matcher`: peer bitset, pod peers, v4 and v6 intervals, ports.
 * Intervals must be sorted and disjoint for the binary search to be right.
 */
function checkMatchers(matcher: usize, podPeerCount: u32, bitsSection: u32, v4Section: u32, v6Section: u32, portSection: u32): bool {
  const bits = word(matcher, MATCHER_PEER_BITS);
  if (bits != NONE && !fits(bits, identityWords, words(bitsSection))) return false;
  if (!fits(word(matcher, MATCHER_POD_PEER_START), word(matcher, MATCHER_POD_PEER_COUNT), podPeerCount)) return false;
  const v4Start = word(matcher, MATCHER_V4_START);
  const v4Count = word(matcher, MATCHER_V4_COUNT);
  const v6Start = word(matcher, MATCHER_V6_START);
  const v6Count = word(matcher, MATCHER_V6_COUNT);
  if (!fits(v4Start, v4Count, words(v4Section) / V4_INTERVAL_STRIDE)) return false;
  if (!fits(v6Start, v6Count, words(v6Section) / V6_INTERVAL_STRIDE)) return false;
  if (!fits(word(matcher, MATCHER_PORT_START), word(matcher, MATCHER_PORT_COUNT), words(portSection) / PORT_STRIDE)) return false;
  const v4 = base(v4Section);
  for (let i: u32 = 0; i < v4Count; i++) {
    const interval = rowAt(v4, v4Start + i, V4_INTERVAL_STRIDE);
    if (word(interval, V4_INTERVAL_ROW_LO) > word(interval, V4_INTERVAL_ROW_HI)) return false;
    if (i > 0 && word(rowAt(v4, v4Start + i - 1, V4_INTERVAL_STRIDE), V4_INTERVAL_ROW_HI) >= word(interval, V4_INTERVAL_ROW_LO)) return false;
  }
  const v6 = base(v6Section);
  for (let i: u32 = 0; i < v6Count; i++) {
    const interval = rowAt(v6, v6Start + i, V6_INTERVAL_STRIDE);
    if (v6Less(interval, V6_INTERVAL_ROW_HI, interval, V6_INTERVAL_ROW_LO)) return false;
    if (i > 0 && !v6Less(rowAt(v6, v6Start + i - 1, V6_INTERVAL_STRIDE), V6_INTERVAL_ROW_HI, interval, V6_INTERVAL_ROW_LO)) return false;
  }
  return true;
}

/** Selector pairs; a cluster pod peer may have no pod selector (a namespaces peer). */
function checkPodPeers(section: usize, count: u32, cluster: bool): bool {
  for (let p: u32 = 0; p < count; p++) {
    const row = rowAt(section, p, POD_PEER_STRIDE);
    const nsSelector = word(row, POD_PEER_ROW_NAMESPACE_SELECTOR);
    const podSelector = word(row, POD_PEER_ROW_POD_SELECTOR);
    if (cluster ? nsSelector >= selectorCount : nsSelector != NONE && nsSelector >= selectorCount) return false;
    if (cluster ? podSelector != NONE && podSelector >= selectorCount : podSelector >= selectorCount) return false;
  }
  return true;
}

/** Protocols 1-3 (0, any, only for a cluster rule's named port), kinds, names, ranges. */
function checkPorts(section: u32, cluster: bool): bool {
  const table = base(section);
  const count = words(section) / PORT_STRIDE;
  for (let p: u32 = 0; p < count; p++) {
    const row = rowAt(table, p, PORT_STRIDE);
    const protocol = word(row, PORT_ROW_PROTOCOL);
    const kind = word(row, PORT_ROW_KIND);
    if (protocol > PROTOCOL_CODE_SCTP || kind > PORT_KIND_NAMED) return false;
    if (protocol == PORT_ANY_PROTOCOL && !(cluster && kind == PORT_KIND_NAMED)) return false;
    if (kind == PORT_KIND_NAMED && word(row, PORT_ROW_NAME) >= portNameCount) return false;
    if (kind == PORT_KIND_RANGE && (word(row, PORT_ROW_FROM) > word(row, PORT_ROW_TO) || word(row, PORT_ROW_TO) > 65535)) return false;
  }
  return true;
}

/** The IPv6 address at word `a` of `rowA` is below the one at word `b` of `rowB`. */
function v6Less(rowA: usize, a: u32, rowB: usize, b: u32): bool {
  const highA = v6High(rowA, a);
  const highB = v6High(rowB, b);
  return highA < highB || (highA == highB && v6Low(rowA, a) < v6Low(rowB, b));
}

function checkSelectors(): bool {
  const total = words(SECTION_SELECTORS);
  if (<u64>total < <u64>selectorCount + 1) return false;
  const termBase = selectorCount + 1;
  const termCount = total - termBase;
  const labelBits = <u64>labelWords * 32;
  // The dictionary holds exactly the bits selectors use, so its width follows from the largest.
  let bitsUsed: u64 = 0;
  for (let s: u32 = 0; s < selectorCount; s++) {
    let at = word(selectors, s);
    const end = word(selectors, s + 1);
    if (at > end || end > termCount) return false;
    if (end - at < SELECTOR_HEADER_WORDS) return false;
    const terms = rowAt(selectors, termBase + at, 1);
    const required = word(terms, SELECTOR_TERMS_REQUIRED_COUNT);
    const forbidden = word(terms, SELECTOR_TERMS_FORBIDDEN_COUNT);
    const groups = word(terms, SELECTOR_TERMS_GROUP_COUNT);
    at += SELECTOR_HEADER_WORDS;
    if (!fits(at, required, end)) return false;
    if (!fits(at + required, forbidden, end)) return false;
    for (let i: u32 = 0; i < required + forbidden; i++) {
      const bit = <u64>word(selectors, termBase + at + i);
      if (bit >= labelBits) return false;
      if (bit + 1 > bitsUsed) bitsUsed = bit + 1;
    }
    at += required + forbidden;
    for (let g: u32 = 0; g < groups; g++) {
      if (at >= end) return false;
      const size = word(selectors, termBase + at);
      at++;
      if (!fits(at, size, end)) return false;
      for (let i: u32 = 0; i < size; i++) {
        const bit = <u64>word(selectors, termBase + at + i);
        if (bit >= labelBits) return false;
        if (bit + 1 > bitsUsed) bitsUsed = bit + 1;
      }
      at += size;
    }
    if (at != end) return false;
  }
  // A wider dictionary than its bits would size every ad-hoc record (and its buffer) for nothing.
  const expectedWords: u64 = bitsUsed == 0 ? 1 : (bitsUsed + 31) / 32;
  return <u64>labelWords == expectedWords;
}

/** Sorted strictly ascending (binary search needs it), owners in range. */
function checkIPTables(): bool {
  for (let i: u32 = 0; i < ipv4Count; i++) {
    const row = rowAt(ipv4Table, i, IPV4_TABLE_STRIDE);
    const owner = word(row, IPV4_TABLE_ROW_POD);
    if (owner != AMBIGUOUS && owner >= podCount) return false;
    if (i > 0 && word(rowAt(ipv4Table, i - 1, IPV4_TABLE_STRIDE), IPV4_TABLE_ROW_ADDRESS) >= word(row, IPV4_TABLE_ROW_ADDRESS)) return false;
  }
  for (let i: u32 = 0; i < ipv6Count; i++) {
    const row = rowAt(ipv6Table, i, IPV6_TABLE_STRIDE);
    const owner = word(row, IPV6_TABLE_ROW_POD);
    if (owner != AMBIGUOUS && owner >= podCount) return false;
    if (i > 0 && !v6Less(rowAt(ipv6Table, i - 1, IPV6_TABLE_STRIDE), IPV6_TABLE_ROW_ADDRESS, row, IPV6_TABLE_ROW_ADDRESS)) return false;
  }
  return true;
}
