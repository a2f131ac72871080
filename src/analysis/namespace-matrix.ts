/**
 * @module The connectivity of a bundle folded to namespaces: for each ordered namespace pair, how
 * many workload pairs may talk (none, some or all of them, and how many with every port), and the
 * union of what they allow. The page's matrix at sizes where the workload list is too large to
 * ship; a pair's set is the union of its workload pairs' sets, so nothing allowed is hidden.
 */
import { EMPTY_CONN_SET, unionConnSets, type ConnSet } from './conn-set.js';
import type { Connection } from './connectivity.js';
import { isExternal, type WorkloadEndpoint } from './endpoints.js';

/** `everything`: every workload pair allowed every port; else `some` (a pair without a cell is nothing). */
export type Coverage = 'some' | 'everything';

export interface NamespaceCell {
  readonly src: string;
  readonly dst: string;
  /** Ordered pairs of distinct workloads from src to dst. */
  readonly workloadPairs: number;
  /** Of those, the pairs with at least one allowed port. */
  readonly connected: number;
  /** Of those, the pairs allowed every port of every protocol. */
  readonly allowedEverything: number;
  readonly coverage: Coverage;
  /** The union of the connected pairs' sets. */
  readonly set: ConnSet;
}

export interface NamespaceMatrix {
  /** Every namespace with a workload, sorted, with its workload count. */
  readonly namespaces: readonly { readonly name: string; readonly workloads: number }[];
  /** Pairs with a connected workload pair, in namespace order (source, then destination); any other pair is `nothing`. */
  readonly cells: readonly NamespaceCell[];
}

/** Folds workload-to-workload connections (a workload's own are left out); outside ranges are not part of it. */
export function namespaceMatrix(workloads: readonly WorkloadEndpoint[], connections: readonly Connection[]): NamespaceMatrix {
  const counts = new Map<string, number>();
  for (const w of workloads) counts.set(w.namespace, (counts.get(w.namespace) ?? 0) + 1);
  const names = [...counts.keys()].sort();
  const index = new Map(names.map((name, i) => [name, i]));
  // Sets are shared between connections (one per pattern): union each distinct set once per cell.
  const cells = new Map<number, { connected: number; allowedEverything: number; sets: Set<ConnSet> }>();
  for (const { src, dst, set } of connections) {
    if (isExternal(src) || isExternal(dst)) continue;
    if (src.namespace === dst.namespace && src.name === dst.name && src.kind === dst.kind) continue;
    const key = index.get(src.namespace)! * names.length + index.get(dst.namespace)!;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { connected: 0, allowedEverything: 0, sets: new Set() }));
    cell.connected++;
    if (set.all) cell.allowedEverything++;
    cell.sets.add(set);
  }
  const out: NamespaceCell[] = [];
  names.forEach((src, i) =>
    names.forEach((dst, j) => {
      const n = counts.get(src)!;
      const workloadPairs = i === j ? n * (n - 1) : n * counts.get(dst)!;
      const cell = cells.get(i * names.length + j);
      if (!cell) return;
      const coverage: Coverage = cell.allowedEverything === workloadPairs ? 'everything' : 'some';
      const set = [...cell.sets].reduce(unionConnSets, EMPTY_CONN_SET);
      out.push({ src, dst, workloadPairs, connected: cell.connected, allowedEverything: cell.allowedEverything, coverage, set });
    }),
  );
  return { namespaces: names.map((name) => ({ name, workloads: counts.get(name)! })), cells: out };
}

/** The connections into or out of a namespace's workloads (outside ranges included), in their order. */
export function namespaceConnections(connections: readonly Connection[], namespace: string): Connection[] {
  return connections.filter(({ src, dst }) => (!isExternal(src) && src.namespace === namespace) || (!isExternal(dst) && dst.namespace === namespace));
}
