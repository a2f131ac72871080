/**
 * @module The cluster of the upstream e2e network-policy suite (test/e2e/network/netpol): namespaces
 * x, y, z, each with pods a, b, c serving ports 80 and 81 on TCP, UDP and SCTP, and a Reachability
 * builder that mirrors upstream's (Expect, ExpectPeer, ExpectAllIngress, ExpectAllEgress,
 * AllowLoopback) to turn each scenario's truth table into flows.
 */
import type { FlowCase } from '../cases/suite.js';

export const NAMESPACES = ['x', 'y', 'z'] as const;
export const POD_NAMES = ['a', 'b', 'c'] as const;
export const PORTS = [80, 81] as const;
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Every pod as `ns/name`, in upstream's order (x/a, x/b, ... z/c). */
export const ALL_PODS: readonly string[] = NAMESPACES.flatMap((ns) => POD_NAMES.map((pod) => `${ns}/${pod}`));

const NAMESPACE_OCTET: Readonly<Record<string, number>> = { x: 1, y: 2, z: 3 };
const POD_OCTET: Readonly<Record<string, number>> = { a: 10, b: 11, c: 12 };

/** Pod IPs: x/a is 10.0.1.10 and fd00::1:10, y/b is 10.0.2.11 and fd00::2:11. */
export function podIPv4(pod: string): string {
  const [ns, name] = pod.split('/') as [string, string];
  return `10.0.${NAMESPACE_OCTET[ns]}.${POD_OCTET[name]}`;
}

export function podIPv6(pod: string): string {
  const [ns, name] = pod.split('/') as [string, string];
  return `fd00::${NAMESPACE_OCTET[ns]}:${POD_OCTET[name]}`;
}

/** The node every pod of this cluster runs on. */
export const NODE_IP = '172.18.0.2';

/**
 * Labels the e2e framework puts on every namespace it creates (framework.CreateNamespace and
 * CreateTestingNS): the suite's pod-security level and the run id. The API server adds
 * `kubernetes.io/metadata.name`; the manifest leaves it out so that our ingest adds it.
 */
const FRAMEWORK_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
  'pod-security.kubernetes.io/enforce': 'baseline',
  'e2e-run': '5f1e4c8e-0000-4000-8000-000000000000',
};

/** Labels added to a namespace or pod by a scenario (AddNamespaceLabel, AddPodLabels). */
export interface ClusterChanges {
  /** Extra labels per namespace, e.g. `{ y: { ns2: 'updated' } }`. */
  readonly namespaceLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Extra labels per pod, e.g. `{ 'x/b': { pod2: 'updated' } }`. */
  readonly podLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

function labelLines(labels: Readonly<Record<string, string>>, indent: string): string {
  return Object.entries(labels)
    .map(([key, value]) => `${indent}${key}: ${JSON.stringify(value)}`)
    .join('\n');
}

/**
 * Upstream's model (test/e2e/network/netpol/model.go, kubemanager.go): namespaces x, y, z created
 * with no labels of their own ("we just need the default kubernetes.io/metadata.name label"), pod
 * label `pod: <name>`, one container per port and protocol named `cont-<port>-<protocol>` whose
 * port is named `serve-<port>-<protocol>`. Upstream creates containers only for the ports and
 * protocols a test probes; this model always has all six, which changes no verdict.
 */
export function clusterManifest(changes: ClusterChanges = {}): string {
  const docs: string[] = [];
  for (const ns of NAMESPACES) {
    const nsLabels = { ...FRAMEWORK_NAMESPACE_LABELS, ...changes.namespaceLabels?.[ns] };
    docs.push(`apiVersion: v1
kind: Namespace
metadata:
  name: "${ns}"
  labels:
${labelLines(nsLabels, '    ')}`);
    for (const name of POD_NAMES) {
      const pod = `${ns}/${name}`;
      const podLabels = { pod: name, ...changes.podLabels?.[pod] };
      const containers = PORTS.flatMap((port) =>
        PROTOCOLS.map(
          (protocol) => `  - name: cont-${port}-${protocol.toLowerCase()}
    image: agnhost
    ports:
    - name: serve-${port}-${protocol.toLowerCase()}
      containerPort: ${port}
      protocol: ${protocol}`,
        ),
      ).join('\n');
      docs.push(`apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: "${ns}"
  labels:
${labelLines(podLabels, '    ')}
spec:
  containers:
${containers}
status:
  phase: Running
  hostIP: ${NODE_IP}
  podIP: ${podIPv4(pod)}
  podIPs:
  - ip: ${podIPv4(pod)}
  - ip: ${podIPv6(pod)}`);
    }
  }
  return docs.join('\n---\n');
}

/** A truth table over ALL_PODS x ALL_PODS, rows = from, columns = to, as upstream prints it. */
export class Reachability {
  private readonly table = new Map<string, boolean>();

  constructor(defaultExpectation: boolean) {
    for (const from of ALL_PODS) for (const to of ALL_PODS) this.table.set(`${from}>${to}`, defaultExpectation);
  }

  expect(from: string, to: string, connected: boolean): this {
    this.table.set(`${from}>${to}`, connected);
    return this;
  }

  /**
   * Upstream's ExpectPeer: `from` and `to` are `{namespace?, pod?}`; an absent part matches every
   * namespace or pod.
   */
  expectPeer(from: PeerPattern, to: PeerPattern, connected: boolean): this {
    for (const f of ALL_PODS.filter((p) => matchesPattern(p, from))) {
      for (const t of ALL_PODS.filter((p) => matchesPattern(p, to))) this.expect(f, t, connected);
    }
    return this;
  }

  expectAllIngress(to: string, connected: boolean): this {
    for (const from of ALL_PODS) this.expect(from, to, connected);
    return this;
  }

  expectAllEgress(from: string, connected: boolean): this {
    for (const to of ALL_PODS) this.expect(from, to, connected);
    return this;
  }

  allowLoopback(): this {
    for (const pod of ALL_PODS) this.expect(pod, pod, true);
    return this;
  }

  /**
   * Reads a printed truth table: a header of destinations, then one row per source of `.`
   * (connected) or `X` (blocked), e.g. "x/a . . X ...". Returns a new Reachability.
   */
  static parse(text: string): Reachability {
    const lines = text.trim().split('\n').map((l) => l.trim().split(/\s+/));
    const header = lines[0]!;
    const reach = new Reachability(false);
    for (const row of lines.slice(1)) {
      const from = row[0]!;
      row.slice(1).forEach((cell, i) => reach.expect(from, header[i]!, cell === '.'));
    }
    return reach;
  }

  /** Flows probing every pair on one port and protocol, addressed by pod name. */
  flows(port: number, protocol: Protocol = 'TCP'): FlowCase[] {
    return ALL_PODS.flatMap((from) =>
      ALL_PODS.map((to) => ({ src: from, dst: to, port, protocol, allowed: this.table.get(`${from}>${to}`)! })),
    );
  }
}

export interface PeerPattern {
  readonly namespace?: string;
  readonly pod?: string;
}

function matchesPattern(pod: string, pattern: PeerPattern): boolean {
  const [ns, name] = pod.split('/');
  return (pattern.namespace === undefined || pattern.namespace === ns) && (pattern.pod === undefined || pattern.pod === name);
}
