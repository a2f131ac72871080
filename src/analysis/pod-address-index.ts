/**
 * @module Every pod's addresses of a big bundle sorted once (IPv4 as numbers, IPv6 as fixed-width
 * hex, each with the pod that claims it), without parsing them into bigints, for all a focus asks
 * of them: whether an ipBlock holds the address of any pod at all (so that `0.0.0.0/0 except
 * 10.0.0.0/8` can never match one), which addresses several pods claim, which pods claim an
 * address, and the addresses of the pods a scope leaves out.
 */
import type { Bundle, IPBlockPeer } from '../model/bundle.js';
import { parseIP, parseIPv4Number, type CIDR } from '../net/ip.js';

/** Addresses ascending with the pod that claims each (a pod index per entry, in the same order). */
interface SortedAddresses {
  readonly v4: Float64Array;
  readonly v4Pod: Int32Array;
  readonly v6: readonly string[];
  readonly v6Pod: Int32Array;
  /** Per pod, 1 for a hostNetwork pod (read here often: a flat array, not 100,000s of objects). */
  readonly hostNetwork: Uint8Array;
}

/**
 * The addresses some pods own, ascending, per family: IPv4 as numbers, IPv6 as fixed-width hex
 * (made bigints only where a caller finds one in a range it reads).
 */
export interface OwnedAddresses {
  readonly 4: readonly number[];
  readonly 6: readonly string[];
}

export class PodAddressIndex {
  private sorted: SortedAddresses | undefined;
  private readonly answers = new Map<IPBlockPeer, boolean>();

  /** Every pod's addresses are parsed and sorted once, when first asked about (many focuses never are). */
  constructor(private readonly bundle: Bundle) {}

  /**
   * The addresses of the pods that are not hostNetwork pods and that `skip` does not mark (1),
   * ascending per family (from the one sort, not again).
   */
  ownedOutside(skip: Uint8Array): OwnedAddresses {
    const { v4, v4Pod, v6, v6Pod, hostNetwork } = this.addresses();
    const out4: number[] = [];
    const out6: string[] = [];
    for (let i = 0; i < v4.length; i++) if (!skip[v4Pod[i]!] && !hostNetwork[v4Pod[i]!]) out4.push(v4[i]!);
    for (let i = 0; i < v6.length; i++) if (!skip[v6Pod[i]!] && !hostNetwork[v6Pod[i]!]) out6.push(v6[i]!);
    return { 4: out4, 6: out6 };
  }

  /**
   * The addresses two or more pods claim (hostNetwork pods claim none), as the pods write them
   * (ingest made each the canonical text of its address): equal addresses sit side by side here.
   */
  sharedAddresses(): Set<string> {
    const { v4, v4Pod, v6, v6Pod, hostNetwork } = this.addresses();
    const { pods } = this.bundle;
    const out = new Set<string>();
    const collect = <T>(values: ArrayLike<T>, owners: Int32Array, textOf: (ip: string) => T): void => {
      for (let start = 0, end = 0; start < values.length; start = end) {
        let claims = 0;
        for (end = start; end < values.length && values[end] === values[start]; end++) if (!hostNetwork[owners[end]!]) claims++;
        if (claims < 2) continue;
        const first = pods[owners[start]!]!.ips.find((ip) => textOf(ip) === values[start]);
        if (first !== undefined) out.add(first);
      }
    };
    collect(v4, v4Pod, (ip) => (ip.includes(':') ? NaN : parseIPv4Number(ip)!));
    collect(v6, v6Pod, (ip) => (ip.includes(':') ? ipv6Hex(ip) : ''));
    return out;
  }

  /** The pods that claim the address (hostNetwork pods too), found in the one sort. */
  claimants(ip: string): number[] {
    const { v4, v4Pod, v6, v6Pod } = this.addresses();
    const out: number[] = [];
    if (!ip.includes(':')) {
      const value = parseIPv4Number(ip)!;
      for (let at = firstAtOrAbove(v4, value); at < v4.length && v4[at] === value; at++) out.push(v4Pod[at]!);
    } else {
      const hex = ipv6Hex(ip);
      for (let at = firstAtOrAbove(v6, hex); at < v6.length && v6[at] === hex; at++) out.push(v6Pod[at]!);
    }
    return out;
  }

  private addresses(): SortedAddresses {
    return (this.sorted ??= sortAddresses(this.bundle));
  }

  /** Whether some pod's address lies in the block and outside its excepts. */
  holdsPod(peer: IPBlockPeer): boolean {
    let found = this.answers.get(peer);
    if (found === undefined) this.answers.set(peer, (found = this.search(peer)));
    return found;
  }

  private search(peer: IPBlockPeer): boolean {
    // The block minus its excepts, as inclusive intervals.
    let intervals: [bigint, bigint][] = [span(peer.cidr)];
    for (const except of peer.except) {
      if (except.family !== peer.cidr.family) continue;
      const [lo, hi] = span(except);
      intervals = intervals.flatMap(([a, b]): [bigint, bigint][] => {
        if (hi < a || lo > b) return [[a, b]];
        const out: [bigint, bigint][] = [];
        if (lo > a) out.push([a, lo - 1n]);
        if (hi < b) out.push([hi + 1n, b]);
        return out;
      });
    }
    const { v4, v6 } = this.addresses();
    if (peer.cidr.family === 4) return intervals.some(([a, b]) => anyWithin(v4, Number(a), Number(b)));
    return intervals.some(([a, b]) => anyWithin(v6, hexOf(a), hexOf(b)));
  }
}

/**
 * Every pod's addresses, parsed once: IPv4 sorted natively as `address * pods + pod` (exact below
 * 2^53: 2^32 addresses times fewer than 2^21 pods), IPv6 as fixed-width hex by index.
 */
function sortAddresses(bundle: Bundle): SortedAddresses {
  const { pods } = bundle;
  const width = pods.length;
  if (width >= 2 ** 21) throw new Error(`PodAddressIndex: ${width} pods is past the 2^21 it can sort exactly`);
  const keys4: number[] = [];
  const hex6: string[] = [];
  const pod6: number[] = [];
  const hostNetwork = new Uint8Array(width);
  for (let p = 0; p < width; p++) {
    if (pods[p]!.hostNetwork) hostNetwork[p] = 1;
    for (const ip of pods[p]!.ips) {
      if (!ip.includes(':')) keys4.push(parseIPv4Number(ip)! * width + p);
      else {
        hex6.push(ipv6Hex(ip));
        pod6.push(p);
      }
    }
  }
  const sorted4 = Float64Array.from(keys4).sort();
  const v4 = new Float64Array(sorted4.length);
  const v4Pod = new Int32Array(sorted4.length);
  sorted4.forEach((key, i) => {
    const pod = key % width;
    v4Pod[i] = pod;
    v4[i] = (key - pod) / width;
  });
  const order = Array.from(hex6.keys()).sort((i, j) => (hex6[i]! < hex6[j]! ? -1 : hex6[i]! > hex6[j]! ? 1 : pod6[i]! - pod6[j]!));
  return { v4, v4Pod, v6: order.map((i) => hex6[i]!), v6Pod: Int32Array.from(order, (i) => pod6[i]!), hostNetwork };
}

function span(cidr: CIDR): [bigint, bigint] {
  const bits = cidr.family === 4 ? 32 : 128;
  return [cidr.base, cidr.base + (1n << BigInt(bits - cidr.prefix)) - 1n];
}

/** Whether the sorted list has an entry in [lo, hi]. */
function anyWithin<T extends number | string>(sorted: ArrayLike<T>, lo: T, hi: T): boolean {
  const at = firstAtOrAbove(sorted, lo);
  return at < sorted.length && sorted[at]! <= hi;
}

/** The index of the first entry at or above value (the length when none is). */
export function firstAtOrAbove<T extends number | string | bigint>(sorted: ArrayLike<T>, value: T): number {
  let left = 0;
  let right = sorted.length;
  while (left < right) {
    const mid = (left + right) >> 1;
    if (sorted[mid]! < value) left = mid + 1;
    else right = mid;
  }
  return left;
}

export function hexOf(value: bigint): string {
  return value.toString(16).padStart(32, '0');
}

/** A canonical IPv6 address (ingest validated it) as 32 hex digits: text that sorts as the numbers do. */
export function ipv6Hex(text: string): string {
  if (text.includes('.')) return hexOf(parseIP(text)!.value);
  const gap = text.indexOf('::');
  const head = gap < 0 ? text : text.slice(0, gap);
  const tail = gap < 0 ? '' : text.slice(gap + 2);
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  let out = '';
  for (const group of headGroups) out += group.padStart(4, '0');
  out += '0000'.repeat(8 - headGroups.length - tailGroups.length);
  for (const group of tailGroups) out += group.padStart(4, '0');
  return out.toLowerCase();
}
