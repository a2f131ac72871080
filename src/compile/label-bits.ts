/**
 * @module The label dictionary: every label key and key=value pair some selector tests gets one bit,
 * so that the core can match a label set it has never seen (an ad-hoc pod) against any selector:
 * required bits, forbidden bits, and any-of groups.
 */
import type { Bundle, Labels, Selector } from '../model/bundle.js';

export interface CompiledSelector {
  readonly required: readonly number[];
  readonly forbidden: readonly number[];
  /** At least one bit of each group must be set. */
  readonly groups: readonly (readonly number[])[];
}

/**
 * Dictionary entries: a key's presence, and a key=value pair. Different separators, so that the
 * pair `tier=""` is not the same entry as "has tier" (label keys cannot contain either).
 */
export const keyEntry = (key: string): string => `${key}\u0000`;
export const pairEntry = (key: string, value: string): string => `${key}\u0001${value}`;

/** The entries a label set has: every key's presence and every pair. */
export function labelEntries(labels: Labels): string[] {
  return Object.keys(labels).flatMap((key) => [keyEntry(key), pairEntry(key, labels[key]!)]);
}

export class LabelDictionary {
  /** Entry -> bit (keyEntry and pairEntry); sorted, so deterministic. */
  readonly bits: ReadonlyMap<string, number>;
  readonly words: number;

  constructor(selectors: Iterable<Selector>) {
    const entries = new Set<string>();
    for (const selector of selectors) {
      for (const key of Object.keys(selector.matchLabels)) entries.add(pairEntry(key, selector.matchLabels[key]!));
      for (const r of selector.matchExpressions) {
        if (r.operator === 'Exists' || r.operator === 'DoesNotExist') entries.add(keyEntry(r.key));
        else for (const value of r.values) entries.add(pairEntry(r.key, value));
      }
    }
    const sorted = [...entries].sort();
    this.bits = new Map(sorted.map((entry, i) => [entry, i]));
    this.words = Math.max(1, Math.ceil(sorted.length / 32));
  }

  /** The bitset of a label set: its keys' presence bits and its pairs' bits, where known. */
  encode(labels: Labels): Uint32Array {
    const set = new Uint32Array(this.words);
    for (const entry of labelEntries(labels)) {
      const bit = this.bits.get(entry);
      if (bit !== undefined) set[bit >>> 5]! |= 1 << (bit & 31);
    }
    return set;
  }

  /**
   * matchLabels and single-valued In require a pair; Exists requires the key; NotIn forbids each
   * listed pair (so a missing key matches, as upstream); DoesNotExist forbids the key; In with
   * several values is an any-of group.
   */
  compile(selector: Selector): CompiledSelector {
    const required: number[] = [];
    const forbidden: number[] = [];
    const groups: number[][] = [];
    const bit = (entry: string): number => this.bits.get(entry)!;
    for (const key of Object.keys(selector.matchLabels).sort()) {
      required.push(bit(pairEntry(key, selector.matchLabels[key]!)));
    }
    for (const r of selector.matchExpressions) {
      switch (r.operator) {
        case 'In':
          if (r.values.length === 1) required.push(bit(pairEntry(r.key, r.values[0]!)));
          else groups.push(r.values.map((v) => bit(pairEntry(r.key, v))));
          break;
        case 'NotIn':
          for (const v of r.values) forbidden.push(bit(pairEntry(r.key, v)));
          break;
        case 'Exists':
          required.push(bit(keyEntry(r.key)));
          break;
        case 'DoesNotExist':
          forbidden.push(bit(keyEntry(r.key)));
          break;
      }
    }
    return { required, forbidden, groups };
  }
}

/** Every selector the core evaluates: policies' podSelectors, their peers', cluster subjects' and peers'. */
export function* bundleSelectors(bundle: Bundle): Generator<Selector> {
  for (const policy of bundle.clusterPolicies) {
    yield policy.subject.namespaceSelector;
    if (policy.subject.kind === 'pods') yield policy.subject.podSelector;
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const peer of rule.peers) {
        if (peer.kind === 'namespaces') yield peer.namespaceSelector;
        if (peer.kind === 'pods') yield* [peer.namespaceSelector, peer.podSelector];
      }
    }
  }
  for (const policy of bundle.policies) {
    yield policy.podSelector;
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const peer of rule.peers ?? []) {
        if (peer.kind !== 'pods') continue;
        yield peer.podSelector;
        if (peer.namespaceSelector) yield peer.namespaceSelector;
      }
    }
  }
}
