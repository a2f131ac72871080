/** @module A flow (one connection attempt) and the endpoints it names, as callers give them. */
import type { ContainerPort, Labels, Protocol } from './bundle.js';

/** A pod that is not in the bundle, known by its namespace and labels. */
export interface AdHocPod {
  readonly namespace: string;
  readonly labels: Labels;
  /** Container ports, so that named ports resolve when this pod is the destination. */
  readonly ports: readonly ContainerPort[];
}

/**
 * An endpoint as a caller names it: a pod reference (`namespace/name` or
 * `namespace/kind/name`), an IP address, or an ad-hoc pod.
 */
export type EndpointSpec =
  | { readonly kind: 'ref'; readonly ref: string }
  | { readonly kind: 'ip'; readonly ip: string }
  | { readonly kind: 'adhoc'; readonly pod: AdHocPod };

export interface Flow {
  readonly src: EndpointSpec;
  readonly dst: EndpointSpec;
  readonly protocol: Protocol;
  /** Destination port, 1-65535. */
  readonly port: number;
}
