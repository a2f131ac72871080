/**
 * @module What changes between two versions' connectivity: every endpoint pair whose allowed set
 * differs. Workloads match by namespace, kind and name; the outside world is compared address by
 * address (the two versions may cut it differently), and addresses whose change is alike are merged.
 */
import { parseIP, formatIP, type IPFamily } from '../net/ip.js';
import { connSetKey, isEmptyConnSet, type ConnSet } from './conn-set.js';
import type { Connection, Connectivity } from './connectivity.js';
import { endpointKey, endpointLabel, isExternal, type AnalysisEndpoint, type WorkloadEndpoint } from './endpoints.js';

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface ConnectionChange {
  readonly change: ChangeKind;
  readonly src: AnalysisEndpoint;
  readonly dst: AnalysisEndpoint;
  readonly old: ConnSet | null;
  readonly new: ConnSet | null;
  /** Set when an endpoint of the pair exists on one side only. */
  readonly note?: string;
}

export interface ConnectivitySide {
  readonly connectivity: Connectivity;
  /** Every workload of that version, connected or not. */
  readonly workloads: readonly WorkloadEndpoint[];
}

export function diffConnectivity(before: ConnectivitySide, after: ConnectivitySide): ConnectionChange[] {
  const oldWorkloads = new Set(before.workloads.map(endpointKey));
  const newWorkloads = new Set(after.workloads.map(endpointKey));
  const note = (endpoints: readonly AnalysisEndpoint[]): string | undefined => {
    const notes = endpoints
      .filter((e) => !isExternal(e))
      .flatMap((e) => {
        const key = endpointKey(e);
        if (oldWorkloads.has(key) && !newWorkloads.has(key)) return [`${endpointLabel(e)} exists only in the old version`];
        if (!oldWorkloads.has(key) && newWorkloads.has(key)) return [`${endpointLabel(e)} exists only in the new version`];
        return [];
      });
    return notes.length > 0 ? notes.join('; ') : undefined;
  };
  const changes: ConnectionChange[] = [];
  const push = (src: AnalysisEndpoint, dst: AnalysisEndpoint, old: ConnSet | undefined, now: ConnSet | undefined): void => {
    const o = old && !isEmptyConnSet(old) ? old : null;
    const n = now && !isEmptyConnSet(now) ? now : null;
    if (o === null && n === null) return;
    if (o && n && setKey(o) === setKey(n)) return;
    const change: ChangeKind = o === null ? 'added' : n === null ? 'removed' : 'changed';
    const text = note([src, dst]);
    changes.push({ change, src, dst, old: o, new: n, ...(text ? { note: text } : {}) });
  };

  // Workload pairs.
  const inside = (c: Connection) => !isExternal(c.src) && !isExternal(c.dst);
  // Workload keys numbered once, so that a pair's key is a number, not a joined string.
  const ids = new Map<string, number>();
  for (const w of [...before.workloads, ...after.workloads]) if (!ids.has(keyOf(w))) ids.set(keyOf(w), ids.size);
  const idByObject = new Map<AnalysisEndpoint, number>();
  const idOf = (e: AnalysisEndpoint): number => {
    let id = idByObject.get(e);
    if (id !== undefined) return id;
    const key = keyOf(e);
    id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    idByObject.set(e, id);
    return id;
  };
  const pairKey = (c: Connection) => idOf(c.src) * 2 ** 26 + idOf(c.dst);
  const oldPairs = new Map(before.connectivity.connections.filter(inside).map((c) => [pairKey(c), c]));
  const newPairs = new Map(after.connectivity.connections.filter(inside).map((c) => [pairKey(c), c]));
  for (const [key, c] of oldPairs) push(c.src, c.dst, c.set, newPairs.get(key)?.set);
  for (const [key, c] of newPairs) if (!oldPairs.has(key)) push(c.src, c.dst, undefined, c.set);

  // The outside world, per workload and direction, address by address.
  for (const outward of [true, false]) {
    const workloads = new Map<number, WorkloadEndpoint>();
    const sides = [before, after].map((side) => {
      const byWorkload = new Map<number, Connection[]>();
      for (const c of side.connectivity.connections) {
        const workload = outward ? c.src : c.dst;
        const other = outward ? c.dst : c.src;
        if (isExternal(workload) || !isExternal(other)) continue;
        const key = idOf(workload);
        workloads.set(key, workload);
        const list = byWorkload.get(key);
        if (list) list.push(c);
        else byWorkload.set(key, [c]);
      }
      return byWorkload;
    });
    const byName = [...workloads].sort(([, a], [, b]) => (keyOf(a) < keyOf(b) ? -1 : 1));
    for (const [key, workload] of byName) {
      const [old, now] = [sides[0]!.get(key) ?? [], sides[1]!.get(key) ?? []];
      // The same endpoints with the same sets: nothing to compare address by address.
      if (sameOutside(old, now, outward)) continue;
      for (const segment of outsideChanges(old, now, outward)) {
        const external: AnalysisEndpoint = { external: segment.ranges };
        if (outward) push(workload, external, segment.old, segment.now);
        else push(external, workload, segment.old, segment.now);
      }
    }
  }
  return changes;
}

/** Endpoint keys and set keys, memoized: the analysis shares its endpoint and set objects. */
const endpointKeys = new WeakMap<AnalysisEndpoint, string>();
const setKeys = new WeakMap<ConnSet, string>();

function keyOf(endpoint: AnalysisEndpoint): string {
  let key = endpointKeys.get(endpoint);
  if (key === undefined) endpointKeys.set(endpoint, (key = endpointKey(endpoint)));
  return key;
}

function setKey(set: ConnSet): string {
  let key = setKeys.get(set);
  if (key === undefined) setKeys.set(set, (key = connSetKey(set)));
  return key;
}

/** Whether both sides list the same external endpoints with the same sets (in any order). */
function sameOutside(before: readonly Connection[], after: readonly Connection[], outward: boolean): boolean {
  if (before.length !== after.length) return false;
  const sets = new Map<string, string>();
  for (const c of before) sets.set(keyOf(outward ? c.dst : c.src), setKey(c.set));
  // A repeated endpoint on one side: compare as sorted lists instead.
  if (sets.size !== before.length) return outsideSignature(before, outward) === outsideSignature(after, outward);
  for (const c of after) if (sets.get(keyOf(outward ? c.dst : c.src)) !== setKey(c.set)) return false;
  return new Set(after.map((c) => keyOf(outward ? c.dst : c.src))).size === after.length;
}

function outsideSignature(connections: readonly Connection[], outward: boolean): string {
  return connections
    .map((c) => `${keyOf(outward ? c.dst : c.src)}>${setKey(c.set)}`)
    .sort()
    .join(';');
}

interface Segment {
  readonly family: IPFamily;
  readonly lo: bigint;
  readonly hi: bigint;
  readonly set: ConnSet;
}

/** An external endpoint's ranges, parsed once per endpoint object. */
const parsedRanges = new WeakMap<readonly string[], { family: IPFamily; lo: bigint; hi: bigint }[]>();

function rangesOf(external: readonly string[]): { family: IPFamily; lo: bigint; hi: bigint }[] {
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

/** One side's segments of a family, sorted by address (they are disjoint: endpoints partition it). */
function segmentsOf(connections: readonly Connection[], outward: boolean, family: IPFamily): Segment[] {
  const out: Segment[] = [];
  for (const c of connections) {
    const external = (outward ? c.dst : c.src) as { external: readonly string[] };
    for (const range of rangesOf(external.external)) if (range.family === family) out.push({ ...range, set: c.set });
  }
  return out.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
}

/** The addresses whose set differs, grouped by (old set, new set), as merged ranges. */
function outsideChanges(
  before: readonly Connection[],
  after: readonly Connection[],
  outward: boolean,
): { ranges: string[]; old: ConnSet | undefined; now: ConnSet | undefined }[] {
  const groups = new Map<string, { ranges: string[]; old: ConnSet | undefined; now: ConnSet | undefined; last?: Segment }>();
  for (const family of [4, 6] as const) {
    const oldSegments = segmentsOf(before, outward, family);
    const newSegments = segmentsOf(after, outward, family);
    const bounds = new Set<bigint>();
    for (const s of [...oldSegments, ...newSegments]) {
      bounds.add(s.lo);
      bounds.add(s.hi + 1n);
    }
    const sorted = [...bounds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // Sweep both sides' sorted segments along the elementary intervals.
    const cursor = [0, 0];
    const find = (segments: Segment[], side: number, lo: bigint, hi: bigint): ConnSet | undefined => {
      while (cursor[side]! < segments.length && segments[cursor[side]!]!.hi < lo) cursor[side]!++;
      const s = segments[cursor[side]!];
      return s && s.lo <= lo && hi <= s.hi ? s.set : undefined;
    };
    for (let i = 0; i + 1 < sorted.length; i++) {
      const lo = sorted[i]!;
      const hi = sorted[i + 1]! - 1n;
      const old = find(oldSegments, 0, lo, hi);
      const now = find(newSegments, 1, lo, hi);
      if ((old ? setKey(old) : '') === (now ? setKey(now) : '')) continue;
      const key = `${old ? setKey(old) : '-'}>${now ? setKey(now) : '-'}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { ranges: [], old, now }));
      const text = (v: bigint) => formatIP({ family, value: v });
      if (group.last && group.last.family === family && group.last.hi + 1n === lo) {
        group.ranges[group.ranges.length - 1] = `${text(group.last.lo)}-${text(hi)}`;
        group.last = { ...group.last, hi };
      } else {
        group.ranges.push(`${text(lo)}-${text(hi)}`);
        group.last = { family, lo, hi, set: old ?? now! };
      }
    }
  }
  return [...groups.values()].map(({ ranges, old, now }) => ({ ranges, old, now }));
}
