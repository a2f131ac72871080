/**
 * @module Workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job,
 * CronJob) stand for the pods they would create: each becomes one representative pod, unless pods
 * it owns are already in the bundle.
 */
import type { Labels, Selector, WorkloadKind, WorkloadOrigin } from '../model/bundle.js';
import type { Field } from './field.js';
import { decodeLabels, decodeSelector } from './labels.js';
import type { OwnerReference } from './metadata.js';
import { decodePodSpec, type PodSpecFacts } from './pod.js';
import { selectorMatches } from '../model/selector.js';

export const WORKLOAD_API_VERSIONS: Readonly<Record<WorkloadKind, string>> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  ReplicationController: 'v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return Object.hasOwn(WORKLOAD_API_VERSIONS, kind);
}

export interface WorkloadTemplate {
  readonly labels: Labels;
  readonly spec: PodSpecFacts;
}

/** Reads the pod template of a workload and checks its selector as the apps/v1 validation does. */
export function decodeWorkloadTemplate(object: Field, kind: WorkloadKind): WorkloadTemplate {
  const spec = object.child('spec');
  if (spec.absent) spec.required();
  const template =
    kind === 'CronJob'
      ? spec.child('jobTemplate').child('spec').child('template')
      : spec.child('template');
  if (template.absent) template.required();
  const labels = decodeLabels(template.child('metadata').child('labels'));
  const podSpec = decodePodSpec(template.child('spec'));
  checkSelector(spec, kind, labels);
  return { labels, spec: podSpec };
}

/**
 * apps/v1 workloads need a non-empty selector that matches the template's labels (ValidateDeploymentSpec
 * and friends); a ReplicationController's optional selector is a plain map with the same rule. Jobs
 * generate their selector, so they are not checked.
 */
function checkSelector(spec: Field, kind: WorkloadKind, templateLabels: Labels): void {
  if (kind === 'Job' || kind === 'CronJob') return;
  const selectorField = spec.child('selector');
  let selector: Selector;
  if (kind === 'ReplicationController') {
    if (selectorField.absent) return; // defaults to the template's labels
    selector = { matchLabels: decodeLabels(selectorField), matchExpressions: [] };
  } else {
    if (selectorField.absent) {
      selectorField.required();
      return;
    }
    selector = decodeSelector(selectorField);
  }
  if (Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0) {
    selectorField.invalid(`empty selector is invalid for ${kind.toLowerCase()}`, '{}');
    return;
  }
  if (!selectorMatches(selector, templateLabels)) {
    spec
      .child('template')
      .child('metadata')
      .child('labels')
      .invalid('`selector` does not match template `labels`', JSON.stringify(templateLabels));
  }
}

/** The bits of a workload or pod that ownership needs. */
export interface OwnedObject {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string | undefined;
  readonly labels: Labels;
  readonly ownerReferences: readonly OwnerReference[];
}

const DEPLOYMENT_REPLICASET = /^(.+)-([a-z0-9]+)$/;
const CRONJOB_JOB = /^(.+)-([0-9]+)$/;

/**
 * The workloads (`kind/name` keys in `workloads`) that have pods of their own in the bundle.
 * Ownership is followed through ownerReferences, two levels deep (Deployment -> ReplicaSet -> Pod,
 * CronJob -> Job -> Pod). When the middle object is not in the bundle, its name tells its owner:
 * a ReplicaSet `web-5d8f7c9b4` whose pods carry `pod-template-hash: 5d8f7c9b4` belongs to
 * Deployment `web`, and Job `backup-28912345` to CronJob `backup` (the names the controllers give).
 */
export function workloadsWithPods(
  workloads: ReadonlyMap<string, OwnedObject>,
  pods: readonly OwnedObject[],
): Set<string> {
  const covered = new Set<string>();
  const key = (namespace: string, kind: string, name: string): string => `${namespace}/${kind}/${name}`;
  const find = (namespace: string, owner: OwnerReference): OwnedObject | undefined => {
    const found = workloads.get(key(namespace, owner.kind, owner.name));
    if (found && owner.uid && found.uid && owner.uid !== found.uid) return undefined;
    return found;
  };
  const cover = (object: OwnedObject, depth: number): void => {
    for (const owner of object.ownerReferences) {
      const workload = find(object.namespace, owner);
      if (workload) {
        covered.add(key(workload.namespace, workload.kind, workload.name));
        if (depth < 2) cover(workload, depth + 1);
        continue;
      }
      const parent = impliedParent(object, owner);
      if (parent) {
        const grandparent = workloads.get(key(object.namespace, parent.kind, parent.name));
        if (grandparent) covered.add(key(grandparent.namespace, grandparent.kind, grandparent.name));
      }
    }
  };
  for (const pod of pods) cover(pod, 1);
  return covered;
}

function impliedParent(pod: OwnedObject, owner: OwnerReference): { kind: string; name: string } | undefined {
  if (owner.kind === 'ReplicaSet') {
    const match = DEPLOYMENT_REPLICASET.exec(owner.name);
    if (match && pod.labels['pod-template-hash'] === match[2]) return { kind: 'Deployment', name: match[1]! };
  }
  if (owner.kind === 'Job') {
    const match = CRONJOB_JOB.exec(owner.name);
    if (match) return { kind: 'CronJob', name: match[1]! };
  }
  return undefined;
}

/** A ReplicaSet or Job owned by a workload in the bundle is represented by that owner instead. */
export function isRepresentedByOwner(
  workload: OwnedObject,
  workloads: ReadonlyMap<string, OwnedObject>,
): boolean {
  return workload.ownerReferences.some((owner) => {
    const found = workloads.get(`${workload.namespace}/${owner.kind}/${owner.name}`);
    return found !== undefined && !(owner.uid && found.uid && owner.uid !== found.uid);
  });
}

/**
 * The workload that runs a pod: its owner, or that owner's owner when the owner is a ReplicaSet of
 * a Deployment or a Job of a CronJob (known from the bundle, or from the controllers' names as in
 * workloadsWithPods). Undefined for a pod no workload owns.
 */
export function podOwner(pod: OwnedObject, workloads: ReadonlyMap<string, OwnedObject>): WorkloadOrigin | undefined {
  const owner = pod.ownerReferences.find((ref) => isWorkloadKind(ref.kind));
  if (!owner) return undefined;
  const found = workloads.get(`${pod.namespace}/${owner.kind}/${owner.name}`);
  const grand = found?.ownerReferences.find((ref) => isWorkloadKind(ref.kind));
  if (grand) return { kind: grand.kind as WorkloadKind, name: grand.name };
  // A Job's numeric suffix names its CronJob only when that CronJob is in the bundle.
  const parent = found ? undefined : impliedParent(pod, owner);
  if (parent && (parent.kind === 'Deployment' || workloads.has(`${pod.namespace}/${parent.kind}/${parent.name}`))) return { kind: parent.kind as WorkloadKind, name: parent.name };
  return { kind: owner.kind as WorkloadKind, name: owner.name };
}
