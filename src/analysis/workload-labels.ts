/**
 * @module The endpoints of a connectivity answer with their labels: every workload and unowned pod
 * of the bundle, connected or not, so that a reader can place isolated workloads and select by
 * label. A workload's labels are those every one of its pods carries (a representative pod's are
 * its pod template's; owned replicas differ only in labels like pod-template-hash, left out).
 */
import type { Bundle, Labels } from '../model/bundle.js';
import type { WorkloadEndpoint, WorkloadGroups } from './endpoints.js';

export interface WorkloadDescription extends WorkloadEndpoint {
  /** Labels shared by every pod of the workload. */
  readonly labels: Labels;
  /** The labels of the workload's namespace (always with kubernetes.io/metadata.name). */
  readonly namespaceLabels: Labels;
}

/** Every workload of the grouping, in its order, with its labels and its namespace's labels. */
export function describeWorkloads(bundle: Bundle, groups: WorkloadGroups): WorkloadDescription[] {
  const namespaceLabels = new Map<string, Labels>(bundle.namespaces.map((ns) => [ns.name, ns.labels]));
  return groups.workloads.map((workload, w) => ({
    kind: workload.kind,
    namespace: workload.namespace,
    name: workload.name,
    labels: sharedLabels(groups.pods[w]!.map((p) => bundle.pods[p]!.labels)),
    namespaceLabels: namespaceLabels.get(workload.namespace) ?? { 'kubernetes.io/metadata.name': workload.namespace },
  }));
}

/** The label pairs present, with the same value, in every set (keys in sorted order). */
function sharedLabels(sets: readonly Labels[]): Labels {
  const shared: Record<string, string> = Object.create(null) as Record<string, string>;
  const [first, ...rest] = sets;
  if (!first) return shared;
  for (const key of Object.keys(first).sort()) {
    const value = first[key]!;
    if (rest.every((labels) => Object.hasOwn(labels, key) && labels[key] === value)) shared[key] = value;
  }
  return shared;
}
