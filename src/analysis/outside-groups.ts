/**
 * @module The outside world as endpoints of the list: per piece of it (outside-cells.ts), the
 * pattern to and from each workload; pieces that every listed workload treats alike merged into
 * one endpoint (a focus may so merge pieces that the full list keeps apart: the same addresses,
 * fewer lines).
 */
import { formatIP, type IPFamily } from '../net/ip.js';
import type { ExternalEndpoint, WorkloadGroups } from './endpoints.js';
import { NOTHING } from './patterns.js';
import type { Direction, PodPairs } from './pod-pairs.js';

/** What the outside world's patterns read of the analysis. */
export interface OutsideContext {
  readonly pairs: PodPairs;
  readonly groups: WorkloadGroups;
  /** Per workload: its classes, each with how many of its pods. */
  readonly composition: readonly Map<number, number>[];
  /** Keep the representative flows of each pattern, for explanations. */
  readonly explain: boolean;
}

/** Pieces alike for the workloads: one endpoint, and per workload j its patterns to and from it. */
export interface OutsideGroup {
  readonly external: ExternalEndpoint;
  /** The pattern from workload j to the endpoint at j, into it at workloads.length + j. */
  readonly patterns: Int32Array;
  /** With explain: the representative keys behind each pattern, at the same indexes. */
  readonly keys: readonly string[][];
}

/** The groups in order of their first piece (IPv4 first, by address), those allowing nothing left out. */
export function outsideGroups(context: OutsideContext, workloads: readonly number[]): OutsideGroup[] {
  const { pairs, groups, explain } = context;
  const signatures = new Map<string, { pieces: number[]; patterns: Int32Array; keys: string[][] }>();
  // Off-node patterns depend on the cell only: computed once per cell, then per piece only the
  // workloads with a pod on that piece's node address are recomputed.
  const offNodeByCell = new Map<string, Int32Array>();
  const indexOf = new Map(workloads.map((w, j) => [w, j]));
  const cellPatterns = (family: IPFamily, cell: number): Int32Array => {
    const key = `${family}:${cell}`;
    let found = offNodeByCell.get(key);
    if (!found) offNodeByCell.set(key, (found = outsidePatterns(context, workloads, family, cell, undefined)));
    return found;
  };
  pairs.pieces.forEach((piece, i) => {
    const onNode = piece.hostIP ? (pairs.outside.podsOnPiece.get(i) ?? []) : [];
    const keys: string[][] = explain ? workloads.map(() => []).concat(workloads.map(() => [])) : [];
    let patterns: Int32Array | undefined;
    if (onNode.length === 0 && !explain) {
      patterns = cellPatterns(piece.family, piece.cell);
    } else if (!explain) {
      const mixed = (patterns = cellPatterns(piece.family, piece.cell).slice());
      const affected = [...new Set(onNode.map((p) => groups.workloadOf[p]!))].filter((w) => indexOf.has(w));
      const redone = outsidePatterns(context, affected, piece.family, piece.cell, { piece: i, onNode: new Set(onNode), keys: [] });
      affected.forEach((w, k) => {
        mixed[indexOf.get(w)!] = redone[k]!;
        mixed[workloads.length + indexOf.get(w)!] = redone[affected.length + k]!;
      });
    }
    // A class with no pod off the piece's node has no cell pattern: then each workload as it is.
    if (patterns === undefined || patterns.includes(-1)) {
      patterns = outsidePatterns(context, workloads, piece.family, piece.cell, { piece: i, onNode: new Set(onNode), keys });
    }
    const signature = patterns.join(',');
    const group = signatures.get(signature);
    if (group) {
      group.pieces.push(i);
      if (explain) group.keys.forEach((list, k) => list.push(...keys[k]!));
    } else {
      signatures.set(signature, { pieces: [i], patterns, keys });
    }
  });
  const out: OutsideGroup[] = [];
  for (const { pieces, patterns, keys } of signatures.values()) {
    if (patterns.every((p) => p === NOTHING)) continue;
    out.push({ external: externalEndpoint(pairs, pieces), patterns, keys });
  }
  return out;
}

/**
 * Per workload, the pattern to (then from) the addresses of a cell, -1 where a class of it has
 * no cell pattern; with `node`, of one piece of it that is the node address of the pods in
 * `onNode` (decided one by one), with explanations.
 */
function outsidePatterns(
  context: OutsideContext,
  workloads: readonly number[],
  family: IPFamily,
  cell: number,
  node: { piece: number; onNode: Set<number>; keys: string[][] } | undefined,
): Int32Array {
  const { pairs, groups, composition, explain } = context;
  const patterns = new Int32Array(workloads.length * 2);
  workloads.forEach((w, j) => {
    (['egress', 'ingress'] as const).forEach((direction: Direction, d) => {
      let pattern = NOTHING;
      const keys = node && explain ? node.keys[d * workloads.length + j]! : undefined;
      // The piece's node holds a pod or two: those of w found among them, not among w's (thousands for a DaemonSet).
      const nodePods = node && node.onNode.size > 0 ? [...node.onNode].filter((p) => groups.workloadOf[p] === w) : [];
      // Per class, its pods on the node (not a copy of w's composition per piece: thousands of classes for a DaemonSet).
      const onNodeOf = nodePods.length === 0 ? undefined : new Map<number, number>();
      for (const p of nodePods) {
        const a = pairs.classes.classOf[p]!;
        onNodeOf!.set(a, (onNodeOf!.get(a) ?? 0) + 1);
        const found = pairs.outside.outsidePattern(p, node!.piece, direction);
        pattern = pairs.store.union(pattern, found);
        if (keys && found !== NOTHING) keys.push(pairs.outside.nodeKey(p, node!.piece, direction));
      }
      for (const [a, pods] of composition[w]!) {
        const count = onNodeOf === undefined ? pods : pods - (onNodeOf.get(a) ?? 0);
        if (count <= 0) continue;
        const found = node ? pairs.outside.cellPattern(a, family, cell, direction) : pairs.outside.decidedCellPattern(a, family, cell, direction);
        if (found === undefined) return void (patterns[d * workloads.length + j] = -1);
        pattern = pairs.store.union(pattern, found);
        if (keys && found !== NOTHING) keys.push(pairs.outside.cellKey(a, family, cell, direction));
      }
      patterns[d * workloads.length + j] = pattern;
    });
  });
  return patterns;
}

/** The pieces' addresses as merged inclusive ranges, IPv4 first. */
function externalEndpoint(pairs: PodPairs, pieces: readonly number[]): ExternalEndpoint {
  const ranges: { family: IPFamily; lo: bigint; hi: bigint }[] = [];
  for (const i of pieces) {
    const piece = pairs.pieces[i]!;
    for (const [lo, hi] of piece.ranges) {
      const last = ranges[ranges.length - 1];
      if (last && last.family === piece.family && last.hi + 1n === lo) last.hi = hi;
      else ranges.push({ family: piece.family, lo, hi });
    }
  }
  return {
    external: ranges.map(({ family, lo, hi }) => `${formatIP({ family, value: lo })}-${formatIP({ family, value: hi })}`),
  };
}
