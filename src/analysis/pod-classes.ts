/**
 * @module Pods grouped into classes that every rule treats alike. The key holds everything a
 * decision reads about a pod, except its node: namespace; the labels that some selector mentions,
 * with values no selector lists folded into one; hostNetwork; the named container ports some rule
 * names; the family of its primary IP; and the address cell of its first IPv4 and IPv6 address
 * (ipBlocks, networks and node addresses may match pod IPs). A hostNetwork pod is selected by
 * nothing and has no named ports, so only its addresses count. Traffic between a pod and its own
 * node is the one relation the key cannot hold; pod-pairs.ts takes those pairs apart.
 */
import type { Bundle, Labels, Selector } from '../model/bundle.js';
import type { IP, IPFamily } from '../net/ip.js';
import { cellOf, type Cuts } from './address-space.js';
import { podAddresses } from './pod-addresses.js';
import { referencedPortNames } from './port-intervals.js';

export interface PodClass {
  readonly id: number;
  /** Indexes into bundle.pods (the compiled image's pod indexes), ascending. */
  readonly pods: number[];
  readonly hostNetwork: boolean;
  /** Its key's address facts (primary family, cells, addressability) and named ports, as text. */
  readonly addresses: string;
  readonly ports: string;
  /**
   * Its namespace and the labels selectors can tell apart, as text ('' for hostNetwork): classes
   * with the same are selected by the same policies.
   */
  readonly selected: string;
}

export interface PodClasses {
  readonly classes: readonly PodClass[];
  /** Per pod index, its class id. */
  readonly classOf: Int32Array;
}

/** The values each label key takes in some selector term; the presence of the key matters too. */
export function selectorVocabulary(bundle: Bundle): Map<string, Set<string>> {
  const vocabulary = new Map<string, Set<string>>();
  const note = (selector: Selector): void => {
    for (const [key, value] of Object.entries(selector.matchLabels)) valuesOf(vocabulary, key).add(value);
    for (const term of selector.matchExpressions) {
      const values = valuesOf(vocabulary, term.key);
      term.values.forEach((v) => values.add(v));
    }
  };
  for (const policy of bundle.policies) {
    note(policy.podSelector);
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const peer of rule.peers ?? []) {
        if (peer.kind !== 'pods') continue;
        note(peer.podSelector);
        if (peer.namespaceSelector) note(peer.namespaceSelector);
      }
    }
  }
  for (const policy of bundle.clusterPolicies) {
    note(policy.subject.namespaceSelector);
    if (policy.subject.kind === 'pods') note(policy.subject.podSelector);
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const peer of rule.peers) {
        if (peer.kind === 'namespaces' || peer.kind === 'pods') note(peer.namespaceSelector);
        if (peer.kind === 'pods') note(peer.podSelector);
      }
    }
  }
  return vocabulary;
}

function valuesOf(vocabulary: Map<string, Set<string>>, key: string): Set<string> {
  let values = vocabulary.get(key);
  if (!values) vocabulary.set(key, (values = new Set()));
  return values;
}

/** A value no selector lists: every selector treats all such values alike. */
export const OTHER_VALUE = '\u0000';

function projectLabels(labels: Labels, keys: readonly string[], vocabulary: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  for (const key of keys) {
    if (!Object.hasOwn(labels, key)) continue;
    const value = labels[key]!;
    out.push(key, vocabulary.get(key)!.has(value) ? value : OTHER_VALUE);
  }
  return out;
}

/** The address cell of the pod's first IP of `family`, or -1 when it has none. */
function addressCell(ips: readonly IP[], family: IPFamily, cuts: Cuts): number {
  for (const ip of ips) if (ip.family === family) return cellOf(cuts, ip.value);
  return -1;
}

export function podClasses(bundle: Bundle, cuts: Readonly<Record<IPFamily, Cuts>>): PodClasses {
  const vocabulary = selectorVocabulary(bundle);
  const keys = [...vocabulary.keys()].sort();
  const portNames = referencedPortNames(bundle);
  const byKey = new Map<string, PodClass>();
  const classes: PodClass[] = [];
  const classOf = new Int32Array(bundle.pods.length);
  const claimed = new Set<string>();
  const shared = new Set<string>();
  for (const pod of bundle.pods) {
    if (pod.hostNetwork) continue;
    for (const ip of pod.ips) (claimed.has(ip) ? shared : claimed).add(ip);
  }
  const parsed = podAddresses(bundle).ips;
  bundle.pods.forEach((pod, index) => {
    const ips = parsed[index]!;
    const primary = ips[0]?.family ?? 0;
    // Whether it can be named by its address matters too: a flow naming an address takes its family.
    const named = pod.ips.map((ip, i) => (shared.has(ip) ? 0 : ips[i]!.family));
    const addresses = JSON.stringify([primary, addressCell(ips, 4, cuts[4]), addressCell(ips, 6, cuts[6]), named]);
    const ports = pod.hostNetwork
      ? ''
      : JSON.stringify(
          pod.ports
            .filter((p) => p.name !== undefined && portNames.has(p.name))
            .map((p) => `${p.name}/${p.protocol}/${p.port}`)
            .sort(),
        );
    const selected = pod.hostNetwork ? '' : JSON.stringify([pod.namespace, projectLabels(pod.labels, keys, vocabulary)]);
    const key = pod.hostNetwork ? JSON.stringify(['host', addresses]) : `${selected}|${ports}|${addresses}`;
    let found = byKey.get(key);
    if (!found) {
      found = { id: classes.length, pods: [], hostNetwork: pod.hostNetwork, addresses, ports, selected };
      byKey.set(key, found);
      classes.push(found);
    }
    found.pods.push(index);
    classOf[index] = found.id;
  });
  return { classes, classOf };
}
