/**
 * @module A second reading of the cluster-wide tiers, straight from the raw manifests the tier
 * arbitraries generate (not from ingest's ClusterPolicy model, and without src/reference/tiers.ts):
 * which admin rule decides or passes one side of a flow, and which baseline rule decides it, per
 * docs/semantics.md "Cluster-wide tiers". Pods, namespaces and the NetworkPolicy tier come from the
 * ingested bundle, which the NetworkPolicy differential already covers.
 */
import { NAMESPACE_NAME_LABEL, type Bundle, type ContainerPort, type Labels, type Pod } from '../../src/model/bundle.js';
import type { ClusterRuleRef, Direction, SideVerdict } from '../../src/model/decision.js';
import type { EndpointSpec, Flow } from '../../src/model/flow.js';
import { cidrContains, formatIP, parseCIDR, parseIP } from '../../src/net/ip.js';

type Raw = Record<string, unknown>;
type Kind = ClusterRuleRef['kind'];

interface RawRule {
  readonly name: string;
  readonly action: 'Allow' | 'Deny' | 'Pass';
  readonly peers: readonly Raw[];
  /** `ports` (v1alpha1) or `protocols` (v1alpha2); undefined when absent. */
  readonly ports: readonly Raw[] | undefined;
}

interface RawPolicy {
  readonly kind: Kind;
  readonly name: string;
  readonly tier: 'admin' | 'baseline';
  readonly priority: number;
  readonly subject: Raw;
  readonly ingress: readonly RawRule[];
  readonly egress: readonly RawRule[];
}

interface RawNode {
  readonly labels: Labels;
  readonly addresses: readonly string[];
}

/** One end of the flow as the tiers see it. */
interface End {
  /** A pod of the bundle or an ad-hoc pod; undefined for an address outside the cluster. */
  readonly pod?: {
    readonly namespaceLabels: Labels;
    readonly labels: Labels;
    readonly hostNetwork: boolean;
    readonly ports: readonly ContainerPort[];
  };
  /** Canonical text of the address this end uses in the flow. */
  readonly ip?: string;
}

const KINDS: readonly string[] = ['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy'];

export class TierOracle {
  private readonly policies: RawPolicy[];
  private readonly nodes: RawNode[];

  constructor(
    objects: readonly Raw[],
    private readonly bundle: Bundle,
  ) {
    this.policies = objects.filter((o) => KINDS.includes(o.kind as string)).map(readPolicy);
    const order = (p: RawPolicy): [number, number, string, string] => [p.tier === 'admin' ? 0 : 1, p.priority, p.kind, p.name];
    this.policies.sort((a, b) => {
      const [x, y] = [order(a), order(b)];
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
      return 0;
    });
    this.nodes = objects.filter((o) => o.kind === 'Node').map(readNode);
  }

  /** Differences between the tier fields of `side` and this reading; empty when they agree. */
  checkSide(flow: Flow, side: SideVerdict): string[] {
    const [src, dst] = this.ends(flow);
    const [subject, peer] = side.direction === 'egress' ? [src, dst] : [dst, src];
    const expected: { decidedBy?: ClusterRuleRef; passedBy?: ClusterRuleRef; allowed?: boolean } = {};
    if (subject.pod && !subject.pod.hostNetwork) {
      const admin = this.firstMatch('admin', side.direction, subject, peer, flow, dst);
      if (admin && admin.action !== 'Pass') {
        expected.decidedBy = admin;
        expected.allowed = admin.action === 'Allow';
      } else {
        if (admin) expected.passedBy = admin;
        // Whether a NetworkPolicy selects the pod is the NetworkPolicy tier's, covered elsewhere.
        // The baseline decides for the other pods, their own node's traffic included.
        if (side.isolatedBy.length === 0) {
          const baseline = this.firstMatch('baseline', side.direction, subject, peer, flow, dst);
          if (baseline && baseline.action !== 'Pass') {
            expected.decidedBy = baseline;
            expected.allowed = baseline.action === 'Allow';
          }
        }
      }
    }
    const problems: string[] = [];
    const show = (ref: ClusterRuleRef | undefined): string =>
      ref ? `${ref.kind} ${ref.name} ${side.direction}[${ref.rule}] (${JSON.stringify(ref.ruleName)}, ${ref.action})` : 'none';
    for (const field of ['decidedBy', 'passedBy'] as const) {
      if (show(expected[field]) !== show(side[field])) problems.push(`${side.direction}.${field}: expected ${show(expected[field])}, got ${show(side[field])}`);
    }
    if (expected.allowed !== undefined && expected.allowed !== side.allowed) problems.push(`${side.direction}.allowed: expected ${expected.allowed}`);
    return problems;
  }

  /** The first rule of the tier whose subject selects the pod and whose peers and ports match. */
  private firstMatch(tier: 'admin' | 'baseline', direction: Direction, subject: End, peer: End, flow: Flow, destination: End): ClusterRuleRef | undefined {
    for (const policy of this.policies) {
      if (policy.tier !== tier || !this.subjectSelects(policy.subject, subject)) continue;
      const rules = policy[direction];
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i]!;
        if (this.peersMatch(rule, peer) && portsMatch(rule.ports, flow, destination)) {
          return { kind: policy.kind, name: policy.name, rule: i, ruleName: rule.name, action: rule.action };
        }
      }
    }
    return undefined;
  }

  private subjectSelects(subject: Raw, end: End): boolean {
    if (subject.namespaces !== undefined) return podIn(end, subject.namespaces as Raw | undefined, {});
    const pods = subject.pods as Raw;
    return podIn(end, pods.namespaceSelector as Raw | undefined, pods.podSelector as Raw);
  }

  /** Peers are ORed; one with no field known here (`domainNames`) fails closed. */
  private peersMatch(rule: RawRule, end: End): boolean {
    return rule.peers.some((peer) => {
      if (peer.namespaces !== undefined) return podIn(end, peer.namespaces as Raw, {});
      if (peer.pods !== undefined) {
        const pods = peer.pods as Raw;
        return podIn(end, pods.namespaceSelector as Raw | undefined, pods.podSelector as Raw);
      }
      if (peer.nodes !== undefined) {
        return end.ip !== undefined && this.nodes.some((node) => rawSelectorMatches(peer.nodes as Raw, node.labels) && node.addresses.includes(end.ip!));
      }
      if (peer.networks !== undefined) {
        const ip = end.ip === undefined ? undefined : parseIP(end.ip)!;
        return ip !== undefined && (peer.networks as string[]).some((text) => cidrContains(parseCIDR(text)!.cidr, ip));
      }
      return rule.action !== 'Allow';
    });
  }

  /**
   * semantics.md "The flow": the family is that of an address given, else the destination pod's
   * primary IP's, else the source pod's; a pod named by reference uses its first IP of that family.
   */
  private ends(flow: Flow): [End, End] {
    const src = this.lookup(flow.src);
    const dst = this.lookup(flow.dst);
    const given = src.given ?? dst.given;
    const family = given ? familyOf(given) : familyOf(dst.pod?.ips[0]) ?? familyOf(src.pod?.ips[0]);
    return [this.end(src, family), this.end(dst, family)];
  }

  private lookup(spec: EndpointSpec): { pod?: Pod; adHoc?: End['pod']; given?: string } {
    switch (spec.kind) {
      case 'ref': {
        const workloads = this.bundle.pods.filter((p) => p.workload && `${p.namespace}/${p.name}` === spec.ref);
        return { pod: this.bundle.pods.find((p) => p.ref === spec.ref) ?? workloads[0] };
      }
      case 'ip': {
        const ip = formatIP(parseIP(spec.ip)!);
        return { pod: this.bundle.pods.find((p) => !p.hostNetwork && p.ips.includes(ip)), given: ip };
      }
      case 'adhoc': {
        const { namespace, labels, ports } = spec.pod;
        return { adHoc: { namespaceLabels: this.namespaceLabels(namespace), labels, hostNetwork: false, ports } };
      }
    }
  }

  private end(found: { pod?: Pod; adHoc?: End['pod']; given?: string }, family: 4 | 6 | undefined): End {
    if (found.adHoc) return { pod: found.adHoc };
    const pod = found.pod;
    if (!pod) return { ip: found.given };
    return {
      pod: { namespaceLabels: this.namespaceLabels(pod.namespace), labels: pod.labels, hostNetwork: pod.hostNetwork, ports: pod.ports },
      ip: found.given ?? pod.ips.find((ip) => familyOf(ip) === family),
    };
  }

  private namespaceLabels(name: string): Labels {
    return this.bundle.namespaces.find((ns) => ns.name === name)?.labels ?? { [NAMESPACE_NAME_LABEL]: name };
  }
}

function familyOf(ip: string | undefined): 4 | 6 | undefined {
  return ip === undefined ? undefined : ip.includes(':') ? 6 : 4;
}

/** A non-hostNetwork pod in a namespace the selector matches (absent: every one), matching podSelector. */
function podIn(end: End, namespaceSelector: Raw | undefined, podSelector: Raw): boolean {
  const pod = end.pod;
  if (!pod || pod.hostNetwork) return false;
  return (namespaceSelector === undefined || rawSelectorMatches(namespaceSelector, pod.namespaceLabels)) && rawSelectorMatches(podSelector, pod.labels);
}

/** metav1.LabelSelector on the manifest's own fields. */
function rawSelectorMatches(selector: Raw, labels: Labels): boolean {
  const has = (key: string): boolean => Object.hasOwn(labels, key);
  const matchLabels = (selector.matchLabels ?? {}) as Record<string, string>;
  if (Object.entries(matchLabels).some(([key, value]) => !has(key) || labels[key] !== value)) return false;
  const expressions = (selector.matchExpressions ?? []) as { key: string; operator: string; values?: string[] }[];
  return expressions.every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return has(key) && values.includes(labels[key]!);
      case 'NotIn':
        return !has(key) || !values.includes(labels[key]!);
      case 'Exists':
        return has(key);
      default:
        return !has(key);
    }
  });
}

/**
 * Absent ports match everything. v1alpha1: portNumber/portRange (protocol defaults to TCP) and
 * namedPort; v1alpha2: tcp/udp/sctp with destinationPort number or range, and destinationNamedPort.
 * A named port resolves on the destination pod, not hostNetwork, in its container port's protocol.
 */
function portsMatch(ports: readonly Raw[] | undefined, flow: Flow, destination: End): boolean {
  if (ports === undefined) return true;
  const named = (name: string): boolean =>
    destination.pod !== undefined &&
    !destination.pod.hostNetwork &&
    destination.pod.ports.some((p) => p.name === name && p.protocol === flow.protocol && p.port === flow.port);
  const inRange = (protocol: string, from: number, to: number): boolean => protocol === flow.protocol && from <= flow.port && flow.port <= to;
  return ports.some((port) => {
    if (port.namedPort !== undefined) return named(port.namedPort as string);
    if (port.destinationNamedPort !== undefined) return named(port.destinationNamedPort as string);
    if (port.portNumber !== undefined) {
      const { protocol = 'TCP', port: number } = port.portNumber as { protocol?: string; port: number };
      return inRange(protocol, number, number);
    }
    if (port.portRange !== undefined) {
      const { protocol = 'TCP', start, end } = port.portRange as { protocol?: string; start: number; end: number };
      return inRange(protocol, start, end);
    }
    const [key, value] = Object.entries(port)[0]!;
    const destinationPort = (value as Raw).destinationPort as { number?: number; range?: { start: number; end: number } };
    const protocol = key.toUpperCase();
    return destinationPort.number !== undefined
      ? inRange(protocol, destinationPort.number, destinationPort.number)
      : inRange(protocol, destinationPort.range!.start, destinationPort.range!.end);
  });
}

function readPolicy(object: Raw): RawPolicy {
  const kind = object.kind as Kind;
  const spec = object.spec as Raw;
  const rules = (direction: Direction): RawRule[] =>
    ((spec[direction] ?? []) as Raw[]).map((rule) => ({
      name: (rule.name as string | undefined) ?? '',
      action: rule.action === 'Accept' ? 'Allow' : (rule.action as RawRule['action']),
      peers: (rule[direction === 'ingress' ? 'from' : 'to'] ?? []) as Raw[],
      ports: (rule.ports ?? rule.protocols) as Raw[] | undefined,
    }));
  return {
    kind,
    name: (object.metadata as Raw).name as string,
    tier: kind === 'BaselineAdminNetworkPolicy' || spec.tier === 'Baseline' ? 'baseline' : 'admin',
    priority: (spec.priority as number | undefined) ?? 0,
    subject: spec.subject as Raw,
    ingress: rules('ingress'),
    egress: rules('egress'),
  };
}

function readNode(object: Raw): RawNode {
  const addresses = (((object.status as Raw | undefined)?.addresses ?? []) as { type: string; address: string }[])
    .filter(({ type }) => type === 'InternalIP' || type === 'ExternalIP')
    .map(({ address }) => formatIP(parseIP(address)!));
  return { labels: ((object.metadata as Raw).labels ?? {}) as Labels, addresses };
}
