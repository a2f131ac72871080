/**
 * @module Every pod's class key (pod-classes.ts) computed cheaply for a big bundle, for a focus
 * that stands one pod in for all of its key (focus-scope.ts): the same facts (namespace, labels as
 * selectors see them, the named ports some rule names, hostNetwork, the primary family, the
 * address cells of its first IPv4 and IPv6 address, and which of its addresses name it alone),
 * with IPv6 addresses compared as fixed-width hex text instead of being parsed into numbers.
 * Two pods with one key are treated alike by every selector and every rule; only their node can
 * tell them apart, which the focus takes apart pod by pod.
 */
import type { Bundle, Labels, Pod } from '../model/bundle.js';
import { parseIPv4Number } from '../net/ip.js';
import { ruleCuts } from './address-space.js';
import { OTHER_VALUE, selectorVocabulary } from './pod-classes.js';
import { hexOf, ipv6Hex, PodAddressIndex } from './pod-address-index.js';
import { referencedPortNames } from './port-intervals.js';

/**
 * Per pod, its class key as text (equal keys, equal classes; not the text pod-classes.ts builds);
 * with `wanted`, only for the pods it marks (1), '' for the others. `addressIndex`: the bundle's,
 * when the caller has one (its addresses are then sorted once for all).
 */
export function peerKeys(bundle: Bundle, wanted?: Uint8Array, addressIndex = new PodAddressIndex(bundle)): string[] {
  const projected = labelProjection(selectorVocabulary(bundle));
  const portNames = referencedPortNames(bundle);
  const cuts4 = Float64Array.from(ruleCuts(bundle, 4), Number);
  const cuts6 = ruleCuts(bundle, 6).map(hexOf);
  const shared = addressIndex.sharedAddresses();
  const cell = (ips: readonly string[], family: 4 | 6): number => {
    for (const ip of ips) {
      if (ip.includes(':') !== (family === 6)) continue;
      return family === 4 ? lastAtOrBelow(cuts4, parseIPv4Number(ip)!) : lastAtOrBelow(cuts6, ipv6Hex(ip));
    }
    return -1;
  };
  return bundle.pods.map((pod, p) => {
    if (wanted && !wanted[p]) return '';
    const primary = pod.ips.length === 0 ? 0 : pod.ips[0]!.includes(':') ? 6 : 4;
    const named = pod.ips.map((ip) => (shared.has(ip) ? 0 : ip.includes(':') ? 6 : 4)).join(',');
    const addresses = `${primary}|${cell(pod.ips, 4)}|${cell(pod.ips, 6)}|${named}`;
    if (pod.hostNetwork) return `host\u0001${addresses}`;
    return `${pod.namespace}\u0001${projected(pod.labels)}\u0001${namedPorts(pod, portNames)}\u0001${addresses}`;
  });
}

/**
 * The labels some selector mentions, in key order, with values no selector lists folded into one,
 * as text (the vocabulary's keys walked once per pod: no sort per pod).
 */
export function labelProjection(vocabulary: Map<string, Set<string>>): (labels: Labels) => string {
  const keys = [...vocabulary.keys()].sort();
  return (labels) => {
    let out = '';
    for (const key of keys) {
      if (!Object.hasOwn(labels, key)) continue;
      const value = labels[key]!;
      out += `${key}=${vocabulary.get(key)!.has(value) ? value : OTHER_VALUE}\u0002`;
    }
    return out;
  };
}

function namedPorts(pod: Pod, names: ReadonlySet<string>): string {
  if (names.size === 0) return '';
  const out: string[] = [];
  for (const p of pod.ports) if (p.name !== undefined && names.has(p.name)) out.push(`${p.name}/${p.protocol}/${p.port}`);
  return out.sort().join(',');
}

/** The index of the last entry at or below value (entry 0 is the lowest possible value). */
function lastAtOrBelow<T extends number | string>(sorted: ArrayLike<T>, value: T): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
