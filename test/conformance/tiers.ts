/**
 * @module Scenarios transcribed by hand from the conformance suite of kubernetes-sigs/network-policy-api
 * (conformance/tests/*.go, manifests under conformance/base/): the cluster-wide tiers, in both API
 * versions, policy.networking.k8s.io/v1alpha1 (AdminNetworkPolicy, BaselineAdminNetworkPolicy) and
 * policy.networking.k8s.io/v1alpha2 (ClusterNetworkPolicy, `tier: Admin` / `tier: Baseline`).
 *
 * No test file runs this group yet (issue 6: the WASM core does not compile the tiers yet).
 *
 * One case per upstream subtest (`t.Run`), named `<ShortName>: <subtest title>`. Upstream's
 * subtests of one ConformanceTest share the cluster and the policies, and a subtest that patches a
 * policy (swapping two rules, changing an action or a priority, deleting a NetworkPolicy) leaves the
 * patch in place for the subtests after it; each case here carries the policies as they stand when
 * its subtest probes. Each `kubernetes.PokeServer(client ns/pod, protocol, server.Status.PodIP, port,
 * expected)` is one flow: source the client pod, destination the server pod (by name: it owns the
 * IP upstream pokes) or, for host-networked servers, the IP.
 *
 * Two generations of the suite are transcribed:
 * - v1alpha1: the `AdminNetworkPolicy*` / `BaselineAdminNetworkPolicy*` tests of the v0.1.x era
 *   (core-*, extended-*), manifests under base/admin_network_policy, base/baseline_admin_network_policy
 *   and base/api_integration/core-anp-np-banp.yaml. Some stored copies of those manifests predate the
 *   final v1alpha1 schema (`namespaces: {namespaceSelector: ...}`, `pods: {namespaces:
 *   {namespaceSelector}, podSelector}`, rules for a since-removed hogwarts-staff namespace); they are
 *   written here in the final v1alpha1 schema (`namespaces: <selector>`, `pods: {namespaceSelector,
 *   podSelector}`), rules on hogwarts-staff dropped (no probe of the transcribed tests reaches them).
 * - v1alpha2: the `CNPAdminTier*` / `CNPBaselineTier*` tests, manifests under base/admin_tier,
 *   base/baseline_tier and base/api_integration/standard-anp-np-banp.yaml, in the schema of the
 *   current apis/v1alpha2/clusternetworkpolicy_types.go: action Accept|Deny|Pass, `protocols:
 *   [{tcp|udp|sctp: {destinationPort: {number | range: {start, end}}}} | {destinationNamedPort}]`.
 *   Where upstream's stored manifest still used the older v1alpha2 port syntax (`ports: [{portNumber:
 *   {protocol, port}}]`, `action: Allow`) or already moved to policy.networking.k8s.io/v1beta1 (same
 *   fields as current v1alpha2), the case says so and shows the field-by-field v1alpha2 form.
 *
 * The cluster is conformance/base/manifests.yaml: four house namespaces (label `conformance-house`),
 * one StatefulSet of two replicas each (harry-potter in gryffindor, draco-malfoy in slytherin,
 * cedric-diggory in hufflepuff, luna-lovegood in ravenclaw), serving TCP 80 (container port named
 * `web`) and 8080, UDP 53 (named `dns`) and 5353, SCTP 9003 and 9005; plus the host-networked
 * StatefulSet centaur in forbidden-forrest, the server of the `nodes` peer tests. Pods carry the
 * labels the StatefulSet controller adds (`statefulset.kubernetes.io/pod-name`,
 * `apps.kubernetes.io/pod-index`); namespaces get `kubernetes.io/metadata.name` from ingest.
 *
 * Placement (upstream leaves it to the scheduler): a kind cluster of one control plane and three
 * workers; every `-0` pod on kind-worker, every `-1` pod on kind-worker2, centaur-1 (the server
 * poked by the `nodes` tests) alone on kind-worker3, so that no client pod shares a node with it.
 * See NODE-EXEMPTION below for why that matters. Single-stack IPv4; pod CIDR 10.244.<worker>.0/24.
 */
import type { BundleCase, CaseGroup, FlowCase } from '../cases/suite.js';

type Protocol = 'TCP' | 'UDP' | 'SCTP';

const REPO = 'kubernetes-sigs/network-policy-api';

/** Strips the common leading indentation of a template literal, so YAML reads naturally in code. */
function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((out, part, i) => out + part + (i < values.length ? String(values[i]) : ''), '');
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

function indent(text: string, by: number): string {
  const pad = ' '.repeat(by);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}

/**
 * A cluster-wide policy from its head (apiVersion ... subject, at column 0) and its rule lists, each
 * rule one YAML list item (`- name: ...`) at column 0. Rules are kept apart so that a case can put
 * them in the order upstream's patch left them; sections are written in the order given.
 */
function withRules(head: string, sections: { readonly ingress?: readonly string[]; readonly egress?: readonly string[] }): string {
  const parts = [head];
  for (const [direction, rules] of Object.entries(sections)) {
    if (rules) parts.push(`  ${direction}:`, ...rules.map((rule) => indent(rule, 2)));
  }
  return parts.join('\n');
}

/** The list with items i and j exchanged (upstream: `rule := x[i]; x[i] = x[j]; x[j] = rule`). */
function swap<T>(list: readonly T[], i: number, j: number): T[] {
  const out = [...list];
  [out[i], out[j]] = [out[j]!, out[i]!];
  return out;
}

/** The list with item i replaced. */
function replaceAt<T>(list: readonly T[], i: number, item: T): T[] {
  return list.map((x, k) => (k === i ? item : x));
}

// ---------------------------------------------------------------------------------------------
// The cluster (conformance/base/manifests.yaml).

const HOUSES = ['gryffindor', 'slytherin', 'hufflepuff', 'ravenclaw'] as const;
type House = (typeof HOUSES)[number];

const STATEFULSET: Readonly<Record<House, string>> = {
  gryffindor: 'harry-potter',
  slytherin: 'draco-malfoy',
  hufflepuff: 'cedric-diggory',
  ravenclaw: 'luna-lovegood',
};

const HOUSE_OCTET: Readonly<Record<House, number>> = { gryffindor: 11, slytherin: 12, hufflepuff: 13, ravenclaw: 14 };

const ns = (house: string): string => `network-policy-conformance-${house}`;

interface NodeSpec {
  readonly name: string;
  readonly ip: string;
  readonly controlPlane?: boolean;
}

const NODES: readonly NodeSpec[] = [
  { name: 'kind-control-plane', ip: '172.18.0.2', controlPlane: true },
  { name: 'kind-worker', ip: '172.18.0.3' },
  { name: 'kind-worker2', ip: '172.18.0.4' },
  { name: 'kind-worker3', ip: '172.18.0.5' },
];

/** Replica index -> the worker it runs on (index 0 on kind-worker, 1 on kind-worker2). */
const WORKER_OF_REPLICA = [NODES[1]!, NODES[2]!] as const;

/** `ns/name` of replica `index` of a house's StatefulSet. */
function podRef(house: House, index: 0 | 1): string {
  return `${ns(house)}/${STATEFULSET[house]}-${index}`;
}

/** 10.244.1.11 is harry-potter-0, 10.244.2.12 draco-malfoy-1. */
function podIP(house: House, index: 0 | 1): string {
  return `10.244.${index + 1}.${HOUSE_OCTET[house]}`;
}

const harry0 = podRef('gryffindor', 0);
const harry1 = podRef('gryffindor', 1);
const draco0 = podRef('slytherin', 0);
const draco1 = podRef('slytherin', 1);
const cedric0 = podRef('hufflepuff', 0);
const cedric1 = podRef('hufflepuff', 1);
const luna0 = podRef('ravenclaw', 0);
const luna1 = podRef('ravenclaw', 1);

/**
 * centaur-1's `status.podIP`: host-networked, so its node's address (kind-worker3). Upstream's
 * `nodes` tests poke this IP; semantics.md resolves an IP owned only by hostNetwork pods to no pod,
 * i.e. the node.
 */
const CENTAUR_1_IP = NODES[3]!.ip;

function nodeManifest(node: NodeSpec): string {
  const labels = [
    'kubernetes.io/arch: amd64',
    `kubernetes.io/hostname: ${node.name}`,
    'kubernetes.io/os: linux',
    ...(node.controlPlane ? ['node-role.kubernetes.io/control-plane: ""'] : []),
  ];
  return [
    yaml`
      apiVersion: v1
      kind: Node
      metadata:
        name: ${node.name}
        labels:
    `,
    indent(labels.join('\n'), 4),
    yaml`
      status:
        addresses:
        - type: InternalIP
          address: ${node.ip}
        - type: Hostname
          address: ${node.name}
    `,
  ].join('\n');
}

function namespaceManifest(house: string): string {
  return yaml`
    apiVersion: v1
    kind: Namespace
    metadata:
      name: ${ns(house)}
      labels:
        conformance-house: ${house}
  `;
}

/** A container of the base manifest; `port` only where upstream declares one (the named ports). */
function container(name: string, port?: { name: string; number: number; protocol: Protocol }): string {
  const head = `- name: ${name}\n  image: registry.k8s.io/e2e-test-images/agnhost:2.43`;
  if (!port) return head;
  return `${head}\n  ports:\n  - containerPort: ${port.number}\n    protocol: ${port.protocol}\n    name: ${port.name}`;
}

function podManifest(options: {
  house: string;
  name: string;
  index: 0 | 1;
  node: NodeSpec;
  ip: string;
  hostNetwork?: boolean;
  containers: readonly string[];
}): string {
  return [
    yaml`
      apiVersion: v1
      kind: Pod
      metadata:
        name: ${options.name}
        namespace: ${ns(options.house)}
        labels:
          conformance-house: ${options.house}
          apps.kubernetes.io/pod-index: "${options.index}"
          statefulset.kubernetes.io/pod-name: ${options.name}
      spec:
        nodeName: ${options.node.name}
    `,
    ...(options.hostNetwork ? ['  hostNetwork: true'] : []),
    '  containers:',
    indent(options.containers.join('\n'), 2),
    yaml`
      status:
        phase: Running
        hostIP: ${options.node.ip}
        hostIPs:
        - ip: ${options.node.ip}
        podIP: ${options.ip}
        podIPs:
        - ip: ${options.ip}
    `,
  ].join('\n');
}

/** The house StatefulSets' containers (manifests.yaml): ports `web` (TCP 80) and `dns` (UDP 53) named. */
function houseContainers(prefix: string): string[] {
  return [
    container(`${prefix}-client`),
    container(`${prefix}-80`, { name: 'web', number: 80, protocol: 'TCP' }),
    container(`${prefix}-8080`),
    container(`${prefix}-5353`),
    container(`${prefix}-53`, { name: 'dns', number: 53, protocol: 'UDP' }),
    container(`${prefix}-9003`),
    container(`${prefix}-9005`),
  ];
}

/**
 * centaur's containers: upstream's host-network ports (TCP 36363, 36364; UDP 34345, 34346 in the
 * later copies, 5353 and 53 in the earlier one; SCTP 9003, 9005). Declared ports of a host-networked
 * pod decide nothing here: it is addressed by its node's IP and no transcribed rule names its ports.
 */
const CENTAUR_CONTAINERS = [
  container('centaur-client'),
  container('centaur-36363', { name: 'web-36363', number: 36363, protocol: 'TCP' }),
  container('centaur-36364', { name: 'web-36364', number: 36364, protocol: 'TCP' }),
  container('centaur-34345'),
  container('centaur-34346'),
  container('centaur-53', { name: 'dns', number: 53, protocol: 'UDP' }),
  container('centaur-9003'),
  container('centaur-9005'),
];

function clusterManifest(): string {
  const docs: string[] = [...NODES.map(nodeManifest)];
  for (const house of HOUSES) {
    docs.push(namespaceManifest(house));
    for (const index of [0, 1] as const) {
      docs.push(
        podManifest({
          house,
          name: `${STATEFULSET[house]}-${index}`,
          index,
          node: WORKER_OF_REPLICA[index],
          ip: podIP(house, index),
          containers: houseContainers(STATEFULSET[house]),
        }),
      );
    }
  }
  docs.push(namespaceManifest('forbidden-forrest'));
  // centaur-0 shares kind-worker with the -0 pods (no test pokes it); centaur-1 is alone on kind-worker3.
  for (const [index, node] of [
    [0, NODES[1]!],
    [1, NODES[3]!],
  ] as const) {
    docs.push(
      podManifest({
        house: 'forbidden-forrest',
        name: `centaur-${index}`,
        index,
        node,
        ip: node.ip,
        hostNetwork: true,
        containers: CENTAUR_CONTAINERS,
      }),
    );
  }
  return docs.join('\n---\n');
}

const CLUSTER = clusterManifest();

// ---------------------------------------------------------------------------------------------
// Cases and probes.

/** `kubernetes.PokeServer(t, ..., clientNs, clientPod, protocol, serverIP, port, ..., expected)` */
function poke(client: string, protocol: Protocol, server: string, port: number, allowed: boolean): FlowCase {
  return { src: client, dst: server, protocol, port, allowed };
}

/** One upstream subtest: the policies as they stand when it probes, and its probes. */
function subtest(test: string, title: string, source: string, policies: readonly string[], flows: readonly FlowCase[]): BundleCase {
  return { name: `${test}: ${title}`, source: `${REPO} ${source}`, manifests: [CLUSTER, ...policies], flows };
}

/** The three probes "TCP 80, UDP 53, SCTP 9003" that the CIDR tests send to one server. */
function threeProtocols(client: string, server: string, allowed: boolean): FlowCase[] {
  return [poke(client, 'TCP', server, 80, allowed), poke(client, 'UDP', server, 53, allowed), poke(client, 'SCTP', server, 9003, allowed)];
}

/** `serverPod.Status.PodIP + "/32"` */
function hostCIDR(house: House, index: 0 | 1): string {
  return `${podIP(house, index)}/32`;
}

const NS_NAME = 'kubernetes.io/metadata.name';

// =============================================================================================
// policy.networking.k8s.io/v1alpha1
// =============================================================================================

// ---------------------------------------------------------------------------------------------
// AdminNetworkPolicyGress: conformance/tests/admin-network-policy-core-gress-rules.go,
// var AdminNetworkPolicyGress; manifest base/admin_network_policy/core-gress-rules-combined.yaml
// (final v1alpha1 schema as stored). Fields: subject.namespaces; namespaces peers; Allow/Deny/Pass;
// rule order; ports[].portNumber over TCP, UDP and SCTP; ingress and egress in one policy.

const GRESS_SOURCE = 'conformance/tests/admin-network-policy-core-gress-rules.go (AdminNetworkPolicyGress)';

const gressRulesHead = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha1
  kind: AdminNetworkPolicy
  metadata:
    name: gress-rules
  spec:
    priority: 15
    subject:
      namespaces:
        matchLabels:
          ${NS_NAME}: network-policy-conformance-gryffindor
`;

/** A rule whose peer is one house's namespace, by its kubernetes.io/metadata.name. */
function v1alpha1HouseRule(
  name: string,
  action: 'Allow' | 'Deny' | 'Pass',
  direction: 'to' | 'from',
  house: House,
  ports: readonly (readonly [Protocol, number])[] = [],
): string {
  const portLines = ports.map(([protocol, port]) => `  - portNumber:\n      protocol: ${protocol}\n      port: ${port}`);
  return [
    yaml`
      - name: "${name}"
        action: "${action}"
        ${direction}:
        - namespaces:
            matchLabels:
              ${NS_NAME}: ${ns(house)}
    `,
    ...(ports.length > 0 ? ['  ports:', ...portLines] : []),
  ].join('\n');
}

const TCP80_UDP53_SCTP9003 = [['TCP', 80], ['UDP', 53], ['SCTP', 9003]] as const;

const gressEgress = [
  v1alpha1HouseRule('allow-to-ravenclaw-everything', 'Allow', 'to', 'ravenclaw'),
  v1alpha1HouseRule('deny-to-ravenclaw-everything', 'Deny', 'to', 'ravenclaw'),
  v1alpha1HouseRule('pass-to-ravenclaw-everything', 'Pass', 'to', 'ravenclaw'),
  v1alpha1HouseRule('deny-to-slytherin-at-ports-80-53-9003', 'Deny', 'to', 'slytherin', TCP80_UDP53_SCTP9003),
  v1alpha1HouseRule('pass-to-slytherin-at-port-80-53-9003', 'Pass', 'to', 'slytherin', TCP80_UDP53_SCTP9003),
  v1alpha1HouseRule('allow-to-hufflepuff-at-ports-8080-5353', 'Allow', 'to', 'hufflepuff', [
    ['TCP', 8080],
    ['UDP', 5353],
    ['SCTP', 9003],
  ]),
  v1alpha1HouseRule('deny-to-hufflepuff-everything-else', 'Deny', 'to', 'hufflepuff'),
];

const gressIngress = [
  v1alpha1HouseRule('allow-from-ravenclaw-everything', 'Allow', 'from', 'ravenclaw'),
  v1alpha1HouseRule('deny-from-ravenclaw-everything', 'Deny', 'from', 'ravenclaw'),
  v1alpha1HouseRule('pass-from-ravenclaw-everything', 'Pass', 'from', 'ravenclaw'),
  v1alpha1HouseRule('deny-from-slytherin-at-port-80-53-9003', 'Deny', 'from', 'slytherin', TCP80_UDP53_SCTP9003),
  v1alpha1HouseRule('pass-from-slytherin-at-port-80-53-9003', 'Pass', 'from', 'slytherin', TCP80_UDP53_SCTP9003),
  v1alpha1HouseRule('allow-from-hufflepuff-at-port-80-5353-9003', 'Allow', 'from', 'hufflepuff', [
    ['TCP', 80],
    ['UDP', 5353],
    ['SCTP', 9003],
  ]),
  v1alpha1HouseRule('deny-from-hufflepuff-everything-else', 'Deny', 'from', 'hufflepuff'),
];

/** The subtests' patches, cumulative: swap 0<->1, then 0<->2, then 3<->4, in both directions. */
const gressStates = (() => {
  const afterDeny = { egress: swap(gressEgress, 0, 1), ingress: swap(gressIngress, 0, 1) };
  const afterPass = { egress: swap(afterDeny.egress, 0, 2), ingress: swap(afterDeny.ingress, 0, 2) };
  const afterPortPass = { egress: swap(afterPass.egress, 3, 4), ingress: swap(afterPass.ingress, 3, 4) };
  return {
    initial: withRules(gressRulesHead, { egress: gressEgress, ingress: gressIngress }),
    afterDeny: withRules(gressRulesHead, afterDeny),
    afterPass: withRules(gressRulesHead, afterPass),
    afterPortPass: withRules(gressRulesHead, afterPortPass),
  };
})();

/** The "at the specified ports" probes towards hufflepuff (allow-... then deny-...-everything-else). */
const gressHufflepuffProbes = [
  // egress to cedric-diggory-1
  poke(harry0, 'TCP', cedric1, 8080, true),
  poke(harry1, 'TCP', cedric1, 80, false),
  poke(harry0, 'UDP', cedric1, 5353, true),
  poke(harry1, 'UDP', cedric1, 53, false),
  poke(harry0, 'SCTP', cedric1, 9003, true),
  poke(harry1, 'SCTP', cedric1, 9005, false),
  // ingress to harry-potter-1
  poke(cedric0, 'TCP', harry1, 80, true),
  poke(cedric1, 'TCP', harry1, 8080, false),
  poke(cedric0, 'UDP', harry1, 5353, true),
  poke(cedric1, 'UDP', harry1, 53, false),
  poke(cedric0, 'SCTP', harry1, 9003, true),
  poke(cedric1, 'SCTP', harry1, 9005, false),
];

/** The "at the specified ports" probes between gryffindor and slytherin: 80/53/9003 by the rule, the rest by nothing. */
function gressSlytherinProbes(portRuleAllows: boolean): FlowCase[] {
  return [
    // egress to draco-malfoy-0
    poke(harry0, 'TCP', draco0, 80, portRuleAllows),
    poke(harry1, 'TCP', draco0, 8080, true),
    poke(harry0, 'UDP', draco0, 53, portRuleAllows),
    poke(harry1, 'UDP', draco0, 5353, true),
    poke(harry0, 'SCTP', draco0, 9003, portRuleAllows),
    poke(harry1, 'SCTP', draco0, 9005, true),
    // ingress to harry-potter-0
    poke(draco0, 'TCP', harry0, 80, portRuleAllows),
    poke(draco1, 'TCP', harry0, 8080, true),
    poke(draco0, 'UDP', harry0, 53, portRuleAllows),
    poke(draco1, 'UDP', harry0, 5353, true),
    poke(draco0, 'SCTP', harry0, 9003, portRuleAllows),
    poke(draco1, 'SCTP', harry0, 9005, true),
  ];
}

const anpGress: BundleCase[] = [
  subtest('AdminNetworkPolicyGress', "Should support an 'allow-gress' policy across different protocols", GRESS_SOURCE, [gressStates.initial], [
    poke(harry0, 'TCP', luna0, 80, true),
    poke(harry1, 'UDP', luna0, 53, true),
    poke(harry0, 'SCTP', luna0, 9003, true),
    poke(luna0, 'TCP', harry0, 80, true),
    poke(luna1, 'UDP', harry0, 53, true),
    poke(luna1, 'SCTP', harry0, 9003, true),
  ]),
  subtest(
    'AdminNetworkPolicyGress',
    "Should support an 'allow-gress' policy across different protocols at the specified ports",
    GRESS_SOURCE,
    [gressStates.initial],
    gressHufflepuffProbes,
  ),
  // Patch: egress[0] <-> egress[1], ingress[0] <-> ingress[1]: Deny before Allow for ravenclaw.
  subtest('AdminNetworkPolicyGress', "Should support an 'deny-gress' policy across different protocols", GRESS_SOURCE, [gressStates.afterDeny], [
    poke(harry0, 'TCP', luna1, 80, false),
    poke(harry1, 'UDP', luna1, 53, false),
    poke(harry0, 'SCTP', luna1, 9003, false),
    poke(luna0, 'TCP', harry1, 80, false),
    poke(luna1, 'UDP', harry1, 53, false),
    poke(luna1, 'SCTP', harry1, 9003, false),
  ]),
  subtest(
    'AdminNetworkPolicyGress',
    "Should support a 'deny-gress' policy across different protocols at the specified ports",
    GRESS_SOURCE,
    [gressStates.afterDeny],
    gressSlytherinProbes(false),
  ),
  // Patch: [0] <-> [2] in both directions: Pass now first for ravenclaw; nothing below the admin tier.
  subtest('AdminNetworkPolicyGress', "Should support an 'pass-gress' policy across different protocols", GRESS_SOURCE, [gressStates.afterPass], [
    poke(harry0, 'TCP', luna0, 80, true),
    poke(harry0, 'UDP', luna0, 5353, true),
    poke(harry0, 'SCTP', luna0, 9003, true),
    poke(luna0, 'TCP', harry0, 80, true),
    poke(luna1, 'UDP', harry0, 53, true),
    poke(luna1, 'SCTP', harry0, 9003, true),
  ]),
  // Patch: [3] <-> [4] in both directions: Pass before Deny for slytherin's ports.
  subtest(
    'AdminNetworkPolicyGress',
    "Should support a 'pass-gress' policy across different protocols at the specified ports",
    GRESS_SOURCE,
    [gressStates.afterPortPass],
    gressSlytherinProbes(true),
  ),
];

// ---------------------------------------------------------------------------------------------
// AdminNetworkPolicyEgressTCP: conformance/tests/admin-network-policy-core-egress-tcp-rules.go,
// var AdminNetworkPolicyEgressTCP; manifest base/admin_network_policy/core-egress-tcp-rules.yaml
// (stored copy in the pre-final peer schema, written here in the final one; its hogwarts-staff rules
// 7-9 dropped). Fields: egress only; Allow/Deny/Pass; rule order; portNumber TCP.

const EGRESS_TCP_SOURCE = 'conformance/tests/admin-network-policy-core-egress-tcp-rules.go (AdminNetworkPolicyEgressTCP)';

const egressTcpHead = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha1
  kind: AdminNetworkPolicy
  metadata:
    name: egress-tcp
  spec:
    priority: 6
    subject:
      namespaces:
        matchLabels:
          ${NS_NAME}: network-policy-conformance-gryffindor
`;

const egressTcpRules = [
  v1alpha1HouseRule('allow-to-ravenclaw-everything', 'Allow', 'to', 'ravenclaw'),
  v1alpha1HouseRule('deny-to-ravenclaw-everything', 'Deny', 'to', 'ravenclaw'),
  v1alpha1HouseRule('pass-to-ravenclaw-everything', 'Pass', 'to', 'ravenclaw'),
  v1alpha1HouseRule('deny-to-slytherin-at-port-80', 'Deny', 'to', 'slytherin', [['TCP', 80]]),
  v1alpha1HouseRule('pass-to-slytherin-at-port-80', 'Pass', 'to', 'slytherin', [['TCP', 80]]),
  v1alpha1HouseRule('allow-to-hufflepuff-at-port-8080', 'Allow', 'to', 'hufflepuff', [['TCP', 8080]]),
  v1alpha1HouseRule('deny-to-hufflepuff-everything-else', 'Deny', 'to', 'hufflepuff'),
];

const egressTcp = (rules: readonly string[]): string => withRules(egressTcpHead, { egress: rules });
const egressTcpAfterDeny = swap(egressTcpRules, 0, 1);
const egressTcpAfterPass = swap(egressTcpAfterDeny, 0, 2);
const egressTcpAfterPortPass = swap(egressTcpAfterPass, 3, 4);

const anpEgressTcp: BundleCase[] = [
  subtest(
    'AdminNetworkPolicyEgressTCP',
    "Should support an 'allow-egress' policy for TCP protocol; ensure rule ordering is respected",
    EGRESS_TCP_SOURCE,
    [egressTcp(egressTcpRules)],
    [poke(harry0, 'TCP', luna0, 80, true), poke(harry1, 'TCP', luna0, 8080, true)],
  ),
  subtest(
    'AdminNetworkPolicyEgressTCP',
    "Should support an 'allow-egress' policy for TCP protocol at the specified port",
    EGRESS_TCP_SOURCE,
    [egressTcp(egressTcpRules)],
    [poke(harry0, 'TCP', cedric1, 8080, true), poke(harry1, 'TCP', cedric1, 80, false)],
  ),
  // Patch: egress[0] <-> egress[1].
  subtest(
    'AdminNetworkPolicyEgressTCP',
    "Should support an 'deny-egress' policy for TCP protocol; ensure rule ordering is respected",
    EGRESS_TCP_SOURCE,
    [egressTcp(egressTcpAfterDeny)],
    [poke(harry0, 'TCP', luna1, 80, false), poke(harry1, 'TCP', luna1, 8080, false)],
  ),
  subtest(
    'AdminNetworkPolicyEgressTCP',
    "Should support a 'deny-egress' policy for TCP protocol at the specified port",
    EGRESS_TCP_SOURCE,
    [egressTcp(egressTcpAfterDeny)],
    [poke(harry0, 'TCP', draco0, 80, false), poke(harry1, 'TCP', draco0, 8080, true)],
  ),
  // Patch: egress[0] <-> egress[2] (after the first patch: Pass, Allow, Deny).
  subtest(
    'AdminNetworkPolicyEgressTCP',
    "Should support an 'pass-egress' policy for TCP protocol; ensure rule ordering is respected",
    EGRESS_TCP_SOURCE,
    [egressTcp(egressTcpAfterPass)],
    [poke(harry0, 'TCP', luna0, 80, true), poke(harry1, 'TCP', luna0, 8080, true)],
  ),
  // Patch: egress[3] <-> egress[4].
  subtest(
    'AdminNetworkPolicyEgressTCP',
    "Should support a 'pass-egress' policy for TCP protocol at the specified port",
    EGRESS_TCP_SOURCE,
    [egressTcp(egressTcpAfterPortPass)],
    [poke(harry0, 'TCP', draco0, 80, true), poke(harry1, 'TCP', draco0, 8080, true)],
  ),
];

// ---------------------------------------------------------------------------------------------
// AdminNetworkPolicyEgressNamedPort: conformance/tests/admin-network-policy-extended-egress-rules.go,
// var AdminNetworkPolicyEgressNamedPort; manifest core-egress-tcp-rules.yaml as above, its egress[5]
// patched to `ports: [{namedPort: web}]` (web = TCP 80 on the destination pod). Fields: namedPort.

const anpEgressNamedPort: BundleCase[] = [
  subtest(
    'AdminNetworkPolicyEgressNamedPort',
    "Should support an 'allow-egress' policy for named port",
    'conformance/tests/admin-network-policy-extended-egress-rules.go (AdminNetworkPolicyEgressNamedPort)',
    [
      egressTcp(
        replaceAt(
          egressTcpRules,
          5,
          yaml`
            - name: "allow-to-hufflepuff-at-port-8080"
              action: "Allow"
              to:
              - namespaces:
                  matchLabels:
                    ${NS_NAME}: network-policy-conformance-hufflepuff
              ports:
              - namedPort: web
          `,
        ),
      ),
    ],
    [poke(harry0, 'TCP', cedric1, 80, true), poke(harry1, 'TCP', cedric1, 8080, false)],
  ),
];

// ---------------------------------------------------------------------------------------------
// AdminNetworkPolicyPriorityField: conformance/tests/admin-network-policy-core-priority.go, var
// AdminNetworkPolicyPriorityField; manifest base/admin_network_policy/core-priority-field.yaml (stored
// copy uses `pods: {namespaces: {namespaceSelector}, podSelector}`; final v1alpha1 `pods:
// {namespaceSelector, podSelector}` here). Fields: priority order between two ANPs; Pass to the BANP;
// subject.pods; pods peers; BANP Allow; the third subtest patches priority 60 -> 40.

const PRIORITY_SOURCE = 'conformance/tests/admin-network-policy-core-priority.go (AdminNetworkPolicyPriorityField)';

const priority50 = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha1
  kind: AdminNetworkPolicy
  metadata:
    name: priority-50-example
  spec:
    priority: 50
    subject:
      pods:
        namespaceSelector:
          matchLabels:
            conformance-house: gryffindor
        podSelector:
          matchLabels:
            conformance-house: gryffindor
    ingress:
    - name: "deny-all-ingress-from-slytherin"
      action: "Deny"
      from:
      - pods:
          namespaceSelector:
            matchLabels:
              conformance-house: slytherin
          podSelector:
            matchLabels:
              conformance-house: slytherin
    egress:
    - name: "deny-all-egress-to-slytherin"
      action: "Deny"
      to:
      - pods:
          namespaceSelector:
            matchLabels:
              conformance-house: slytherin
          podSelector:
            matchLabels:
              conformance-house: slytherin
`;

const oldPriority60 = (priority: number): string => yaml`
  apiVersion: policy.networking.k8s.io/v1alpha1
  kind: AdminNetworkPolicy
  metadata:
    name: old-priority-60-new-priority-40-example
  spec:
    priority: ${priority}
    subject:
      pods:
        namespaceSelector:
          matchLabels:
            conformance-house: gryffindor
        podSelector:
          matchLabels:
            conformance-house: gryffindor
    ingress:
    - name: "pass-all-ingress-from-slytherin"
      action: "Pass"
      from:
      - pods:
          namespaceSelector:
            matchLabels:
              conformance-house: slytherin
          podSelector:
            matchLabels:
              conformance-house: slytherin
    egress:
    - name: "pass-all-egress-to-slytherin"
      action: "Pass"
      to:
      - pods:
          namespaceSelector:
            matchLabels:
              conformance-house: slytherin
          podSelector:
            matchLabels:
              conformance-house: slytherin
`;

const priorityBanp = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha1
  kind: BaselineAdminNetworkPolicy
  metadata:
    name: default
  spec:
    subject:
      pods:
        namespaceSelector:
          matchLabels:
            conformance-house: gryffindor
        podSelector:
          matchLabels:
            conformance-house: gryffindor
    ingress:
    - name: "allow-all-ingress-from-slytherin"
      action: "Allow"
      from:
      - pods:
          namespaceSelector:
            matchLabels:
              conformance-house: slytherin
          podSelector:
            matchLabels:
              conformance-house: slytherin
    egress:
    - name: "allow-all-egress-to-slytherin"
      action: "Allow"
      to:
      - pods:
          namespaceSelector:
            matchLabels:
              conformance-house: slytherin
          podSelector:
            matchLabels:
              conformance-house: slytherin
`;

const slytherinGryffindorBothWays = (allowed: boolean): FlowCase[] => [
  poke(draco0, 'TCP', harry0, 80, allowed),
  poke(draco1, 'TCP', harry0, 8080, allowed),
  poke(harry0, 'TCP', draco0, 80, allowed),
  poke(harry1, 'TCP', draco0, 8080, allowed),
];

const anpPriority: BundleCase[] = [
  subtest(
    'AdminNetworkPolicyPriorityField',
    'Should Deny traffic from slytherin to gryffindor respecting ANP',
    PRIORITY_SOURCE,
    [priority50, oldPriority60(60), priorityBanp],
    [poke(draco0, 'TCP', harry0, 80, false), poke(draco1, 'TCP', harry0, 8080, false)],
  ),
  subtest(
    'AdminNetworkPolicyPriorityField',
    'Should Deny traffic to slytherin from gryffindor respecting ANP',
    PRIORITY_SOURCE,
    [priority50, oldPriority60(60), priorityBanp],
    [poke(harry0, 'TCP', draco0, 80, false), poke(harry1, 'TCP', draco0, 8080, false)],
  ),
  // Patch: old-priority-60-new-priority-40-example gets priority 40, ahead of the Deny at 50.
  subtest(
    'AdminNetworkPolicyPriorityField',
    'Should respect ANP priority field; thus passing both ingress and egress traffic over to BANP',
    PRIORITY_SOURCE,
    [priority50, oldPriority60(40), priorityBanp],
    slytherinGryffindorBothWays(true),
  ),
];

// ---------------------------------------------------------------------------------------------
// AdminNetworkPolicyIntegration: conformance/tests/admin-network-policy-core-integration.go, var
// AdminNetworkPolicyIntegration; manifest base/api_integration/core-anp-np-banp.yaml (stored copy uses
// `namespaces: {namespaceSelector}`; final `namespaces: <selector>` here). Fields: ANP Deny -> Pass
// (patched per subtest), a NetworkPolicy (podSelector null = every pod) that the Pass reaches, the
// BANP Deny once the NetworkPolicy is deleted.

const INTEGRATION_SOURCE = 'conformance/tests/admin-network-policy-core-integration.go (AdminNetworkPolicyIntegration)';

const passExampleV1alpha1 = (ingressAction: 'Deny' | 'Pass', egressAction: 'Deny' | 'Pass'): string => yaml`
  apiVersion: policy.networking.k8s.io/v1alpha1
  kind: AdminNetworkPolicy
  metadata:
    name: pass-example
  spec:
    priority: 10
    subject:
      namespaces:
        matchLabels:
            conformance-house: gryffindor
    ingress:
    - name: "deny-all-ingress-from-slytherin" # test will update to pass
      action: "${ingressAction}"
      from:
      - namespaces:
          matchLabels:
            conformance-house: slytherin
    egress:
    - name: "deny-all-egress-to-slytherin" # test will update to pass
      action: "${egressAction}"
      to:
      - namespaces:
          matchLabels:
            conformance-house: slytherin
`;

/** The NetworkPolicy both integration manifests carry (podSelector left empty, as upstream). */
const allowGressSlytherinNP = yaml`
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: allow-gress-from-to-slytherin-to-gryffindor
    namespace: network-policy-conformance-gryffindor
  spec:
    podSelector:
    policyTypes:
      - Ingress
      - Egress
    ingress:
    - from:
      - namespaceSelector:
          matchLabels:
            conformance-house: slytherin
    egress:
    - to:
      - namespaceSelector:
          matchLabels:
            conformance-house: slytherin
`;

const integrationBanp = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha1
  kind: BaselineAdminNetworkPolicy
  metadata:
    name: default
  spec:
    subject:
      namespaces:
        matchLabels:
            conformance-house: gryffindor
    ingress:
    - name: "deny-all-ingress-from-slytherin"
      action: "Deny"
      from:
      - namespaces:
          matchLabels:
            conformance-house: slytherin
    egress:
    - name: "deny-all-egress-to-slytherin"
      action: "Deny"
      to:
      - namespaces:
          matchLabels:
            conformance-house: slytherin
`;

const slytherinIntoGryffindor = (allowed: boolean): FlowCase[] => [
  poke(draco0, 'TCP', harry0, 80, allowed),
  poke(draco1, 'TCP', harry0, 8080, allowed),
];
const gryffindorIntoSlytherin = (allowed: boolean): FlowCase[] => [
  poke(harry0, 'TCP', draco0, 80, allowed),
  poke(harry1, 'TCP', draco0, 8080, allowed),
];

const anpIntegration: BundleCase[] = [
  subtest(
    'AdminNetworkPolicyIntegration',
    'Should Deny traffic from slytherin to gryffindor respecting ANP',
    INTEGRATION_SOURCE,
    [passExampleV1alpha1('Deny', 'Deny'), allowGressSlytherinNP, integrationBanp],
    slytherinIntoGryffindor(false),
  ),
  subtest(
    'AdminNetworkPolicyIntegration',
    'Should Deny traffic to slytherin from gryffindor respecting ANP',
    INTEGRATION_SOURCE,
    [passExampleV1alpha1('Deny', 'Deny'), allowGressSlytherinNP, integrationBanp],
    gryffindorIntoSlytherin(false),
  ),
  // Patch: ingress[0].action = Pass. The NetworkPolicy selects harry-potter-0 for ingress and allows slytherin.
  subtest(
    'AdminNetworkPolicyIntegration',
    "Should support a 'pass-ingress' policy for ANP and respect the match for network policy",
    INTEGRATION_SOURCE,
    [passExampleV1alpha1('Pass', 'Deny'), allowGressSlytherinNP, integrationBanp],
    slytherinIntoGryffindor(true),
  ),
  // Patch: egress[0].action = Pass too.
  subtest(
    'AdminNetworkPolicyIntegration',
    "Should support a 'pass-egress' policy for ANP and respect the match for network policy",
    INTEGRATION_SOURCE,
    [passExampleV1alpha1('Pass', 'Pass'), allowGressSlytherinNP, integrationBanp],
    gryffindorIntoSlytherin(true),
  ),
  // The NetworkPolicy is deleted: the Pass now reaches the BANP, which denies.
  subtest(
    'AdminNetworkPolicyIntegration',
    "Should support a 'pass-ingress' policy for ANP and respect the match for baseline admin network policy",
    INTEGRATION_SOURCE,
    [passExampleV1alpha1('Pass', 'Pass'), integrationBanp],
    slytherinIntoGryffindor(false),
  ),
  subtest(
    'AdminNetworkPolicyIntegration',
    "Should support a 'pass-egress' policy for ANP and respect the match for baseline admin network policy",
    INTEGRATION_SOURCE,
    [passExampleV1alpha1('Pass', 'Pass'), integrationBanp],
    gryffindorIntoSlytherin(false),
  ),
];

// ---------------------------------------------------------------------------------------------
// AdminNetworkPolicyEgressNodePeers and AdminNetworkPolicyEgressInlineCIDRPeers:
// conformance/tests/admin-network-policy-extended-egress-rules.go (the version declaring both,
// with centaur's UDP ports 34345/34346); manifest base/admin_network_policy/extended-egress-selector-rules.yaml
// (node-and-cidr-as-peers-example). The stored copy of the manifest names UDP 5353 in its Pass rule,
// an earlier port layout; the test version transcribed probes 34345 "Pass rule at index1", so the Pass
// rule here names UDP 34345. Fields: subject.pods; nodes peers (Node labels, status.addresses);
// networks peers (0.0.0.0/0 and ::/0, and /32 host CIDRs of pods); pods peer; portNumber TCP/UDP.
//
// NODE-EXEMPTION: centaur-1 is host-networked, so the server IP is its node's. semantics.md allows
// a pod's traffic to and from its own node at the NetworkPolicy tier, after the admin tier and
// before the baseline tier; if the client ran on centaur-1's node, a baseline Deny of `nodes`
// (BaselineAdminNetworkPolicyEgressNodePeers) would answer "allowed" where upstream expects the Deny.
// Upstream does not pin placement; the cluster above keeps centaur-1 alone on kind-worker3 so that
// its expectations hold whatever that choice.

const EXTENDED_EGRESS_SOURCE = 'conformance/tests/admin-network-policy-extended-egress-rules.go';

const NODE_AND_CIDR_RULES_V1ALPHA1 = [
  yaml`
    - name: "allow-egress-to-36363-on-nodes"
      action: "Allow"
      to:
      - nodes:
          matchLabels:
            kubernetes.io/os: linux
      ports:
      - portNumber:
          protocol: TCP
          port: 36363
  `,
  yaml`
    - name: "pass-egress-to-34345-on-nodes"
      action: "Pass"
      to:
      - nodes:
          matchLabels:
            kubernetes.io/os: linux
      ports:
      - portNumber:
          protocol: UDP
          port: 34345
  `,
  yaml`
    - name: "deny-egress-to-slytherin-and-nodes-and-internet"
      action: "Deny"
      to:
      - pods:
          namespaceSelector:
            matchLabels:
              conformance-house: slytherin
          podSelector:
            matchLabels:
              conformance-house: slytherin
      - nodes:
          matchLabels:
            kubernetes.io/os: linux
      - networks:
        - 0.0.0.0/0
        - ::/0
  `,
];

const nodeAndCidrHeadV1alpha1 = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha1
  kind: AdminNetworkPolicy
  metadata:
    name: node-and-cidr-as-peers-example
  spec:
    priority: 75
    subject:
      pods:
        namespaceSelector:
          matchLabels:
            conformance-house: gryffindor
        podSelector:
          matchLabels:
            conformance-house: gryffindor
`;

/** The rule the CIDR tests insert at egress[0]: the /32 of luna-lovegood-0 and cedric-diggory-0. */
const allowSpecificPodIPs = (action: 'Allow' | 'Accept'): string => yaml`
  - name: "allow-egress-to-specific-podIPs"
    action: "${action}"
    to:
    - networks:
      - ${hostCIDR('ravenclaw', 0)}
      - ${hostCIDR('hufflepuff', 0)}
`;

const anpExtendedEgress: BundleCase[] = [
  subtest(
    'AdminNetworkPolicyEgressNodePeers',
    "Should support an 'allow-egress' rule policy for egress-node-peer",
    `${EXTENDED_EGRESS_SOURCE} (AdminNetworkPolicyEgressNodePeers)`,
    [withRules(nodeAndCidrHeadV1alpha1, { egress: NODE_AND_CIDR_RULES_V1ALPHA1 })],
    [poke(harry0, 'TCP', CENTAUR_1_IP, 36363, true)],
  ),
  subtest(
    'AdminNetworkPolicyEgressNodePeers',
    "Should support a 'pass-egress' rule policy for egress-node-peer",
    `${EXTENDED_EGRESS_SOURCE} (AdminNetworkPolicyEgressNodePeers)`,
    [withRules(nodeAndCidrHeadV1alpha1, { egress: NODE_AND_CIDR_RULES_V1ALPHA1 })],
    [poke(harry1, 'UDP', CENTAUR_1_IP, 34345, true)],
  ),
  subtest(
    'AdminNetworkPolicyEgressNodePeers',
    "Should support a 'deny-egress' rule policy for egress-node-peer",
    `${EXTENDED_EGRESS_SOURCE} (AdminNetworkPolicyEgressNodePeers)`,
    [withRules(nodeAndCidrHeadV1alpha1, { egress: NODE_AND_CIDR_RULES_V1ALPHA1 })],
    [
      poke(harry1, 'TCP', CENTAUR_1_IP, 36364, false),
      poke(harry1, 'UDP', CENTAUR_1_IP, 34346, false),
      poke(harry1, 'SCTP', CENTAUR_1_IP, 9003, false),
    ],
  ),
  // The networks peer 0.0.0.0/0 of egress[2] matches pod IPs too.
  subtest(
    'AdminNetworkPolicyEgressInlineCIDRPeers',
    "Should support a 'deny-egress' rule policy for egress-cidr-peer",
    `${EXTENDED_EGRESS_SOURCE} (AdminNetworkPolicyEgressInlineCIDRPeers)`,
    [withRules(nodeAndCidrHeadV1alpha1, { egress: NODE_AND_CIDR_RULES_V1ALPHA1 })],
    [...threeProtocols(harry1, luna0, false), ...threeProtocols(harry1, cedric0, false)],
  ),
  // Patch: allow-egress-to-specific-podIPs inserted at egress[0].
  subtest(
    'AdminNetworkPolicyEgressInlineCIDRPeers',
    "Should support an 'allow-egress' rule policy for egress-cidr-peer",
    `${EXTENDED_EGRESS_SOURCE} (AdminNetworkPolicyEgressInlineCIDRPeers)`,
    [withRules(nodeAndCidrHeadV1alpha1, { egress: [allowSpecificPodIPs('Allow'), ...NODE_AND_CIDR_RULES_V1ALPHA1] })],
    [...threeProtocols(harry1, luna0, true), ...threeProtocols(harry1, cedric0, true)],
  ),
];

// ---------------------------------------------------------------------------------------------
// BaselineAdminNetworkPolicyEgressUDP: conformance/tests/baseline-admin-network-policy-core-egress-udp-rules.go,
// var BaselineAdminNetworkPolicyEgressUDP; manifest base/baseline_admin_network_policy/core-egress-udp-rules.yaml
// (stored copy in the pre-final peer schema and with two hogwarts-staff rules after index 4; final
// schema here, those rules dropped). Fields: BANP `default`; subject.namespaces (hufflepuff);
// Allow/Deny; rule order; portNumber UDP.
//
// BaselineAdminNetworkPolicyEgressNamedPort (same file, and baseline-admin-network-policy-extended-egress-rules.go):
// the same manifest with egress[3] patched to `ports: [{namedPort: dns}]` (dns = UDP 53 on the destination).

const BANP_UDP_SOURCE = 'conformance/tests/baseline-admin-network-policy-core-egress-udp-rules.go';

const banpUdpHead = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha1
  kind: BaselineAdminNetworkPolicy
  metadata:
    name: default
  spec:
    subject:
      namespaces:
        matchLabels:
          ${NS_NAME}: network-policy-conformance-hufflepuff
`;

const banpUdpRules = [
  v1alpha1HouseRule('allow-to-ravenclaw-everything', 'Allow', 'to', 'ravenclaw'),
  v1alpha1HouseRule('deny-to-ravenclaw-everything', 'Deny', 'to', 'ravenclaw'),
  v1alpha1HouseRule('deny-to-slytherin-at-port-5353', 'Deny', 'to', 'slytherin', [['UDP', 5353]]),
  v1alpha1HouseRule('allow-to-gryffindor-at-port-53', 'Allow', 'to', 'gryffindor', [['UDP', 53]]),
  v1alpha1HouseRule('deny-to-gryffindor-everything-else', 'Deny', 'to', 'gryffindor'),
];

const banpUdp = (rules: readonly string[]): string => withRules(banpUdpHead, { egress: rules });

const banpEgressUdp: BundleCase[] = [
  subtest(
    'BaselineAdminNetworkPolicyEgressUDP',
    "Should support an 'allow-egress' policy for UDP protocol; ensure rule ordering is respected",
    `${BANP_UDP_SOURCE} (BaselineAdminNetworkPolicyEgressUDP)`,
    [banpUdp(banpUdpRules)],
    [poke(cedric0, 'UDP', luna0, 53, true), poke(cedric1, 'UDP', luna0, 5353, true)],
  ),
  subtest(
    'BaselineAdminNetworkPolicyEgressUDP',
    "Should support an 'allow-egress' policy for UDP protocol at the specified port",
    `${BANP_UDP_SOURCE} (BaselineAdminNetworkPolicyEgressUDP)`,
    [banpUdp(banpUdpRules)],
    [poke(cedric0, 'UDP', harry1, 53, true), poke(cedric1, 'UDP', harry1, 5353, false)],
  ),
  // Patch: egress[0] <-> egress[1].
  subtest(
    'BaselineAdminNetworkPolicyEgressUDP',
    "Should support an 'deny-egress' policy for UDP protocol; ensure rule ordering is respected",
    `${BANP_UDP_SOURCE} (BaselineAdminNetworkPolicyEgressUDP)`,
    [banpUdp(swap(banpUdpRules, 0, 1))],
    [poke(cedric0, 'UDP', luna1, 53, false), poke(cedric1, 'UDP', luna1, 5353, false)],
  ),
  subtest(
    'BaselineAdminNetworkPolicyEgressUDP',
    "Should support a 'deny-egress' policy for UDP protocol at the specified port",
    `${BANP_UDP_SOURCE} (BaselineAdminNetworkPolicyEgressUDP)`,
    [banpUdp(swap(banpUdpRules, 0, 1))],
    [poke(cedric0, 'UDP', draco0, 5353, false), poke(cedric1, 'UDP', draco0, 53, true)],
  ),
  subtest(
    'BaselineAdminNetworkPolicyEgressNamedPort',
    "Should support an 'allow-egress' policy for named port",
    `${BANP_UDP_SOURCE} (BaselineAdminNetworkPolicyEgressNamedPort)`,
    [
      banpUdp(
        replaceAt(
          banpUdpRules,
          3,
          yaml`
            - name: "allow-to-gryffindor-at-port-53"
              action: "Allow"
              to:
              - namespaces:
                  matchLabels:
                    ${NS_NAME}: network-policy-conformance-gryffindor
              ports:
              - namedPort: dns
          `,
        ),
      ),
    ],
    [poke(cedric0, 'UDP', harry1, 53, true), poke(cedric1, 'UDP', harry1, 5353, false)],
  ),
];

// ---------------------------------------------------------------------------------------------
// BaselineAdminNetworkPolicyEgressNodePeers and BaselineAdminNetworkPolicyEgressInlineCIDRPeers:
// conformance/tests/baseline-admin-network-policy-extended-egress-rules.go; manifest
// base/baseline_admin_network_policy/extended-egress-selector-rules.yaml (final v1alpha1, as stored).
// Fields: nodes peers; portRange (TCP 36363-36364); networks peers; BANP Allow inserted at egress[0].
// NODE-EXEMPTION applies as for the ANP node tests above.

const BANP_EXTENDED_SOURCE = 'conformance/tests/baseline-admin-network-policy-extended-egress-rules.go';

const banpNodesHead = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha1
  kind: BaselineAdminNetworkPolicy
  metadata:
    name: default
  spec:
    subject:
      namespaces:
        matchLabels:
          ${NS_NAME}: network-policy-conformance-gryffindor
`;

const banpNodesRules = [
  yaml`
    - name: "allow-egress-to-36363-on-nodes"
      action: "Allow"
      to:
      - nodes:
          matchLabels:
            kubernetes.io/os: linux
      ports:
      - portRange:
          protocol: TCP
          start: 36363
          end: 36364
  `,
  yaml`
    - name: "deny-egress-to-nodes-and-internet"
      action: "Deny"
      to:
      - nodes:
          matchLabels:
            kubernetes.io/os: linux
      - networks:
        - 0.0.0.0/0
        - ::/0
  `,
];

const banpExtendedEgress: BundleCase[] = [
  subtest(
    'BaselineAdminNetworkPolicyEgressNodePeers',
    "Should support an 'allow-egress' rule policy for egress-node-peer",
    `${BANP_EXTENDED_SOURCE} (BaselineAdminNetworkPolicyEgressNodePeers)`,
    [withRules(banpNodesHead, { egress: banpNodesRules })],
    [poke(harry0, 'TCP', CENTAUR_1_IP, 36363, true), poke(harry1, 'TCP', CENTAUR_1_IP, 36364, true)],
  ),
  subtest(
    'BaselineAdminNetworkPolicyEgressNodePeers',
    "Should support a 'deny-egress' rule policy for egress-node-peer",
    `${BANP_EXTENDED_SOURCE} (BaselineAdminNetworkPolicyEgressNodePeers)`,
    [withRules(banpNodesHead, { egress: banpNodesRules })],
    [poke(harry1, 'UDP', CENTAUR_1_IP, 53, false), poke(harry1, 'SCTP', CENTAUR_1_IP, 9003, false)],
  ),
  subtest(
    'BaselineAdminNetworkPolicyEgressInlineCIDRPeers',
    "Should support a 'deny-egress' rule policy for egress-cidr-peer",
    `${BANP_EXTENDED_SOURCE} (BaselineAdminNetworkPolicyEgressInlineCIDRPeers)`,
    [withRules(banpNodesHead, { egress: banpNodesRules })],
    [...threeProtocols(harry1, luna0, false), ...threeProtocols(harry1, cedric0, false)],
  ),
  // Patch: allow-egress-to-specific-podIPs inserted at egress[0].
  subtest(
    'BaselineAdminNetworkPolicyEgressInlineCIDRPeers',
    "Should support an 'allow-egress' rule policy for egress-cidr-peer",
    `${BANP_EXTENDED_SOURCE} (BaselineAdminNetworkPolicyEgressInlineCIDRPeers)`,
    [withRules(banpNodesHead, { egress: [allowSpecificPodIPs('Allow'), ...banpNodesRules] })],
    [...threeProtocols(harry1, luna0, true), ...threeProtocols(harry1, cedric0, true)],
  ),
];

// =============================================================================================
// policy.networking.k8s.io/v1alpha2 (ClusterNetworkPolicy)
// =============================================================================================

/** A v1alpha2 rule whose peer is one house's namespace; ports as `protocols[].<proto>.destinationPort.number`. */
function v1alpha2HouseRule(
  name: string,
  action: 'Accept' | 'Deny' | 'Pass',
  direction: 'to' | 'from',
  house: House,
  ports: readonly (readonly [Protocol, number])[] = [],
): string {
  const protocolLines = ports.map(
    ([protocol, port]) => `  - ${protocol.toLowerCase()}:\n      destinationPort:\n        number: ${port}`,
  );
  return [
    yaml`
      - name: "${name}"
        action: "${action}"
        ${direction}:
        - namespaces:
            matchLabels:
              ${NS_NAME}: ${ns(house)}
    `,
    ...(ports.length > 0 ? ['  protocols:', ...protocolLines] : []),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// CNPAdminTierIngressTCP: conformance/tests/admin-network-policy-standard-ingress-tcp-rules.go, var
// CNPAdminTierIngressTCP; manifest base/admin_tier/standard-ingress-tcp-rules.yaml. TRANSLATED: the
// stored manifest writes ports as `ports: [{portNumber: {protocol: TCP, port: 80}}]` (an earlier
// v1alpha2 draft); here `protocols: [{tcp: {destinationPort: {number: 80}}}]`. Fields: tier Admin;
// subject.namespaces; Accept/Deny/Pass; rule order; TCP destinationPort.number; an ingress-only
// policy leaving the subject's egress alone.

const INGRESS_TCP_SOURCE = 'conformance/tests/admin-network-policy-standard-ingress-tcp-rules.go (CNPAdminTierIngressTCP)';

const ingressTcpHead = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha2
  kind: ClusterNetworkPolicy
  metadata:
    name: ingress-tcp
  spec:
    tier: Admin
    priority: 3
    subject:
      namespaces:
        matchLabels:
          ${NS_NAME}: network-policy-conformance-gryffindor
`;

const ingressTcpRules = [
  v1alpha2HouseRule('allow-from-ravenclaw-everything', 'Accept', 'from', 'ravenclaw'),
  v1alpha2HouseRule('deny-from-ravenclaw-everything', 'Deny', 'from', 'ravenclaw'),
  v1alpha2HouseRule('pass-from-ravenclaw-everything', 'Pass', 'from', 'ravenclaw'),
  v1alpha2HouseRule('deny-from-slytherin-at-port-80', 'Deny', 'from', 'slytherin', [['TCP', 80]]),
  v1alpha2HouseRule('pass-from-slytherin-at-port-80', 'Pass', 'from', 'slytherin', [['TCP', 80]]),
  v1alpha2HouseRule('allow-from-hufflepuff-at-port-80', 'Accept', 'from', 'hufflepuff', [['TCP', 80]]),
  v1alpha2HouseRule('deny-from-hufflepuff-everything-else', 'Deny', 'from', 'hufflepuff'),
];

const ingressTcp = (rules: readonly string[]): string => withRules(ingressTcpHead, { ingress: rules });
const ingressTcpAfterDeny = swap(ingressTcpRules, 0, 1);
const ingressTcpAfterPass = swap(ingressTcpAfterDeny, 0, 2);
const ingressTcpAfterPortPass = swap(ingressTcpAfterPass, 3, 4);

const cnpIngressTcp: BundleCase[] = [
  subtest(
    'CNPAdminTierIngressTCP',
    "Should support an 'allow-ingress' policy for TCP protocol; ensure rule ordering is respected",
    INGRESS_TCP_SOURCE,
    [ingressTcp(ingressTcpRules)],
    [poke(luna0, 'TCP', harry0, 80, true), poke(luna1, 'TCP', harry0, 8080, true)],
  ),
  subtest(
    'CNPAdminTierIngressTCP',
    "Should support an 'allow-ingress' policy for TCP protocol at the specified port",
    INGRESS_TCP_SOURCE,
    [ingressTcp(ingressTcpRules)],
    [poke(cedric0, 'TCP', harry1, 80, true), poke(cedric1, 'TCP', harry1, 8080, false)],
  ),
  subtest(
    'CNPAdminTierIngressTCP',
    'Should not affect egress traffic when only ingress rules are specified',
    INGRESS_TCP_SOURCE,
    [ingressTcp(ingressTcpRules)],
    [poke(harry0, 'TCP', luna0, 80, true), poke(harry1, 'TCP', draco0, 80, true)],
  ),
  // Patch: ingress[0] <-> ingress[1].
  subtest(
    'CNPAdminTierIngressTCP',
    "Should support an 'deny-ingress' policy for TCP protocol; ensure rule ordering is respected",
    INGRESS_TCP_SOURCE,
    [ingressTcp(ingressTcpAfterDeny)],
    [poke(luna0, 'TCP', harry1, 80, false), poke(luna1, 'TCP', harry1, 8080, false)],
  ),
  subtest(
    'CNPAdminTierIngressTCP',
    "Should support a 'deny-ingress' policy for TCP protocol at the specified port",
    INGRESS_TCP_SOURCE,
    [ingressTcp(ingressTcpAfterDeny)],
    [poke(draco0, 'TCP', harry0, 80, false), poke(draco1, 'TCP', harry0, 8080, true)],
  ),
  // Patch: ingress[0] <-> ingress[2] (Pass, Accept, Deny for ravenclaw).
  subtest(
    'CNPAdminTierIngressTCP',
    "Should support an 'pass-ingress' policy for TCP protocol; ensure rule ordering is respected",
    INGRESS_TCP_SOURCE,
    [ingressTcp(ingressTcpAfterPass)],
    [poke(luna0, 'TCP', harry0, 80, true), poke(luna1, 'TCP', harry0, 8080, true)],
  ),
  // Patch: ingress[3] <-> ingress[4].
  subtest(
    'CNPAdminTierIngressTCP',
    "Should support a 'pass-ingress' policy for TCP protocol at the specified port",
    INGRESS_TCP_SOURCE,
    [ingressTcp(ingressTcpAfterPortPass)],
    [poke(draco0, 'TCP', harry0, 80, true), poke(draco1, 'TCP', harry0, 8080, true)],
  ),
];

// ---------------------------------------------------------------------------------------------
// CNPAdminTierEgressNamedPort: conformance/tests/admin-network-policy-experimental-egress-rules.go,
// var CNPAdminTierEgressNamedPort; manifest base/admin_tier/standard-egress-tcp-rules.yaml with
// egress[5] patched to `protocols: [{destinationNamedPort: web}]`. TRANSLATED as CNPAdminTierIngressTCP
// (`ports: portNumber` -> `protocols: tcp.destinationPort.number`). Fields: destinationNamedPort.

const egressTcpV1alpha2Head = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha2
  kind: ClusterNetworkPolicy
  metadata:
    name: egress-tcp
  spec:
    tier: Admin
    priority: 6
    subject:
      namespaces:
        matchLabels:
          ${NS_NAME}: network-policy-conformance-gryffindor
`;

const egressTcpV1alpha2Rules = [
  v1alpha2HouseRule('allow-to-ravenclaw-everything', 'Accept', 'to', 'ravenclaw'),
  v1alpha2HouseRule('deny-to-ravenclaw-everything', 'Deny', 'to', 'ravenclaw'),
  v1alpha2HouseRule('pass-to-ravenclaw-everything', 'Pass', 'to', 'ravenclaw'),
  v1alpha2HouseRule('deny-to-slytherin-at-port-80', 'Deny', 'to', 'slytherin', [['TCP', 80]]),
  v1alpha2HouseRule('pass-to-slytherin-at-port-80', 'Pass', 'to', 'slytherin', [['TCP', 80]]),
  yaml`
    - name: "allow-to-hufflepuff-at-port-8080"
      action: "Accept"
      to:
      - namespaces:
          matchLabels:
            ${NS_NAME}: network-policy-conformance-hufflepuff
      protocols:
      - destinationNamedPort: web
  `,
  v1alpha2HouseRule('deny-to-hufflepuff-everything-else', 'Deny', 'to', 'hufflepuff'),
];

const cnpEgressNamedPort: BundleCase[] = [
  subtest(
    'CNPAdminTierEgressNamedPort',
    "Should support an 'allow-egress' policy for named port",
    'conformance/tests/admin-network-policy-experimental-egress-rules.go (CNPAdminTierEgressNamedPort)',
    [withRules(egressTcpV1alpha2Head, { egress: egressTcpV1alpha2Rules })],
    [poke(harry0, 'TCP', cedric1, 80, true), poke(harry1, 'TCP', cedric1, 8080, false)],
  ),
];

// ---------------------------------------------------------------------------------------------
// CNPAdminTierEgressNodePeers: conformance/tests/admin-network-policy-experimental-egress-rules.go,
// var CNPAdminTierEgressNodePeers (the version probing literal ports 36363/34345/36364/34346);
// manifest base/admin_tier/experimental-egress-selector-rules.yaml. TRANSLATED: the stored manifest
// templates its ports (`{{ index .HostNetworkPorts 0 }}` = 36363, `... 2` = 34345) and writes them as
// `ports: [{portNumber: {protocol, port}}]`; here literal ports as `protocols: [{tcp|udp:
// {destinationPort: {number}}}]`. Fields: tier Admin; subject.pods; nodes, pods and networks peers;
// Accept/Pass/Deny. NODE-EXEMPTION applies (see the v1alpha1 node tests).

const NODE_PEERS_V1ALPHA2_SOURCE = 'conformance/tests/admin-network-policy-experimental-egress-rules.go (CNPAdminTierEgressNodePeers)';

const nodeAndCidrV1alpha2 = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha2
  kind: ClusterNetworkPolicy
  metadata:
    name: node-and-cidr-as-peers-example
  spec:
    tier: Admin
    priority: 75
    subject:
      pods:
        namespaceSelector:
          matchLabels:
            conformance-house: gryffindor
        podSelector:
          matchLabels:
            conformance-house: gryffindor
    egress:
    - name: "allow-egress-to-36363-on-nodes"
      action: "Accept"
      to:
      - nodes:
          matchLabels:
            kubernetes.io/os: linux
      protocols:
      - tcp:
          destinationPort:
            number: 36363
    - name: "pass-egress-to-34345-on-nodes"
      action: "Pass"
      to:
      - nodes:
          matchLabels:
            kubernetes.io/os: linux
      protocols:
      - udp:
          destinationPort:
            number: 34345
    - name: "deny-egress-to-slytherin-and-nodes-and-internet"
      action: "Deny"
      to:
      - pods:
          namespaceSelector:
            matchLabels:
              conformance-house: slytherin
          podSelector:
            matchLabels:
              conformance-house: slytherin
      - nodes:
          matchLabels:
            kubernetes.io/os: linux
      - networks:
        - 0.0.0.0/0
        - ::/0
`;

const cnpEgressNodePeers: BundleCase[] = [
  subtest(
    'CNPAdminTierEgressNodePeers',
    "Should support an 'allow-egress' rule policy for egress-node-peer",
    NODE_PEERS_V1ALPHA2_SOURCE,
    [nodeAndCidrV1alpha2],
    [poke(harry0, 'TCP', CENTAUR_1_IP, 36363, true)],
  ),
  subtest(
    'CNPAdminTierEgressNodePeers',
    "Should support a 'pass-egress' rule policy for egress-node-peer",
    NODE_PEERS_V1ALPHA2_SOURCE,
    [nodeAndCidrV1alpha2],
    [poke(harry1, 'UDP', CENTAUR_1_IP, 34345, true)],
  ),
  subtest(
    'CNPAdminTierEgressNodePeers',
    "Should support a 'deny-egress' rule policy for egress-node-peer",
    NODE_PEERS_V1ALPHA2_SOURCE,
    [nodeAndCidrV1alpha2],
    [
      poke(harry1, 'TCP', CENTAUR_1_IP, 36364, false),
      poke(harry1, 'UDP', CENTAUR_1_IP, 34346, false),
      poke(harry1, 'SCTP', CENTAUR_1_IP, 9003, false),
    ],
  ),
];

// ---------------------------------------------------------------------------------------------
// CNPAdminTierEgressInlineCIDRPeers: conformance/tests/admin-network-policy-standard-egress-inline-cidr-rules.go,
// var CNPAdminTierEgressInlineCIDRPeers; manifest base/admin_tier/standard-egress-inline-cidr-rules.yaml
// (stored copy already policy.networking.k8s.io/v1beta1, same fields; written as v1alpha2). Fields:
// networks peers matching pod IPs (0.0.0.0/0, ::/0, pod /32s); a pods peer Accept ahead of them.

const INLINE_CIDR_V1ALPHA2_SOURCE =
  'conformance/tests/admin-network-policy-standard-egress-inline-cidr-rules.go (CNPAdminTierEgressInlineCIDRPeers)';

const inlineCidrHead = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha2
  kind: ClusterNetworkPolicy
  metadata:
    name: inline-cidr-as-peers-example
  spec:
    tier: Admin
    priority: 85
    subject:
      pods:
        namespaceSelector:
          matchLabels:
            conformance-house: gryffindor
        podSelector:
          matchLabels:
            conformance-house: gryffindor
`;

const inlineCidrRules = [
  yaml`
    - name: "allow-egress-to-slytherin"
      action: "Accept"
      to:
      - pods:
          namespaceSelector:
            matchLabels:
              conformance-house: slytherin
          podSelector:
            matchLabels:
              conformance-house: slytherin
  `,
  yaml`
    - name: "deny-egress-to-internet"
      action: "Deny"
      to:
      - networks:
        - 0.0.0.0/0
        - ::/0
  `,
];

const cnpInlineCidr: BundleCase[] = [
  subtest(
    'CNPAdminTierEgressInlineCIDRPeers',
    "Should support a 'deny-egress' rule policy for egress-cidr-peer",
    INLINE_CIDR_V1ALPHA2_SOURCE,
    [withRules(inlineCidrHead, { egress: inlineCidrRules })],
    [
      ...threeProtocols(harry1, luna0, false),
      ...threeProtocols(harry1, cedric0, false),
      ...threeProtocols(harry1, draco0, true),
    ],
  ),
  // Patch: allow-egress-to-specific-podIPs (Accept, networks luna-lovegood-0/32, cedric-diggory-0/32) at egress[0].
  subtest(
    'CNPAdminTierEgressInlineCIDRPeers',
    "Should support an 'allow-egress' rule policy for egress-cidr-peer",
    INLINE_CIDR_V1ALPHA2_SOURCE,
    [withRules(inlineCidrHead, { egress: [allowSpecificPodIPs('Accept'), ...inlineCidrRules] })],
    [
      ...threeProtocols(harry1, luna0, true),
      ...threeProtocols(harry1, cedric0, true),
      ...threeProtocols(harry1, luna1, false),
      ...threeProtocols(harry1, cedric1, false),
    ],
  ),
];

// ---------------------------------------------------------------------------------------------
// CNPAdminTierPriorityField: conformance/tests/admin-network-policy-standard-priority.go, var
// CNPAdminTierPriorityField; manifest base/admin_tier/standard-priority-field.yaml (stored copy
// already v1beta1, same fields; written as v1alpha2). Fields: priority order within the Admin tier;
// Pass down to a Baseline-tier CNP (any name, with a priority); subject.pods; pods peers; Accept.

const PRIORITY_V1ALPHA2_SOURCE = 'conformance/tests/admin-network-policy-standard-priority.go (CNPAdminTierPriorityField)';

/** A pods peer (or subject) of one house: namespaceSelector and podSelector on `conformance-house`. */
const housePods = (house: House): string => yaml`
  pods:
    namespaceSelector:
      matchLabels:
        conformance-house: ${house}
    podSelector:
      matchLabels:
        conformance-house: ${house}
`;

function cnpGryffindorVsSlytherin(options: {
  name: string;
  tier: 'Admin' | 'Baseline';
  priority: number;
  ingress: [string, string];
  egress: [string, string];
  subject?: 'pods' | 'namespaces';
}): string {
  const subject =
    options.subject === 'namespaces'
      ? 'namespaces:\n  matchLabels:\n    conformance-house: gryffindor'
      : housePods('gryffindor');
  const peer = (direction: 'from' | 'to'): string =>
    options.subject === 'namespaces'
      ? `${direction}:\n- namespaces:\n    matchLabels:\n      conformance-house: slytherin`
      : `${direction}:\n- ${indent(housePods('slytherin'), 2).trimStart()}`;
  const rule = ([name, action]: [string, string], direction: 'from' | 'to'): string =>
    `- name: "${name}"\n  action: "${action}"\n${indent(peer(direction), 2)}`;
  return [
    yaml`
      apiVersion: policy.networking.k8s.io/v1alpha2
      kind: ClusterNetworkPolicy
      metadata:
        name: ${options.name}
      spec:
        tier: ${options.tier}
        priority: ${options.priority}
        subject:
    `,
    indent(subject, 4),
    '  ingress:',
    indent(rule(options.ingress, 'from'), 2),
    '  egress:',
    indent(rule(options.egress, 'to'), 2),
  ].join('\n');
}

const priority50V1alpha2 = cnpGryffindorVsSlytherin({
  name: 'priority-50-example',
  tier: 'Admin',
  priority: 50,
  ingress: ['deny-all-ingress-from-slytherin', 'Deny'],
  egress: ['deny-all-egress-to-slytherin', 'Deny'],
});
const oldPriority60V1alpha2 = (priority: number): string =>
  cnpGryffindorVsSlytherin({
    name: 'old-priority-60-new-priority-40-example',
    tier: 'Admin',
    priority,
    ingress: ['pass-all-ingress-from-slytherin', 'Pass'],
    egress: ['pass-all-egress-to-slytherin', 'Pass'],
  });
const priorityBaselineV1alpha2 = cnpGryffindorVsSlytherin({
  name: 'default',
  tier: 'Baseline',
  priority: 10,
  ingress: ['allow-all-ingress-from-slytherin', 'Accept'],
  egress: ['allow-all-egress-to-slytherin', 'Accept'],
});

const cnpPriority: BundleCase[] = [
  subtest(
    'CNPAdminTierPriorityField',
    'Should Deny traffic from slytherin to gryffindor respecting admin CNP',
    PRIORITY_V1ALPHA2_SOURCE,
    [priority50V1alpha2, oldPriority60V1alpha2(60), priorityBaselineV1alpha2],
    [poke(draco0, 'TCP', harry0, 80, false), poke(draco1, 'TCP', harry0, 8080, false)],
  ),
  subtest(
    'CNPAdminTierPriorityField',
    'Should Deny traffic to slytherin from gryffindor respecting admin CNP',
    PRIORITY_V1ALPHA2_SOURCE,
    [priority50V1alpha2, oldPriority60V1alpha2(60), priorityBaselineV1alpha2],
    [poke(harry0, 'TCP', draco0, 80, false), poke(harry1, 'TCP', draco0, 8080, false)],
  ),
  // Patch: priority 60 -> 40.
  subtest(
    'CNPAdminTierPriorityField',
    'Should respect admin CNP priority field; thus passing both ingress and egress traffic over to baseline CNP',
    PRIORITY_V1ALPHA2_SOURCE,
    [priority50V1alpha2, oldPriority60V1alpha2(40), priorityBaselineV1alpha2],
    slytherinGryffindorBothWays(true),
  ),
];

// ---------------------------------------------------------------------------------------------
// CNPAdminTierIntegration: conformance/tests/admin-network-policy-standard-integration.go, var
// CNPAdminTierIntegration; manifest base/api_integration/standard-anp-np-banp.yaml (stored copy
// already v1beta1, same fields; written as v1alpha2). Fields: Admin Deny -> Pass (patched), the
// NetworkPolicy the Pass reaches, a Baseline-tier CNP named `default` with priority 10.

const INTEGRATION_V1ALPHA2_SOURCE = 'conformance/tests/admin-network-policy-standard-integration.go (CNPAdminTierIntegration)';

const passExampleV1alpha2 = (ingressAction: 'Deny' | 'Pass', egressAction: 'Deny' | 'Pass'): string =>
  cnpGryffindorVsSlytherin({
    name: 'pass-example',
    tier: 'Admin',
    priority: 10,
    subject: 'namespaces',
    ingress: ['deny-all-ingress-from-slytherin', ingressAction],
    egress: ['deny-all-egress-to-slytherin', egressAction],
  });
const integrationBaselineV1alpha2 = cnpGryffindorVsSlytherin({
  name: 'default',
  tier: 'Baseline',
  priority: 10,
  subject: 'namespaces',
  ingress: ['deny-all-ingress-from-slytherin', 'Deny'],
  egress: ['deny-all-egress-to-slytherin', 'Deny'],
});

const cnpIntegration: BundleCase[] = [
  subtest(
    'CNPAdminTierIntegration',
    'Should Deny traffic from slytherin to gryffindor respecting admin CNP',
    INTEGRATION_V1ALPHA2_SOURCE,
    [passExampleV1alpha2('Deny', 'Deny'), allowGressSlytherinNP, integrationBaselineV1alpha2],
    slytherinIntoGryffindor(false),
  ),
  subtest(
    'CNPAdminTierIntegration',
    'Should Deny traffic to slytherin from gryffindor respecting admin CNP',
    INTEGRATION_V1ALPHA2_SOURCE,
    [passExampleV1alpha2('Deny', 'Deny'), allowGressSlytherinNP, integrationBaselineV1alpha2],
    gryffindorIntoSlytherin(false),
  ),
  // Patch: ingress[0].action = Pass.
  subtest(
    'CNPAdminTierIntegration',
    "Should support a 'pass-ingress' policy for admin CNP and respect the match for network policy",
    INTEGRATION_V1ALPHA2_SOURCE,
    [passExampleV1alpha2('Pass', 'Deny'), allowGressSlytherinNP, integrationBaselineV1alpha2],
    slytherinIntoGryffindor(true),
  ),
  // Patch: egress[0].action = Pass too.
  subtest(
    'CNPAdminTierIntegration',
    "Should support a 'pass-egress' policy for admin CNP and respect the match for network policy",
    INTEGRATION_V1ALPHA2_SOURCE,
    [passExampleV1alpha2('Pass', 'Pass'), allowGressSlytherinNP, integrationBaselineV1alpha2],
    gryffindorIntoSlytherin(true),
  ),
  // The NetworkPolicy is deleted: the Pass reaches the Baseline tier, which denies.
  subtest(
    'CNPAdminTierIntegration',
    "Should support a 'pass-ingress' policy for admin CNP and respect the match for baseline cluster network policy",
    INTEGRATION_V1ALPHA2_SOURCE,
    [passExampleV1alpha2('Pass', 'Pass'), integrationBaselineV1alpha2],
    slytherinIntoGryffindor(false),
  ),
  subtest(
    'CNPAdminTierIntegration',
    "Should support a 'pass-egress' policy for admin CNP and respect the match for baseline cluster network policy",
    INTEGRATION_V1ALPHA2_SOURCE,
    [passExampleV1alpha2('Pass', 'Pass'), integrationBaselineV1alpha2],
    gryffindorIntoSlytherin(false),
  ),
];

// ---------------------------------------------------------------------------------------------
// CNPAdminTierSamePriority and CNPBaselineTierSamePriority:
// conformance/tests/admin-network-policy-standard-same-priority.go and
// baseline-admin-network-policy-standard-same-priority.go; manifests base/admin_tier/standard-same-priority.yaml
// (v1alpha2 as stored) and base/baseline_tier/standard-same-priority.yaml (stored as v1beta1, same
// fields; written as v1alpha2). Three policies of one tier at one priority: two share a subject
// (gryffindor) with disjoint peers, two share a peer (slytherin) from different subjects. Fields:
// equal priorities; Deny with TCP destinationPort.number; several Baseline-tier policies, none named
// `default`.

function samePriorityPolicy(tier: 'Admin' | 'Baseline', name: string, priority: number, subject: House, peer: House, port: number): string {
  return withRules(
    yaml`
      apiVersion: policy.networking.k8s.io/v1alpha2
      kind: ClusterNetworkPolicy
      metadata:
        name: ${name}
      spec:
        tier: ${tier}
        priority: ${priority}
        subject:
          namespaces:
            matchLabels:
              ${NS_NAME}: ${ns(subject)}
    `,
    {
      ingress: [v1alpha2HouseRule(`deny-from-${peer}-at-port-${port}`, 'Deny', 'from', peer, [['TCP', port]])],
      egress: [v1alpha2HouseRule(`deny-to-${peer}-at-port-${port}`, 'Deny', 'to', peer, [['TCP', port]])],
    },
  );
}

const adminSamePriority = [
  samePriorityPolicy('Admin', 'same-priority-gryffindor-slytherin', 15, 'gryffindor', 'slytherin', 80),
  samePriorityPolicy('Admin', 'same-priority-gryffindor-hufflepuff', 15, 'gryffindor', 'hufflepuff', 80),
  samePriorityPolicy('Admin', 'same-priority-hufflepuff-slytherin', 15, 'hufflepuff', 'slytherin', 8080),
];

const baselineSamePriority = [
  samePriorityPolicy('Baseline', 'baseline-same-priority-gryffindor-slytherin', 10, 'gryffindor', 'slytherin', 80),
  samePriorityPolicy('Baseline', 'baseline-same-priority-gryffindor-hufflepuff', 10, 'gryffindor', 'hufflepuff', 80),
  samePriorityPolicy('Baseline', 'baseline-same-priority-hufflepuff-slytherin', 10, 'hufflepuff', 'slytherin', 8080),
];

/**
 * The three subtests of both same-priority tests. The admin test's servers are the `-0` pods, the
 * baseline test's the `-1` pods; the clients are the same.
 */
function samePriorityCases(test: string, source: string, policies: readonly string[], server: 0 | 1): BundleCase[] {
  const gryffindor = podRef('gryffindor', server);
  const slytherin = podRef('slytherin', server);
  const hufflepuff = podRef('hufflepuff', server);
  const ravenclaw = podRef('ravenclaw', server);
  return [
    subtest(test, 'Should deny traffic in both directions for each same-priority policy', source, policies, [
      poke(draco0, 'TCP', gryffindor, 80, false),
      poke(harry0, 'TCP', slytherin, 80, false),
      poke(cedric0, 'TCP', gryffindor, 80, false),
      poke(harry1, 'TCP', hufflepuff, 80, false),
      poke(draco1, 'TCP', hufflepuff, 8080, false),
      poke(cedric1, 'TCP', slytherin, 8080, false),
    ]),
    subtest(test, "Should not apply one same-priority policy's rules to another policy's subject", source, policies, [
      poke(draco0, 'TCP', gryffindor, 8080, true),
      poke(harry0, 'TCP', slytherin, 8080, true),
      poke(draco1, 'TCP', hufflepuff, 80, true),
      poke(cedric0, 'TCP', slytherin, 80, true),
    ]),
    subtest(test, 'Should not affect traffic matching no same-priority policy', source, policies, [
      poke(luna0, 'TCP', gryffindor, 80, true),
      server === 0 ? poke(harry1, 'TCP', ravenclaw, 80, true) : poke(harry0, 'TCP', ravenclaw, 80, true),
    ]),
  ];
}

const cnpSamePriority: BundleCase[] = [
  ...samePriorityCases(
    'CNPAdminTierSamePriority',
    'conformance/tests/admin-network-policy-standard-same-priority.go (CNPAdminTierSamePriority)',
    adminSamePriority,
    0,
  ),
  ...samePriorityCases(
    'CNPBaselineTierSamePriority',
    'conformance/tests/baseline-admin-network-policy-standard-same-priority.go (CNPBaselineTierSamePriority)',
    baselineSamePriority,
    1,
  ),
];

// ---------------------------------------------------------------------------------------------
// CNPAdminTierPortRange: conformance/tests/admin-network-policy-standard-port-range-rules.go, var
// CNPAdminTierPortRange; manifest base/admin_tier/standard-port-range-rules-combined.yaml (stored copy
// already v1beta1, same fields; written as v1alpha2). Fields: destinationPort.range for TCP, UDP and
// SCTP, ingress and egress; a Deny on `namespaces` with matchExpressions Exists after them.

const PORT_RANGE_SOURCE = 'conformance/tests/admin-network-policy-standard-port-range-rules.go (CNPAdminTierPortRange)';

const portRangeRule = (name: string, direction: 'from' | 'to', house: House, protocol: Protocol, start: number, end: number): string => yaml`
  - name: "${name}"
    action: "Accept"
    ${direction}:
    - namespaces:
        matchLabels:
          ${NS_NAME}: ${ns(house)}
    protocols:
    - ${protocol.toLowerCase()}:
        destinationPort:
          range:
            start: ${start}
            end: ${end}
`;

const denyAllHouses = (name: string, direction: 'from' | 'to'): string => yaml`
  - name: "${name}"
    action: "Deny"
    ${direction}:
    - namespaces:
        matchExpressions:
        - key: conformance-house
          operator: Exists
`;

const portRangeRules = withRules(
  yaml`
    apiVersion: policy.networking.k8s.io/v1alpha2
    kind: ClusterNetworkPolicy
    metadata:
      name: port-range-rules
    spec:
      tier: Admin
      priority: 9
      subject:
        namespaces:
          matchLabels:
            ${NS_NAME}: network-policy-conformance-gryffindor
  `,
  {
    egress: [
      portRangeRule('allow-to-ravenclaw-tcp-port-range', 'to', 'ravenclaw', 'TCP', 80, 8080),
      portRangeRule('allow-to-hufflepuff-udp-port-range', 'to', 'hufflepuff', 'UDP', 53, 5353),
      portRangeRule('allow-to-slytherin-sctp-port-range', 'to', 'slytherin', 'SCTP', 9003, 9005),
      denyAllHouses('deny-all-egress', 'to'),
    ],
    ingress: [
      portRangeRule('allow-from-ravenclaw-tcp-port-range', 'from', 'ravenclaw', 'TCP', 80, 8080),
      portRangeRule('allow-from-hufflepuff-udp-port-range', 'from', 'hufflepuff', 'UDP', 53, 5353),
      portRangeRule('allow-from-slytherin-sctp-port-range', 'from', 'slytherin', 'SCTP', 9003, 9005),
      denyAllHouses('deny-all-ingress', 'from'),
    ],
  },
);

const cnpPortRange: BundleCase[] = [
  subtest('CNPAdminTierPortRange', 'Should support egress port range rules across different protocols', PORT_RANGE_SOURCE, [portRangeRules], [
    poke(harry0, 'TCP', luna0, 80, true),
    poke(harry0, 'TCP', luna0, 8080, true),
    poke(harry1, 'UDP', luna0, 53, false),
    poke(harry0, 'UDP', cedric0, 53, true),
    poke(harry0, 'UDP', cedric0, 5353, true),
    poke(harry1, 'TCP', cedric0, 80, false),
    poke(harry0, 'SCTP', draco0, 9003, true),
    poke(harry0, 'SCTP', draco0, 9005, true),
    poke(harry1, 'TCP', draco0, 80, false),
  ]),
  subtest('CNPAdminTierPortRange', 'Should support ingress port range rules across different protocols', PORT_RANGE_SOURCE, [portRangeRules], [
    poke(luna0, 'TCP', harry0, 80, true),
    poke(luna0, 'TCP', harry0, 8080, true),
    poke(luna1, 'UDP', harry0, 53, false),
    poke(cedric0, 'UDP', harry0, 53, true),
    poke(cedric0, 'UDP', harry0, 5353, true),
    poke(cedric1, 'TCP', harry0, 80, false),
    poke(draco0, 'SCTP', harry0, 9003, true),
    poke(draco0, 'SCTP', harry0, 9005, true),
    poke(draco1, 'TCP', harry0, 80, false),
  ]),
];

// ---------------------------------------------------------------------------------------------
// CNPAdminTierPodSelector: conformance/tests/admin-network-policy-standard-pod-selector-rules.go, var
// CNPAdminTierPodSelector; manifest base/admin_tier/standard-pod-selector-rules.yaml (v1alpha2 as
// stored). Fields: subject.pods and pods peers WITHOUT namespaceSelector (every namespace); pods
// peers selecting one pod by `statefulset.kubernetes.io/pod-name`; a single-pod subject.

const POD_SELECTOR_SOURCE = 'conformance/tests/admin-network-policy-standard-pod-selector-rules.go (CNPAdminTierPodSelector)';

const podSelectorRules = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha2
  kind: ClusterNetworkPolicy
  metadata:
    name: pod-selector-rules
  spec:
    tier: Admin
    priority: 20
    subject:
      # namespaceSelector is omitted on purpose: the subject is selected by pod label alone, across all
      # namespaces. An implementation that ignored podSelector would apply this policy to every pod.
      pods:
        podSelector:
          matchLabels:
            conformance-house: gryffindor
    egress:
    - name: "deny-to-ravenclaw-pods"
      action: "Deny"
      to:
      - pods:
          podSelector:
            matchLabels:
              conformance-house: ravenclaw
    - name: "deny-to-cedric-diggory-0"
      action: "Deny"
      to:
      - pods:
          namespaceSelector:
            matchLabels:
              conformance-house: hufflepuff
          podSelector:
            matchLabels:
              statefulset.kubernetes.io/pod-name: cedric-diggory-0
    ingress:
    - name: "deny-from-slytherin-pods"
      action: "Deny"
      from:
      - pods:
          podSelector:
            matchLabels:
              conformance-house: slytherin
    - name: "deny-from-cedric-diggory-0"
      action: "Deny"
      from:
      - pods:
          namespaceSelector:
            matchLabels:
              conformance-house: hufflepuff
          podSelector:
            matchLabels:
              statefulset.kubernetes.io/pod-name: cedric-diggory-0
`;

const podNameSubjectRules = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha2
  kind: ClusterNetworkPolicy
  metadata:
    name: pod-name-subject-rules
  spec:
    tier: Admin
    priority: 21
    subject:
      pods:
        namespaceSelector:
          matchLabels:
            conformance-house: ravenclaw
        podSelector:
          matchLabels:
            statefulset.kubernetes.io/pod-name: luna-lovegood-0
    egress:
    - name: "deny-to-slytherin"
      action: "Deny"
      to:
      - namespaces:
          matchLabels:
            ${NS_NAME}: network-policy-conformance-slytherin
`;

const cnpPodSelector: BundleCase[] = [
  subtest('CNPAdminTierPodSelector', 'Should support pod selectors in egress peers', POD_SELECTOR_SOURCE, [podSelectorRules, podNameSubjectRules], [
    poke(harry0, 'TCP', luna0, 80, false),
    poke(harry0, 'TCP', cedric0, 80, false),
    poke(harry0, 'TCP', cedric1, 80, true),
  ]),
  subtest('CNPAdminTierPodSelector', 'Should support pod selectors in ingress peers', POD_SELECTOR_SOURCE, [podSelectorRules, podNameSubjectRules], [
    poke(draco0, 'TCP', harry0, 80, false),
    poke(cedric0, 'TCP', harry0, 80, false),
    poke(cedric1, 'TCP', harry0, 80, true),
  ]),
  subtest('CNPAdminTierPodSelector', 'Should support pod selectors in the subject', POD_SELECTOR_SOURCE, [podSelectorRules, podNameSubjectRules], [
    poke(draco0, 'TCP', cedric0, 80, true),
    poke(luna0, 'TCP', draco0, 80, false),
    poke(luna1, 'TCP', draco0, 80, true),
  ]),
];

// ---------------------------------------------------------------------------------------------
// CNPAdminTierIngressRulesEgressUnaffected and CNPAdminTierEgressRulesIngressUnaffected:
// conformance/tests/admin-network-policy-standard-ingress-egress-isolation.go; manifests
// base/admin_tier/standard-ingress-isolation.yaml and standard-egress-isolation.yaml (v1alpha2 as
// stored). Fields: a policy with rules for one direction only leaves the other direction alone
// (no implicit isolation).

const ISOLATION_SOURCE = 'conformance/tests/admin-network-policy-standard-ingress-egress-isolation.go';

const adminIngressIsolation = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha2
  kind: ClusterNetworkPolicy
  metadata:
    name: admin-ingress-isolation
  spec:
    tier: Admin
    priority: 20
    subject:
      namespaces:
        matchLabels:
          ${NS_NAME}: network-policy-conformance-gryffindor
    ingress:
    - name: "deny-from-slytherin"
      action: "Deny"
      from:
      - namespaces:
          matchLabels:
            ${NS_NAME}: network-policy-conformance-slytherin
`;

const adminEgressIsolation = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha2
  kind: ClusterNetworkPolicy
  metadata:
    name: admin-egress-isolation
  spec:
    tier: Admin
    priority: 20
    subject:
      namespaces:
        matchLabels:
          ${NS_NAME}: network-policy-conformance-gryffindor
    egress:
    - name: "deny-to-slytherin"
      action: "Deny"
      to:
      - namespaces:
          matchLabels:
            ${NS_NAME}: network-policy-conformance-slytherin
`;

const cnpIsolation: BundleCase[] = [
  subtest(
    'CNPAdminTierIngressRulesEgressUnaffected',
    'Should enforce the ingress rule: deny ingress from slytherin to gryffindor',
    `${ISOLATION_SOURCE} (CNPAdminTierIngressRulesEgressUnaffected)`,
    [adminIngressIsolation],
    [poke(draco0, 'TCP', harry0, 80, false)],
  ),
  subtest(
    'CNPAdminTierIngressRulesEgressUnaffected',
    'Should not affect egress: gryffindor can still egress to ravenclaw',
    `${ISOLATION_SOURCE} (CNPAdminTierIngressRulesEgressUnaffected)`,
    [adminIngressIsolation],
    [poke(harry0, 'TCP', luna0, 80, true)],
  ),
  subtest(
    'CNPAdminTierIngressRulesEgressUnaffected',
    'Should not affect egress: gryffindor can still egress to hufflepuff',
    `${ISOLATION_SOURCE} (CNPAdminTierIngressRulesEgressUnaffected)`,
    [adminIngressIsolation],
    [poke(harry0, 'TCP', cedric0, 80, true)],
  ),
  subtest(
    'CNPAdminTierEgressRulesIngressUnaffected',
    'Should enforce the egress rule: deny egress from gryffindor to slytherin',
    `${ISOLATION_SOURCE} (CNPAdminTierEgressRulesIngressUnaffected)`,
    [adminEgressIsolation],
    [poke(harry0, 'TCP', draco0, 80, false)],
  ),
  subtest(
    'CNPAdminTierEgressRulesIngressUnaffected',
    'Should not affect ingress: ravenclaw can still reach gryffindor',
    `${ISOLATION_SOURCE} (CNPAdminTierEgressRulesIngressUnaffected)`,
    [adminEgressIsolation],
    [poke(luna0, 'TCP', harry0, 80, true)],
  ),
  subtest(
    'CNPAdminTierEgressRulesIngressUnaffected',
    'Should not affect ingress: hufflepuff can still reach gryffindor',
    `${ISOLATION_SOURCE} (CNPAdminTierEgressRulesIngressUnaffected)`,
    [adminEgressIsolation],
    [poke(cedric0, 'TCP', harry0, 80, true)],
  ),
];

// ---------------------------------------------------------------------------------------------
// CNPBaselineTierGress: conformance/tests/baseline-admin-network-policy-standard-gress-rules.go, var
// CNPBaselineTierGress; manifest base/baseline_tier/standard-gress-rules-combined.yaml (stored copy
// already v1beta1, same fields; written as v1alpha2). Fields: tier Baseline (no NetworkPolicy selects
// the pods, so it decides); Accept/Deny; rule order; destinationPort.number over TCP, UDP, SCTP.

const BASELINE_GRESS_SOURCE = 'conformance/tests/baseline-admin-network-policy-standard-gress-rules.go (CNPBaselineTierGress)';

const baselineGressHead = yaml`
  apiVersion: policy.networking.k8s.io/v1alpha2
  kind: ClusterNetworkPolicy
  metadata:
    name: default
  spec:
    tier: Baseline
    priority: 10
    subject:
      namespaces:
        matchLabels:
          ${NS_NAME}: network-policy-conformance-gryffindor
`;

const baselineGressEgress = [
  v1alpha2HouseRule('allow-to-ravenclaw-everything', 'Accept', 'to', 'ravenclaw'),
  v1alpha2HouseRule('deny-to-ravenclaw-everything', 'Deny', 'to', 'ravenclaw'),
  v1alpha2HouseRule('deny-to-slytherin-at-ports-80-53-9003', 'Deny', 'to', 'slytherin', TCP80_UDP53_SCTP9003),
  v1alpha2HouseRule('allow-to-hufflepuff-at-ports-8080-5353', 'Accept', 'to', 'hufflepuff', [
    ['TCP', 8080],
    ['UDP', 5353],
    ['SCTP', 9003],
  ]),
  v1alpha2HouseRule('deny-to-hufflepuff-everything-else', 'Deny', 'to', 'hufflepuff'),
];

const baselineGressIngress = [
  v1alpha2HouseRule('allow-from-ravenclaw-everything', 'Accept', 'from', 'ravenclaw'),
  v1alpha2HouseRule('deny-from-ravenclaw-everything', 'Deny', 'from', 'ravenclaw'),
  v1alpha2HouseRule('deny-from-slytherin-at-port-80-53-9003', 'Deny', 'from', 'slytherin', TCP80_UDP53_SCTP9003),
  v1alpha2HouseRule('allow-from-hufflepuff-at-port-80-5353-9003', 'Accept', 'from', 'hufflepuff', [
    ['TCP', 80],
    ['UDP', 5353],
    ['SCTP', 9003],
  ]),
  v1alpha2HouseRule('deny-from-hufflepuff-everything-else', 'Deny', 'from', 'hufflepuff'),
];

const baselineGressInitial = withRules(baselineGressHead, { egress: baselineGressEgress, ingress: baselineGressIngress });
// Patch of the third subtest, kept by the fourth: [0] <-> [1] in both directions.
const baselineGressAfterDeny = withRules(baselineGressHead, {
  egress: swap(baselineGressEgress, 0, 1),
  ingress: swap(baselineGressIngress, 0, 1),
});

const cnpBaselineGress: BundleCase[] = [
  subtest('CNPBaselineTierGress', "Should support an 'allow-gress' policy across different protocols", BASELINE_GRESS_SOURCE, [baselineGressInitial], [
    poke(harry0, 'TCP', luna0, 80, true),
    poke(harry1, 'UDP', luna0, 53, true),
    poke(harry0, 'SCTP', luna0, 9003, true),
    poke(luna0, 'TCP', harry0, 80, true),
    poke(luna1, 'UDP', harry0, 53, true),
    poke(luna1, 'SCTP', harry0, 9003, true),
  ]),
  subtest(
    'CNPBaselineTierGress',
    "Should support an 'allow-gress' policy across different protocols at the specified ports",
    BASELINE_GRESS_SOURCE,
    [baselineGressInitial],
    gressHufflepuffProbes,
  ),
  subtest('CNPBaselineTierGress', "Should support an 'deny-gress' policy across different protocols", BASELINE_GRESS_SOURCE, [baselineGressAfterDeny], [
    poke(harry0, 'TCP', luna1, 80, false),
    poke(harry1, 'UDP', luna1, 53, false),
    poke(harry0, 'SCTP', luna1, 9003, false),
    poke(luna0, 'TCP', harry1, 80, false),
    poke(luna1, 'UDP', harry1, 53, false),
    poke(luna1, 'SCTP', harry1, 9003, false),
  ]),
  subtest(
    'CNPBaselineTierGress',
    "Should support a 'deny-gress' policy across different protocols at the specified ports",
    BASELINE_GRESS_SOURCE,
    [baselineGressAfterDeny],
    gressSlytherinProbes(false),
  ),
];

// ---------------------------------------------------------------------------------------------

export const tierConformance: CaseGroup = {
  name: 'network-policy-api conformance (cluster-wide tiers)',
  cases: [
    // v1alpha1
    ...anpGress,
    ...anpEgressTcp,
    ...anpEgressNamedPort,
    ...anpPriority,
    ...anpIntegration,
    ...anpExtendedEgress,
    ...banpEgressUdp,
    ...banpExtendedEgress,
    // v1alpha2
    ...cnpIngressTcp,
    ...cnpEgressNamedPort,
    ...cnpEgressNodePeers,
    ...cnpInlineCidr,
    ...cnpPriority,
    ...cnpIntegration,
    ...cnpSamePriority,
    ...cnpPortRange,
    ...cnpPodSelector,
    ...cnpIsolation,
    ...cnpBaselineGress,
  ],
};
