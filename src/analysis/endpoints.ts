/**
 * @module The endpoints of the analysis: workloads (a Deployment, StatefulSet, DaemonSet, Job,
 * CronJob, ReplicaSet or ReplicationController stands for the pods it owns or would create; a pod
 * no workload owns stands for itself) and ranges of the outside world.
 */
import type { Bundle, WorkloadKind } from '../model/bundle.js';
import { FlowError } from '../model/errors.js';

export interface WorkloadEndpoint {
  readonly kind: WorkloadKind | 'Pod';
  readonly namespace: string;
  readonly name: string;
}

/** Inclusive address ranges `first-last`, IPv4 before IPv6, each family in address order. */
export interface ExternalEndpoint {
  readonly external: readonly string[];
}

export type AnalysisEndpoint = WorkloadEndpoint | ExternalEndpoint;

export function isExternal(endpoint: AnalysisEndpoint): endpoint is ExternalEndpoint {
  return 'external' in endpoint;
}

/** `ns/name[Kind]`, or the address ranges joined by commas. */
export function endpointLabel(endpoint: AnalysisEndpoint): string {
  return isExternal(endpoint) ? endpoint.external.join(',') : `${endpoint.namespace}/${endpoint.name}[${endpoint.kind}]`;
}

/** A stable identity of an endpoint, for matching the two sides of a diff. */
export function endpointKey(endpoint: AnalysisEndpoint): string {
  return isExternal(endpoint) ? `external:${endpoint.external.join(',')}` : `${endpoint.namespace}/${endpoint.kind}/${endpoint.name}`;
}

export interface WorkloadGroups {
  readonly workloads: readonly WorkloadEndpoint[];
  /** Per workload, its pods (indexes into bundle.pods). */
  readonly pods: readonly number[][];
  /** Per pod, its workload index. */
  readonly workloadOf: Int32Array;
}

interface Group {
  readonly endpoint: WorkloadEndpoint;
  readonly pods: number[];
}

/**
 * Groups the bundle's pods into workloads, sorted by namespace, name, then kind. Looked up by
 * namespace, kind and name in nested maps (no key text built per pod), and a workload's pods,
 * which mostly come one after another, go to the last group found without any lookup.
 */
export function groupWorkloads(bundle: Bundle): WorkloadGroups {
  const byNamespace = new Map<string, Map<string, Map<string, Group>>>();
  const groups: Group[] = [];
  let last: Group | undefined;
  bundle.pods.forEach((pod, index) => {
    const origin = pod.workload ?? pod.owner;
    const kind = origin ? origin.kind : 'Pod';
    const name = origin ? origin.name : pod.name;
    if (last && last.endpoint.name === name && last.endpoint.namespace === pod.namespace && last.endpoint.kind === kind) {
      last.pods.push(index);
      return;
    }
    let byKind = byNamespace.get(pod.namespace);
    if (!byKind) byNamespace.set(pod.namespace, (byKind = new Map()));
    let byName = byKind.get(kind);
    if (!byName) byKind.set(kind, (byName = new Map()));
    last = byName.get(name);
    if (!last) {
      byName.set(name, (last = { endpoint: { kind, namespace: pod.namespace, name }, pods: [] }));
      groups.push(last);
    }
    last.pods.push(index);
  });
  const sorted = groups.sort((a, b) => compareWorkloads(a.endpoint, b.endpoint));
  const workloadOf = new Int32Array(bundle.pods.length);
  sorted.forEach((group, w) => group.pods.forEach((p) => (workloadOf[p] = w)));
  return { workloads: sorted.map((g) => g.endpoint), pods: sorted.map((g) => g.pods), workloadOf };
}

/** By namespace, name, then kind, as texts compare (code unit by code unit). */
function compareWorkloads(a: WorkloadEndpoint, b: WorkloadEndpoint): number {
  return compareText(a.namespace, b.namespace) || compareText(a.name, b.name) || compareText(a.kind, b.kind);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `NS/NAME` (a workload or a pod; the kind must be given as `NS/Kind/NAME` when several match). */
export function findWorkload(groups: WorkloadGroups, focus: string): number {
  const parts = focus.split('/');
  if (parts.length !== 2 && parts.length !== 3) throw new FlowError(`--focus ${JSON.stringify(focus)}: expected NS/NAME or NS/KIND/NAME`);
  const [namespace, kindOrName, maybeName] = parts as [string, string, string | undefined];
  const name = maybeName ?? kindOrName;
  const kind = maybeName === undefined ? undefined : kindOrName.toLowerCase();
  const matches = groups.workloads
    .map((w, i) => [w, i] as const)
    .filter(([w]) => w.namespace === namespace && w.name === name && (kind === undefined || w.kind.toLowerCase() === kind));
  if (matches.length === 0) throw new FlowError(`--focus ${JSON.stringify(focus)}: no workload or pod of that name in the bundle`);
  if (matches.length > 1) {
    const options = matches.map(([w]) => `${w.namespace}/${w.kind}/${w.name}`).join(', ');
    throw new FlowError(`--focus ${JSON.stringify(focus)} names several workloads (${options}); give NS/KIND/NAME`);
  }
  return matches[0]![1];
}
