/**
 * @module The binary image format: the one place that documents it. The compiler writes it, the
 * AssemblyScript core (core-as/assembly/layout.ts mirrors these numbers; a test keeps them equal)
 * reads it, and the engine reads its metadata sections for explanations.
 *
 * All integers are little-endian u32; every section starts 4-byte aligned. IPv4 addresses are one
 * u32 (numeric value); IPv6 addresses are four u32 words, most significant first.
 *
 * Header (bytes):
 *   0  magic         0x4950454e ("NEPI")
 *   4  version       FORMAT_VERSION
 *   8  totalLength   bytes of the whole image
 *   12 checksum      FNV-1a over the u32 words from byte 16 to the end
 *   16 sectionCount
 *   20 section table: sectionCount x (id, offset, length in bytes)
 *
 * Sections (id: element type x count):
 *   COUNTS          u32 x COUNT_FIELDS                        see the COUNT_* indexes
 *   PODS            POD_STRIDE u32 x pods                     identity, flags, ipv4, ipv6[4], hostStart, hostCount,
 *                                                             ingress rules start, end, egress rules start, end
 *                                                             (into SEL_RULES' ids), namedPortStart, namedPortCount,
 *                                                             then [start, end) of SEL_CLUSTER_RULES' ids for admin
 *                                                             ingress, admin egress, baseline ingress, baseline egress
 *   HOST_IPS        HOST_IP_STRIDE u32 x n                    family, w0..w3 (IPv4 in w3)
 *   IDENTITIES      IDENTITY_STRIDE u32 x identities          namespace, flags, namedPortStart, namedPortCount
 *   NAMED_PORTS     NAMED_PORT_STRIDE u32 x n                 portNameId, protocol, port
 *   SEL_RULES       u32 x (2 x identities + 1) offsets, then rule ids: for list d x identities +
 *                   identity (direction d: ingress 0, egress 1), the rules of the policies selecting
 *                   that identity, in policy order then rule order (the order explanations report)
 *   SEL_POLICIES    same shape: the policies selecting each identity, per direction
 *   POLICIES        POLICY_STRIDE u32 x policies              namespace, podSelector, flags,
 *                                                             ingressStart, ingressCount, egressStart, egressCount
 *   RULES           RULE_STRIDE u32 x rules                   policy, flags, peerBits, podPeerStart, podPeerCount,
 *                                                             v4Start, v4Count, v6Start, v6Count, portStart, portCount
 *   PEER_BITS       u32 x (sets x identityWords)              identity bitsets of rules' pod peers, shared by equal rules
 *   POD_PEERS       POD_PEER_STRIDE u32 x n                   namespaceSelector (NONE: own namespace), podSelector
 *   V4_INTERVALS    2 u32 x n                                 lo, hi (inclusive): per rule, sorted and disjoint
 *   V6_INTERVALS    8 u32 x n                                 lo w0..w3, hi w0..w3
 *   PORTS           PORT_STRIDE u32 x n                       protocol, kind, a, b (range a..b, or a = portNameId)
 *   SELECTORS       u32 x (selectors + 1) offsets into the terms that follow; each selector is
 *                   nRequired, nForbidden, nGroups, required label bits, forbidden label bits, then
 *                   per group: length, label bits (at least one must be set)
 *   NS_LABELS       u32 x (namespaces x labelWords)           label bitset of each namespace
 *   NS_POLICIES     u32 x (namespaces + 1) offsets, then policy ids: the policies of each namespace
 *   IPV4_TABLE      2 u32 x n, sorted by address              address, pod (AMBIGUOUS: several pods)
 *   IPV6_TABLE      5 u32 x n, sorted by address              w0..w3, pod
 *   META            UTF-8 JSON, space-padded                  names for explanations (ImageMetadata);
 *                                                             the core does not read it
 *   CLUSTER_POLICIES CLUSTER_POLICY_STRIDE u32 x n            tier, subjectKind, namespaceSelector, podSelector
 *                                                             (NONE for a namespaces subject), ingressStart,
 *                                                             ingressCount, egressStart, egressCount: admin tier
 *                                                             first, then baseline, in evaluation order
 *   CLUSTER_RULES   CLUSTER_RULE_STRIDE u32 x n               policy, action, flags, peerBits, podPeerStart,
 *                                                             podPeerCount, v4Start, v4Count, v6Start, v6Count,
 *                                                             portStart, portCount (v4/v6: networks and the
 *                                                             addresses of selected nodes, as intervals)
 *   CLUSTER_POD_PEERS POD_PEER_STRIDE u32 x n                 namespaceSelector, podSelector (NONE: any pod)
 *   SEL_CLUSTER_RULES u32 x (4 x identities + 1) offsets, then cluster rule ids: for list
 *                   (tier x 2 + direction) x identities + identity, the rules of the cluster
 *                   policies of that tier whose subject is that identity, in evaluation order
 *   CLUSTER_PEER_BITS, CLUSTER_V4_INTERVALS, CLUSTER_V6_INTERVALS, CLUSTER_PORTS: as PEER_BITS,
 *                   V4_INTERVALS, V6_INTERVALS and PORTS, for CLUSTER_RULES (a NAMED port there has
 *                   protocol PORT_ANY_PROTOCOL)
 */

export const MAGIC = 0x4950454e;
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 20;
export const SECTION_ENTRY_BYTES = 12;

export const SECTION = {
  COUNTS: 1,
  PODS: 2,
  HOST_IPS: 3,
  IDENTITIES: 4,
  NAMED_PORTS: 5,
  SEL_RULES: 6,
  SEL_POLICIES: 7,
  POLICIES: 8,
  RULES: 9,
  PEER_BITS: 10,
  POD_PEERS: 11,
  V4_INTERVALS: 12,
  V6_INTERVALS: 13,
  PORTS: 14,
  SELECTORS: 15,
  NS_LABELS: 16,
  NS_POLICIES: 17,
  IPV4_TABLE: 18,
  IPV6_TABLE: 19,
  META: 20,
  CLUSTER_POLICIES: 21,
  CLUSTER_RULES: 22,
  CLUSTER_POD_PEERS: 23,
  SEL_CLUSTER_RULES: 24,
  CLUSTER_PEER_BITS: 25,
  CLUSTER_V4_INTERVALS: 26,
  CLUSTER_V6_INTERVALS: 27,
  CLUSTER_PORTS: 28,
} as const;
export const SECTION_COUNT = 28;

/** Indexes into the COUNTS section. */
export const COUNT = {
  PODS: 0,
  IDENTITIES: 1,
  NAMESPACES: 2,
  POLICIES: 3,
  RULES: 4,
  SELECTORS: 5,
  LABEL_WORDS: 6,
  IDENTITY_WORDS: 7,
  PORT_NAMES: 8,
  OPTIONS: 9,
  CLUSTER_POLICIES: 10,
  CLUSTER_RULES: 11,
} as const;
export const COUNT_FIELDS = 12;

/** COUNTS[OPTIONS] bits. */
export const OPTION_IPBLOCK_MATCHES_PODS = 1;

export const POD_STRIDE = 23;
export const POD_FLAG = {
  HOST_NETWORK: 1,
  HAS_V4: 2,
  HAS_V6: 4,
  PRIMARY_V6: 8,
  WORKLOAD: 16,
  ISOLATED_INGRESS: 32,
  ISOLATED_EGRESS: 64,
} as const;
export const HOST_IP_STRIDE = 5;
export const IDENTITY_STRIDE = 4;
export const IDENTITY_FLAG_HOST_NETWORK = 1;
export const NAMED_PORT_STRIDE = 3;
export const POLICY_STRIDE = 7;
export const POLICY_FLAG = { INGRESS: 1, EGRESS: 2 } as const;
export const RULE_STRIDE = 11;
export const RULE_FLAG = { ALL_PEERS: 1, ALL_PORTS: 2 } as const;
export const POD_PEER_STRIDE = 2;
export const PORT_STRIDE = 4;
/** A NAMED port of a cluster-wide rule has protocol 0: it matches in the flow's protocol. */
export const PORT_KIND = { ALL: 0, RANGE: 1, NAMED: 2 } as const;
export const PORT_ANY_PROTOCOL = 0;

export const CLUSTER_POLICY_STRIDE = 8;
export const CLUSTER_TIER = { ADMIN: 0, BASELINE: 1 } as const;
export const CLUSTER_SUBJECT = { NAMESPACES: 0, PODS: 1 } as const;
export const CLUSTER_RULE_STRIDE = 12;
export const CLUSTER_ACTION = { ALLOW: 0, DENY: 1, PASS: 2 } as const;
/** CLUSTER_RULES flags: ALL_PORTS as RULE_FLAG; MATCHES_ALL_PEERS for a Deny or Pass with an unrecognised peer. */
export const CLUSTER_RULE_FLAG = { MATCHES_ALL_PEERS: 1, ALL_PORTS: 2 } as const;

/** "No such index": a peer without namespaceSelector, a rule without pod peers, an unknown name. */
export const NONE = 0xffffffff;
/** In the IP tables: several running pods claim the address. */
export const AMBIGUOUS = 0xfffffffe;

/** Protocol numbers in the image and in flow records. */
export const PROTOCOL_CODE = { TCP: 1, UDP: 2, SCTP: 3 } as const;

/**
 * A flow record (FLOW_RECORD_BYTES), the compact binary encoding of the batch path:
 *   0  u8  source kind (ENDPOINT_KIND)        1  u8 destination kind
 *   2  u8  protocol (PROTOCOL_CODE)           3  u8 reserved, 0
 *   4  u16 destination port                   6  u16 reserved, 0
 *   8  source: 16 bytes                       24 destination: 16 bytes
 * An endpoint is a pod index (u32 at its first byte), an IPv4 address (u32), an IPv6 address (four
 * u32 words, most significant first), or the index of an ad-hoc pod in the batch's ad-hoc table.
 */
export const FLOW_RECORD_BYTES = 40;
export const ENDPOINT_KIND = { POD: 0, IPV4: 1, IPV6: 2, ADHOC: 3 } as const;

/**
 * A verdict record (VERDICT_RECORD_BYTES):
 *   0  u8  status (STATUS)                    1  u8 decision reason (DECISION_CODE)
 *   2  u8  egress side reason (SIDE_CODE)     3  u8 ingress side reason
 *   4  u32 egress deciding rule (NONE)        8  u32 ingress deciding rule (NONE)
 *   12 u32 egress passing rule (NONE)         16 u32 ingress passing rule (NONE)
 * A deciding rule is a NetworkPolicy rule for ALLOWED_BY_RULE and a cluster rule for the ADMIN_*
 * and BASELINE_* reasons; a passing rule is the admin cluster rule that passed the flow on.
 */
export const VERDICT_RECORD_BYTES = 20;

export const STATUS = {
  OK: 0,
  BAD_POD: 1,
  AMBIGUOUS_SRC: 2,
  AMBIGUOUS_DST: 3,
  FAMILY_MISMATCH: 4,
  BAD_PROTOCOL: 5,
  BAD_PORT: 6,
  BAD_ENDPOINT: 7,
} as const;

export const DECISION_CODE = { LOOPBACK: 0, NO_POLICY: 1, ALLOWED: 2, DENIED: 3 } as const;

export const SIDE_CODE = {
  OUTSIDE_CLUSTER: 0,
  HOST_NETWORK: 1,
  NODE: 2,
  NOT_ISOLATED: 3,
  ALLOWED_BY_RULE: 4,
  NO_RULE_MATCHED: 5,
  ADMIN_ALLOWED: 6,
  ADMIN_DENIED: 7,
  BASELINE_ALLOWED: 8,
  BASELINE_DENIED: 9,
} as const;

/**
 * An ad-hoc pod record, written by the engine before a decision that names one:
 *   namespace (NONE when the bundle does not know it), portCount, ADHOC_MAX_PORTS x (portNameId,
 *   protocol, port), then the namespace's label bitset and the pod's label bitset (labelWords each).
 */
export const ADHOC_MAX_PORTS = 64;
export const ADHOC_HEADER_WORDS = 2 + 3 * ADHOC_MAX_PORTS;

/** Load errors returned (negated) by the core's `load`. */
export const LOAD_ERROR = {
  TOO_SHORT: 1,
  BAD_MAGIC: 2,
  BAD_VERSION: 3,
  BAD_LENGTH: 4,
  BAD_CHECKSUM: 5,
  BAD_SECTION_TABLE: 6,
  MISSING_SECTION: 7,
  BAD_SECTION_SIZE: 8,
  BAD_REFERENCE: 9,
} as const;
