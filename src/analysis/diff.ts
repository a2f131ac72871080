/**
 * @module What changes between two versions' connectivity: every endpoint pair whose allowed set
 * differs. Workloads match by namespace, kind and name; the outside world is compared address by
 * address (the two versions may cut it differently), and addresses whose change is alike are merged.
 */
import { isEmptyConnSet, type ConnSet } from './conn-set.js';
import type { Connection, Connectivity } from './connectivity.js';
import { endpointKey, endpointLabel, isExternal, type AnalysisEndpoint, type WorkloadEndpoint } from './endpoints.js';
import { OutsideGrid, setKey } from './outside-diff.js';

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
    const grid = new OutsideGrid([...sides[0]!.values()].flat(), [...sides[1]!.values()].flat(), outward);
    const byName = [...workloads].sort(([, a], [, b]) => (keyOf(a) < keyOf(b) ? -1 : 1));
    for (const [key, workload] of byName) {
      for (const segment of grid.changes(sides[0]!.get(key) ?? [], sides[1]!.get(key) ?? [])) {
        const external: AnalysisEndpoint = { external: segment.ranges };
        if (outward) push(workload, external, segment.old, segment.now);
        else push(external, workload, segment.old, segment.now);
      }
    }
  }
  return changes;
}

/** Endpoint keys, memoized: the analysis shares its endpoint objects. */
const endpointKeys = new WeakMap<AnalysisEndpoint, string>();

function keyOf(endpoint: AnalysisEndpoint): string {
  let key = endpointKeys.get(endpoint);
  if (key === undefined) endpointKeys.set(endpoint, (key = endpointKey(endpoint)));
  return key;
}
