/**
 * @module How a flow names a bundle's pods once its endpoints are resolved: pod i is
 * `bundle.pods[i]` everywhere (the image's pod table, flow records, resolved flows), and an
 * address belongs to the running, non-hostNetwork pods that list it (a hostNetwork pod's IP is
 * its node's). The compiler's IP tables, the reference evaluator and the binary records of every
 * engine use these definitions.
 */
import type { Pod, Protocol } from './bundle.js';
import type { AdHocPod } from './flow.js';

/** One end of a resolved flow: the kinds a flow record can carry (layout.ts: ENDPOINT_KIND). */
export type ResolvedEndpoint =
  /** A pod of the bundle, by its index in `bundle.pods`. */
  | { readonly kind: 'pod'; readonly index: number }
  /** An address: a pod's when one running pod owns it, else outside the cluster. */
  | { readonly kind: 'ipv4'; readonly value: number }
  | { readonly kind: 'ipv6'; readonly value: bigint }
  /** A pod the bundle does not know. */
  | { readonly kind: 'adhoc'; readonly pod: AdHocPod };

export interface ResolvedFlow {
  readonly src: ResolvedEndpoint;
  readonly dst: ResolvedEndpoint;
  readonly protocol: Protocol;
  /** Destination port, 1-65535. */
  readonly port: number;
}

/** Canonical IP text -> the indexes of the pods that own it, ascending. */
export function podAddressOwners(pods: readonly Pod[]): Map<string, number[]> {
  const owners = new Map<string, number[]>();
  pods.forEach((pod, index) => {
    if (pod.hostNetwork) return;
    for (const ip of pod.ips) {
      const list = owners.get(ip);
      if (list) list.push(index);
      else owners.set(ip, [index]);
    }
  });
  return owners;
}
