/**
 * @module Who may talk to whom: every pair of endpoints (workloads, pods, ranges of the outside
 * world) with the protocols and ports allowed from the first to the second. Decided per pod class
 * pair and port interval (pod-pairs.ts), then gathered per workload: a workload pair's set is the
 * union of its pod pairs' sets (docs/semantics.md), so nothing any pod pair allows is hidden.
 */
import type { Bundle } from '../model/bundle.js';
import { formatIP, type IPFamily } from '../net/ip.js';
import type { ClassPairBatch } from './class-pair-signatures.js';
import type { ConnSet } from './conn-set.js';
import type { Decider } from './decider.js';
import {
  findWorkload,
  groupWorkloads,
  type AnalysisEndpoint,
  type ExternalEndpoint,
  type WorkloadGroups,
} from './endpoints.js';
import { NOTHING } from './patterns.js';
import { PodPairs, type Direction } from './pod-pairs.js';

export interface Connection {
  readonly src: AnalysisEndpoint;
  readonly dst: AnalysisEndpoint;
  readonly set: ConnSet;
  /** With `explain`: keys of the representative flows behind the set (see explain.ts). */
  readonly representatives?: readonly string[];
}

export interface Connectivity {
  readonly connections: readonly Connection[];
}

export interface ConnectivityOptions {
  /** `NS/NAME` or `NS/KIND/NAME`: only connections into or out of that workload or pod. */
  readonly focus?: string;
  /** Keep a workload's (or pod's) connections to itself. */
  readonly includeSelf?: boolean;
  /** Keep the representative flows of each connection, for explanations. */
  readonly explain?: boolean;
  /** Only connections into or out of the workloads of these pods (bundle.pods indexes); with `focus`, both. */
  readonly focusPods?: readonly number[];
}

/** The analysis state, kept for explanations and exposure. */
export interface ConnectivityResult extends Connectivity {
  readonly pairs: PodPairs;
  readonly groups: WorkloadGroups;
}

export function analyzeConnectivity(bundle: Bundle, decider: Decider, options: ConnectivityOptions = {}): ConnectivityResult {
  const groups = groupWorkloads(bundle);
  const focus = focusedWorkloads(groups, options);
  const pairs = new PodPairs(bundle, decider, focus?.flatMap((w) => groups.pods[w]!));
  const all = groups.workloads.map((_, w) => w);
  const composition = groups.pods.map((pods) => classCounts(pods, pairs.classes.classOf));
  const focusPods = focus === undefined ? bundle.pods.map((_, p) => p) : focus.flatMap((w) => groups.pods[w]!);
  const inFocus = focus === undefined ? undefined : new Uint8Array(groups.workloads.length);
  for (const w of focus ?? []) inFocus![w] = 1;

  // Queue every decision first, so that the core sees them in large batches.
  const allClasses = pairs.classes.classes.map((c) => c.id);
  const focusClasses = focus === undefined ? undefined : [...new Set(focus.flatMap((w) => [...composition[w]!.keys()]))];
  const classPairs = pairs.requestClassPairs(pairs.candidatePairs(focusClasses, focusClasses));
  pairs.requestRelatedPairs(focusPods);
  pairs.requestOutside(focusClasses ?? allClasses, focusPods);
  pairs.flush();

  const context: Context = { bundle, pairs, groups, composition, options };
  const connections = workloadConnections(context, classPairs, relationBlocks(context, inFocus), inFocus);
  for (const connection of outsideConnections(context, focus ?? all)) connections.push(connection);
  return { connections: sortConnections(connections, groups), pairs, groups };
}

/** The focused workloads (`focus` and the workloads of `focusPods`), in order; undefined for all. */
function focusedWorkloads(groups: WorkloadGroups, options: ConnectivityOptions): number[] | undefined {
  if (options.focus === undefined && options.focusPods === undefined) return undefined;
  const chosen = new Set<number>();
  if (options.focus !== undefined) chosen.add(findWorkload(groups, options.focus));
  for (const p of options.focusPods ?? []) chosen.add(groups.workloadOf[p]!);
  return [...chosen].sort((a, b) => a - b);
}

interface Context {
  readonly bundle: Bundle;
  readonly pairs: PodPairs;
  readonly groups: WorkloadGroups;
  readonly composition: readonly Map<number, number>[];
  readonly options: ConnectivityOptions;
}

function classCounts(pods: readonly number[], classOf: Int32Array): Map<number, number> {
  const counts = new Map<number, number>();
  for (const p of pods) counts.set(classOf[p]!, (counts.get(classOf[p]!) ?? 0) + 1);
  return counts;
}

/** Node-related pod pairs per workload pair: how many per class pair, and their patterns. */
interface RelationBlock {
  readonly counts: Map<number, number>;
  pattern: number;
  readonly keys: string[];
}

/** By workload pair (source x count + destination). */
function relationBlocks(context: Context, inFocus: Uint8Array | undefined): Map<number, RelationBlock> {
  const { pairs, groups } = context;
  const blocks = new Map<number, RelationBlock>();
  for (const [p, related] of pairs.related) {
    for (const q of related) {
      const x = groups.workloadOf[p]!;
      const y = groups.workloadOf[q]!;
      if (inFocus !== undefined && !inFocus[x] && !inFocus[y]) continue;
      const key = x * groups.workloads.length + y;
      let block = blocks.get(key);
      if (!block) blocks.set(key, (block = { counts: new Map(), pattern: NOTHING, keys: [] }));
      const classKey = pairs.classKey(pairs.classes.classOf[p]!, pairs.classes.classOf[q]!);
      block.counts.set(classKey, (block.counts.get(classKey) ?? 0) + 1);
      const pattern = pairs.relatedPattern(p, q);
      block.pattern = pairs.store.union(block.pattern, pattern);
      if (pattern !== NOTHING) block.keys.push(`pod:${pairs.relatedKey(p, q)}`);
    }
  }
  return blocks;
}

/**
 * The connections between workloads: per source workload, a row over destination workloads that
 * each decided class pair of its classes adds its pattern to (where its classes hold a pod pair of
 * the two workloads that is not node-related, and not one pod with itself), then the node-related
 * pairs, then a pod with itself; in source, then destination order.
 */
function workloadConnections(context: Context, classPairs: ClassPairBatch, relations: Map<number, RelationBlock>, inFocus: Uint8Array | undefined): Connection[] {
  const { bundle, pairs, groups, composition, options } = context;
  const count = groups.workloads.length;
  const { targets, patterns, starts } = classPairs.bySource();
  const holders = classHolders(context);
  const blocksOf = blocksBySource(relations, count);
  const connections: Connection[] = [];
  const row = new Int32Array(count);
  const keys: string[][] = [];
  const touched: number[] = [];
  const add = (y: number, pattern: number): void => {
    if (row[y] === NOTHING) touched.push(y);
    row[y] = pairs.store.union(row[y]!, pattern);
  };
  for (let x = 0; x < count; x++) {
    // A workload's representative pod stands for replicas: with itself it is two of them.
    const representative = bundle.pods[groups.pods[x]![0]!]!.workload !== undefined;
    const blocks = blocksOf.get(x);
    for (const [a, na] of composition[x]!) {
      for (let k = starts[a]!; k < starts[a + 1]!; k++) {
        const pattern = patterns[k]!;
        if (pattern === NOTHING) continue;
        const b = targets[k]!;
        const held = holders[b]!;
        for (let j = 0; j < held.length; j += 2) {
          const y = held[j]!;
          if ((inFocus !== undefined && !inFocus[x] && !inFocus[y]) || (x === y && !options.includeSelf)) continue;
          let pods = na * held[j + 1]!;
          if (x === y && a === b && !representative) pods -= na;
          if (blocks) pods -= blocks.get(y)?.counts.get(pairs.classKey(a, b)) ?? 0;
          if (pods <= 0) continue;
          add(y, pattern);
          if (options.explain) (keys[y] ??= []).push(`class:${pairs.classKey(a, b)}`);
        }
      }
    }
    for (const [y, block] of blocks ?? []) {
      if (block.pattern === NOTHING || (x === y && !options.includeSelf)) continue;
      add(y, block.pattern);
      if (options.explain) (keys[y] ??= []).push(...block.keys);
    }
    // A pod talking to itself is always allowed (loopback).
    if (options.includeSelf && groups.workloads[x]!.kind === 'Pod' && (inFocus === undefined || inFocus[x] === 1)) {
      if (row[x] === NOTHING) touched.push(x);
      row[x] = pairs.store.everything();
      if (options.explain) (keys[x] ??= []).push('loopback');
    }
    touched.sort((p, q) => p - q);
    for (const y of touched) {
      const src = groups.workloads[x]!;
      const dst = groups.workloads[y]!;
      const set = pairs.store.connSet(row[y]!);
      connections.push(options.explain ? { src, dst, set, representatives: keys[y]! } : { src, dst, set });
      row[y] = NOTHING;
      keys[y] = [];
    }
    touched.length = 0;
  }
  return connections;
}

/** The relation blocks by source workload, then destination workload. */
function blocksBySource(relations: Map<number, RelationBlock>, count: number): Map<number, Map<number, RelationBlock>> {
  const out = new Map<number, Map<number, RelationBlock>>();
  for (const [key, block] of relations) {
    const x = Math.floor(key / count);
    out.set(x, (out.get(x) ?? new Map<number, RelationBlock>()).set(key % count, block));
  }
  return out;
}

/** Per class: the workloads holding its pods, each with how many, flat (workload, count, ...). */
function classHolders(context: Context): number[][] {
  const { pairs, composition } = context;
  const out: number[][] = Array.from({ length: pairs.classes.classes.length }, () => []);
  composition.forEach((classes, w) => {
    for (const [a, pods] of classes) out[a]!.push(w, pods);
  });
  return out;
}

/**
 * Per piece of the outside world, the pattern to and from each workload; pieces equal for these
 * workloads merged (a focus may so merge pieces that the full list keeps apart: the same
 * addresses, fewer lines).
 */
function outsideConnections(context: Context, workloads: readonly number[]): Connection[] {
  const { pairs, groups, composition, options } = context;
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
    const keys: string[][] = options.explain ? workloads.map(() => []).concat(workloads.map(() => [])) : [];
    let patterns: Int32Array | undefined;
    if (onNode.length === 0 && !options.explain) {
      patterns = cellPatterns(piece.family, piece.cell);
    } else if (!options.explain) {
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
      if (options.explain) group.keys.forEach((list, k) => list.push(...keys[k]!));
    } else {
      signatures.set(signature, { pieces: [i], patterns, keys });
    }
  });
  const connections: Connection[] = [];
  const connection = (src: AnalysisEndpoint, dst: AnalysisEndpoint, pattern: number, keys: readonly string[] | undefined): Connection =>
    keys ? { src, dst, set: pairs.store.connSet(pattern), representatives: [...new Set(keys)] } : { src, dst, set: pairs.store.connSet(pattern) };
  for (const { pieces, patterns, keys } of signatures.values()) {
    if (patterns.every((p) => p === NOTHING)) continue;
    const external = externalEndpoint(pairs, pieces);
    for (let j = 0; j < workloads.length; j++) {
      const endpoint = groups.workloads[workloads[j]!]!;
      const out = patterns[j]!;
      const into = patterns[workloads.length + j]!;
      if (out !== NOTHING) connections.push(connection(endpoint, external, out, options.explain ? keys[j] : undefined));
      if (into !== NOTHING) connections.push(connection(external, endpoint, into, options.explain ? keys[workloads.length + j] : undefined));
    }
  }
  return connections;
}

/**
 * Per workload, the pattern to (then from) the addresses of a cell, -1 where a class of it has
 * no cell pattern; with `node`, of one piece of it that is the node address of the pods in
 * `onNode` (decided one by one), with explanations.
 */
function outsidePatterns(
  context: Context,
  workloads: readonly number[],
  family: IPFamily,
  cell: number,
  node: { piece: number; onNode: Set<number>; keys: string[][] } | undefined,
): Int32Array {
  const { pairs, groups, composition, options } = context;
  const patterns = new Int32Array(workloads.length * 2);
  workloads.forEach((w, j) => {
    (['egress', 'ingress'] as const).forEach((direction: Direction, d) => {
      let pattern = NOTHING;
      const keys = node && options.explain ? node.keys[d * workloads.length + j]! : undefined;
      const nodePods = node && node.onNode.size > 0 ? groups.pods[w]!.filter((p) => node.onNode.has(p)) : [];
      const offNode = nodePods.length > 0 ? new Map(composition[w]!) : composition[w]!;
      for (const p of nodePods) {
        const a = pairs.classes.classOf[p]!;
        (offNode as Map<number, number>).set(a, offNode.get(a)! - 1);
        const found = pairs.outside.outsidePattern(p, node!.piece, direction);
        pattern = pairs.store.union(pattern, found);
        if (keys && found !== NOTHING) keys.push(pairs.outside.nodeKey(p, node!.piece, direction));
      }
      for (const [a, count] of offNode) {
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

/** Workloads in their order, the outside world after them (IPv4 ranges first, by address). */
export function sortConnections(connections: Connection[], groups: WorkloadGroups): Connection[] {
  const order = new Map<AnalysisEndpoint, number>();
  groups.workloads.forEach((w, i) => order.set(w, i));
  // Ranked by first appearance of their ranges; each endpoint object's ranges joined once only.
  const externals = new Map<string, AnalysisEndpoint>();
  const seen = new Set<AnalysisEndpoint>();
  for (const c of connections) {
    for (const e of [c.src, c.dst]) {
      if (!('external' in e) || seen.has(e)) continue;
      seen.add(e);
      externals.set(e.external.join(','), e);
    }
  }
  [...externals.values()].forEach((e, i) => order.set(e, groups.workloads.length + i));
  // Each connection's rank computed once, then sorted by it (ties keep their order, as a stable sort).
  const width = order.size;
  const count = connections.length;
  const ranks = new Float64Array(count);
  connections.forEach((c, i) => (ranks[i] = order.get(c.src)! * width + order.get(c.dst)!));
  if (width * width * count < Number.MAX_SAFE_INTEGER) {
    // Rank and position in one exact number: the native numeric sort, with no comparator to call.
    for (let i = 0; i < count; i++) ranks[i] = ranks[i]! * count + i;
    ranks.sort();
    return Array.from(ranks, (key) => connections[key % count]!);
  }
  const sorted = new Uint32Array(count).map((_, i) => i).sort((i, j) => ranks[i]! - ranks[j]! || i - j);
  return Array.from(sorted, (i) => connections[i]!);
}
