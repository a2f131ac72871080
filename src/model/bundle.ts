/**
 * @module The canonical bundle: what ingest produces and every evaluator, compiler and front end
 * consumes. Defaults are applied, names are resolved, and arrays of objects are sorted, so two
 * bundles with the same meaning are the same value whatever the input order or formatting.
 */
import type { CIDR } from '../net/ip.js';

/** Label maps are prototype-free: keys come from user input and may be `constructor`. */
export type Labels = Readonly<Record<string, string>>;

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  /** Sorted and de-duplicated; empty for Exists and DoesNotExist. */
  readonly values: readonly string[];
}

/** A metav1.LabelSelector; every term is ANDed. `{}` (no terms) selects everything. */
export interface Selector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly SelectorRequirement[];
}

export interface Namespace {
  readonly name: string;
  /** Always includes `kubernetes.io/metadata.name: <name>`. */
  readonly labels: Labels;
  /** True when no Namespace object was given and one was implied by a pod or policy. */
  readonly implicit: boolean;
}

export interface ContainerPort {
  readonly name?: string;
  readonly protocol: Protocol;
  readonly port: number;
}

/** Where a representative pod came from when it stands for a workload. */
export interface WorkloadOrigin {
  readonly kind: WorkloadKind;
  readonly name: string;
}

export type WorkloadKind =
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'ReplicaSet'
  | 'ReplicationController'
  | 'Job'
  | 'CronJob';

export interface Pod {
  /**
   * How flows address this pod: `namespace/name` for a Pod, `namespace/kind/name` (kind in lower
   * case) for a workload's representative pod. Unique within a bundle.
   */
  readonly ref: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** Canonical text of status.podIPs (or status.podIP), primary first. */
  readonly ips: readonly string[];
  /** Canonical text of status.hostIPs (or status.hostIP): the node the pod runs on. */
  readonly hostIPs: readonly string[];
  readonly hostNetwork: boolean;
  readonly ports: readonly ContainerPort[];
  readonly workload?: WorkloadOrigin;
  /**
   * The workload that runs this Pod, from its ownerReferences (a ReplicaSet's Deployment, a Job's
   * CronJob); absent for a bare pod and for representative pods. Connectivity groups pods by it.
   */
  readonly owner?: WorkloadOrigin;
}

/** A NetworkPolicy peer that selects pods. */
export interface PodPeer {
  readonly kind: 'pods';
  /** null: only the policy's own namespace (the peer had no namespaceSelector). */
  readonly namespaceSelector: Selector | null;
  /** An absent podSelector is `{}`: every pod of the selected namespaces. */
  readonly podSelector: Selector;
}

export interface IPBlockPeer {
  readonly kind: 'ipBlock';
  readonly cidr: CIDR;
  readonly except: readonly CIDR[];
}

export type Peer = PodPeer | IPBlockPeer;

export type PortMatch =
  | { readonly kind: 'all'; readonly protocol: Protocol }
  | { readonly kind: 'range'; readonly protocol: Protocol; readonly from: number; readonly to: number }
  | { readonly kind: 'named'; readonly protocol: Protocol; readonly name: string };

export interface Rule {
  /** null: `from`/`to` absent or empty, every peer inside or outside the cluster. */
  readonly peers: readonly Peer[] | null;
  /** null: `ports` absent or empty, every port of every protocol. */
  readonly ports: readonly PortMatch[] | null;
}

export interface NetworkPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: Selector;
  /** After upstream defaulting of policyTypes. */
  readonly affectsIngress: boolean;
  readonly affectsEgress: boolean;
  /** In manifest order: rule indexes in explanations refer to the manifest. */
  readonly ingress: readonly Rule[];
  readonly egress: readonly Rule[];
}

/** Per-bundle choices on points Kubernetes leaves to the network plugin (semantics.md). */
export interface BundleOptions {
  /** An ipBlock also matches a pod whose IP lies in the block. */
  readonly ipBlockMatchesPods: boolean;
}

export const DEFAULT_OPTIONS: BundleOptions = { ipBlockMatchesPods: true };

/** A Node: `nodes` peers of cluster-wide policies select them by label; addresses are its IPs. */
export interface Node {
  readonly name: string;
  readonly labels: Labels;
  /** Canonical text of status.addresses of type InternalIP and ExternalIP. */
  readonly addresses: readonly string[];
}

/** The tier a cluster-wide policy sits in: above NetworkPolicies, or below them. */
export type ClusterTier = 'admin' | 'baseline';

/** v1alpha2's Accept is v1alpha1's Allow. */
export type ClusterAction = 'Allow' | 'Deny' | 'Pass';

export type ClusterSubject =
  | { readonly kind: 'namespaces'; readonly namespaceSelector: Selector }
  | { readonly kind: 'pods'; readonly namespaceSelector: Selector; readonly podSelector: Selector };

export type ClusterPeer =
  | { readonly kind: 'namespaces'; readonly namespaceSelector: Selector }
  | { readonly kind: 'pods'; readonly namespaceSelector: Selector; readonly podSelector: Selector }
  | { readonly kind: 'nodes'; readonly nodeSelector: Selector }
  | { readonly kind: 'networks'; readonly cidrs: readonly CIDR[] };

export type ClusterPort =
  | { readonly kind: 'number'; readonly protocol: Protocol; readonly port: number }
  | { readonly kind: 'range'; readonly protocol: Protocol; readonly from: number; readonly to: number }
  /** Resolved on the destination pod, in any protocol its container port has. */
  | { readonly kind: 'named'; readonly name: string };

export interface ClusterRule {
  readonly name: string;
  readonly action: ClusterAction;
  /**
   * The peers the API accepted; `unrecognised` counts peers with no field this version knows
   * (semantics.md: they fail closed, so an Allow matches nothing and a Deny or Pass everything).
   */
  readonly peers: readonly ClusterPeer[];
  readonly unrecognisedPeers: number;
  /** null: every port of every protocol. */
  readonly ports: readonly ClusterPort[] | null;
}

export interface ClusterPolicy {
  readonly kind: 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy' | 'ClusterNetworkPolicy';
  readonly name: string;
  readonly tier: ClusterTier;
  /** Lower first; baseline policies of v1alpha1 have none and count as 0. */
  readonly priority: number;
  readonly subject: ClusterSubject;
  /** In manifest order: the first matching rule decides. */
  readonly ingress: readonly ClusterRule[];
  readonly egress: readonly ClusterRule[];
}

export interface Bundle {
  /** Sorted by name. */
  readonly namespaces: readonly Namespace[];
  /** Sorted by ref. */
  readonly pods: readonly Pod[];
  /** Sorted by namespace, then name. */
  readonly policies: readonly NetworkPolicy[];
  /** Admin tier first, then baseline; each by priority, then name (upstream leaves ties open). */
  readonly clusterPolicies: readonly ClusterPolicy[];
  /** Sorted by name. */
  readonly nodes: readonly Node[];
  readonly options: BundleOptions;
}

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function policyKey(policy: { namespace: string; name: string }): string {
  return `${policy.namespace}/${policy.name}`;
}
