/**
 * @module The binary image format, defined once: the one place that documents it and the one
 * definition of every number in it. The compiler writes it; the AssemblyScript core reads it
 * through core-as/assembly/layout.ts, which `npm run build:wasm` generates from this module
 * (scripts/generate-layout.ts); the engine reads its metadata and records with the same names.
 * The image header carries FORMAT_ID (format-id.ts), a hash of every constant here and of
 * LAYOUT_REVISION: an image of another layout is refused, never decoded.
 *
 * All integers are little-endian u32; every section starts SECTION_ALIGN_BYTES-aligned (zero padding
 * between sections). IPv4 addresses are one
 * u32 (numeric value); IPv6 addresses are IPV6_WORDS u32 words, most significant first. Row fields
 * are word indexes into a row (the *_ROW objects), record fields byte offsets (the *_RECORD ones).
 *
 * Header (HEADER, byte offsets; HEADER_BYTES):
 *   MAGIC            0x4950454e ("NEPI")
 *   FORMAT_ID        the layout's format id (format-id.ts): the core loads only its own
 *   LENGTH           bytes of the whole image
 *   CHECKSUM         FNV-1a over the u32 words from byte CHECKSUM_FROM to the end
 *   COMPILER_VERSION COMPILER_VERSION_BYTES of ASCII, NUL-padded: the compiler's package version
 *   SECTION_COUNT    sections in the table that follows, each SECTION_ENTRY (id, offset, length in bytes)
 *
 * Sections (id: element type x count; row fields in the named object):
 *   COUNTS          u32 x COUNT_FIELDS                        see the COUNT indexes
 *   PODS            POD_STRIDE u32 x pods (POD_ROW)           identity, flags (POD_FLAG), IPv4, host IPs
 *                                                             [start, +count), rule lists (RULE_LIST pairs
 *                                                             [start, end) of SEL_RULES' ids) per direction,
 *                                                             named ports [start, +count) of NAMED_PORTS,
 *                                                             its row of CLUSTER_LIST_SETS, the host IP filter
 *                                                             (HOST_IP_FILTER_MULTIPLIER); from word POD_HOT_WORDS
 *                                                             (the second cache line) IPv6; the rest zero
 *   HOST_IPS        HOST_IP_STRIDE u32 x n (HOST_IP_ROW)      family (IP_FAMILY), address (IPv4 in the last word)
 *   IDENTITIES      IDENTITY_STRIDE u32 x identities          namespace, flags, namedPortStart, namedPortCount
 *   NAMED_PORTS     NAMED_PORT_STRIDE u32 x n                 portNameId, protocol, port
 *   SEL_RULES       u32 x (DIRECTION_COUNT x identities + 1) offsets, then rule ids: for list d x identities +
 *                   identity (direction d: DIRECTION), the rules of the policies selecting
 *                   that identity, in policy order then rule order (the order explanations report)
 *   SEL_POLICIES    same shape: the policies selecting each identity, per direction
 *   POLICIES        POLICY_STRIDE u32 x policies (POLICY_ROW) namespace, podSelector, flags (POLICY_FLAG),
 *                                                             ingressStart, ingressCount, egressStart, egressCount
 *   RULES           RULE_STRIDE u32 x rules (RULE_ROW)        policy, flags (RULE_FLAG), then the rule's MATCHER:
 *                                                             peerBits, podPeerStart, podPeerCount, v4Start, v4Count,
 *                                                             v6Start, v6Count, portStart, portCount
 *   PEER_BITS       u32 x (sets x identityWords)              identity bitsets of rules' pod peers, shared by equal rules
 *   POD_PEERS       POD_PEER_STRIDE u32 x n                   namespaceSelector (NONE: own namespace), podSelector
 *   V4_INTERVALS    V4_INTERVAL_STRIDE u32 x n                lo, hi (inclusive): per rule, sorted and disjoint
 *   V6_INTERVALS    V6_INTERVAL_STRIDE u32 x n                lo, hi (IPV6_WORDS each)
 *   PORTS           PORT_STRIDE u32 x n (PORT_ROW)            protocol, kind (PORT_KIND), from, to (a range from..to;
 *                                                             NAMED: the portNameId in from's place)
 *   SELECTORS       u32 x (selectors + 1) offsets into the terms that follow; each selector is
 *                   SELECTOR_TERMS (nRequired, nForbidden, nGroups), required label bits, forbidden
 *                   label bits, then per group: length, label bits (at least one must be set)
 *   NS_LABELS       u32 x (namespaces x labelWords)           label bitset of each namespace
 *   NS_POLICIES     u32 x (namespaces + 1) offsets, then policy ids: the policies of each namespace
 *   IPV4_TABLE      IPV4_TABLE_STRIDE u32 x n, by address     address, pod (AMBIGUOUS: several pods)
 *   IPV6_TABLE      IPV6_TABLE_STRIDE u32 x n, by address     address, pod
 *   META            UTF-8 JSON, space-padded                  names for explanations (ImageMetadata);
 *                                                             the core does not read it
 *   CLUSTER_POLICIES CLUSTER_POLICY_STRIDE u32 x n            tier, subjectKind, namespaceSelector, podSelector
 *                   (CLUSTER_POLICY_ROW)                      (NONE for a namespaces subject), ingressStart,
 *                                                             ingressCount, egressStart, egressCount: admin tier
 *                                                             first, then baseline, in evaluation order
 *   CLUSTER_RULES   CLUSTER_RULE_STRIDE u32 x n               policy, action, flags (CLUSTER_RULE_FLAG), then the
 *                   (CLUSTER_RULE_ROW)                        rule's MATCHER (v4/v6: networks and the addresses
 *                                                             of selected nodes, as intervals)
 *   CLUSTER_POD_PEERS POD_PEER_STRIDE u32 x n                 namespaceSelector, podSelector (NONE: any pod)
 *   SEL_CLUSTER_RULES CLUSTER_LIST_ENTRY_WORDS u32 x n        cluster rule lists, each distinct list once: entries
 *                   (CLUSTER_LIST_ENTRY)                      of rule id and pod bits; a list holds, for a tier,
 *                                                             direction and identity, the rules of the cluster
 *                                                             policies of that tier whose subject is that
 *                                                             identity, in evaluation order
 *   CLUSTER_LIST_SETS CLUSTER_LIST_SET_STRIDE u32 x n         per distinct combination, RULE_LIST pairs [start,
 *                                                             end) of SEL_CLUSTER_RULES' entries: the list of
 *                                                             tier t and direction d at word (t x DIRECTION_COUNT
 *                                                             + d) x 2; row 0 has every list empty
 *   CLUSTER_PEER_BITS, CLUSTER_V4_INTERVALS, CLUSTER_V6_INTERVALS, CLUSTER_PORTS: as PEER_BITS,
 *                   V4_INTERVALS, V6_INTERVALS and PORTS, for CLUSTER_RULES (a NAMED port there has
 *                   protocol PORT_ANY_PROTOCOL)
 *
 * Every export of this module is a number or an object of numbers (the generator and the format
 * id read them all). Changing a number changes FORMAT_ID by itself; changing what a number means
 * without changing any (a field reinterpreted, an order changed) needs LAYOUT_REVISION bumped: the
 * pinned image fixture (test/fixtures/image-format.json) fails until one of them is.
 */

export const MAGIC = 0x4950454e;
/** Bumped for a change of meaning that keeps every number here the same. */
export const LAYOUT_REVISION = 2;

/** The header's fields, byte offsets. */
export const HEADER = { MAGIC: 0, FORMAT_ID: 4, LENGTH: 8, CHECKSUM: 12, COMPILER_VERSION: 16, SECTION_COUNT: 32 } as const;
export const HEADER_BYTES = 36;
export const COMPILER_VERSION_BYTES = 16;
/** The checksum covers the words from this byte to the end. */
export const CHECKSUM_FROM = 16;
/** A section table entry's fields, byte offsets. */
export const SECTION_ENTRY = { ID: 0, OFFSET: 4, LENGTH: 8 } as const;
export const SECTION_ENTRY_BYTES = 12;
/** More table entries than this is a corrupted table. */
export const MAX_SECTIONS = 64;
/**
 * Every section starts at a multiple of this many bytes (a cache line) in the image, and the core
 * allocates the image's memory at such a multiple: rows of a line's multiple start on a line.
 */
export const SECTION_ALIGN_BYTES = 64;

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
  CLUSTER_LIST_SETS: 29,
} as const;
export const SECTION_COUNT = 29;

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

/** Directions, in the order of the per-direction lists (SEL_RULES, SEL_POLICIES, SEL_CLUSTER_RULES). */
export const DIRECTION = { INGRESS: 0, EGRESS: 1 } as const;
export const DIRECTION_COUNT = 2;
export const IPV6_WORDS = 4;
/** Address families, as HOST_IPS rows give them. */
export const IP_FAMILY = { V4: 4, V6: 6 } as const;
/** A [start, end) pair of ids in a row: its two fields. */
export const RULE_LIST = { START: 0, END: 1 } as const;

/**
 * A pod row is two cache lines, and rows start on a line (SECTION_ALIGN_BYTES): the first line
 * holds all a decision reads of every pod it decides (identity, flags, IPv4, node addresses, rule
 * lists, named ports, its cluster lists' row); the second what fewer flows need (IPv6). A decided
 * flow's pod then costs one line, where a 23-word row at any offset cost two or three.
 */
export const POD_STRIDE = 32;
export const POD_ROW = {
  IDENTITY: 0,
  FLAGS: 1,
  IPV4: 2,
  HOST_IP_START: 3,
  HOST_IP_COUNT: 4,
  INGRESS_RULES: 5,
  EGRESS_RULES: 7,
  NAMED_PORT_START: 9,
  NAMED_PORT_COUNT: 10,
  CLUSTER_LISTS: 11,
  HOST_IP_FILTER: 12,
  IPV6: 16,
} as const;
/** Words of a pod row's first cache line: the fields before POD_ROW.IPV6. */
export const POD_HOT_WORDS = 16;
/**
 * POD_ROW.HOST_IP_FILTER has bit (a x HOST_IP_FILTER_MULTIPLIER) >>> 27 (u32 arithmetic) set for
 * each of the pod's host addresses a (an IPv6 address: the XOR of its four words): a peer whose
 * bit is clear is not the pod's node, found without reading HOST_IPS.
 */
export const HOST_IP_FILTER_MULTIPLIER = 0x9e3779b1;
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
export const HOST_IP_ROW = { FAMILY: 0, ADDRESS: 1, IPV4: 4 } as const;
export const IDENTITY_STRIDE = 4;
export const IDENTITY_ROW = { NAMESPACE: 0, FLAGS: 1, NAMED_PORT_START: 2, NAMED_PORT_COUNT: 3 } as const;
export const IDENTITY_FLAG_HOST_NETWORK = 1;
export const NAMED_PORT_STRIDE = 3;
export const NAMED_PORT_ROW = { NAME: 0, PROTOCOL: 1, PORT: 2 } as const;
export const POLICY_STRIDE = 7;
export const POLICY_ROW = {
  NAMESPACE: 0,
  POD_SELECTOR: 1,
  FLAGS: 2,
  INGRESS_START: 3,
  INGRESS_COUNT: 4,
  EGRESS_START: 5,
  EGRESS_COUNT: 6,
} as const;
export const POLICY_FLAG = { INGRESS: 1, EGRESS: 2 } as const;
/** What a rule matches, the same block in RULES and CLUSTER_RULES rows (from their MATCHER field). */
export const MATCHER = {
  PEER_BITS: 0,
  POD_PEER_START: 1,
  POD_PEER_COUNT: 2,
  V4_START: 3,
  V4_COUNT: 4,
  V6_START: 5,
  V6_COUNT: 6,
  PORT_START: 7,
  PORT_COUNT: 8,
} as const;
export const MATCHER_WORDS = 9;
export const RULE_STRIDE = 11;
export const RULE_ROW = { POLICY: 0, FLAGS: 1, MATCHER: 2 } as const;
export const RULE_FLAG = { ALL_PEERS: 1, ALL_PORTS: 2 } as const;
export const POD_PEER_STRIDE = 2;
export const POD_PEER_ROW = { NAMESPACE_SELECTOR: 0, POD_SELECTOR: 1 } as const;
export const V4_INTERVAL_STRIDE = 2;
export const V4_INTERVAL_ROW = { LO: 0, HI: 1 } as const;
export const V6_INTERVAL_STRIDE = 8;
export const V6_INTERVAL_ROW = { LO: 0, HI: 4 } as const;
export const PORT_STRIDE = 4;
export const PORT_ROW = { PROTOCOL: 0, KIND: 1, FROM: 2, TO: 3, NAME: 2 } as const;
export const SELECTOR_TERMS = { REQUIRED_COUNT: 0, FORBIDDEN_COUNT: 1, GROUP_COUNT: 2 } as const;
export const SELECTOR_HEADER_WORDS = 3;
export const IPV4_TABLE_STRIDE = 2;
export const IPV4_TABLE_ROW = { ADDRESS: 0, POD: 1 } as const;
export const IPV6_TABLE_STRIDE = 5;
export const IPV6_TABLE_ROW = { ADDRESS: 0, POD: 4 } as const;
/** A NAMED port of a cluster-wide rule has protocol 0: it matches in the flow's protocol. */
export const PORT_KIND = { ALL: 0, RANGE: 1, NAMED: 2 } as const;
export const PORT_ANY_PROTOCOL = 0;

export const CLUSTER_POLICY_STRIDE = 8;
export const CLUSTER_POLICY_ROW = {
  TIER: 0,
  SUBJECT_KIND: 1,
  NAMESPACE_SELECTOR: 2,
  POD_SELECTOR: 3,
  INGRESS_START: 4,
  INGRESS_COUNT: 5,
  EGRESS_START: 6,
  EGRESS_COUNT: 7,
} as const;
export const CLUSTER_TIER = { ADMIN: 0, BASELINE: 1 } as const;
export const CLUSTER_TIER_COUNT = 2;
export const CLUSTER_SUBJECT = { NAMESPACES: 0, PODS: 1 } as const;
export const CLUSTER_RULE_STRIDE = 12;
export const CLUSTER_RULE_ROW = { POLICY: 0, ACTION: 1, FLAGS: 2, MATCHER: 3 } as const;
export const CLUSTER_ACTION = { ALLOW: 0, DENY: 1, PASS: 2 } as const;
/** CLUSTER_RULES flags: ALL_PORTS as RULE_FLAG; MATCHES_ALL_PEERS for a Deny or Pass with an unrecognised peer. */
export const CLUSTER_RULE_FLAG = { MATCHES_ALL_PEERS: 1, ALL_PORTS: 2 } as const;
/**
 * An entry of SEL_CLUSTER_RULES' lists: the rule, and POD_BITS, what its peers say of a pod that is
 * no hostNetwork pod. Where nothing but the rule's peer bitset can match such a pod (no
 * MATCHES_ALL_PEERS, and no interval of the rule holds any such pod's address), POD_BITS is the
 * rule's MATCHER.PEER_BITS (NONE: no such pod matches): the walk tests that bit without reading the
 * rule's row. Else CLUSTER_POD_BITS_ANY: the row decides.
 */
export const CLUSTER_LIST_ENTRY = { RULE: 0, POD_BITS: 1 } as const;
export const CLUSTER_LIST_ENTRY_WORDS = 2;
export const CLUSTER_POD_BITS_ANY = 0xfffffffd;
/**
 * A CLUSTER_LIST_SETS row: a RULE_LIST pair per tier and direction. Pods of the same subjects share
 * one, so the rows, like the distinct lists, are few and stay cached.
 */
export const CLUSTER_LIST_SET_STRIDE = CLUSTER_TIER_COUNT * DIRECTION_COUNT * 2;

/** "No such index": a peer without namespaceSelector, a rule without pod peers, an unknown name. */
export const NONE = 0xffffffff;
/** In the IP tables: several running pods claim the address. */
export const AMBIGUOUS = 0xfffffffe;

/** Protocol numbers in the image and in flow records. */
export const PROTOCOL_CODE = { TCP: 1, UDP: 2, SCTP: 3 } as const;

/**
 * A flow record (FLOW_RECORD_BYTES), the compact binary encoding of the batch path (FLOW_RECORD):
 *   0  u8  source kind (ENDPOINT_KIND)        1  u8 destination kind
 *   2  u8  protocol (PROTOCOL_CODE)           3  u8 reserved, 0
 *   4  u16 destination port                   6  u16 reserved, 0
 *   8  source: ENDPOINT_BYTES                 24 destination: ENDPOINT_BYTES
 * An endpoint is a pod index (u32 at its first byte), an IPv4 address (u32), an IPv6 address (four
 * u32 words, most significant first), or the index of an ad-hoc pod in the batch's ad-hoc table.
 */
export const FLOW_RECORD_BYTES = 40;
export const FLOW_RECORD = { SRC_KIND: 0, DST_KIND: 1, PROTOCOL: 2, RESERVED_1: 3, PORT: 4, RESERVED_2: 6, SRC: 8, DST: 24 } as const;
export const ENDPOINT_BYTES = 16;
export const ENDPOINT_KIND = { POD: 0, IPV4: 1, IPV6: 2, ADHOC: 3 } as const;

/**
 * A verdict record (VERDICT_RECORD_BYTES; VERDICT_RECORD):
 *   0  u8  status (STATUS)                    1  u8 decision reason (DECISION_CODE)
 *   2  u8  egress side reason (SIDE_CODE)     3  u8 ingress side reason
 *   4  u32 egress deciding rule (NONE)        8  u32 ingress deciding rule (NONE)
 *   12 u32 egress passing rule (NONE)         16 u32 ingress passing rule (NONE)
 * A deciding rule is a NetworkPolicy rule for ALLOWED_BY_RULE and a cluster rule for the ADMIN_*
 * and BASELINE_* reasons; a passing rule is the admin cluster rule that passed the flow on.
 */
export const VERDICT_RECORD_BYTES = 20;
export const VERDICT_RECORD = {
  STATUS: 0,
  DECISION: 1,
  EGRESS_REASON: 2,
  INGRESS_REASON: 3,
  EGRESS_RULE: 4,
  INGRESS_RULE: 8,
  EGRESS_PASSED: 12,
  INGRESS_PASSED: 16,
} as const;

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
 * An ad-hoc pod record (ADHOC_RECORD, word indexes), written by the engine before a decision that
 * names one: namespace (NONE when the bundle does not know it), portCount, ADHOC_MAX_PORTS named
 * port rows (NAMED_PORT_ROW), then from ADHOC_HEADER_WORDS the namespace's label bitset and the
 * pod's label bitset (labelWords each).
 */
export const ADHOC_MAX_PORTS = 64;
export const ADHOC_RECORD = { NAMESPACE: 0, PORT_COUNT: 1, PORTS: 2 } as const;
export const ADHOC_HEADER_WORDS = ADHOC_RECORD.PORTS + NAMED_PORT_STRIDE * ADHOC_MAX_PORTS;

/** What `explain` writes of the policies isolating each side: a count, then that many ids. */
export const ISOLATING_LIST = { COUNT: 0, IDS: 1 } as const;

/** Load errors returned (negated) by the core's `load`. */
export const LOAD_ERROR = {
  TOO_SHORT: 1,
  BAD_MAGIC: 2,
  BAD_FORMAT: 3,
  BAD_LENGTH: 4,
  BAD_CHECKSUM: 5,
  BAD_SECTION_TABLE: 6,
  MISSING_SECTION: 7,
  BAD_SECTION_SIZE: 8,
  BAD_REFERENCE: 9,
} as const;
