// The image format, mirrored from src/compile/layout.ts (documented there; a test keeps the
// numbers equal). Changing a number here without changing it there is a test failure.

export const MAGIC: u32 = 0x4950454e;
export const FORMAT_VERSION: u32 = 1;
export const HEADER_BYTES: u32 = 20;
export const SECTION_ENTRY_BYTES: u32 = 12;
export const SECTION_COUNT: u32 = 28;

export const SECTION_COUNTS: u32 = 1;
export const SECTION_PODS: u32 = 2;
export const SECTION_HOST_IPS: u32 = 3;
export const SECTION_IDENTITIES: u32 = 4;
export const SECTION_NAMED_PORTS: u32 = 5;
export const SECTION_SEL_RULES: u32 = 6;
export const SECTION_SEL_POLICIES: u32 = 7;
export const SECTION_POLICIES: u32 = 8;
export const SECTION_RULES: u32 = 9;
export const SECTION_PEER_BITS: u32 = 10;
export const SECTION_POD_PEERS: u32 = 11;
export const SECTION_V4_INTERVALS: u32 = 12;
export const SECTION_V6_INTERVALS: u32 = 13;
export const SECTION_PORTS: u32 = 14;
export const SECTION_SELECTORS: u32 = 15;
export const SECTION_NS_LABELS: u32 = 16;
export const SECTION_NS_POLICIES: u32 = 17;
export const SECTION_IPV4_TABLE: u32 = 18;
export const SECTION_IPV6_TABLE: u32 = 19;
export const SECTION_META: u32 = 20;
export const SECTION_CLUSTER_POLICIES: u32 = 21;
export const SECTION_CLUSTER_RULES: u32 = 22;
export const SECTION_CLUSTER_POD_PEERS: u32 = 23;
export const SECTION_SEL_CLUSTER_RULES: u32 = 24;
export const SECTION_CLUSTER_PEER_BITS: u32 = 25;
export const SECTION_CLUSTER_V4_INTERVALS: u32 = 26;
export const SECTION_CLUSTER_V6_INTERVALS: u32 = 27;
export const SECTION_CLUSTER_PORTS: u32 = 28;

export const COUNT_PODS: u32 = 0;
export const COUNT_IDENTITIES: u32 = 1;
export const COUNT_NAMESPACES: u32 = 2;
export const COUNT_POLICIES: u32 = 3;
export const COUNT_RULES: u32 = 4;
export const COUNT_SELECTORS: u32 = 5;
export const COUNT_LABEL_WORDS: u32 = 6;
export const COUNT_IDENTITY_WORDS: u32 = 7;
export const COUNT_PORT_NAMES: u32 = 8;
export const COUNT_OPTIONS: u32 = 9;
export const COUNT_CLUSTER_POLICIES: u32 = 10;
export const COUNT_CLUSTER_RULES: u32 = 11;
export const COUNT_FIELDS: u32 = 12;

export const OPTION_IPBLOCK_MATCHES_PODS: u32 = 1;

export const POD_STRIDE: u32 = 23;
export const POD_FLAG_HOST_NETWORK: u32 = 1;
export const POD_FLAG_HAS_V4: u32 = 2;
export const POD_FLAG_HAS_V6: u32 = 4;
export const POD_FLAG_PRIMARY_V6: u32 = 8;
export const POD_FLAG_WORKLOAD: u32 = 16;
export const POD_FLAG_ISOLATED_INGRESS: u32 = 32;
export const POD_FLAG_ISOLATED_EGRESS: u32 = 64;
export const HOST_IP_STRIDE: u32 = 5;
export const IDENTITY_STRIDE: u32 = 4;
export const IDENTITY_FLAG_HOST_NETWORK: u32 = 1;
export const NAMED_PORT_STRIDE: u32 = 3;
export const POLICY_STRIDE: u32 = 7;
export const POLICY_FLAG_INGRESS: u32 = 1;
export const POLICY_FLAG_EGRESS: u32 = 2;
export const RULE_STRIDE: u32 = 11;
export const RULE_FLAG_ALL_PEERS: u32 = 1;
export const RULE_FLAG_ALL_PORTS: u32 = 2;
export const POD_PEER_STRIDE: u32 = 2;
export const PORT_STRIDE: u32 = 4;
export const PORT_KIND_ALL: u32 = 0;
export const PORT_KIND_RANGE: u32 = 1;
export const PORT_KIND_NAMED: u32 = 2;
export const PORT_ANY_PROTOCOL: u32 = 0;

export const CLUSTER_POLICY_STRIDE: u32 = 8;
export const CLUSTER_TIER_ADMIN: u32 = 0;
export const CLUSTER_TIER_BASELINE: u32 = 1;
export const CLUSTER_SUBJECT_NAMESPACES: u32 = 0;
export const CLUSTER_SUBJECT_PODS: u32 = 1;
export const CLUSTER_RULE_STRIDE: u32 = 12;
export const CLUSTER_ACTION_ALLOW: u32 = 0;
export const CLUSTER_ACTION_DENY: u32 = 1;
export const CLUSTER_ACTION_PASS: u32 = 2;
export const CLUSTER_RULE_FLAG_MATCHES_ALL_PEERS: u32 = 1;
export const CLUSTER_RULE_FLAG_ALL_PORTS: u32 = 2;

export const NONE: u32 = 0xffffffff;
export const AMBIGUOUS: u32 = 0xfffffffe;

export const FLOW_RECORD_BYTES: u32 = 40;
export const ENDPOINT_KIND_POD: u32 = 0;
export const ENDPOINT_KIND_IPV4: u32 = 1;
export const ENDPOINT_KIND_IPV6: u32 = 2;
export const ENDPOINT_KIND_ADHOC: u32 = 3;

export const VERDICT_RECORD_BYTES: u32 = 20;
export const STATUS_OK: u32 = 0;
export const STATUS_BAD_POD: u32 = 1;
export const STATUS_AMBIGUOUS_SRC: u32 = 2;
export const STATUS_AMBIGUOUS_DST: u32 = 3;
export const STATUS_FAMILY_MISMATCH: u32 = 4;
export const STATUS_BAD_PROTOCOL: u32 = 5;
export const STATUS_BAD_PORT: u32 = 6;
export const STATUS_BAD_ENDPOINT: u32 = 7;

export const DECISION_LOOPBACK: u32 = 0;
export const DECISION_NO_POLICY: u32 = 1;
export const DECISION_ALLOWED: u32 = 2;
export const DECISION_DENIED: u32 = 3;

export const SIDE_OUTSIDE_CLUSTER: u32 = 0;
export const SIDE_HOST_NETWORK: u32 = 1;
export const SIDE_NODE: u32 = 2;
export const SIDE_NOT_ISOLATED: u32 = 3;
export const SIDE_ALLOWED_BY_RULE: u32 = 4;
export const SIDE_NO_RULE_MATCHED: u32 = 5;
export const SIDE_ADMIN_ALLOWED: u32 = 6;
export const SIDE_ADMIN_DENIED: u32 = 7;
export const SIDE_BASELINE_ALLOWED: u32 = 8;
export const SIDE_BASELINE_DENIED: u32 = 9;

export const ADHOC_MAX_PORTS: u32 = 64;
export const ADHOC_HEADER_WORDS: u32 = 2 + 3 * ADHOC_MAX_PORTS;

export const LOAD_ERROR_TOO_SHORT: i32 = 1;
export const LOAD_ERROR_BAD_MAGIC: i32 = 2;
export const LOAD_ERROR_BAD_VERSION: i32 = 3;
export const LOAD_ERROR_BAD_LENGTH: i32 = 4;
export const LOAD_ERROR_BAD_CHECKSUM: i32 = 5;
export const LOAD_ERROR_BAD_SECTION_TABLE: i32 = 6;
export const LOAD_ERROR_MISSING_SECTION: i32 = 7;
export const LOAD_ERROR_BAD_SECTION_SIZE: i32 = 8;
export const LOAD_ERROR_BAD_REFERENCE: i32 = 9;
