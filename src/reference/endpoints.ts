/**
 * @module Who a resolved flow's endpoints are (src/engine/endpoints.ts resolves names): a pod of
 * the bundle (by index or by one of its IPs), an ad-hoc pod, or an address outside the cluster;
 * and which IP each side uses for ipBlock matching.
 */
import {
  NAMESPACE_NAME_LABEL,
  type Bundle,
  type ContainerPort,
  type Labels,
  type Pod,
} from '../model/bundle.js';
import type { AdHocPod } from '../model/flow.js';
import { FlowError } from '../model/errors.js';
import { podAddressOwners, type ResolvedEndpoint, type ResolvedFlow } from '../model/pod-index.js';
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
  /** The address this side uses in this flow (see placeFlow); undefined when it has none. */
  readonly ip: IP | undefined;
}

export interface ExternalEndpoint {
  readonly kind: 'external';
  readonly ip: IP;
}

export type Endpoint = PodEndpoint | ExternalEndpoint;

/** Both ends of a flow as the evaluator judges them. */
export interface PlacedFlow {
  readonly src: Endpoint;
  readonly dst: Endpoint;
}

/** Lookup tables of one bundle, built once and cached with it. */
interface BundleIndex {
  /** Owners of each pod IP (src/model/pod-index.ts). */
  readonly byIP: Map<string, number[]>;
  readonly namespaceLabels: Map<string, Labels>;
}

const indexes = new WeakMap<Bundle, BundleIndex>();

function indexOf(bundle: Bundle): BundleIndex {
  let index = indexes.get(bundle);
  if (index) return index;
  index = { byIP: podAddressOwners(bundle.pods), namespaceLabels: new Map() };
  for (const ns of bundle.namespaces) index.namespaceLabels.set(ns.name, ns.labels);
  indexes.set(bundle, index);
  return index;
}

/**
 * A flow refused while its endpoints are placed: an address several pods claim (`field` says
 * which end), or two addresses of different families. The binary path reports these as statuses.
 */
export class EndpointRefusal extends FlowError {
  constructor(
    readonly refusal: 'ambiguous' | 'families',
    readonly field: 'src' | 'dst' | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Places both resolved endpoints and fixes the flow's address family: that of an endpoint given
 * as an IP, else that of the destination pod's primary IP, else the source pod's. A pod named by
 * index then uses its first IP of that family; ipBlocks see only that address.
 */
export function placeFlow(bundle: Bundle, flow: ResolvedFlow): PlacedFlow {
  const index = indexOf(bundle);
  const src = lookup(bundle, index, flow.src, 'src');
  const dst = lookup(bundle, index, flow.dst, 'dst');
  const given = [src.ip, dst.ip].filter((ip): ip is IP => ip !== undefined);
  if (given.length === 2 && given[0]!.family !== given[1]!.family) {
    throw new EndpointRefusal('families', undefined, 'src and dst are addresses of different families (IPv4 and IPv6)');
  }
  const family: IPFamily | undefined =
    given[0]?.family ?? firstIP(dst.pod)?.family ?? firstIP(src.pod)?.family;
  return { src: toEndpoint(index, src, family), dst: toEndpoint(index, dst, family) };
}

interface Lookup {
  /** The bundle pod, if the endpoint is one. */
  readonly pod?: Pod;
  readonly adHoc?: AdHocPod;
  /** The IP the caller gave, if any. */
  readonly ip?: IP;
}

function lookup(bundle: Bundle, index: BundleIndex, endpoint: ResolvedEndpoint, field: 'src' | 'dst'): Lookup {
  switch (endpoint.kind) {
    case 'pod': {
      const pod = bundle.pods[endpoint.index];
      if (!pod) throw new FlowError(`${field}: pod index ${endpoint.index} is not in the bundle`);
      return { pod };
    }
    case 'adhoc':
      return { adHoc: endpoint.pod };
    case 'ipv4':
    case 'ipv6': {
      const ip: IP = endpoint.kind === 'ipv4' ? { family: 4, value: BigInt(endpoint.value) } : { family: 6, value: endpoint.value };
      const text = formatIP(ip);
      const owners = index.byIP.get(text) ?? [];
      if (owners.length > 1) {
        const refs = owners.map((i) => bundle.pods[i]!.ref).join(', ');
        throw new EndpointRefusal('ambiguous', field, `${field}: IP ${text} is claimed by ${owners.length} pods (${refs}); name the pod instead`);
      }
      return { pod: owners.length === 1 ? bundle.pods[owners[0]!] : undefined, ip };
    }
  }
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
