/**
 * @module Endpoint resolution, once, ahead of every engine: a flow's endpoints as callers name
 * them (pod reference, workload name, IP text, ad-hoc pod) become pods by index, parsed addresses
 * and ad-hoc pods (src/model/pod-index.ts). Who owns an address, and the flow's address family,
 * are the engines' (the image's IP tables, the reference's owner map; one definition of both).
 */
import type { EndpointSpec, Flow } from '../model/flow.js';
import { FlowError } from '../model/errors.js';
import type { ResolvedEndpoint, ResolvedFlow } from '../model/pod-index.js';
import { parseIP, parseIPv4Number } from '../net/ip.js';

/** What resolution needs of a pod: a bundle's Pod, or an image's metadata entry. */
export interface NamedPod {
  readonly ref: string;
  readonly namespace: string;
  readonly name: string;
  /** Set for a workload's representative pod. */
  readonly workload?: unknown;
}

export class EndpointResolver {
  private readonly byRef = new Map<string, ResolvedEndpoint>();
  /** `namespace/name` of workloads' representative pods; several when kinds share a name. */
  private readonly workloadsByName = new Map<string, number[]>();

  /** `pods` in bundle order: the index of each is the pod index of records and images. */
  constructor(private readonly pods: readonly NamedPod[]) {
    pods.forEach((pod, index) => {
      this.byRef.set(pod.ref, { kind: 'pod', index });
      if (pod.workload) {
        const key = `${pod.namespace}/${pod.name}`;
        const list = this.workloadsByName.get(key);
        if (list) list.push(index);
        else this.workloadsByName.set(key, [index]);
      }
    });
  }

  resolve(flow: Flow): ResolvedFlow {
    return {
      src: this.resolveEndpoint(flow.src, 'src'),
      dst: this.resolveEndpoint(flow.dst, 'dst'),
      protocol: flow.protocol,
      port: flow.port,
    };
  }

  /** One endpoint; `field` (src or dst) names it in the FlowError that refuses it. */
  resolveEndpoint(spec: EndpointSpec, field: string): ResolvedEndpoint {
    switch (spec.kind) {
      case 'ref':
        return this.findByRef(spec.ref, field);
      case 'ip':
        return parseAddress(spec.ip, field);
      case 'adhoc':
        return { kind: 'adhoc', pod: spec.pod };
    }
  }

  /** Whether `ref` names exactly one pod (as resolveEndpoint would find it), without building an error. */
  knows(ref: string): boolean {
    return this.byRef.has(ref) || this.workloadsByName.get(ref)?.length === 1;
  }

  /** `ns/name` is a Pod, else the one workload of that name; `ns/kind/name` is exactly that workload. */
  private findByRef(ref: string, field: string): ResolvedEndpoint {
    const exact = this.byRef.get(ref);
    if (exact !== undefined) return exact;
    const workloads = this.workloadsByName.get(ref) ?? [];
    if (workloads.length === 1) return this.byRef.get(this.pods[workloads[0]!]!.ref)!;
    if (workloads.length > 1) {
      const refs = workloads.map((i) => this.pods[i]!.ref).join(', ');
      throw new FlowError(`${field}: ${JSON.stringify(ref)} names several workloads (${refs}); use one of those references`);
    }
    throw new FlowError(`${field}: no pod or workload ${JSON.stringify(ref)} in the bundle`);
  }
}

function parseAddress(text: string, field: string): ResolvedEndpoint {
  // The common case without a bigint: dotted IPv4.
  const v4 = parseIPv4Number(text);
  if (v4 !== undefined) return { kind: 'ipv4', value: v4 };
  const ip = parseIP(text);
  if (!ip) throw new FlowError(`${field}: ${JSON.stringify(text)} is not an IP address`);
  return ip.family === 4 ? { kind: 'ipv4', value: Number(ip.value) } : { kind: 'ipv6', value: ip.value };
}
