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

/** Groups the bundle's pods into workloads, sorted by namespace, name, then kind. */
export function groupWorkloads(bundle: Bundle): WorkloadGroups {
  const byKey = new Map<string, { endpoint: WorkloadEndpoint; pods: number[] }>();
  bundle.pods.forEach((pod, index) => {
    const origin = pod.workload ?? pod.owner;
    const endpoint: WorkloadEndpoint = origin
      ? { kind: origin.kind, namespace: pod.namespace, name: origin.name }
      : { kind: 'Pod', namespace: pod.namespace, name: pod.name };
    const key = `${endpoint.namespace}\u0000${endpoint.name}\u0000${endpoint.kind}`;
    let group = byKey.get(key);
    if (!group) byKey.set(key, (group = { endpoint, pods: [] }));
    group.pods.push(index);
  });
  const sorted = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => group);
  const workloadOf = new Int32Array(bundle.pods.length);
  sorted.forEach((group, w) => group.pods.forEach((p) => (workloadOf[p] = w)));
  return { workloads: sorted.map((g) => g.endpoint), pods: sorted.map((g) => g.pods), workloadOf };
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
