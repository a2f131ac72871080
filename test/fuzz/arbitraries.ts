/**
 * @module fast-check arbitraries for differential testing: random bundles as raw Kubernetes objects
 * (what `ingestObjects` reads) using every feature ingest accepts, and random flows against a bundle.
 * With `{ tiers: true }`, bundles also hold Nodes and cluster-wide policies of every kind, and flows
 * also aim at Node addresses and the edges of `networks` CIDRs.
 * Vocabularies are tiny on purpose: selectors then often match, and shrunk counterexamples read well.
 */
import fc from 'fast-check';
import { ingestObjects } from '../../src/ingest/bundle.js';
import { NAMESPACE_NAME_LABEL, type Bundle } from '../../src/model/bundle.js';
import { familyBits, formatIP, parseCIDR, parseIP, type CIDR } from '../../src/net/ip.js';

/** A raw object as a manifest would give it: plain JSON, no undefined values. */
export type K8sObject = Record<string, unknown>;

export const VOCABULARY = {
  namespaces: ['alpha', 'beta', 'gamma'],
  podNames: ['a', 'b', 'c', 'd', 'e', 'f'],
  workloadNames: ['web', 'db', 'batch'],
  policyNames: ['p1', 'p2', 'deny', 'allow'],
  /** `tier: ''` is a valid label value that `In` and `NotIn` must treat as a value. */
  podLabels: { app: ['web', 'db', 'api'], tier: ['front', 'back', ''] },
  namespaceLabels: { env: ['prod', 'dev'], team: ['a', 'b'] },
  portNames: ['http', 'dns', 'metrics'],
  portNumbers: [1, 53, 80, 443, 8080, 65535],
} as const;

/** Two nodes, each dual-stack; pods run on one of them (or on none yet). */
const NODES = [
  { v4: '192.168.1.1', v6: 'fd00:1::1' },
  { v4: '192.168.1.2', v6: 'fd00:1::2' },
] as const;

const NAMESPACE_CHOICES = [...VOCABULARY.namespaces, 'default'];

/**
 * Pod addresses follow the pod's identity, not its position, so that shrinking a bundle leaves the
 * other pods' addresses alone: namespace i owns slots 32i..32i+31 (10.0.0.32i+1.., fd00::32i+1..),
 * plain pods the first six, pods of workloads from slot 8.
 */
const SLOTS_PER_NAMESPACE = 32;

function slotOf(namespace: string | undefined, index: number): number {
  return NAMESPACE_CHOICES.indexOf(namespace ?? 'default') * SLOTS_PER_NAMESPACE + index;
}

/** Around the pod addresses and the nodes (alpha is 10.0.0.1-32, beta .33-64), with a masked host-bits CIDR. */
const CIDRS_V4 = ['10.0.0.0/8', '10.0.0.0/24', '10.0.0.0/26', '10.0.0.32/27', '10.0.0.0/29', '10.0.0.4/30', '10.0.0.2/32', '10.0.0.5/29', '192.168.1.0/24', '192.168.1.1/32', '0.0.0.0/0'];
const CIDRS_V6 = ['fd00::/8', 'fd00::/64', 'fd00::/122', 'fd00::20/123', 'fd00::/125', 'fd00::4/126', 'fd00::2/128', 'fd00:1::/64', 'fd00:1::1/128', '::/0'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

/** Drops undefined entries, so objects look like parsed YAML (absent, not `key: undefined`). */
function defined(record: Record<string, unknown>): K8sObject {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** A choice among `[weight, arbitrary]` pairs; shrinking may cross to the first (the simplest) one. */
function weighted<T>(...choices: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> {
  return fc.oneof({ withCrossShrink: true }, ...choices.map(([weight, arbitrary]) => ({ weight, arbitrary })));
}

const absent = fc.constant(undefined);

// ---------------------------------------------------------------------------------------------
// Labels and selectors

type Vocabulary = Readonly<Record<string, readonly string[]>>;

function labelsArbitrary(vocabulary: Vocabulary): fc.Arbitrary<Record<string, string>> {
  const fields = Object.fromEntries(Object.entries(vocabulary).map(([key, values]) => [key, fc.constantFrom(...values)]));
  return fc.record(fields, { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>;
}

/** Any operator; keys include one no object carries, values one no object has. */
function requirementArbitrary(vocabulary: Vocabulary): fc.Arbitrary<K8sObject> {
  const keys = [...Object.keys(vocabulary), 'zone'];
  return fc.constantFrom(...keys).chain((key) => {
    const values = [...(vocabulary[key] ?? []), 'other'];
    const listed = fc.array(fc.constantFrom(...values), { minLength: 1, maxLength: 2 });
    return fc.oneof(
      fc.record({ key: fc.constant(key), operator: fc.constantFrom('In', 'NotIn'), values: listed }),
      fc.record({ key: fc.constant(key), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
    );
  });
}

/** `{}` in its three spellings, or matchLabels and/or matchExpressions. */
function selectorArbitrary(vocabulary: Vocabulary): fc.Arbitrary<K8sObject> {
  const terms = fc
    .record({
      matchLabels: weighted([1, absent], [3, labelsArbitrary(vocabulary)]),
      matchExpressions: weighted([2, absent], [1, fc.array(requirementArbitrary(vocabulary), { minLength: 1, maxLength: 2 })]),
    })
    .map(defined);
  return weighted(
    [2, fc.constant({})],
    [1, fc.constantFrom({ matchLabels: {} }, { matchExpressions: [] })],
    [6, terms],
  );
}

const podSelector = selectorArbitrary(VOCABULARY.podLabels);
const namespaceSelector = selectorArbitrary({
  ...VOCABULARY.namespaceLabels,
  [NAMESPACE_NAME_LABEL]: NAMESPACE_CHOICES,
});

// ---------------------------------------------------------------------------------------------
// Pods

interface PortDraft {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: string;
}

const containerPortArbitrary: fc.Arbitrary<PortDraft> = fc
  .record({
    name: weighted([1, absent], [1, fc.constantFrom(...VOCABULARY.portNames)]),
    containerPort: fc.constantFrom(...VOCABULARY.portNumbers),
    protocol: weighted([1, absent], [1, fc.constantFrom(...PROTOCOLS)]),
  })
  .map((port) => defined(port) as unknown as PortDraft);

/** One or two containers; a port name may appear once per pod, so repeats lose their name. */
const containersArbitrary = fc
  .array(fc.array(containerPortArbitrary, { maxLength: 2 }), { minLength: 1, maxLength: 2 })
  .map((containers) => {
    const names = new Set<string>();
    return containers.map((ports, i) =>
      defined({
        name: `c${i}`,
        ports:
          ports.length === 0
            ? undefined
            : ports.map((port) => {
                if (port.name === undefined) return port;
                if (names.has(port.name)) return defined({ ...port, name: undefined });
                names.add(port.name);
                return port;
              }),
      }),
    );
  });

type Families = 'none' | 'v4' | 'v6' | 'v4v6' | 'v6v4';

/** How a pod runs: its spec, and what its status reports (a workload's template uses only the spec). */
interface RunDraft {
  readonly containers: readonly K8sObject[];
  /** Ports of init containers, which named ports must ignore. */
  readonly initPorts: readonly PortDraft[];
  readonly hostNetwork: boolean;
  readonly families: Families;
  /** podIP alone (only the primary), podIPs alone, or both. */
  readonly ipFields: 'podIP' | 'podIPs' | 'both';
  readonly node: number | undefined;
  readonly hostFields: 'hostIP' | 'hostIPs' | 'hostIP6';
  readonly phase: string | undefined;
  /** Rarely, claim the IP of the plain pod with this name index in the same namespace (ambiguous). */
  readonly sharesIPOf: number | undefined;
  /** Spell IPv6 addresses in full (fd00:0:0:...), which ingest must canonicalise. */
  readonly longIPv6: boolean;
}

const runArbitrary: fc.Arbitrary<RunDraft> = fc.record({
  containers: containersArbitrary,
  initPorts: weighted<readonly PortDraft[]>([4, fc.constant([])], [1, fc.array(containerPortArbitrary, { minLength: 1, maxLength: 1 })]),
  hostNetwork: weighted([6, fc.constant(false)], [1, fc.constant(true)]),
  families: weighted<Families>([1, fc.constant('none')], [4, fc.constant('v4')], [2, fc.constant('v6')], [2, fc.constantFrom('v4v6', 'v6v4')]),
  ipFields: fc.constantFrom('podIP', 'podIPs', 'both'),
  node: weighted([6, fc.constantFrom(0, 1)], [1, absent]),
  hostFields: fc.constantFrom('hostIP', 'hostIPs', 'hostIP6'),
  phase: weighted([6, absent], [2, fc.constantFrom('Running', 'Pending')], [1, fc.constantFrom('Succeeded', 'Failed')]),
  sharesIPOf: weighted([15, absent], [1, fc.nat(5)]),
  longIPv6: weighted([5, fc.constant(false)], [1, fc.constant(true)]),
});

function podIPv4(slot: number): string {
  return `10.0.0.${slot + 1}`;
}

function podIPv6(slot: number, long: boolean): string {
  const hex = (slot + 1).toString(16);
  return long ? `fd00:0:0:0:0:0:0:${hex}` : `fd00::${hex}`;
}

/** The status a pod in `slot` reports: its IPs in the drafted families, on its node. */
function podStatus(run: RunDraft, slot: number): K8sObject | undefined {
  const node = run.node === undefined ? undefined : NODES[run.node]!;
  const hostIPs = !node ? [] : run.hostFields === 'hostIP' ? [node.v4] : run.hostFields === 'hostIP6' ? [node.v6] : [node.v4, node.v6];
  let ips: string[];
  if (run.hostNetwork) {
    ips = hostIPs; // a hostNetwork pod's IP is its node's
  } else {
    const v4 = podIPv4(slot);
    const v6 = podIPv6(slot, run.longIPv6);
    ips = { none: [], v4: [v4], v6: [v6], v4v6: [v4, v6], v6v4: [v6, v4] }[run.families];
  }
  const status = defined({
    phase: run.phase,
    podIP: ips.length > 0 && run.ipFields !== 'podIPs' ? ips[0] : undefined,
    podIPs: ips.length > 0 && run.ipFields !== 'podIP' ? ips.map((ip) => ({ ip })) : undefined,
    hostIP: hostIPs[0],
    hostIPs: run.hostFields === 'hostIPs' && hostIPs.length > 0 ? hostIPs.map((ip) => ({ ip })) : undefined,
  });
  return Object.keys(status).length > 0 ? status : undefined;
}

function podSpec(run: RunDraft): K8sObject {
  return defined({
    hostNetwork: run.hostNetwork ? true : undefined,
    initContainers: run.initPorts.length > 0 ? [{ name: 'init', ports: run.initPorts }] : undefined,
    containers: run.containers,
  });
}

interface PodDraft {
  /** Undefined: the manifest names no namespace, so ingest puts the pod in `default`. */
  readonly namespace: string | undefined;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly run: RunDraft;
}

const podDraftArbitrary: fc.Arbitrary<PodDraft> = fc.record({
  namespace: weighted([6, fc.constantFrom(...VOCABULARY.namespaces)], [1, absent]),
  name: fc.constantFrom(...VOCABULARY.podNames),
  labels: labelsArbitrary(VOCABULARY.podLabels),
  run: runArbitrary,
});

interface OwnedPod {
  /** Within the namespace's slots (see slotOf): one per workload kind and name. */
  readonly slot: number;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly ownerReferences: readonly K8sObject[];
  readonly run: RunDraft;
}

function podObject(pod: PodDraft | OwnedPod): K8sObject {
  const own = 'ownerReferences' in pod ? pod.slot : (VOCABULARY.podNames as readonly string[]).indexOf(pod.name);
  const slot = slotOf(pod.namespace, pod.run.sharesIPOf ?? own);
  return defined({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: defined({
      name: pod.name,
      namespace: pod.namespace,
      labels: Object.keys(pod.labels).length > 0 ? pod.labels : undefined,
      ownerReferences: 'ownerReferences' in pod ? pod.ownerReferences : undefined,
    }),
    spec: podSpec(pod.run),
    status: podStatus(pod.run, slot),
  });
}

// ---------------------------------------------------------------------------------------------
// Workloads

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;
type DraftedWorkloadKind = (typeof WORKLOAD_KINDS)[number];
const API_VERSION: Record<DraftedWorkloadKind, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

interface WorkloadDraft {
  readonly kind: DraftedWorkloadKind;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly selectorForm: 'matchLabels' | 'matchExpressions';
  readonly template: RunDraft;
  /** A pod this workload created, present in the bundle: then the workload has no representative. */
  readonly owned: RunDraft | undefined;
}

const workloadDraftArbitrary: fc.Arbitrary<WorkloadDraft> = fc.record({
  kind: fc.constantFrom(...WORKLOAD_KINDS),
  namespace: weighted([6, fc.constantFrom(...VOCABULARY.namespaces)], [1, absent]),
  name: fc.constantFrom(...VOCABULARY.workloadNames),
  labels: labelsArbitrary(VOCABULARY.podLabels),
  selectorForm: fc.constantFrom('matchLabels', 'matchExpressions'),
  template: runArbitrary,
  owned: weighted([2, absent], [1, runArbitrary]),
});

/** The template labels always carry `app: <name>`, which the selector requires (apps/v1 validation). */
function templateLabels(workload: WorkloadDraft): Record<string, string> {
  return { ...workload.labels, app: workload.name };
}

function workloadObject(workload: WorkloadDraft): K8sObject {
  const template = {
    metadata: { labels: templateLabels(workload) },
    spec: podSpec(workload.template),
  };
  const selector =
    workload.selectorForm === 'matchLabels'
      ? { matchLabels: { app: workload.name } }
      : { matchExpressions: [{ key: 'app', operator: 'In', values: [workload.name] }] };
  const spec =
    workload.kind === 'CronJob'
      ? { schedule: '0 * * * *', jobTemplate: { spec: { template } } }
      : workload.kind === 'Job'
        ? { template } // Jobs generate their selector
        : { selector, template };
  return {
    apiVersion: API_VERSION[workload.kind],
    kind: workload.kind,
    metadata: defined({ name: workload.name, namespace: workload.namespace }),
    spec,
  };
}

/**
 * The pod a workload's controller would have made, with the owner chain ingest follows: a
 * Deployment's through a ReplicaSet named `<name>-<hash>` (not in the bundle) whose pods carry
 * `pod-template-hash`, a CronJob's through a Job `<name>-<schedule time>`, the others directly.
 */
function ownedPod(workload: WorkloadDraft, run: RunDraft): OwnedPod {
  const owner = (kind: string, name: string, apiVersion: string): K8sObject => ({ apiVersion, kind, name, controller: true });
  const labels = templateLabels(workload);
  const slot = 8 + WORKLOAD_KINDS.indexOf(workload.kind) * VOCABULARY.workloadNames.length + (VOCABULARY.workloadNames as readonly string[]).indexOf(workload.name);
  const base = { slot, namespace: workload.namespace, run };
  switch (workload.kind) {
    case 'Deployment':
      return {
        ...base,
        name: `${workload.name}-5d8f7-xk2pq`,
        labels: { ...labels, 'pod-template-hash': '5d8f7' },
        ownerReferences: [owner('ReplicaSet', `${workload.name}-5d8f7`, 'apps/v1')],
      };
    case 'CronJob':
      return { ...base, name: `${workload.name}-28912345-q7v2m`, labels, ownerReferences: [owner('Job', `${workload.name}-28912345`, 'batch/v1')] };
    case 'StatefulSet':
      return { ...base, name: `${workload.name}-0`, labels, ownerReferences: [owner('StatefulSet', workload.name, 'apps/v1')] };
    case 'DaemonSet':
      return { ...base, name: `${workload.name}-x2x9k`, labels, ownerReferences: [owner('DaemonSet', workload.name, 'apps/v1')] };
    case 'Job':
      return { ...base, name: `${workload.name}-8bq4z`, labels, ownerReferences: [owner('Job', workload.name, 'batch/v1')] };
  }
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicies

/** A block of `cidrs`, with 0-2 excepts strictly inside it (computed, so always valid). */
function ipBlockArbitrary(cidrs: readonly string[]): fc.Arbitrary<K8sObject> {
  return fc.constantFrom(...cidrs).chain((text) => {
    const cidr = parseCIDR(text)!.cidr;
    const room = familyBits(cidr.family) - cidr.prefix;
    if (room === 0) return fc.constant({ cidr: text });
    const inner = fc
      .record({ extra: fc.integer({ min: 1, max: Math.min(room, 6) }), offset: fc.nat(63) })
      .map(({ extra, offset }) => subBlock(cidr, extra, offset));
    return fc
      .record({ cidr: fc.constant(text), except: weighted<string[] | undefined>([2, absent], [1, fc.constant([])], [4, fc.array(inner, { minLength: 1, maxLength: 2 })]) })
      .map(defined);
  });
}

/** The `offset`-th sub-block of `cidr` that is `extra` bits longer. */
function subBlock(cidr: CIDR, extra: number, offset: number): string {
  const prefix = cidr.prefix + extra;
  const index = BigInt(offset % 2 ** extra);
  const base = cidr.base + (index << BigInt(familyBits(cidr.family) - prefix));
  return `${formatIP({ family: cidr.family, value: base })}/${prefix}`;
}

const peerArbitrary: fc.Arbitrary<K8sObject> = weighted<K8sObject>(
  [3, podSelector.map((selector) => ({ podSelector: selector }))],
  [2, namespaceSelector.map((selector) => ({ namespaceSelector: selector }))],
  [2, fc.record({ podSelector, namespaceSelector })],
  [2, ipBlockArbitrary(CIDRS_V4).map((ipBlock) => ({ ipBlock }))],
  [1, ipBlockArbitrary(CIDRS_V6).map((ipBlock) => ({ ipBlock }))],
);

const protocolField = weighted([2, absent], [3, fc.constantFrom(...PROTOCOLS)]);

const policyPortArbitrary: fc.Arbitrary<K8sObject> = weighted<K8sObject>(
  // Every port of one protocol (`{}` is every TCP port).
  [1, fc.record({ protocol: protocolField }).map(defined)],
  [3, fc.record({ protocol: protocolField, port: fc.constantFrom(...VOCABULARY.portNumbers) }).map(defined)],
  [
    2,
    fc
      .record({ protocol: protocolField, ends: fc.tuple(fc.constantFrom(...VOCABULARY.portNumbers), fc.constantFrom(...VOCABULARY.portNumbers, 54, 8079)) })
      .map(({ protocol, ends: [a, b] }) => defined({ protocol, port: Math.min(a, b), endPort: Math.max(a, b) })),
  ],
  [2, fc.record({ protocol: protocolField, port: fc.constantFrom(...VOCABULARY.portNames, 'nope') }).map(defined)],
);

/** `from`/`to` and `ports` each absent, empty, or listed: absent and empty both mean "all". */
function ruleArbitrary(peersField: 'from' | 'to'): fc.Arbitrary<K8sObject> {
  return fc
    .record({
      [peersField]: weighted<K8sObject[] | undefined>([2, absent], [1, fc.constant([])], [5, fc.array(peerArbitrary, { minLength: 1, maxLength: 3 })]),
      ports: weighted<K8sObject[] | undefined>([3, absent], [1, fc.constant([])], [3, fc.array(policyPortArbitrary, { minLength: 1, maxLength: 3 })]),
    })
    .map(defined);
}

function rulesArbitrary(peersField: 'from' | 'to'): fc.Arbitrary<K8sObject[] | undefined> {
  return weighted([3, absent], [1, fc.constant([])], [5, fc.array(ruleArbitrary(peersField), { minLength: 1, maxLength: 2 })]);
}

const policyTypesArbitrary = fc.constantFrom(undefined, [], ['Ingress'], ['Egress'], ['Ingress', 'Egress'], ['Egress', 'Ingress']);

interface PolicyDraft {
  readonly namespace: string | undefined;
  readonly name: string;
  readonly spec: K8sObject;
}

const policyDraftArbitrary: fc.Arbitrary<PolicyDraft> = fc.record({
  namespace: weighted([6, fc.constantFrom(...VOCABULARY.namespaces)], [1, absent]),
  name: fc.constantFrom(...VOCABULARY.policyNames),
  spec: fc
    .record({
      podSelector: weighted([1, absent], [4, podSelector]),
      policyTypes: policyTypesArbitrary,
      ingress: rulesArbitrary('from'),
      egress: rulesArbitrary('to'),
    })
    .map(defined),
});

function policyObject(policy: PolicyDraft): K8sObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: defined({ name: policy.name, namespace: policy.namespace }),
    spec: policy.spec,
  };
}

// ---------------------------------------------------------------------------------------------
// Cluster-wide tiers: Nodes, AdminNetworkPolicy, BaselineAdminNetworkPolicy (v1alpha1) and
// ClusterNetworkPolicy (v1alpha2), as docs/tiers-upstream.md describes their schemas.

const NODE_LABELS = { role: ['worker', 'control'], pool: ['a', 'b'] } as const;
const nodeSelector = selectorArbitrary(NODE_LABELS);

/**
 * Nodes 0 and 1 are where pods run (their InternalIPs are the pods' hostIPs, so hostNetwork pods'
 * IPs too); node 2 runs no pod. Each may also have ExternalIPs and a Hostname (which is no IP).
 */
const NODE_ADDRESSES: readonly (readonly { type: string; address: string }[])[] = [0, 1, 2].map((i) => [
  { type: 'InternalIP', address: NODES[i]?.v4 ?? `192.168.1.${i + 1}` },
  { type: 'InternalIP', address: NODES[i]?.v6 ?? `fd00:1::${i + 1}` },
  { type: 'ExternalIP', address: `203.0.113.${i + 1}` },
  { type: 'ExternalIP', address: `2001:db8::${i + 1}` },
  { type: 'Hostname', address: `node-${i}` },
]);

const nodeArbitrary: fc.Arbitrary<K8sObject> = fc
  .record({
    index: fc.constantFrom(0, 1, 2),
    labels: labelsArbitrary(NODE_LABELS),
    picks: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    longIPv6: weighted([5, fc.constant(false)], [1, fc.constant(true)]),
  })
  .map(({ index, labels, picks, longIPv6 }) => {
    const addresses = NODE_ADDRESSES[index]!.filter((_, i) => picks[i]).map(({ type, address }) => ({
      type,
      // Ingest must canonicalise `fd00:1:0:0:0:0:0:1` to `fd00:1::1`.
      address: longIPv6 && address.includes('::') ? expandIPv6(address) : address,
    }));
    return defined({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: defined({ name: `node-${index}`, labels: Object.keys(labels).length > 0 ? labels : undefined }),
      status: addresses.length > 0 ? { addresses } : undefined,
    });
  });

function expandIPv6(text: string): string {
  const [head, tail] = text.split('::') as [string, string];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  return [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right].join(':');
}

type ClusterKindName = 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy' | 'ClusterNetworkPolicy';

/** Names shared by ANPs and CNPs, so that equal priorities also tie across kinds. */
const CLUSTER_POLICY_NAMES = ['a', 'b', 'c'];
/** Few values, so that equal priorities (a warning, ties broken by kind and name) are common. */
const priorityArbitrary = weighted([6, fc.constantFrom(0, 1, 5)], [1, fc.integer({ min: 0, max: 1000 })]);

/** Pod and node addresses, outside ones (203.0.113.0/24, 2001:db8::/32), and the whole families. */
const NETWORKS = [...CIDRS_V4, '203.0.113.0/24', '192.168.1.0/30', '203.0.113.2/32', ...CIDRS_V6, '2001:db8::/32', 'fd00:1::/126'];
const DOMAIN_NAMES = ['example.com', '*.kubernetes.io', 'api.internal.'];

/** v1alpha2 makes pods.namespaceSelector optional (absent: every namespace). */
function namespacedPodArbitrary(kind: ClusterKindName): fc.Arbitrary<K8sObject> {
  return fc
    .record({
      namespaceSelector: kind === 'ClusterNetworkPolicy' ? weighted([1, absent], [3, namespaceSelector]) : namespaceSelector,
      podSelector,
    })
    .map(defined);
}

function clusterSubjectArbitrary(kind: ClusterKindName): fc.Arbitrary<K8sObject> {
  return weighted<K8sObject>(
    [3, namespaceSelector.map((selector) => ({ namespaces: selector }))],
    [2, namespacedPodArbitrary(kind).map((pods) => ({ pods }))],
  );
}

/**
 * Ingress peers are namespaces and pods only; egress adds nodes and networks, and (not in the
 * baseline of v1alpha1) `domainNames`, which ingest keeps as an unrecognised peer failing closed.
 */
function clusterPeerArbitrary(kind: ClusterKindName, direction: 'ingress' | 'egress'): fc.Arbitrary<K8sObject> {
  const choices: [number, fc.Arbitrary<K8sObject>][] = [
    [3, namespaceSelector.map((selector) => ({ namespaces: selector }))],
    [3, namespacedPodArbitrary(kind).map((pods) => ({ pods }))],
  ];
  if (direction === 'egress') {
    choices.push(
      [2, nodeSelector.map((selector) => ({ nodes: selector }))],
      [3, fc.uniqueArray(fc.constantFrom(...NETWORKS), { minLength: 1, maxLength: 3 }).map((networks) => ({ networks }))],
    );
    if (kind !== 'BaselineAdminNetworkPolicy') {
      choices.push([1, fc.uniqueArray(fc.constantFrom(...DOMAIN_NAMES), { minLength: 1, maxLength: 2 }).map((domainNames) => ({ domainNames }))]);
    }
  }
  return weighted(...choices);
}

const CLUSTER_PORT_NUMBERS = [...VOCABULARY.portNumbers, 54, 8079];
const clusterPortNumber = fc.constantFrom(...CLUSTER_PORT_NUMBERS);
const portNameArbitrary = fc.constantFrom(...VOCABULARY.portNames, 'nope');

/** v1alpha1: portNumber (protocol defaults to TCP), namedPort, portRange (rarely reversed: a warning). */
const v1alpha1PortArbitrary: fc.Arbitrary<K8sObject> = weighted<K8sObject>(
  [3, fc.record({ protocol: protocolField, port: clusterPortNumber }).map((portNumber) => ({ portNumber: defined(portNumber) }))],
  [2, portNameArbitrary.map((namedPort) => ({ namedPort }))],
  [
    2,
    fc
      .record({ protocol: protocolField, ends: fc.tuple(clusterPortNumber, clusterPortNumber), reversed: weighted([8, fc.constant(false)], [1, fc.constant(true)]) })
      .map(({ protocol, ends: [a, b], reversed }) => {
        const [start, end] = reversed ? [Math.max(a, b), Math.min(a, b)] : [Math.min(a, b), Math.max(a, b)];
        return { portRange: defined({ protocol, start, end }) };
      }),
  ],
);

/** v1alpha2: `{tcp|udp|sctp: {destinationPort: {number} | {range: {start < end}}}}` or `{destinationNamedPort}`. */
const v1alpha2PortArbitrary: fc.Arbitrary<K8sObject> = weighted<K8sObject>(
  [3, fc.record({ protocol: fc.constantFrom('tcp', 'udp', 'sctp'), number: clusterPortNumber }).map(({ protocol, number }) => ({ [protocol]: { destinationPort: { number } } }))],
  [
    2,
    fc
      .record({ protocol: fc.constantFrom('tcp', 'udp', 'sctp'), ends: fc.uniqueArray(clusterPortNumber, { minLength: 2, maxLength: 2 }) })
      .map(({ protocol, ends }) => ({ [protocol]: { destinationPort: { range: { start: Math.min(...ends), end: Math.max(...ends) } } } })),
  ],
  [2, portNameArbitrary.map((destinationNamedPort) => ({ destinationNamedPort }))],
);

const NAMED_PORT_KEYS = ['namedPort', 'destinationNamedPort'];
const NON_POD_PEERS = ['nodes', 'networks', 'domainNames'];

function clusterRuleArbitrary(kind: ClusterKindName, direction: 'ingress' | 'egress'): fc.Arbitrary<K8sObject> {
  const actions = kind === 'BaselineAdminNetworkPolicy' ? ['Allow', 'Deny'] : kind === 'ClusterNetworkPolicy' ? ['Accept', 'Deny', 'Pass'] : ['Allow', 'Deny', 'Pass'];
  const peersName = direction === 'ingress' ? 'from' : 'to';
  const portsName = kind === 'ClusterNetworkPolicy' ? 'protocols' : 'ports';
  const port = kind === 'ClusterNetworkPolicy' ? v1alpha2PortArbitrary : v1alpha1PortArbitrary;
  return fc
    .record({
      name: weighted([3, absent], [1, fc.constantFrom('r', 'allow-web', '')]),
      action: fc.constantFrom(...actions),
      peers: fc.array(clusterPeerArbitrary(kind, direction), { minLength: 1, maxLength: 3 }),
      ports: weighted<K8sObject[] | undefined>([3, absent], [3, fc.array(port, { minLength: 1, maxLength: 3 })]),
    })
    .map(({ name, action, peers, ports }) => {
      // The experimental CEL rule: no named ports with nodes, networks or domainNames peers.
      const noNamed = peers.some((peer) => NON_POD_PEERS.some((key) => key in peer));
      const kept = noNamed ? ports?.filter((p) => !NAMED_PORT_KEYS.some((key) => key in p)) : ports;
      return defined({ name, action, [peersName]: peers, [portsName]: kept && kept.length > 0 ? kept : undefined });
    });
}

function clusterRulesArbitrary(kind: ClusterKindName, direction: 'ingress' | 'egress'): fc.Arbitrary<K8sObject[] | undefined> {
  return weighted([2, absent], [1, fc.constant([])], [5, fc.array(clusterRuleArbitrary(kind, direction), { minLength: 1, maxLength: 3 })]);
}

function clusterPolicyArbitrary(kind: ClusterKindName): fc.Arbitrary<K8sObject> {
  const version = kind === 'ClusterNetworkPolicy' ? 'v1alpha2' : 'v1alpha1';
  return fc
    .record({
      name: kind === 'BaselineAdminNetworkPolicy' ? fc.constant('default') : fc.constantFrom(...CLUSTER_POLICY_NAMES),
      tier: kind === 'ClusterNetworkPolicy' ? fc.constantFrom('Admin', 'Baseline') : absent,
      priority: kind === 'BaselineAdminNetworkPolicy' ? absent : priorityArbitrary,
      subject: clusterSubjectArbitrary(kind),
      ingress: clusterRulesArbitrary(kind, 'ingress'),
      egress: clusterRulesArbitrary(kind, 'egress'),
    })
    .map(({ name, ...spec }) => ({
      apiVersion: `policy.networking.k8s.io/${version}`,
      kind,
      metadata: { name },
      spec: defined(spec),
    }));
}

/** Nodes and cluster-wide policies of every kind; names are unique per kind, as the API requires. */
const tiersArbitrary: fc.Arbitrary<K8sObject[]> = fc
  .record({
    nodes: fc.uniqueArray(nodeArbitrary, { maxLength: 3, selector: (node) => (node.metadata as K8sObject).name }),
    admin: fc.uniqueArray(clusterPolicyArbitrary('AdminNetworkPolicy'), { maxLength: 3, selector: (p) => (p.metadata as K8sObject).name }),
    baseline: weighted([1, absent], [2, clusterPolicyArbitrary('BaselineAdminNetworkPolicy')]),
    cluster: fc.uniqueArray(clusterPolicyArbitrary('ClusterNetworkPolicy'), { maxLength: 3, selector: (p) => (p.metadata as K8sObject).name }),
  })
  .map(({ nodes, admin, baseline, cluster }) => [...nodes, ...admin, ...(baseline ? [baseline] : []), ...cluster]);

// ---------------------------------------------------------------------------------------------
// Namespaces, options, and the whole bundle

const namespaceArbitrary: fc.Arbitrary<K8sObject> = fc
  .record({
    name: fc.constantFrom(...NAMESPACE_CHOICES),
    labels: labelsArbitrary(VOCABULARY.namespaceLabels),
    // The name label is set by the API server; manifests from `kubectl get` carry it already.
    nameLabel: fc.boolean(),
  })
  .map(({ name, labels, nameLabel }) => {
    const all = nameLabel ? { ...labels, [NAMESPACE_NAME_LABEL]: name } : labels;
    return { apiVersion: 'v1', kind: 'Namespace', metadata: defined({ name, labels: Object.keys(all).length > 0 ? all : undefined }) };
  });

const optionsArbitrary: fc.Arbitrary<K8sObject> = fc
  .record({ ipBlockMatchesPods: weighted([1, absent], [4, fc.boolean()]), named: fc.boolean() })
  .map(({ ipBlockMatchesPods, named }) =>
    defined({
      apiVersion: 'netpol-edge.dev/v1alpha1',
      kind: 'BundleOptions',
      metadata: named ? { name: 'options' } : undefined,
      spec: defined({ ipBlockMatchesPods }),
    }),
  );

/** Kubernetes identity: objects of one kind, namespace and name must be unique. */
const identity = (namespace: string | undefined, name: string, kind = ''): string => `${kind}/${namespace ?? 'default'}/${name}`;

export interface BundleSizes {
  readonly maxPods?: number;
  readonly maxWorkloads?: number;
  readonly maxPolicies?: number;
}

export interface BundleArbitraryOptions extends BundleSizes {
  /**
   * Add Nodes and cluster-wide policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
   * ClusterNetworkPolicy). Off by default: bundles without tiers keep the distribution they had.
   */
  readonly tiers?: boolean;
}

/**
 * A valid bundle as raw objects: a few namespaces, pods, workloads (some with their own pods) and
 * policies, and sometimes a BundleOptions object; with `tiers`, also Nodes and cluster-wide policies.
 */
export function bundleObjectsArbitrary(options: BundleArbitraryOptions = {}): fc.Arbitrary<K8sObject[]> {
  const plain = plainBundleArbitrary(options);
  if (!options.tiers) return plain;
  return fc.tuple(plain, tiersArbitrary).map(([objects, tiers]) => [...objects, ...tiers]);
}

function plainBundleArbitrary(sizes: BundleSizes): fc.Arbitrary<K8sObject[]> {
  return fc
    .record({
      namespaces: fc.uniqueArray(namespaceArbitrary, { maxLength: 4, selector: (ns) => (ns.metadata as K8sObject).name }),
      pods: fc.uniqueArray(podDraftArbitrary, { maxLength: sizes.maxPods ?? 5, selector: (p) => identity(p.namespace, p.name) }),
      workloads: fc.uniqueArray(workloadDraftArbitrary, {
        maxLength: sizes.maxWorkloads ?? 2,
        selector: (w) => identity(w.namespace, w.name, w.kind),
      }),
      policies: fc.uniqueArray(policyDraftArbitrary, { maxLength: sizes.maxPolicies ?? 5, selector: (p) => identity(p.namespace, p.name) }),
      options: weighted([3, absent], [1, optionsArbitrary]),
    })
    .map(({ namespaces, pods, workloads, policies, options }) => {
      const allPods: (PodDraft | OwnedPod)[] = [
        ...pods,
        ...workloads.flatMap((w) => (w.owned ? [ownedPod(w, w.owned)] : [])),
      ];
      return [
        ...(options ? [options] : []),
        ...namespaces,
        ...workloads.map(workloadObject),
        ...allPods.map(podObject),
        ...policies.map(policyObject),
      ];
    });
}

// ---------------------------------------------------------------------------------------------
// Flows

/** An endpoint as the flow JSON gives it: "ns/name", "ns/kind/name", an IP, or an ad-hoc pod. */
export type EndpointJSON = string | { namespace: string; labels: Record<string, string>; ports?: K8sObject[] };

export interface FlowJSON {
  readonly src: EndpointJSON;
  readonly dst: EndpointJSON;
  readonly protocol?: string | number;
  readonly port: number;
}

/** What flows against one bundle can name: every pool is drawn from by index, modulo its length. */
export interface FlowTargets {
  /** Pod references, and for workloads also `ns/name` and `ns/Kind/name` (kind in any case). */
  readonly refs: readonly string[];
  /** Every address a Pod manifest claims, including terminated and hostNetwork pods'. */
  readonly podIPs: readonly string[];
  readonly hostIPs: readonly string[];
  /** First and last address of every ipBlock cidr and except, and their outside neighbours. */
  readonly blockIPs: readonly string[];
  /** The InternalIP and ExternalIP addresses of every Node. */
  readonly nodeIPs: readonly string[];
  /** First and last address of every `networks` CIDR of a cluster-wide policy, and their outside neighbours. */
  readonly networkIPs: readonly string[];
  /** The bundle's namespaces, then one it does not know. */
  readonly namespaces: readonly string[];
  /** The edges of every port range of a policy (of any tier), and one past them. */
  readonly edgePorts: readonly number[];
  /** 1, 65535, the vocabulary's port numbers, every container port. */
  readonly ports: readonly number[];
}

export const UNKNOWN_NAMESPACE = 'elsewhere';

export function flowTargets(bundle: Bundle, objects: readonly unknown[] = []): FlowTargets {
  const refs = new Set<string>();
  const podIPs = new Set<string>();
  const hostIPs = new Set<string>();
  const blockIPs = new Set<string>();
  const networkIPs = new Set<string>();
  const ports = new Set<number>([1, 65535, ...VOCABULARY.portNumbers]);
  const edgePorts = new Set<number>();
  const addEdges = (from: number, to: number): void => {
    for (const edge of [from - 1, from, to, to + 1]) if (edge >= 1 && edge <= 65535) edgePorts.add(edge);
  };
  for (const pod of bundle.pods) {
    refs.add(pod.ref);
    if (pod.workload) {
      refs.add(`${pod.namespace}/${pod.name}`);
      refs.add(`${pod.namespace}/${pod.workload.kind}/${pod.name}`);
    }
    pod.ips.forEach((ip) => podIPs.add(ip));
    pod.hostIPs.forEach((ip) => hostIPs.add(ip));
    pod.ports.forEach((port) => ports.add(port.port));
  }
  // Terminated pods keep their addresses in the manifest but not in the bundle.
  for (const ip of manifestPodIPs(objects)) podIPs.add(ip);
  for (const policy of bundle.policies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const peer of rule.peers ?? []) {
        if (peer.kind !== 'ipBlock') continue;
        for (const cidr of [peer.cidr, ...peer.except]) cidrEdges(cidr).forEach((ip) => blockIPs.add(ip));
      }
      for (const port of rule.ports ?? []) {
        if (port.kind === 'range') addEdges(port.from, port.to);
      }
    }
  }
  // Only bundles with tiers have these: the pools of other bundles stay as they were.
  for (const policy of bundle.clusterPolicies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const peer of rule.peers) {
        if (peer.kind === 'networks') for (const cidr of peer.cidrs) cidrEdges(cidr).forEach((ip) => networkIPs.add(ip));
      }
      for (const port of rule.ports ?? []) {
        if (port.kind === 'range') addEdges(port.from, port.to);
        if (port.kind === 'number') ports.add(port.port);
      }
    }
  }
  return {
    refs: [...refs],
    podIPs: [...podIPs],
    hostIPs: [...hostIPs],
    blockIPs: [...blockIPs],
    nodeIPs: [...new Set(bundle.nodes.flatMap((node) => node.addresses))],
    networkIPs: [...networkIPs],
    namespaces: [...bundle.namespaces.map((ns) => ns.name), UNKNOWN_NAMESPACE],
    edgePorts: [...edgePorts],
    ports: [...ports],
  };
}

function manifestPodIPs(objects: readonly unknown[]): string[] {
  const ips: string[] = [];
  for (const object of objects) {
    const pod = object as { kind?: unknown; status?: { podIP?: unknown; podIPs?: { ip?: unknown }[] } };
    if (pod?.kind !== 'Pod' || !pod.status) continue;
    for (const text of [pod.status.podIP, ...(pod.status.podIPs ?? []).map((entry) => entry?.ip)]) {
      const ip = typeof text === 'string' ? parseIP(text) : undefined;
      if (ip) ips.push(formatIP(ip));
    }
  }
  return ips;
}

function cidrEdges(cidr: CIDR): string[] {
  const bits = BigInt(familyBits(cidr.family));
  const size = 1n << (bits - BigInt(cidr.prefix));
  const last = cidr.base + size - 1n;
  const max = (1n << bits) - 1n;
  return [cidr.base - 1n, cidr.base, last, last + 1n]
    .filter((value) => value >= 0n && value <= max)
    .map((value) => formatIP({ family: cidr.family, value }));
}

/** Where a flow endpoint comes from; `pick` chooses from the matching pool of FlowTargets (see choose). */
export type EndpointPlan =
  | { readonly by: 'ref' | 'podIP' | 'hostIP' | 'blockIP' | 'nodeIP' | 'networkIP'; readonly pick: number }
  | { readonly by: 'unknownRef' }
  | { readonly by: 'ip'; readonly ip: string }
  | { readonly by: 'adhoc'; readonly pick: number; readonly labels: Record<string, string>; readonly ports?: K8sObject[] };

export interface FlowPlan {
  readonly src: EndpointPlan;
  readonly dst: EndpointPlan;
  readonly protocol: string | number | undefined;
  readonly port: { readonly from: 'edgePorts' | 'ports'; readonly pick: number } | { readonly value: number };
}

/** A point on the 16-bit hash circle of `choose`. */
const pickArbitrary = fc.nat(0xffff);

/** Addresses no pool holds: anywhere, near the pod ranges, and IPv4-mapped IPv6 (which is IPv6). */
const randomIP: fc.Arbitrary<string> = weighted(
  [2, fc.nat(255).map((n) => `10.0.0.${n}`)],
  [1, fc.nat(0xffff).map((n) => `fd00::${n.toString(16)}`)],
  [1, fc.nat(0xffffffff).map((n) => formatIP({ family: 4, value: BigInt(n) }))],
  [1, fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map((value) => formatIP({ family: 6, value }))],
  [1, fc.nat(15).map((n) => `::ffff:10.0.0.${n}`)],
);

const adHocPortArbitrary: fc.Arbitrary<K8sObject> = fc
  .record({
    name: weighted([1, absent], [3, fc.constantFrom(...VOCABULARY.portNames)]),
    port: fc.constantFrom(...VOCABULARY.portNumbers),
    protocol: weighted([1, absent], [1, fc.constantFrom(...PROTOCOLS)]),
  })
  .map(defined);

const endpointPlanChoices: [number, fc.Arbitrary<EndpointPlan>][] = [
  [16, fc.record({ by: fc.constant('ref' as const), pick: pickArbitrary })],
  [8, fc.record({ by: fc.constant('podIP' as const), pick: pickArbitrary })],
  [2, fc.record({ by: fc.constant('hostIP' as const), pick: pickArbitrary })],
  [4, fc.record({ by: fc.constant('blockIP' as const), pick: pickArbitrary })],
  [2, fc.record({ by: fc.constant('ip' as const), ip: randomIP })],
  [
    6,
    fc
      .record({
        by: fc.constant('adhoc' as const),
        pick: pickArbitrary,
        labels: labelsArbitrary(VOCABULARY.podLabels),
        ports: weighted([2, absent], [1, fc.uniqueArray(adHocPortArbitrary, { minLength: 1, maxLength: 2, selector: (p) => p.name ?? p.port })]),
      })
      .map((plan) => defined(plan) as unknown as EndpointPlan),
  ],
  [1, fc.constant({ by: 'unknownRef' as const })],
];

/** With tiers, endpoints also come from Node addresses and the edges of `networks` CIDRs. */
const tierEndpointPlanChoices: [number, fc.Arbitrary<EndpointPlan>][] = [
  [6, fc.record({ by: fc.constant('nodeIP' as const), pick: pickArbitrary })],
  [4, fc.record({ by: fc.constant('networkIP' as const), pick: pickArbitrary })],
];

function flowPlanArbitraryOf(endpoint: fc.Arbitrary<EndpointPlan>): fc.Arbitrary<FlowPlan> {
  return fc.record({
    src: endpoint,
    dst: endpoint,
    // Mostly TCP, as most rules are; absent is TCP; the decoder also takes lower case and IANA numbers.
    protocol: weighted([6, fc.constant('TCP')], [4, fc.constantFrom('UDP', 'SCTP')], [2, absent], [1, fc.constantFrom('udp', 'sctp', 6, 17, 132)]),
    port: weighted<FlowPlan['port']>(
      [3, fc.record({ from: fc.constant('edgePorts' as const), pick: pickArbitrary })],
      [3, fc.record({ from: fc.constant('ports' as const), pick: pickArbitrary })],
      [1, fc.record({ value: fc.integer({ min: 1, max: 65535 }) })],
    ),
  });
}

export const flowPlanArbitrary: fc.Arbitrary<FlowPlan> = flowPlanArbitraryOf(weighted(...endpointPlanChoices));

/** Flow plans for bundles with tiers: more endpoints at Node addresses and `networks` edges. */
export const tieredFlowPlanArbitrary: fc.Arbitrary<FlowPlan> = flowPlanArbitraryOf(weighted(...endpointPlanChoices, ...tierEndpointPlanChoices));

/**
 * The pool member whose hash is the first at or after `pick` (cyclically). Unlike an index, the
 * choice survives the removal of any other member, so a flow keeps naming the same pod while
 * fast-check shrinks the rest of the bundle away.
 */
function choose<T extends string | number>(pool: readonly T[], pick: number): T | undefined {
  let best: { member: T; distance: number } | undefined;
  for (const member of pool) {
    const distance = (hash16(String(member)) - pick + 0x10000) % 0x10000;
    if (!best || distance < best.distance || (distance === best.distance && String(member) < String(best.member))) {
      best = { member, distance };
    }
  }
  return best?.member;
}

/** FNV-1a, folded to 16 bits. */
function hash16(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return (hash ^ (hash >>> 16)) & 0xffff;
}

/** The flow JSON a plan stands for against `targets`; an empty pool falls back to an ad-hoc pod. */
export function realizeFlow(plan: FlowPlan, targets: FlowTargets): FlowJSON {
  const endpoint = (p: EndpointPlan): EndpointJSON => {
    switch (p.by) {
      case 'ref':
        return choose(targets.refs, p.pick) ?? { namespace: targets.namespaces[0]!, labels: {} };
      case 'podIP':
      case 'hostIP':
      case 'blockIP':
      case 'nodeIP':
      case 'networkIP': {
        const pool = { podIP: targets.podIPs, hostIP: targets.hostIPs, blockIP: targets.blockIPs, nodeIP: targets.nodeIPs, networkIP: targets.networkIPs }[p.by];
        return choose(pool, p.pick) ?? { namespace: targets.namespaces[0]!, labels: {} };
      }
      case 'ip':
        return p.ip;
      case 'unknownRef':
        return `${targets.namespaces[0]}/ghost`;
      case 'adhoc':
        return defined({ namespace: choose(targets.namespaces, p.pick)!, labels: p.labels, ports: p.ports }) as EndpointJSON;
    }
  };
  const port = 'value' in plan.port ? plan.port.value : (choose(targets[plan.port.from], plan.port.pick) ?? choose(targets.ports, plan.port.pick)!);
  return defined({ src: endpoint(plan.src), dst: endpoint(plan.dst), protocol: plan.protocol, port }) as unknown as FlowJSON;
}

/** Random flows against one ingested bundle (`objects` add the addresses of terminated pods). */
export function flowArbitrary(bundle: Bundle, objects: readonly unknown[] = [], options: { tiers?: boolean } = {}): fc.Arbitrary<FlowJSON> {
  const targets = flowTargets(bundle, objects);
  return (options.tiers ? tieredFlowPlanArbitrary : flowPlanArbitrary).map((plan) => realizeFlow(plan, targets));
}

export interface Scenario {
  readonly objects: K8sObject[];
  readonly flows: FlowJSON[];
}

/**
 * A bundle and flows against it. Flows are drawn as plans and realized after ingest, so fast-check
 * shrinks the bundle and the flows independently (a plan keeps pointing at a pod while others go).
 */
export function scenarioArbitrary(options: BundleArbitraryOptions & { flows?: number } = {}): fc.Arbitrary<Scenario> {
  // Lengths spread evenly over 1..2n-1: about n flows a bundle, and shrinkable down to one.
  const flows = options.flows ?? 30;
  const plan = options.tiers ? tieredFlowPlanArbitrary : flowPlanArbitrary;
  return fc
    .tuple(bundleObjectsArbitrary(options), fc.array(plan, { minLength: 1, maxLength: 2 * flows - 1, size: 'max' }))
    .map(([objects, plans]) => {
      const bundle = ingestObjects(objects).bundle;
      // An invalid bundle has no targets; the validity property reports it.
      const targets = bundle ? flowTargets(bundle, objects) : EMPTY_TARGETS;
      return { objects, flows: plans.map((plan) => realizeFlow(plan, targets)) };
    });
}

const EMPTY_TARGETS: FlowTargets = { refs: [], podIPs: [], hostIPs: [], blockIPs: [], nodeIPs: [], networkIPs: [], namespaces: [UNKNOWN_NAMESPACE], edgePorts: [], ports: [1, 65535] };
