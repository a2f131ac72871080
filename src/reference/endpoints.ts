/**
 * @module Who a flow's endpoints are: a pod of the bundle (by reference or by one of its IPs), an
 * ad-hoc pod, or an address outside the cluster; and which IP each side uses for ipBlock matching.
 */
import {
  NAMESPACE_NAME_LABEL,
  type Bundle,
  type ContainerPort,
  type Labels,
  type Pod,
} from '../model/bundle.js';
import type { EndpointSpec, Flow } from '../model/flow.js';
import { FlowError } from '../model/errors.js';
import { formatIP, parseIP, type IP, type IPFamily } from '../net/ip.js';

/** A pod, of the bundle or ad-hoc, as the evaluator sees it. */
export interface PodEndpoint {
  readonly kind: 'pod';
  /** The bundle's pod; undefined for an ad-hoc pod, which is never the same pod as another. */
  readonly pod: Pod | undefined;
  readonly namespace: string;
  readonly namespaceLabels: Labels;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  readonly hostNetwork: boolean;
  readonly hostIPs: readonly IP[];
  /** The address this side uses in this flow (see resolveFlow); undefined when it has none. */
  readonly ip: IP | undefined;
}

export interface ExternalEndpoint {
  readonly kind: 'external';
  readonly ip: IP;
}

export type Endpoint = PodEndpoint | ExternalEndpoint;

export interface ResolvedFlow {
  readonly src: Endpoint;
  readonly dst: Endpoint;
}

/** Lookup tables of one bundle, built once and cached with it. */
interface BundleIndex {
  readonly byRef: Map<string, Pod>;
  /** `namespace/name` of workloads' representative pods; several when kinds share a name. */
  readonly workloadsByName: Map<string, Pod[]>;
  /** Owners of each pod IP among running, non-hostNetwork pods. */
  readonly byIP: Map<string, Pod[]>;
  readonly namespaceLabels: Map<string, Labels>;
}

const indexes = new WeakMap<Bundle, BundleIndex>();

function indexOf(bundle: Bundle): BundleIndex {
  let index = indexes.get(bundle);
  if (index) return index;
  index = { byRef: new Map(), workloadsByName: new Map(), byIP: new Map(), namespaceLabels: new Map() };
  for (const ns of bundle.namespaces) index.namespaceLabels.set(ns.name, ns.labels);
  for (const pod of bundle.pods) {
    index.byRef.set(pod.ref, pod);
    if (pod.workload) {
      const key = `${pod.namespace}/${pod.name}`;
      index.workloadsByName.set(key, [...(index.workloadsByName.get(key) ?? []), pod]);
    }
    // hostNetwork pods' IPs are their node's: that address is the node, not the pod.
    if (pod.hostNetwork) continue;
    for (const ip of pod.ips) index.byIP.set(ip, [...(index.byIP.get(ip) ?? []), pod]);
  }
  indexes.set(bundle, index);
  return index;
}

/**
 * Resolves both endpoints and fixes the flow's address family: that of an endpoint given as an IP,
 * else that of the destination pod's primary IP, else the source pod's. A pod named by reference
 * then uses its first IP of that family; ipBlocks see only that address.
 */
export function resolveFlow(bundle: Bundle, flow: Flow): ResolvedFlow {
  const index = indexOf(bundle);
  const src = lookup(index, flow.src, 'src');
  const dst = lookup(index, flow.dst, 'dst');
  const given = [src.ip, dst.ip].filter((ip): ip is IP => ip !== undefined);
  if (given.length === 2 && given[0]!.family !== given[1]!.family) {
    throw new FlowError('src and dst are addresses of different families (IPv4 and IPv6)');
  }
  const family: IPFamily | undefined =
    given[0]?.family ?? firstIP(dst.pod)?.family ?? firstIP(src.pod)?.family;
  return { src: toEndpoint(index, src, family), dst: toEndpoint(index, dst, family) };
}

interface Lookup {
  /** The bundle pod, if the endpoint is one. */
  readonly pod?: Pod;
  readonly adHoc?: { namespace: string; labels: Labels; ports: readonly ContainerPort[] };
  /** The IP the caller gave, if any. */
  readonly ip?: IP;
}

function lookup(index: BundleIndex, spec: EndpointSpec, field: string): Lookup {
  switch (spec.kind) {
    case 'ref':
      return { pod: findByRef(index, spec.ref, field) };
    case 'adhoc':
      return { adHoc: spec.pod };
    case 'ip': {
      const ip = parseIP(spec.ip);
      if (!ip) throw new FlowError(`${field}: ${JSON.stringify(spec.ip)} is not an IP address`);
      const text = formatIP(ip);
      const owners = index.byIP.get(text) ?? [];
      if (owners.length > 1) {
        throw new FlowError(
          `${field}: IP ${text} is claimed by ${owners.length} pods (${owners.map((p) => p.ref).join(', ')}); name the pod instead`,
        );
      }
      return { pod: owners[0], ip };
    }
  }
}

/** `ns/name` is a Pod, else the one workload of that name; `ns/kind/name` is exactly that workload. */
function findByRef(index: BundleIndex, ref: string, field: string): Pod {
  const exact = index.byRef.get(ref);
  if (exact) return exact;
  const workloads = index.workloadsByName.get(ref) ?? [];
  if (workloads.length === 1) return workloads[0]!;
  if (workloads.length > 1) {
    throw new FlowError(
      `${field}: ${JSON.stringify(ref)} names several workloads (${workloads.map((p) => p.ref).join(', ')}); use one of those references`,
    );
  }
  throw new FlowError(`${field}: no pod or workload ${JSON.stringify(ref)} in the bundle`);
}

function firstIP(pod: Pod | undefined): IP | undefined {
  const text = pod?.ips[0];
  return text === undefined ? undefined : parseIP(text);
}

function toEndpoint(index: BundleIndex, found: Lookup, family: IPFamily | undefined): Endpoint {
  if (found.adHoc) {
    const { namespace, labels, ports } = found.adHoc;
    return {
      kind: 'pod',
      pod: undefined,
      namespace,
      namespaceLabels: namespaceLabelsOf(index, namespace),
      labels,
      ports,
      hostNetwork: false,
      hostIPs: [],
      ip: undefined,
    };
  }
  const pod = found.pod;
  if (!pod) return { kind: 'external', ip: found.ip! };
  const ip = found.ip ?? pod.ips.map((text) => parseIP(text)!).find((candidate) => candidate.family === family);
  return {
    kind: 'pod',
    pod,
    namespace: pod.namespace,
    namespaceLabels: namespaceLabelsOf(index, pod.namespace),
    labels: pod.labels,
    ports: pod.ports,
    hostNetwork: pod.hostNetwork,
    hostIPs: pod.hostIPs.map((text) => parseIP(text)!),
    ip,
  };
}

/** A namespace the bundle does not know is implicit: it carries only its name label. */
function namespaceLabelsOf(index: BundleIndex, namespace: string): Labels {
  const labels = index.namespaceLabels.get(namespace);
  if (labels) return labels;
  const implicit: Record<string, string> = Object.create(null);
  implicit[NAMESPACE_NAME_LABEL] = namespace;
  return implicit;
}
