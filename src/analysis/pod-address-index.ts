/**
 * @module Whether an ipBlock holds the address of any pod of a bundle at all, answered from every
 * pod's addresses sorted once (IPv4 as numbers, IPv6 as fixed-width hex), without parsing them into
 * bigints: a focus then knows that `0.0.0.0/0 except 10.0.0.0/8` can never match one of the pods.
 */
import type { Bundle, IPBlockPeer } from '../model/bundle.js';
import { parseIPv4Number, type CIDR } from '../net/ip.js';
import { hexOf, ipv6Hex } from './peer-keys.js';

export class PodAddressIndex {
  private readonly v4: Float64Array;
  private readonly v6: readonly string[];
  private readonly answers = new Map<IPBlockPeer, boolean>();

  constructor(bundle: Bundle) {
    const v4: number[] = [];
    const v6: string[] = [];
    for (const pod of bundle.pods) for (const ip of pod.ips) (ip.includes(':') ? v6.push(ipv6Hex(ip)) : v4.push(parseIPv4Number(ip)!));
    this.v4 = Float64Array.from(v4).sort();
    this.v6 = v6.sort();
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
    if (peer.cidr.family === 4) return intervals.some(([a, b]) => anyWithin(this.v4, Number(a), Number(b)));
    return intervals.some(([a, b]) => anyWithin(this.v6, hexOf(a), hexOf(b)));
  }
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
