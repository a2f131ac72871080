/**
 * @module Synthetic clusters and flows for the benchmarks: deterministic (a seeded PRNG, never
 * Math.random), shaped like a real multi-team cluster (team/env namespaces, tiered workloads with
 * several replicas, a default-deny-ingress per namespace plus allow rules, egress lockdown with DNS
 * in some namespaces), with exact pod and policy counts per size.
 */
import type { Bundle, ContainerPort, Pod, Protocol } from '../src/model/bundle.js';
import type { EndpointSpec, Flow } from '../src/model/flow.js';

// ---------------------------------------------------------------------------------------------
// Sizes

export type SizeName = 'S' | 'M' | 'L';
export const SIZE_NAMES: readonly SizeName[] = ['S', 'M', 'L'];

export interface ClusterShape {
  /** Pods in the bundle, system pods included: exact. */
  readonly pods: number;
  /** NetworkPolicies: exact. */
  readonly policies: number;
  /** Application namespaces; kube-system, monitoring and ingress-nginx come on top. */
  readonly namespaces: number;
}

export const SIZES: Readonly<Record<SizeName, ClusterShape>> = {
  S: { pods: 100, policies: 20, namespaces: 4 },
  M: { pods: 10_000, policies: 1_000, namespaces: 100 },
  L: { pods: 100_000, policies: 10_000, namespaces: 1_000 },
};

export function isSizeName(text: string): text is SizeName {
  return (SIZE_NAMES as readonly string[]).includes(text);
}

// ---------------------------------------------------------------------------------------------
// PRNG

/** mulberry32: tiny, fast and good enough to pick names and shapes; the same seed, the same cluster. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)]!;
  }

  /** Picks by weight: `[[item, weight], ...]`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, w]) => sum + w, 0);
    let x = this.next() * total;
    for (const [item, weight] of choices) {
      x -= weight;
      if (x < 0) return item;
    }
    return choices[choices.length - 1]![0];
  }

  /** Lower-case characters from `alphabet`, as controllers make name suffixes. */
  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }
}

/** A distinct stream per purpose, so that adding a draw in one place does not reshuffle the rest. */
function stream(seed: number, purpose: number): Random {
  return new Random(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(purpose + 1, 0xc2b2ae35));
}

// ---------------------------------------------------------------------------------------------
// Workload archetypes

type WorkloadKind = 'Deployment' | 'StatefulSet';

interface PortSpec {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: Protocol;
}

interface Archetype {
  readonly tier: string;
  readonly kind: WorkloadKind;
  readonly names: readonly string[];
  readonly ports: readonly PortSpec[];
  readonly replicas: readonly [number, number];
  readonly weight: number;
  /** The port name its clients call. */
  readonly service: string;
}

const HTTP: PortSpec = { name: 'http', containerPort: 8080 };
const GRPC: PortSpec = { name: 'grpc', containerPort: 9000 };
const METRICS: PortSpec = { name: 'metrics', containerPort: 9090 };

const ARCHETYPES: readonly Archetype[] = [
  {
    tier: 'frontend',
    kind: 'Deployment',
    names: ['web', 'storefront', 'dashboard', 'portal', 'landing', 'admin-ui'],
    ports: [HTTP, METRICS],
    replicas: [2, 6],
    weight: 20,
    service: 'http',
  },
  {
    tier: 'api',
    kind: 'Deployment',
    names: ['api', 'checkout', 'payments', 'orders', 'catalog', 'search', 'auth', 'users', 'billing', 'inventory'],
    // The unnamed admin port is addressed by number only, as many real pods are.
    ports: [HTTP, GRPC, METRICS, { containerPort: 8081 }],
    replicas: [2, 8],
    weight: 35,
    service: 'grpc',
  },
  {
    tier: 'worker',
    kind: 'Deployment',
    names: ['worker', 'mailer', 'indexer', 'scheduler', 'reporter', 'exporter'],
    ports: [METRICS, { name: 'statsd', containerPort: 8125, protocol: 'UDP' }],
    replicas: [1, 4],
    weight: 20,
    service: 'statsd',
  },
  {
    tier: 'cache',
    kind: 'StatefulSet',
    names: ['redis', 'memcached'],
    ports: [{ name: 'redis', containerPort: 6379 }, { name: 'metrics', containerPort: 9121 }],
    replicas: [1, 3],
    weight: 10,
    service: 'redis',
  },
  {
    tier: 'db',
    kind: 'StatefulSet',
    names: ['postgres', 'mysql', 'mongo'],
    ports: [{ name: 'db', containerPort: 5432 }, { name: 'metrics', containerPort: 9187 }],
    replicas: [1, 3],
    weight: 15,
    service: 'db',
  },
];

/** An Envoy sidecar on some workloads: a second container whose named ports also resolve. */
const SIDECAR_PORTS: readonly PortSpec[] = [
  { name: 'envoy-admin', containerPort: 15000 },
  { name: 'envoy-metrics', containerPort: 15090 },
];

const TEAMS = [
  'payments', 'search', 'growth', 'identity', 'platform', 'data', 'mobile', 'checkout', 'catalog',
  'ads', 'risk', 'support', 'media', 'infra', 'ml', 'billing', 'ledger', 'shipping', 'pricing', 'social',
];
const ENVS = ['prod', 'staging', 'dev'] as const;

/** The alphabet of pod-template-hash and of generated name suffixes (k8s rand.SafeEncodeString). */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

// ---------------------------------------------------------------------------------------------
// Addresses

const NODE_IPV4_BASE = ipv4ToInt('172.16.0.10');
/** Pod CIDR 10.64.0.0/10, a /24 per node: pods of one node share a prefix, as with most CNIs. */
const POD_IPV4_BASE = ipv4ToInt('10.64.0.0');
const PODS_PER_NODE_MAX = 250;
/** About one node per 60 pods; a third of the nodes are dual-stack, and so are their pods. */
const PODS_PER_NODE = 60;

interface Node {
  readonly name: string;
  readonly index: number;
  readonly ipv4: string;
  readonly ipv6: string | undefined;
  used: number;
}

function ipv4ToInt(text: string): number {
  return text.split('.').reduce((v, octet) => v * 256 + Number(octet), 0);
}

function intToIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function makeNodes(count: number, random: Random): Node[] {
  return Array.from({ length: count }, (_, index) => ({
    name: `node-${index}`,
    index,
    ipv4: intToIPv4(NODE_IPV4_BASE + index),
    ipv6: random.chance(1 / 3) ? `fd00:172:16::${(index + 10).toString(16)}` : undefined,
    used: 0,
  }));
}

/** A node with room for one more pod, and that pod's addresses on it. */
function placePod(nodes: Node[], random: Random): { node: Node; ipv4: string; ipv6: string | undefined } {
  let node = random.pick(nodes);
  // Nodes are sized so that a full one is rare; walk on to the next with room.
  while (node.used >= PODS_PER_NODE_MAX) node = nodes[(node.index + 1) % nodes.length]!;
  const slot = ++node.used;
  return {
    node,
    ipv4: intToIPv4(POD_IPV4_BASE + node.index * 256 + slot),
    ipv6: node.ipv6 === undefined ? undefined : `fd00:10:${node.index.toString(16)}::${slot.toString(16)}`,
  };
}

// ---------------------------------------------------------------------------------------------
// The cluster

export interface WorkloadInfo {
  readonly namespace: string;
  readonly name: string;
  readonly kind: WorkloadKind | 'DaemonSet';
  readonly tier: string;
  readonly replicas: number;
}

export interface NamespaceInfo {
  readonly name: string;
  readonly team: string;
  readonly env: string;
  /** The namespace locks egress down (default-deny-egress with a DNS allowance). */
  readonly egressLocked: boolean;
  readonly pods: number;
  readonly policies: number;
}

export interface GeneratedCluster {
  /** Plain Kubernetes objects: Namespaces, Pods, NetworkPolicies; ready for ingestObjects. */
  readonly objects: unknown[];
  readonly size: SizeName | 'custom';
  readonly seed: number;
  readonly shape: ClusterShape;
  readonly counts: { readonly namespaces: number; readonly pods: number; readonly policies: number; readonly nodes: number };
  readonly namespaces: readonly NamespaceInfo[];
  readonly workloads: readonly WorkloadInfo[];
}

interface AppWorkload {
  readonly name: string;
  readonly archetype: Archetype;
  readonly replicas: number;
  readonly sidecar: boolean;
}

interface AppNamespace {
  readonly name: string;
  readonly team: string;
  readonly env: (typeof ENVS)[number];
  readonly podBudget: number;
  readonly workloads: AppWorkload[];
  egressLocked: boolean;
  policyQuota: number;
}

/** Pods every size has outside the application namespaces (node-exporter comes on top, one per node). */
const SYSTEM_WORKLOADS = [
  { namespace: 'kube-system', name: 'coredns', replicas: 2 },
  { namespace: 'monitoring', name: 'prometheus', replicas: 1 },
  { namespace: 'ingress-nginx', name: 'ingress-nginx-controller', replicas: 2 },
] as const;

export function generateCluster(size: SizeName | ClusterShape, seed: number): GeneratedCluster {
  const shape = typeof size === 'string' ? SIZES[size] : size;
  const nodeCount = Math.max(2, Math.ceil(shape.pods / PODS_PER_NODE));
  const systemPods = SYSTEM_WORKLOADS.reduce((sum, w) => sum + w.replicas, 0) + nodeCount;
  const appPods = shape.pods - systemPods;
  if (appPods < shape.namespaces) {
    throw new Error(`${shape.pods} pods are too few for ${shape.namespaces} namespaces and ${systemPods} system pods`);
  }

  const nodes = makeNodes(nodeCount, stream(seed, 1));
  const namespaces = planNamespaces(shape, appPods, stream(seed, 2));
  assignPolicyQuotas(namespaces, shape.policies, stream(seed, 3));

  const objects: unknown[] = [];
  const workloads: WorkloadInfo[] = [];
  const placement = stream(seed, 4);
  const names = stream(seed, 5);

  for (const name of ['kube-system', 'monitoring', 'ingress-nginx']) objects.push(namespaceObject(name, { team: 'platform', env: 'prod' }));
  for (const ns of namespaces) objects.push(namespaceObject(ns.name, { team: ns.team, env: ns.env }));

  objects.push(...makeSystemPods(nodes, placement, names, workloads));
  for (const ns of namespaces) {
    for (const workload of ns.workloads) {
      objects.push(...workloadPods(ns, workload, nodes, placement, names));
      workloads.push({
        namespace: ns.name,
        name: workload.name,
        kind: workload.archetype.kind,
        tier: workload.archetype.tier,
        replicas: workload.replicas,
      });
    }
  }

  const policyRandom = stream(seed, 6);
  let policyCount = 0;
  for (const ns of namespaces) {
    const policies = namespacePolicies(ns, namespaces, policyRandom);
    policyCount += policies.length;
    objects.push(...policies);
  }
  if (policyCount !== shape.policies) throw new Error(`generated ${policyCount} policies, expected ${shape.policies}`);

  return {
    objects,
    size: typeof size === 'string' ? size : 'custom',
    seed,
    shape,
    counts: { namespaces: namespaces.length + 3, pods: shape.pods, policies: policyCount, nodes: nodeCount },
    namespaces: namespaces.map((ns) => ({
      name: ns.name,
      team: ns.team,
      env: ns.env,
      egressLocked: ns.egressLocked,
      pods: ns.podBudget,
      policies: ns.policyQuota,
    })),
    workloads,
  };
}

/** Namespaces `team-env`, with skewed pod budgets (a few big ones, many small) summing exactly. */
function planNamespaces(shape: ClusterShape, appPods: number, random: Random): AppNamespace[] {
  const weights = Array.from({ length: shape.namespaces }, () => 0.2 + random.next() ** 3 * 4);
  // Every namespace gets one pod up front, the rest by weight.
  const budgets = apportion(appPods - shape.namespaces, weights).map((n) => n + 1);
  return budgets.map((podBudget, i) => {
    const teamIndex = Math.floor(i / ENVS.length);
    const team = teamIndex < TEAMS.length ? TEAMS[teamIndex]! : `${TEAMS[teamIndex % TEAMS.length]}${Math.floor(teamIndex / TEAMS.length)}`;
    const env = ENVS[i % ENVS.length]!;
    return {
      name: `${team}-${env}`,
      team,
      env,
      podBudget,
      workloads: planWorkloads(podBudget, random),
      egressLocked: false,
      policyQuota: 0,
    };
  });
}

/** Workloads filling a pod budget exactly; the last one takes what is left. */
function planWorkloads(podBudget: number, random: Random): AppWorkload[] {
  const workloads: AppWorkload[] = [];
  const used = new Map<string, number>();
  let left = podBudget;
  while (left > 0) {
    const archetype = random.weighted(ARCHETYPES.map((a) => [a, a.weight] as const));
    const base = random.pick(archetype.names);
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    const replicas = Math.min(left, random.between(archetype.replicas[0], archetype.replicas[1]));
    left -= replicas;
    workloads.push({
      name: n === 1 ? base : `${base}-${n}`,
      archetype,
      replicas,
      sidecar: archetype.kind === 'Deployment' && random.chance(0.2),
    });
  }
  return workloads;
}

/**
 * Splits the policy count: one default-deny-ingress per namespace first, the rest by the number of
 * workloads (bigger namespaces have more rules). A namespace with room for four or more locks
 * egress down with a quarter's probability.
 */
function assignPolicyQuotas(namespaces: AppNamespace[], policies: number, random: Random): void {
  if (policies < namespaces.length) {
    for (let i = 0; i < namespaces.length; i++) namespaces[i]!.policyQuota = i < policies ? 1 : 0;
    return;
  }
  const extra = apportion(policies - namespaces.length, namespaces.map((ns) => ns.workloads.length));
  namespaces.forEach((ns, i) => {
    ns.policyQuota = 1 + extra[i]!;
    ns.egressLocked = ns.policyQuota >= 1 + EGRESS_POLICIES && random.chance(0.25);
  });
}

/** Largest-remainder apportionment: integers proportional to `weights` that sum to `total`. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (sum === 0 ? total / weights.length : (total * w) / sum));
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    out[i]!++;
  }
  return out;
}

function namespaceObject(name: string, labels: { team: string; env: string }): unknown {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...labels } } };
}

interface PodArgs {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly containers: readonly { name: string; image: string; ports: readonly PortSpec[] }[];
  readonly node: Node;
  readonly ipv4: string;
  readonly ipv6: string | undefined;
  readonly hostNetwork?: boolean;
  /** The controller that made the pod, as a live pod lists it in ownerReferences. */
  readonly owner: { readonly kind: 'ReplicaSet' | 'StatefulSet' | 'DaemonSet'; readonly name: string };
}

function podObject(args: PodArgs): unknown {
  const podIPs = args.ipv6 === undefined ? [{ ip: args.ipv4 }] : [{ ip: args.ipv4 }, { ip: args.ipv6 }];
  const hostIPs = args.node.ipv6 === undefined ? [{ ip: args.node.ipv4 }] : [{ ip: args.node.ipv4 }, { ip: args.node.ipv6 }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: args.name,
      namespace: args.namespace,
      labels: args.labels,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: args.owner.kind, name: args.owner.name, controller: true }],
    },
    spec: {
      nodeName: args.node.name,
      ...(args.hostNetwork ? { hostNetwork: true } : {}),
      containers: args.containers.map((c) => ({
        name: c.name,
        image: c.image,
        ports: c.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' })),
      })),
    },
    status: { phase: 'Running', hostIP: args.node.ipv4, hostIPs, podIP: args.ipv4, podIPs },
  };
}

/** coredns, prometheus, the ingress controller, and a hostNetwork node-exporter on every node. */
function makeSystemPods(nodes: Node[], placement: Random, names: Random, workloads: WorkloadInfo[]): unknown[] {
  const pods: unknown[] = [];
  const taken = new Set<string>();
  const specs: Record<(typeof SYSTEM_WORKLOADS)[number]['name'], { labels: Record<string, string>; ports: PortSpec[]; kind: WorkloadKind }> = {
    coredns: {
      labels: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', containerPort: 53, protocol: 'UDP' },
        { name: 'dns-tcp', containerPort: 53 },
        { name: 'metrics', containerPort: 9153 },
      ],
      kind: 'Deployment',
    },
    prometheus: { labels: { app: 'prometheus', tier: 'monitoring' }, ports: [{ name: 'web', containerPort: 9090 }], kind: 'StatefulSet' },
    'ingress-nginx-controller': {
      labels: { app: 'ingress-nginx', tier: 'edge' },
      ports: [{ name: 'http', containerPort: 80 }, { name: 'https', containerPort: 443 }, { name: 'metrics', containerPort: 10254 }],
      kind: 'Deployment',
    },
  };
  for (const w of SYSTEM_WORKLOADS) {
    const spec = specs[w.name];
    const hash = names.chars(SAFE_ALPHABET, 10);
    for (let r = 0; r < w.replicas; r++) {
      const { node, ipv4, ipv6 } = placePod(nodes, placement);
      const sts = spec.kind === 'StatefulSet';
      pods.push(
        podObject({
          namespace: w.namespace,
          name: sts ? `${w.name}-${r}` : uniqueName(`${w.name}-${hash}-`, taken, names),
          labels: { ...spec.labels, ...(sts ? { 'controller-revision-hash': `${w.name}-${hash}` } : { 'pod-template-hash': hash }) },
          containers: [{ name: w.name, image: `registry.k8s.io/${w.name}:v1`, ports: spec.ports }],
          node,
          ipv4,
          ipv6,
          owner: sts ? { kind: 'StatefulSet', name: w.name } : { kind: 'ReplicaSet', name: `${w.name}-${hash}` },
        }),
      );
    }
    workloads.push({ namespace: w.namespace, name: w.name, kind: spec.kind, tier: spec.labels.tier ?? 'system', replicas: w.replicas });
  }
  // hostNetwork pods: their IP is their node's, so they are never selected and never resolved by IP.
  for (const node of nodes) {
    pods.push(
      podObject({
        namespace: 'monitoring',
        name: uniqueName('node-exporter-', taken, names),
        labels: { app: 'node-exporter', tier: 'monitoring', 'controller-revision-hash': 'node-exporter-7c9d8f6b5' },
        containers: [{ name: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1', ports: [{ name: 'metrics', containerPort: 9100 }] }],
        node,
        ipv4: node.ipv4,
        ipv6: node.ipv6,
        hostNetwork: true,
        owner: { kind: 'DaemonSet', name: 'node-exporter' },
      }),
    );
  }
  workloads.push({ namespace: 'monitoring', name: 'node-exporter', kind: 'DaemonSet', tier: 'monitoring', replicas: nodes.length });
  return pods;
}

/**
 * `prefix` plus a random 5-character suffix, as a ReplicaSet or DaemonSet names its pods; redrawn on
 * a clash (1,700 node-exporters in one namespace would otherwise collide now and then).
 */
function uniqueName(prefix: string, taken: Set<string>, random: Random): string {
  let name: string;
  do name = prefix + random.chars(SAFE_ALPHABET, 5);
  while (taken.has(name));
  taken.add(name);
  return name;
}

/** A workload's replicas as plain Pods: names and hash labels as the controllers make them. */
function workloadPods(ns: AppNamespace, workload: AppWorkload, nodes: Node[], placement: Random, names: Random): unknown[] {
  const { archetype } = workload;
  const hash = names.chars(SAFE_ALPHABET, 10);
  const containers = [
    { name: workload.name, image: `registry.example.com/${ns.team}/${workload.name}:1.${names.int(40)}`, ports: archetype.ports },
    ...(workload.sidecar ? [{ name: 'envoy', image: 'envoyproxy/envoy:v1.30', ports: SIDECAR_PORTS }] : []),
  ];
  const pods: unknown[] = [];
  const taken = new Set<string>();
  for (let r = 0; r < workload.replicas; r++) {
    const { node, ipv4, ipv6 } = placePod(nodes, placement);
    const sts = archetype.kind === 'StatefulSet';
    const name = sts ? `${workload.name}-${r}` : uniqueName(`${workload.name}-${hash}-`, taken, names);
    const labels: Record<string, string> = { app: workload.name, tier: archetype.tier };
    if (sts) {
      labels['controller-revision-hash'] = `${workload.name}-${hash}`;
      labels['statefulset.kubernetes.io/pod-name'] = name;
    } else {
      labels['pod-template-hash'] = hash;
    }
    const owner = sts ? { kind: 'StatefulSet' as const, name: workload.name } : { kind: 'ReplicaSet' as const, name: `${workload.name}-${hash}` };
    pods.push(podObject({ namespace: ns.name, name, labels, containers, node, ipv4, ipv6, owner }));
  }
  return pods;
}

// ---------------------------------------------------------------------------------------------
// Policies

const EGRESS_POLICIES = 3;
const NAME_LABEL = 'kubernetes.io/metadata.name';

function policy(namespace: string, name: string, spec: Record<string, unknown>): unknown {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

/**
 * Exactly `ns.policyQuota` policies: default deny first, then the egress lockdown, then
 * namespace-wide rules by tier (as teams usually write them), then rules for single workloads.
 */
function namespacePolicies(ns: AppNamespace, all: readonly AppNamespace[], random: Random): unknown[] {
  const out: unknown[] = [];
  const add = (name: string, spec: Record<string, unknown>): void => {
    if (out.length < ns.policyQuota) out.push(policy(ns.name, name, spec));
  };
  add('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
  if (ns.egressLocked) out.push(...egressPolicies(ns.name));
  for (const [name, spec] of tierPolicies(ns)) add(name, spec);

  // Then rules for single workloads, cycling over them with a template suited to each tier.
  const used = new Set<string>();
  for (let k = 0; out.length < ns.policyQuota; k++) {
    const workload = ns.workloads[k % ns.workloads.length]!;
    const template = random.pick(TEMPLATES_BY_TIER[workload.archetype.tier]!);
    let name = `allow-${workload.name}-${template.suffix}`;
    for (let n = 2; used.has(name); n++) name = `allow-${workload.name}-${template.suffix}-${n}`;
    used.add(name);
    add(name, template.spec(workload, ns, all, random));
  }
  return out;
}

/** Rules covering every workload of a tier, for the tiers the namespace has. */
function tierPolicies(ns: AppNamespace): [string, Record<string, unknown>][] {
  const tiers = new Set(ns.workloads.map((w) => w.archetype.tier));
  const tierIn = (...values: string[]): unknown => ({ matchExpressions: [{ key: 'tier', operator: 'In', values }] });
  const rules: [string, Record<string, unknown>][] = [
    [
      'allow-metrics-from-prometheus',
      {
        podSelector: {},
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { [NAME_LABEL]: 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }],
            ports: [{ port: 'metrics' }, { port: 'envoy-metrics' }],
          },
        ],
      },
    ],
  ];
  if (tiers.has('api')) {
    rules.push([
      'allow-api-from-callers',
      {
        podSelector: { matchLabels: { tier: 'api' } },
        ingress: [{ from: [{ podSelector: tierIn('frontend', 'api', 'worker') }], ports: [{ port: 'http' }, { port: 'grpc' }] }],
      },
    ]);
  }
  if (tiers.has('frontend')) rules.push(['allow-frontend-from-ingress', fromIngress({ matchLabels: { tier: 'frontend' } })]);
  if (tiers.has('db') || tiers.has('cache')) {
    rules.push([
      'allow-stores-from-clients',
      {
        podSelector: tierIn('db', 'cache'),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: tierIn('api', 'worker') }], ports: [{ port: 'db' }, { port: 'redis' }] }],
      },
    ]);
  }
  return rules;
}

/** Default-deny-egress with the DNS allowance, egress within the namespace, and HTTPS to the internet. */
function egressPolicies(namespace: string): unknown[] {
  return [
    policy(namespace, 'default-deny-egress-allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { [NAME_LABEL]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        },
      ],
    }),
    policy(namespace, 'allow-egress-same-namespace', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: {} }] }],
    }),
    policy(namespace, 'allow-egress-internet-https', {
      podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['api', 'frontend'] }] },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } },
            { ipBlock: { cidr: '::/0', except: ['fd00::/8'] } },
          ],
          ports: [{ protocol: 'TCP', port: 443 }],
        },
      ],
    }),
  ];
}

interface PolicyTemplate {
  readonly suffix: string;
  spec(workload: AppWorkload, ns: AppNamespace, all: readonly AppNamespace[], random: Random): Record<string, unknown>;
}

const selectApp = (workload: AppWorkload): unknown => ({ matchLabels: { app: workload.name } });

/** From the frontends and APIs of the same namespace, on the named http port. */
const FROM_FRONTEND: PolicyTemplate = {
  suffix: 'from-frontend',
  spec: (w) => ({
    podSelector: selectApp(w),
    ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'frontend' } } }], ports: [{ port: 'http' }] }],
  }),
};

/** From the ingress controller, and from the corporate network by ipBlock (pod CIDRs excepted). */
function fromIngress(podSelector: unknown): Record<string, unknown> {
  return {
    podSelector,
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [
          { namespaceSelector: { matchLabels: { [NAME_LABEL]: 'ingress-nginx' } }, podSelector: { matchLabels: { app: 'ingress-nginx' } } },
          { ipBlock: { cidr: '10.0.0.0/8', except: ['10.64.0.0/10', '10.0.0.0/16'] } },
          { ipBlock: { cidr: 'fd00::/8', except: ['fd00:10::/32'] } },
        ],
        ports: [{ protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 8080 }],
      },
    ],
  };
}

const FROM_INGRESS: PolicyTemplate = { suffix: 'from-ingress', spec: (w) => fromIngress(selectApp(w)) };

/** Prometheus scrapes the named metrics port from the monitoring namespace. */
const FROM_MONITORING: PolicyTemplate = {
  suffix: 'metrics',
  spec: (w) => ({
    podSelector: selectApp(w),
    ingress: [
      {
        from: [{ namespaceSelector: { matchLabels: { [NAME_LABEL]: 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }],
        ports: [{ port: 'metrics' }],
      },
    ],
  }),
};

/** APIs and workers of the same team's namespaces (any env), on the service port and on 9000. */
const FROM_TEAM: PolicyTemplate = {
  suffix: 'from-team',
  spec: (w, ns) => ({
    podSelector: selectApp(w),
    ingress: [
      {
        from: [
          {
            namespaceSelector: { matchLabels: { team: ns.team } },
            podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['api', 'worker'] }] },
          },
        ],
        ports: [{ port: w.archetype.service }, { port: 9000 }],
      },
    ],
  }),
};

/** Another team's callers, from any env but dev (NotIn), on a numeric port range. */
const FROM_OTHER_TEAM: PolicyTemplate = {
  suffix: 'from-partners',
  spec: (w, ns, all, random) => {
    const partner = random.pick(all).team;
    return {
      podSelector: selectApp(w),
      ingress: [
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { team: partner },
                matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }],
              },
              podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db', 'cache'] }] },
            },
            { podSelector: { matchLabels: { tier: 'api' } } },
          ],
          ports: [{ protocol: 'TCP', port: 8000, endPort: 9100 }],
        },
      ],
    };
  },
};

/** Data stores accept their clients of the namespace on the store's named port. */
const FROM_CLIENTS: PolicyTemplate = {
  suffix: 'from-clients',
  spec: (w) => ({
    podSelector: selectApp(w),
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['api', 'worker'] }] } }],
        ports: [{ port: w.archetype.service }],
      },
    ],
  }),
};

/** Workers take statsd (UDP) from the namespace and a UDP range from anywhere in the cluster. */
const UDP_RANGE: PolicyTemplate = {
  suffix: 'udp',
  spec: (w) => ({
    podSelector: selectApp(w),
    ingress: [
      { from: [{ podSelector: {} }], ports: [{ protocol: 'UDP', port: 'statsd' }] },
      { from: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP', port: 30000, endPort: 30100 }] },
    ],
  }),
};

/** Overlaps with the tier rules are deliberate: real namespaces accumulate redundant policies. */
const TEMPLATES_BY_TIER: Readonly<Record<string, readonly PolicyTemplate[]>> = {
  frontend: [FROM_INGRESS, FROM_OTHER_TEAM, FROM_MONITORING],
  api: [FROM_TEAM, FROM_TEAM, FROM_OTHER_TEAM, FROM_FRONTEND],
  worker: [UDP_RANGE, FROM_MONITORING],
  cache: [FROM_TEAM, FROM_CLIENTS],
  db: [FROM_TEAM, FROM_CLIENTS],
};

// ---------------------------------------------------------------------------------------------
// Flows

export type FlowAddressing = 'pod' | 'ip';

/** Internet addresses (documentation ranges and a cloud range) and the corporate network. */
const EXTERNAL_V4 = ['203.0.113.', '198.51.100.', '52.94.', '10.200.'];
const EXTERNAL_V6 = ['2001:db8::', 'fd00:cafe::'];
const OUTBOUND_PORTS = [443, 443, 443, 80, 5432, 22];

/** Who calls whom: the tiers each tier's pods connect to, and the port names they use. */
const CALLS: Readonly<Record<string, readonly string[]>> = {
  frontend: ['api'],
  api: ['api', 'db', 'cache'],
  worker: ['db', 'cache', 'api'],
};
const SERVICE_PORTS: Readonly<Record<string, readonly string[]>> = {
  frontend: ['http'],
  api: ['grpc', 'http'],
  db: ['db'],
  cache: ['redis'],
};

type Scenario =
  | 'service-call'
  | 'team-call'
  | 'from-edge'
  | 'random-pod'
  | 'dns'
  | 'scrape'
  | 'egress-internet'
  | 'ingress-external'
  | 'unserved-port';

const SCENARIOS: readonly (readonly [Scenario, number])[] = [
  ['service-call', 36],
  ['team-call', 12],
  ['from-edge', 6],
  ['random-pod', 8],
  ['dns', 10],
  ['scrape', 6],
  ['egress-internet', 10],
  ['ingress-external', 8],
  ['unserved-port', 4],
];

/** Lookups over the bundle's pods that the scenarios need. */
class PodIndex {
  /** hostNetwork pods are nodes as far as IPs go; they appear only as scrape targets. */
  readonly pods: readonly Pod[];
  readonly hostNetwork: readonly Pod[];
  private readonly byNamespaceTier = new Map<string, Pod[]>();
  private readonly namespacesByTeam = new Map<string, string[]>();
  private readonly teamOf = new Map<string, string>();

  constructor(bundle: Bundle) {
    this.pods = bundle.pods.filter((p) => !p.hostNetwork && p.ips.length > 0 && p.ports.length > 0);
    this.hostNetwork = bundle.pods.filter((p) => p.hostNetwork);
    if (this.pods.length === 0) throw new Error('the bundle has no pods with IPs and ports to make flows with');
    for (const pod of this.pods) {
      for (const key of [pod.namespace, `${pod.namespace}/${pod.labels.tier ?? ''}`, `*/${pod.labels.app ?? ''}`, `*/k8s-app=${pod.labels['k8s-app'] ?? ''}`]) {
        const list = this.byNamespaceTier.get(key);
        if (list) list.push(pod);
        else this.byNamespaceTier.set(key, [pod]);
      }
    }
    for (const ns of bundle.namespaces) {
      const team = ns.labels.team;
      if (team === undefined) continue;
      this.teamOf.set(ns.name, team);
      this.namespacesByTeam.set(team, [...(this.namespacesByTeam.get(team) ?? []), ns.name]);
    }
  }

  /** Pods of a namespace, of one tier when `tier` is given. */
  in(namespace: string, tier?: string): readonly Pod[] {
    return this.byNamespaceTier.get(tier === undefined ? namespace : `${namespace}/${tier}`) ?? [];
  }

  /** Pods of an app (`app`) or of a k8s-app (`k8s-app=name`) in any namespace. */
  app(name: string): readonly Pod[] {
    return this.byNamespaceTier.get(`*/${name}`) ?? [];
  }

  /** The other namespaces of the pod's team. */
  teamNamespaces(namespace: string): readonly string[] {
    const team = this.teamOf.get(namespace);
    return team === undefined ? [] : (this.namespacesByTeam.get(team) ?? []).filter((n) => n !== namespace);
  }
}

/**
 * Flows as a busy cluster makes them: mostly calls along the tier graph (frontend -> api -> stores)
 * within a namespace and to the team's other namespaces, ingress-controller traffic, DNS lookups,
 * Prometheus scrapes, calls out to the internet and requests in from it, and some strays (random
 * pods, ports nobody serves) that policies should deny. `kind` says how pods are addressed: by
 * reference or by IP (IPv6 a third of the time when both ends have one).
 */
export function sampleFlows(bundle: Bundle, count: number, kind: FlowAddressing, seed: number): Flow[] {
  const random = new Random(seed ^ 0x5f3759df);
  const index = new PodIndex(bundle);
  const flows: Flow[] = [];
  while (flows.length < count) {
    const flow = sampleFlow(index, random.weighted(SCENARIOS), kind, random);
    if (flow) flows.push(flow);
  }
  return flows;
}

/** One flow of a scenario; undefined when the bundle has nothing for it (another is drawn). */
function sampleFlow(index: PodIndex, scenario: Scenario, kind: FlowAddressing, random: Random): Flow | undefined {
  const src = random.pick(index.pods);
  switch (scenario) {
    case 'service-call': {
      // Stores call nobody: draw another source.
      const callees = (CALLS[src.labels.tier ?? ''] ?? []).flatMap((tier) => index.in(src.namespace, tier));
      if (callees.length === 0) return undefined;
      const dst = random.pick(callees);
      return podToPod(src, dst, servicePort(dst, random), kind, random);
    }
    case 'team-call': {
      const namespaces = index.teamNamespaces(src.namespace);
      if (namespaces.length === 0) return undefined;
      const namespace = random.pick(namespaces);
      const apis = index.in(namespace, 'api');
      const dst = random.pick(apis.length > 0 ? apis : index.in(namespace));
      return podToPod(src, dst, servicePort(dst, random), kind, random);
    }
    case 'from-edge': {
      const edge = index.app('ingress-nginx');
      const frontends = index.in(src.namespace, 'frontend');
      if (edge.length === 0 || frontends.length === 0) return undefined;
      const dst = random.pick(frontends);
      return podToPod(random.pick(edge), dst, servicePort(dst, random), kind, random);
    }
    case 'random-pod': {
      const dst = random.pick(index.pods);
      return podToPod(src, dst, random.pick(dst.ports), kind, random);
    }
    case 'dns': {
      const dns = index.app('k8s-app=kube-dns');
      if (dns.length === 0) return undefined;
      const port = { protocol: random.chance(0.9) ? ('UDP' as const) : ('TCP' as const), port: 53 };
      return podToPod(src, random.pick(dns), port, kind, random);
    }
    case 'scrape': {
      const prometheus = index.app('prometheus');
      if (prometheus.length === 0) return undefined;
      const target = random.chance(0.2) && index.hostNetwork.length > 0 ? random.pick(index.hostNetwork) : src;
      const port = target.ports.find((p) => p.name === 'metrics') ?? random.pick(target.ports);
      return podToPod(random.pick(prometheus), target, port, kind, random);
    }
    case 'egress-internet': {
      const family = pickFamily(src, undefined, random);
      return { src: address(src, family, kind), dst: { kind: 'ip', ip: externalIP(family, random) }, protocol: 'TCP', port: random.pick(OUTBOUND_PORTS) };
    }
    case 'ingress-external': {
      // Mostly to the ingress controller, the rest straight at a pod (allowed only from the corporate network).
      const edge = index.app('ingress-nginx');
      const dst = edge.length > 0 && random.chance(0.6) ? random.pick(edge) : src;
      const family = pickFamily(dst, undefined, random);
      const port = dst === src ? servicePort(dst, random) : random.pick(dst.ports.filter((p) => p.name !== 'metrics'));
      return { src: { kind: 'ip', ip: externalIP(family, random) }, dst: address(dst, family, kind), protocol: port.protocol, port: port.port };
    }
    case 'unserved-port': {
      const dst = random.pick(index.in(src.namespace));
      const port = { protocol: random.pick(['TCP', 'UDP'] as const), port: random.pick([22, 3306, 6443, 31337]) };
      return podToPod(src, dst, port, kind, random);
    }
  }
}

/** The port clients of the pod's tier call, else any port it serves. */
function servicePort(pod: Pod, random: Random): ContainerPort {
  const names = SERVICE_PORTS[pod.labels.tier ?? ''] ?? [];
  const served = pod.ports.filter((p) => p.name !== undefined && names.includes(p.name));
  return random.pick(served.length > 0 ? served : pod.ports);
}

function podToPod(
  src: Pod,
  dst: Pod,
  port: Pick<ContainerPort, 'protocol' | 'port'>,
  kind: FlowAddressing,
  random: Random,
): Flow {
  const family = pickFamily(src, dst, random);
  return { src: address(src, family, kind), dst: address(dst, family, kind), protocol: port.protocol, port: port.port };
}

/** IPv6 a third of the time when every pod involved has an IPv6 address; IPv4 otherwise. */
function pickFamily(a: Pod, b: Pod | undefined, random: Random): 4 | 6 {
  const v6 = (p: Pod): boolean => p.ips.some((ip) => ip.includes(':'));
  return v6(a) && (b === undefined || v6(b)) && random.chance(1 / 3) ? 6 : 4;
}

function address(pod: Pod, family: 4 | 6, kind: FlowAddressing): EndpointSpec {
  if (kind === 'pod') return { kind: 'ref', ref: pod.ref };
  const ip = pod.ips.find((text) => text.includes(':') === (family === 6)) ?? pod.ips[0]!;
  return { kind: 'ip', ip };
}

function externalIP(family: 4 | 6, random: Random): string {
  if (family === 6) return `${random.pick(EXTERNAL_V6)}${random.between(1, 0xfffe).toString(16)}`;
  const prefix = random.pick(EXTERNAL_V4);
  const missing = 4 - prefix.split('.').filter(Boolean).length;
  return prefix + Array.from({ length: missing }, () => random.between(1, 254)).join('.');
}

/** One flow per line, in the `netpol-edge eval` input format. */
export function flowsToNDJSON(flows: readonly Flow[]): string {
  return flows.map((flow) => JSON.stringify(flowToJSON(flow))).join('\n') + (flows.length > 0 ? '\n' : '');
}

export function flowToJSON(flow: Flow): Record<string, unknown> {
  return { src: endpointToJSON(flow.src), dst: endpointToJSON(flow.dst), protocol: flow.protocol, port: flow.port };
}

function endpointToJSON(endpoint: EndpointSpec): unknown {
  switch (endpoint.kind) {
    case 'ref':
      return endpoint.ref;
    case 'ip':
      return endpoint.ip;
    case 'adhoc':
      return { namespace: endpoint.pod.namespace, labels: { ...endpoint.pod.labels }, ports: endpoint.pod.ports };
  }
}
