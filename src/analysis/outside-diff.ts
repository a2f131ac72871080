/**
 * @module How a workload's connections with the outside world change, address by address. The two
 * versions may cut the outside world differently, so both sides' external endpoints (each a set of
 * disjoint ranges) are laid on one grid of elementary intervals, once per direction; a workload's
 * change is then one sweep along the grid, and the addresses whose change is alike are merged.
 */
import { formatIP, parseIP, type IPFamily } from '../net/ip.js';
import { connSetKey, type ConnSet } from './conn-set.js';
import type { Connection } from './connectivity.js';
import type { ExternalEndpoint } from './endpoints.js';

export interface OutsideChange {
  readonly ranges: string[];
  readonly old: ConnSet | undefined;
  readonly now: ConnSet | undefined;
}

interface Range {
  readonly family: IPFamily;
  readonly lo: bigint;
  readonly hi: bigint;
}

/** One side's external endpoints, numbered by their ranges' text. */
interface SideEndpoints {
  readonly numbers: Map<string, number>;
  readonly ranges: Range[][];
}

export class OutsideGrid {
  /** The elementary intervals that some endpoint of either side covers, IPv4 first, by address. */
  private readonly intervals: Range[] = [];
  /** Per side, per interval: the number of the endpoint that covers it, or -1. */
  private readonly covering: [Int32Array, Int32Array];
  private readonly sides: [SideEndpoints, SideEndpoints];
  /** Per side, per endpoint number: the set of the workload being compared (-1: none). */
  private readonly setOf: [Int32Array, Int32Array];
  private readonly setIds = new Map<string, number>();
  private readonly sets: ConnSet[] = [];

  /** `before` and `after`: every connection between a workload and the outside, in one direction. */
  constructor(
    before: readonly Connection[],
    after: readonly Connection[],
    private readonly outward: boolean,
  ) {
    this.sides = [this.endpointsOf(before), this.endpointsOf(after)];
    const bounds: Record<IPFamily, Set<bigint>> = { 4: new Set(), 6: new Set() };
    for (const side of this.sides) {
      for (const list of side.ranges) {
        for (const { family, lo, hi } of list) bounds[family].add(lo).add(hi + 1n);
      }
    }
    const starts = new Map<string, number>();
    for (const family of [4, 6] as const) {
      const sorted = [...bounds[family]].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (let i = 0; i + 1 < sorted.length; i++) {
        starts.set(`${family}:${sorted[i]}`, this.intervals.length);
        this.intervals.push({ family, lo: sorted[i]!, hi: sorted[i + 1]! - 1n });
      }
    }
    this.covering = [this.cover(this.sides[0], starts), this.cover(this.sides[1], starts)];
    this.setOf = [new Int32Array(this.sides[0].ranges.length).fill(-1), new Int32Array(this.sides[1].ranges.length).fill(-1)];
  }

  private external(c: Connection): ExternalEndpoint {
    return (this.outward ? c.dst : c.src) as ExternalEndpoint;
  }

  private endpointsOf(connections: readonly Connection[]): SideEndpoints {
    const numbers = new Map<string, number>();
    const ranges: Range[][] = [];
    for (const c of connections) {
      const { external } = this.external(c);
      const key = rangesKey(external);
      if (numbers.has(key)) continue;
      numbers.set(key, ranges.length);
      ranges.push(rangesOf(external));
    }
    return { numbers, ranges };
  }

  private cover(side: SideEndpoints, starts: Map<string, number>): Int32Array {
    const out = new Int32Array(this.intervals.length).fill(-1);
    side.ranges.forEach((list, n) => {
      for (const { family, lo, hi } of list) {
        for (let i = starts.get(`${family}:${lo}`)!; i < this.intervals.length && this.intervals[i]!.hi <= hi && this.intervals[i]!.family === family; i++) {
          // The analysis partitions the outside world among its endpoints: overlap is a bug upstream.
          if (out[i] !== -1) throw new Error('analysis bug: two external endpoints of one list overlap');
          out[i] = n;
        }
      }
    });
    return out;
  }

  private setId(set: ConnSet): number {
    const key = setKey(set);
    let id = this.setIds.get(key);
    if (id === undefined) {
      this.setIds.set(key, (id = this.sets.length));
      this.sets.push(set);
    }
    return id;
  }

  /** One workload's connections with the outside on each side: the addresses whose set differs, grouped by (old set, new set). */
  changes(before: readonly Connection[], after: readonly Connection[]): OutsideChange[] {
    const lists = [before, after] as const;
    for (const s of [0, 1] as const) {
      for (const c of lists[s]) this.setOf[s][this.sides[s].numbers.get(rangesKey(this.external(c).external))!] = this.setId(c.set);
    }
    const groups = new Map<number, { ranges: string[]; old: number; now: number; last: Range }>();
    const [oldAt, newAt] = this.covering;
    const [oldSet, newSet] = this.setOf;
    for (let i = 0; i < this.intervals.length; i++) {
      const old = oldAt[i]! < 0 ? -1 : oldSet[oldAt[i]!]!;
      const now = newAt[i]! < 0 ? -1 : newSet[newAt[i]!]!;
      if (old === now) continue;
      const interval = this.intervals[i]!;
      const key = (old + 1) * 2 ** 26 + (now + 1);
      const group = groups.get(key);
      const text = (v: bigint) => formatIP({ family: interval.family, value: v });
      if (!group) {
        groups.set(key, { ranges: [`${text(interval.lo)}-${text(interval.hi)}`], old, now, last: interval });
      } else if (group.last.family === interval.family && group.last.hi + 1n === interval.lo) {
        group.last = { ...group.last, hi: interval.hi };
        group.ranges[group.ranges.length - 1] = `${text(group.last.lo)}-${text(interval.hi)}`;
      } else {
        group.ranges.push(`${text(interval.lo)}-${text(interval.hi)}`);
        group.last = interval;
      }
    }
    for (const s of [0, 1] as const) for (const c of lists[s]) this.setOf[s][this.sides[s].numbers.get(rangesKey(this.external(c).external))!] = -1;
    return [...groups.values()].map(({ ranges, old, now }) => ({ ranges, old: this.sets[old], now: this.sets[now] }));
  }
}

/** Keys memoized per object: the analysis shares its endpoint and set objects among connections. */
const rangesKeys = new WeakMap<readonly string[], string>();
const setKeys = new WeakMap<ConnSet, string>();

function rangesKey(external: readonly string[]): string {
  let key = rangesKeys.get(external);
  if (key === undefined) rangesKeys.set(external, (key = external.join(',')));
  return key;
}

export function setKey(set: ConnSet): string {
  let key = setKeys.get(set);
  if (key === undefined) setKeys.set(set, (key = connSetKey(set)));
  return key;
}

/** An external endpoint's ranges, parsed once per endpoint object. */
const parsedRanges = new WeakMap<readonly string[], Range[]>();

function rangesOf(external: readonly string[]): Range[] {
  let found = parsedRanges.get(external);
  if (!found) {
    found = external.map((range) => {
      const [lo, hi] = range.split('-').map((text) => parseIP(text)!);
      return { family: lo!.family, lo: lo!.value, hi: hi!.value };
    });
    parsedRanges.set(external, found);
  }
  return found;
}
