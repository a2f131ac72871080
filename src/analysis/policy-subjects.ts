/**
 * @module Which policies have a pod as their subject for a direction: a cluster-wide policy with
 * rules for the direction whose subject's namespaceSelector matches the pod's namespace labels and
 * (unless the subject is whole namespaces) whose podSelector matches the pod's labels; and the
 * NetworkPolicies of the pod's namespace that select it for the direction. hostNetwork pods are
 * left to the callers (no policy selects them; each caller says what that means for it).
 */
import type { Bundle, Labels, NetworkPolicy, Pod } from '../model/bundle.js';
import { NAMESPACE_NAME_LABEL } from '../model/bundle.js';
import { selectorMatches } from '../model/selector.js';
import type { Direction } from './candidates.js';

const NO_POLICIES: readonly NetworkPolicy[] = [];

export class PolicySubjects {
  private readonly labelsByNamespace = new Map<string, Labels>();
  private readonly policiesIn = new Map<string, NetworkPolicy[]>();

  constructor(private readonly bundle: Bundle) {
    for (const ns of bundle.namespaces) this.labelsByNamespace.set(ns.name, ns.labels);
    for (const policy of bundle.policies) {
      const list = this.policiesIn.get(policy.namespace);
      if (list) list.push(policy);
      else this.policiesIn.set(policy.namespace, [policy]);
    }
  }

  /** A namespace's labels; one without a Namespace object is labelled only by its name, as the API server does. */
  namespaceLabels(namespace: string): Labels {
    let labels = this.labelsByNamespace.get(namespace);
    if (labels === undefined) {
      const implicit: Record<string, string> = Object.create(null);
      implicit[NAMESPACE_NAME_LABEL] = namespace;
      this.labelsByNamespace.set(namespace, (labels = implicit));
    }
    return labels;
  }

  /** Whether a cluster-wide policy with rules for the direction has the pod as a subject. */
  clusterSubject(pod: Pod, direction: Direction): boolean {
    const { clusterPolicies } = this.bundle;
    if (clusterPolicies.length === 0) return false;
    const namespaceLabels = this.namespaceLabels(pod.namespace);
    return clusterPolicies.some(
      (policy) =>
        (direction === 'ingress' ? policy.ingress : policy.egress).length > 0 &&
        selectorMatches(policy.subject.namespaceSelector, namespaceLabels) &&
        (policy.subject.kind === 'namespaces' || selectorMatches(policy.subject.podSelector, pod.labels)),
    );
  }

  /** The NetworkPolicies of the pod's namespace that select it for the direction, in bundle order. */
  selecting(pod: Pod, direction: Direction): NetworkPolicy[] {
    return this.inNamespace(pod.namespace).filter((policy) => selects(policy, pod, direction));
  }

  /** Whether a NetworkPolicy of the pod's namespace selects it for the direction. */
  selected(pod: Pod, direction: Direction): boolean {
    return this.inNamespace(pod.namespace).some((policy) => selects(policy, pod, direction));
  }

  private inNamespace(namespace: string): readonly NetworkPolicy[] {
    return this.policiesIn.get(namespace) ?? NO_POLICIES;
  }
}

function selects(policy: NetworkPolicy, pod: Pod, direction: Direction): boolean {
  return (direction === 'ingress' ? policy.affectsIngress : policy.affectsEgress) && selectorMatches(policy.podSelector, pod.labels);
}
