// The loaded image: where each section starts, and the counts. `loadImage` checks the header, the
// checksum, the section table and every index an evaluation will follow, so that a truncated,
// corrupted or foreign image is refused with an error code and never makes a decision trap or loop.
import {
  AMBIGUOUS, COUNT_FIELDS, COUNT_IDENTITIES, COUNT_IDENTITY_WORDS, COUNT_LABEL_WORDS,
  COUNT_NAMESPACES, COUNT_OPTIONS, COUNT_POLICIES, COUNT_PODS, COUNT_PORT_NAMES, COUNT_RULES,
  COUNT_SELECTORS, FORMAT_VERSION, HEADER_BYTES, HOST_IP_STRIDE, IDENTITY_STRIDE,
  LOAD_ERROR_BAD_CHECKSUM, LOAD_ERROR_BAD_LENGTH, LOAD_ERROR_BAD_MAGIC, LOAD_ERROR_BAD_REFERENCE,
  LOAD_ERROR_BAD_SECTION_SIZE, LOAD_ERROR_BAD_SECTION_TABLE, LOAD_ERROR_BAD_VERSION,
  LOAD_ERROR_MISSING_SECTION, LOAD_ERROR_TOO_SHORT, MAGIC, NAMED_PORT_STRIDE, NONE,
  POD_PEER_STRIDE, POD_STRIDE, POLICY_STRIDE, PORT_KIND_NAMED, PORT_KIND_RANGE, PORT_STRIDE,
  RULE_STRIDE, SECTION_COUNT, SECTION_COUNTS, SECTION_ENTRY_BYTES, SECTION_HOST_IPS,
  SECTION_IDENTITIES, SECTION_IPV4_TABLE, SECTION_IPV6_TABLE, SECTION_NAMED_PORTS,
  SECTION_NS_LABELS, SECTION_NS_POLICIES, SECTION_PEER_BITS, SECTION_POD_PEERS, SECTION_PODS,
  SECTION_POLICIES, SECTION_PORTS, SECTION_RULES, SECTION_SEL_POLICIES, SECTION_SEL_RULES,
  SECTION_SELECTORS, SECTION_V4_INTERVALS, SECTION_V6_INTERVALS, SECTION_META,
  SECTION_CLUSTER_POLICIES, SECTION_CLUSTER_RULES, SECTION_CLUSTER_POD_PEERS, SECTION_SEL_CLUSTER_RULES,
  SECTION_CLUSTER_PEER_BITS, SECTION_CLUSTER_V4_INTERVALS, SECTION_CLUSTER_V6_INTERVALS, SECTION_CLUSTER_PORTS,
  COUNT_CLUSTER_POLICIES, COUNT_CLUSTER_RULES, CLUSTER_POLICY_STRIDE, CLUSTER_RULE_STRIDE, CLUSTER_TIER_BASELINE,
  CLUSTER_SUBJECT_PODS, CLUSTER_ACTION_PASS, PORT_ANY_PROTOCOL,
} from './layout';

/** The u32 at word `index` of the section starting at `base`. */
// @ts-ignore: decorator
@inline export function word(base: usize, index: u32): u32 {
  return load<u32>(base + ((<usize>index) << 2));
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
export let clusterPeerBits: usize = 0;
export let clusterV4Intervals: usize = 0;
export let clusterV6Intervals: usize = 0;
export let clusterPorts: usize = 0;

/** 0 when the image is usable, else a negated LOAD_ERROR_*. */
export function loadImage(image: usize, length: u32): i32 {
  if (length < HEADER_BYTES || (length & 3) != 0) return -LOAD_ERROR_TOO_SHORT;
  if (load<u32>(image) != MAGIC) return -LOAD_ERROR_BAD_MAGIC;
  if (load<u32>(image, 4) != FORMAT_VERSION) return -LOAD_ERROR_BAD_VERSION;
  if (load<u32>(image, 8) != length) return -LOAD_ERROR_BAD_LENGTH;
  if (checksum(image, length) != load<u32>(image, 12)) return -LOAD_ERROR_BAD_CHECKSUM;

  const count = load<u32>(image, 16);
  if (count > 64 || HEADER_BYTES + count * SECTION_ENTRY_BYTES > length) return -LOAD_ERROR_BAD_SECTION_TABLE;
  for (let id: u32 = 0; id <= SECTION_COUNT; id++) {
    unchecked(sectionBase[id] = 0);
    unchecked(sectionWords[id] = NONE);
  }
  const dataStart = HEADER_BYTES + count * SECTION_ENTRY_BYTES;
  for (let i: u32 = 0; i < count; i++) {
    const entry = image + HEADER_BYTES + i * SECTION_ENTRY_BYTES;
    const id = load<u32>(entry);
    const offset = load<u32>(entry, 4);
    const bytes = load<u32>(entry, 8);
    if (id == 0 || id > SECTION_COUNT) return -LOAD_ERROR_BAD_SECTION_TABLE;
    if ((offset & 3) != 0 || (bytes & 3) != 0 || offset < dataStart) return -LOAD_ERROR_BAD_SECTION_TABLE;
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

/** FNV-1a over the words after the checksum field, as the compiler computes it. */
function checksum(image: usize, length: u32): u32 {
  let hash: u32 = 0x811c9dc5;
  for (let at: usize = image + 16; at < image + length; at += 4) {
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
  if (words(SECTION_V4_INTERVALS) % 2 != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_V6_INTERVALS) % 8 != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_PORTS) % PORT_STRIDE != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_IPV4_TABLE) % 2 != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_IPV6_TABLE) % 5 != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_PEER_BITS) % identityWords != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (<u64>words(SECTION_CLUSTER_POLICIES) != <u64>clusterPolicyCount * CLUSTER_POLICY_STRIDE) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (<u64>words(SECTION_CLUSTER_RULES) != <u64>clusterRuleCount * CLUSTER_RULE_STRIDE) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_CLUSTER_POD_PEERS) % POD_PEER_STRIDE != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_CLUSTER_PEER_BITS) % identityWords != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_CLUSTER_V4_INTERVALS) % 2 != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_CLUSTER_V6_INTERVALS) % 8 != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;
  if (words(SECTION_CLUSTER_PORTS) % PORT_STRIDE != 0) return -LOAD_ERROR_BAD_SECTION_SIZE;

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
  ipv4Count = words(SECTION_IPV4_TABLE) / 2;
  ipv6Table = base(SECTION_IPV6_TABLE);
  ipv6Count = words(SECTION_IPV6_TABLE) / 5;
  clusterPolicies = base(SECTION_CLUSTER_POLICIES);
  clusterRules = base(SECTION_CLUSTER_RULES);
  clusterPodPeers = base(SECTION_CLUSTER_POD_PEERS);
  selClusterRules = base(SECTION_SEL_CLUSTER_RULES);
  clusterPeerBits = base(SECTION_CLUSTER_PEER_BITS);
  clusterV4Intervals = base(SECTION_CLUSTER_V4_INTERVALS);
  clusterV6Intervals = base(SECTION_CLUSTER_V6_INTERVALS);
  clusterPorts = base(SECTION_CLUSTER_PORTS);

  if (!checkCSR(selRules, words(SECTION_SEL_RULES), 2 * identityCount, ruleCount)) return -LOAD_ERROR_BAD_REFERENCE;
  if (!checkCSR(selPolicies, words(SECTION_SEL_POLICIES), 2 * identityCount, policyCount)) return -LOAD_ERROR_BAD_REFERENCE;
  if (!checkCSR(nsPolicies, words(SECTION_NS_POLICIES), namespaceCount, policyCount)) return -LOAD_ERROR_BAD_REFERENCE;
  if (!checkCSR(selClusterRules, words(SECTION_SEL_CLUSTER_RULES), 4 * identityCount, clusterRuleCount)) return -LOAD_ERROR_BAD_REFERENCE;
  if (!checkPods() || !checkIdentities() || !checkPolicies() || !checkRules()) return -LOAD_ERROR_BAD_REFERENCE;
  if (!checkSelectors() || !checkIPTables() || !checkCluster()) return -LOAD_ERROR_BAD_REFERENCE;
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

/** `start + count <= limit` without wrapping. */
// @ts-ignore: decorator
@inline function fits(start: u32, count: u32, limit: u32): bool {
  return <u64>start + <u64>count <= <u64>limit;
}

function checkPods(): bool {
  const hostCount = words(SECTION_HOST_IPS) / HOST_IP_STRIDE;
  const ruleIds = words(SECTION_SEL_RULES) - 2 * identityCount - 1;
  const namedPortCount = words(SECTION_NAMED_PORTS) / NAMED_PORT_STRIDE;
  for (let p: u32 = 0; p < podCount; p++) {
    const row = pods + ((<usize>(p * POD_STRIDE)) << 2);
    if (word(row, 0) >= identityCount) return false;
    if (!fits(word(row, 7), word(row, 8), hostCount)) return false;
    // Rule lists [start, end) per direction, inside SEL_RULES' ids (checkCSR ran first).
    if (word(row, 9) > word(row, 10) || word(row, 10) > ruleIds) return false;
    if (word(row, 11) > word(row, 12) || word(row, 12) > ruleIds) return false;
    if (!fits(word(row, 13), word(row, 14), namedPortCount)) return false;
    const clusterIds = words(SECTION_SEL_CLUSTER_RULES) - 4 * identityCount - 1;
    for (let field: u32 = 15; field < 23; field += 2) {
      if (word(row, field) > word(row, field + 1) || word(row, field + 1) > clusterIds) return false;
    }
  }
  for (let h: u32 = 0; h < hostCount; h++) {
    const family = word(hostIPs, h * HOST_IP_STRIDE);
    if (family != 4 && family != 6) return false;
  }
  return true;
}

function checkIdentities(): bool {
  const portCount = words(SECTION_NAMED_PORTS) / NAMED_PORT_STRIDE;
  for (let i: u32 = 0; i < identityCount; i++) {
    const row = identities + ((<usize>(i * IDENTITY_STRIDE)) << 2);
    if (word(row, 0) >= namespaceCount) return false;
    if (!fits(word(row, 2), word(row, 3), portCount)) return false;
  }
  for (let n: u32 = 0; n < portCount; n++) {
    if (word(namedPorts, n * NAMED_PORT_STRIDE) >= portNameCount) return false;
  }
  return true;
}

function checkPolicies(): bool {
  for (let p: u32 = 0; p < policyCount; p++) {
    const row = policies + ((<usize>(p * POLICY_STRIDE)) << 2);
    if (word(row, 0) >= namespaceCount || word(row, 1) >= selectorCount) return false;
    if (!fits(word(row, 3), word(row, 4), ruleCount) || !fits(word(row, 5), word(row, 6), ruleCount)) return false;
  }
  return true;
}

function checkRules(): bool {
  const podPeerCount = words(SECTION_POD_PEERS) / POD_PEER_STRIDE;
  for (let r: u32 = 0; r < ruleCount; r++) {
    const row = rules + ((<usize>(r * RULE_STRIDE)) << 2);
    if (word(row, 0) >= policyCount) return false;
    if (!checkMatchers(row, 2, podPeerCount, SECTION_PEER_BITS, SECTION_V4_INTERVALS, SECTION_V6_INTERVALS, SECTION_PORTS)) return false;
  }
  return checkPodPeers(podPeers, podPeerCount, false) && checkPorts(SECTION_PORTS, false);
}

/** Cluster policies and rules, which share the shape of NetworkPolicy rules' matchers. */
function checkCluster(): bool {
  const podPeerCount = words(SECTION_CLUSTER_POD_PEERS) / POD_PEER_STRIDE;
  for (let p: u32 = 0; p < clusterPolicyCount; p++) {
    const row = clusterPolicies + ((<usize>(p * CLUSTER_POLICY_STRIDE)) << 2);
    const subjectKind = word(row, 1);
    if (word(row, 0) > CLUSTER_TIER_BASELINE || subjectKind > CLUSTER_SUBJECT_PODS) return false;
    if (word(row, 2) >= selectorCount) return false;
    const podSelector = word(row, 3);
    if (subjectKind == CLUSTER_SUBJECT_PODS ? podSelector >= selectorCount : podSelector != NONE) return false;
    if (!fits(word(row, 4), word(row, 5), clusterRuleCount) || !fits(word(row, 6), word(row, 7), clusterRuleCount)) return false;
  }
  for (let r: u32 = 0; r < clusterRuleCount; r++) {
    const row = clusterRules + ((<usize>(r * CLUSTER_RULE_STRIDE)) << 2);
    if (word(row, 0) >= clusterPolicyCount || word(row, 1) > CLUSTER_ACTION_PASS) return false;
    if (!checkMatchers(row, 3, podPeerCount, SECTION_CLUSTER_PEER_BITS, SECTION_CLUSTER_V4_INTERVALS, SECTION_CLUSTER_V6_INTERVALS, SECTION_CLUSTER_PORTS)) {
      return false;
    }
  }
  return checkPodPeers(clusterPodPeers, podPeerCount, true) && checkPorts(SECTION_CLUSTER_PORTS, true);
}

/**
 * A rule's matchers from word `at` of its row: peer bitset, pod peers, v4 and v6 intervals, ports.
 * Intervals must be sorted and disjoint for the binary search to be right.
 */
function checkMatchers(row: usize, at: u32, podPeerCount: u32, bitsSection: u32, v4Section: u32, v6Section: u32, portSection: u32): bool {
  const bits = word(row, at);
  if (bits != NONE && !fits(bits, identityWords, words(bitsSection))) return false;
  if (!fits(word(row, at + 1), word(row, at + 2), podPeerCount)) return false;
  if (!fits(word(row, at + 3), word(row, at + 4), words(v4Section) / 2)) return false;
  if (!fits(word(row, at + 5), word(row, at + 6), words(v6Section) / 8)) return false;
  if (!fits(word(row, at + 7), word(row, at + 8), words(portSection) / PORT_STRIDE)) return false;
  const v4 = base(v4Section);
  for (let i: u32 = 0; i < word(row, at + 4); i++) {
    const w = (word(row, at + 3) + i) * 2;
    if (word(v4, w) > word(v4, w + 1)) return false;
    if (i > 0 && word(v4, w - 1) >= word(v4, w)) return false;
  }
  const v6 = base(v6Section);
  for (let i: u32 = 0; i < word(row, at + 6); i++) {
    const w = (word(row, at + 5) + i) * 8;
    if (v6Less(v6, w + 4, w)) return false;
    if (i > 0 && !v6Less(v6, w - 4, w)) return false;
  }
  return true;
}

/** Selector pairs; a cluster pod peer may have no pod selector (a namespaces peer). */
function checkPodPeers(section: usize, count: u32, cluster: bool): bool {
  for (let p: u32 = 0; p < count; p++) {
    const nsSelector = word(section, p * 2);
    const podSelector = word(section, p * 2 + 1);
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
    const row = table + ((<usize>(p * PORT_STRIDE)) << 2);
    const protocol = word(row, 0);
    const kind = word(row, 1);
    if (protocol > 3 || kind > PORT_KIND_NAMED) return false;
    if (protocol == PORT_ANY_PROTOCOL && !(cluster && kind == PORT_KIND_NAMED)) return false;
    if (kind == PORT_KIND_NAMED && word(row, 2) >= portNameCount) return false;
    if (kind == PORT_KIND_RANGE && (word(row, 2) > word(row, 3) || word(row, 3) > 65535)) return false;
  }
  return true;
}

/** IPv6 interval word `a` (4 words) < word `b`, both indexes into the intervals at `table`. */
function v6Less(table: usize, a: u32, b: u32): bool {
  for (let k: u32 = 0; k < 4; k++) {
    const x = word(table, a + k);
    const y = word(table, b + k);
    if (x != y) return x < y;
  }
  return false;
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
    if (end - at < 3) return false;
    const required = word(selectors, termBase + at);
    const forbidden = word(selectors, termBase + at + 1);
    const groups = word(selectors, termBase + at + 2);
    at += 3;
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
    const owner = word(ipv4Table, i * 2 + 1);
    if (owner != AMBIGUOUS && owner >= podCount) return false;
    if (i > 0 && word(ipv4Table, (i - 1) * 2) >= word(ipv4Table, i * 2)) return false;
  }
  for (let i: u32 = 0; i < ipv6Count; i++) {
    const owner = word(ipv6Table, i * 5 + 4);
    if (owner != AMBIGUOUS && owner >= podCount) return false;
    if (i > 0 && !ipv6TableLess(i - 1, i)) return false;
  }
  return true;
}

function ipv6TableLess(a: u32, b: u32): bool {
  for (let k: u32 = 0; k < 4; k++) {
    const x = word(ipv6Table, a * 5 + k);
    const y = word(ipv6Table, b * 5 + k);
    if (x != y) return x < y;
  }
  return false;
}
