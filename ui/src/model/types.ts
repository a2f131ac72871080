/**
 * @module The API's JSON as the console reads it: bundles and versions, the connectivity list and
 * diff and exposure of issue 11 (field names exactly as that contract gives them), and explained
 * decisions.
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** Sorted, disjoint, merged inclusive port ranges per protocol. */
export type PortSet = Readonly<Record<Protocol, readonly (readonly [number, number])[]>>;

export interface WorkloadEndpoint {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Labels every pod of the workload carries (from the list's `workloads`). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly namespaceLabels?: Readonly<Record<string, string>>;
}
export interface ExternalEndpoint {
  /** Inclusive address ranges, `a.b.c.d-e.f.g.h` or IPv6 alike. */
  readonly external: readonly string[];
}
export type Endpoint = WorkloadEndpoint | ExternalEndpoint;

export interface ConnectionSet {
  /** Every port of TCP, UDP and SCTP. */
  readonly all: boolean;
  readonly ports: PortSet;
}
export interface Connection extends ConnectionSet {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  /** With explanations: what allows it, per direction. */
  readonly explanation?: { readonly egress: readonly string[]; readonly ingress: readonly string[] };
}
export interface ConnectivityList {
  readonly version: string;
  readonly connections: readonly Connection[];
  /** Every workload and unowned pod, connected or not, with its labels. */
  readonly workloads?: readonly WorkloadEndpoint[];
}

export type ChangeKind = 'added' | 'removed' | 'changed';
export interface Change {
  readonly change: ChangeKind;
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly old: ConnectionSet | null;
  readonly new: ConnectionSet | null;
  readonly note?: string;
}
export interface ConnectivityDiff {
  readonly old: string;
  readonly new: string;
  readonly changes: readonly Change[];
}

export interface DirectionExposure {
  /** Open to (from) an unlabelled pod of every namespace, present and future. */
  readonly allNamespaces: ConnectionSet | null;
  /** Open to (from) every other workload and pod of the cluster. */
  readonly allPods: ConnectionSet | null;
  /** Open to (from) every outside address of the family. */
  readonly world: { readonly ipv4: ConnectionSet | null; readonly ipv6: ConnectionSet | null };
}
export interface FutureRule {
  readonly policy: string;
  readonly direction: 'ingress' | 'egress';
  readonly rule: number;
  readonly ruleName?: string;
  readonly peer: number;
  readonly selects: string;
}
export interface ExposureReport {
  readonly version: string;
  readonly workloads: readonly { readonly workload: WorkloadEndpoint; readonly ingress: DirectionExposure; readonly egress: DirectionExposure }[];
  readonly futureRules: readonly FutureRule[];
}

/** What the page reads of `GET /v1/bundles/:name` (worker/store.ts BundleInfo has more). */
export interface BundleInfo {
  readonly name: string;
  readonly active: string | null;
  readonly versions: readonly { readonly version: string; readonly createdAt: string; readonly counts?: VersionCounts | null }[];
}

/** A version's counts as published (src/ingest/bundle.ts BundleCounts); typed loosely, as the page only reads them. */
export interface VersionCounts {
  readonly pods?: unknown;
  readonly workloadPods?: unknown;
}

/** The sizes the Worker's analysis routes answer (worker/console.ts Access, src/analysis/limits.ts). */
export interface AnalysisLimits {
  readonly maxPods: number;
  readonly maxPodsWithFocus: number;
  readonly maxFocusScope: number;
  readonly maxEndpoints: number;
  readonly maxPodsGrouped: number;
}

export interface PolicyRef {
  readonly namespace: string;
  readonly name: string;
}
export interface ClusterRuleRef {
  readonly kind: string;
  readonly name: string;
  readonly rule: number;
  readonly ruleName: string;
  readonly action: 'Allow' | 'Deny' | 'Pass';
}
export interface SideVerdict {
  readonly direction: 'egress' | 'ingress';
  readonly allowed: boolean;
  readonly reason: string;
  readonly isolatedBy: readonly PolicyRef[];
  readonly allowedBy?: { readonly policy: PolicyRef; readonly rule: number };
  readonly decidedBy?: ClusterRuleRef;
  readonly passedBy?: ClusterRuleRef;
}
export interface ExplainedDecision {
  readonly allowed: boolean;
  readonly reason: string;
  readonly deniedBy?: readonly string[];
  readonly version: string;
  readonly decisionId: string;
  readonly explanation: {
    readonly summary: string;
    readonly egress?: SideVerdict;
    readonly ingress?: SideVerdict;
    readonly text: readonly string[];
  };
}

export function isExternal(endpoint: Endpoint): endpoint is ExternalEndpoint {
  return Array.isArray((endpoint as ExternalEndpoint).external);
}

/** One namespace pair of `connectivity?group=namespace`: only pairs with a connected workload pair. */
export interface NamespaceCell extends ConnectionSet {
  readonly src: string;
  readonly dst: string;
  readonly coverage: 'some' | 'everything';
  /** Ordered pairs of distinct workloads, how many are connected, and how many allowed every port. */
  readonly workloadPairs: number;
  readonly connected: number;
  readonly allowedEverything: number;
}
export interface NamespaceMatrixAnswer {
  readonly version: string;
  readonly group: 'namespace';
  readonly namespaces: readonly { readonly name: string; readonly workloads: number }[];
  readonly cells: readonly NamespaceCell[];
}
