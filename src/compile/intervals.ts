/**
 * @module The addresses a rule's ipBlock peers admit, as sorted, disjoint, inclusive intervals per
 * family: the union over peers of (cidr minus its excepts). Membership is then one binary search.
 */
import type { IPBlockPeer } from '../model/bundle.js';
import { familyBits, type CIDR, type IPFamily } from '../net/ip.js';

export interface Interval {
  readonly lo: bigint;
  readonly hi: bigint;
}

function cidrInterval(cidr: CIDR): Interval {
  const size = 1n << BigInt(familyBits(cidr.family) - cidr.prefix);
  return { lo: cidr.base, hi: cidr.base + size - 1n };
}

/** `from` minus every interval of `holes` (both sorted and disjoint). */
function subtract(from: Interval, holes: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let lo = from.lo;
  for (const hole of holes) {
    if (hole.hi < lo || hole.lo > from.hi) continue;
    if (hole.lo > lo) out.push({ lo, hi: hole.lo - 1n });
    lo = hole.hi + 1n;
    if (lo > from.hi) return out;
  }
  if (lo <= from.hi) out.push({ lo, hi: from.hi });
  return out;
}

/** Sorts and merges overlapping or adjacent intervals. */
export function normalize(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: Interval[] = [];
  for (const next of sorted) {
    const last = out[out.length - 1];
    if (last && next.lo <= last.hi + 1n) {
      if (next.hi > last.hi) out[out.length - 1] = { lo: last.lo, hi: next.hi };
    } else {
      out.push(next);
    }
  }
  return out;
}

export function ipBlockIntervals(blocks: readonly IPBlockPeer[], family: IPFamily): Interval[] {
  const all: Interval[] = [];
  for (const block of blocks) {
    if (block.cidr.family !== family) continue;
    const holes = normalize(block.except.map(cidrInterval));
    all.push(...subtract(cidrInterval(block.cidr), holes));
  }
  return normalize(all);
}

/** The addresses of some CIDRs and single addresses, of one family, as normalized intervals. */
export function addressIntervals(cidrs: readonly CIDR[], addresses: readonly { family: IPFamily; value: bigint }[], family: IPFamily): Interval[] {
  return normalize([
    ...cidrs.filter((c) => c.family === family).map(cidrInterval),
    ...addresses.filter((a) => a.family === family).map((a) => ({ lo: a.value, hi: a.value })),
  ]);
}

/** Some address of `sorted` (ascending) lies in one of the intervals: a binary search per interval. */
export function holdsAnyOf(intervals: readonly Interval[], sorted: readonly bigint[]): boolean {
  for (const { lo, hi } of intervals) {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (sorted[mid]! < lo) low = mid + 1;
      else high = mid;
    }
    if (low < sorted.length && sorted[low]! <= hi) return true;
  }
  return false;
}
