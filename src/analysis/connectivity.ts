/**
 * @module Who may talk to whom: every pair of endpoints (workloads, pods, ranges of the outside
 * world) with the protocols and ports allowed from the first to the second. Decided per pod class
 * pair and port interval (pod-pairs.ts), then gathered per workload: a workload pair's set is the
 * union of its pod pairs' sets (docs/semantics.md), so nothing any pod pair allows is hidden.
 */
import type { Bundle } from '../model/bundle.js';
import { formatIP, type IPFamily } from '../net/ip.js';
import type { ConnSet } from './conn-set.js';
import type { Decider } from './decider.js';
import {
  findWorkload,
  groupWorkloads,
  type AnalysisEndpoint,
  type ExternalEndpoint,
  type WorkloadGroups,
} from './endpoints.js';
import { outsideGroups, type GroupedPiece } from './outside-groups.js';
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
}

/** The analysis state, kept for explanations and exposure. */
export interface ConnectivityResult extends Connectivity {
  readonly pairs: PodPairs;
  readonly groups: WorkloadGroups;
}

export function analyzeConnectivity(bundle: Bundle, decider: Decider, options: ConnectivityOptions = {}): ConnectivityResult {
  const groups = groupWorkloads(bundle);
  const focus = options.focus === undefined ? undefined : findWorkload(groups, options.focus);
  const pairs = new PodPairs(bundle, decider, focus === undefined ? undefined : groups.pods[focus]);
  const all = groups.workloads.map((_, w) => w);
  const sources = focus === undefined ? all : [focus];
  const composition = groups.pods.map((pods) => classCounts(pods, pairs.classes.classOf));
  const focusPods = focus === undefined ? bundle.pods.map((_, p) => p) : groups.pods[focus]!;

  // Queue every decision first, so that the core sees them in large batches.
  const allClasses = pairs.classes.classes.map((c) => c.id);
  const focusClasses = focus === undefined ? undefined : [...composition[focus]!.keys()];
  const classPairs = pairs.candidatePairs(focusClasses, focusClasses);
  pairs.requestClassPairs(classPairs);
  pairs.requestRelatedPairs(focusPods);
  // A focus groups the outside world as the full list does (fullListGroups): every class's cells.
  pairs.requestOutside(allClasses, bundle.pods.map((_, p) => p));
  pairs.flush();

  const context: Context = { bundle, pairs, groups, composition, options };
  const connections: Connection[] = [];
  const relations = relationBlocks(context, focus);
  const workloadPairs = new Set<number>();
  const count = groups.workloads.length;
  const classWorkloads = workloadsOfClasses(groups, pairs.classes.classOf, pairs.classes.classes.length);
  for (let at = 0; at < classPairs.length; at += 2) {
    const a = classPairs[at]!;
    const b = classPairs[at + 1]!;
    const pattern = pairs.decidedClassPattern(a, b);
    if (pattern === undefined || pattern === NOTHING) continue;
    for (const x of classWorkloads[a]!) {
      for (const y of classWorkloads[b]!) if (focus === undefined || x === focus || y === focus) workloadPairs.add(x * count + y);
    }
  }
  for (const [key, block] of relations) if (block.pattern !== NOTHING) workloadPairs.add(key);
  if (options.includeSelf) for (const x of sources) if (groups.workloads[x]!.kind === 'Pod') workloadPairs.add(x * count + x);
  for (const key of Float64Array.from(workloadPairs).sort()) {
    const connection = workloadPair(context, relations, Math.floor(key / count), key % count);
    if (connection) connections.push(connection);
  }
  const outside = focus === undefined ? outsideConnections(context, all) : outsideConnections(context, [focus], fullListGroups(context));
  for (const connection of outside) connections.push(connection);
  return { connections: sortConnections(connections, groups), pairs, groups };
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

function workloadsOfClasses(groups: WorkloadGroups, classOf: Int32Array, classCount: number): number[][] {
  const out: number[][] = Array.from({ length: classCount }, () => []);
  groups.pods.forEach((pods, w) => {
    for (const p of pods) {
      const list = out[classOf[p]!]!;
      if (list[list.length - 1] !== w) list.push(w);
    }
  });
  return out;
}

/** Node-related pod pairs per workload pair: how many per class pair, and their patterns. */
interface RelationBlock {
  readonly counts: Map<number, number>;
  pattern: number;
  readonly keys: string[];
}

/** By workload pair (source x count + destination). */
function relationBlocks(context: Context, focus: number | undefined): Map<number, RelationBlock> {
  const { pairs, groups } = context;
  const blocks = new Map<number, RelationBlock>();
  for (const [p, related] of pairs.related) {
    for (const q of related) {
      const x = groups.workloadOf[p]!;
      const y = groups.workloadOf[q]!;
      if (focus !== undefined && x !== focus && y !== focus) continue;
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

function workloadPair(context: Context, relations: Map<number, RelationBlock>, x: number, y: number): Connection | undefined {
  const { bundle, pairs, groups, composition, options } = context;
  const self = x === y;
  if (self && !options.includeSelf) return undefined;
  const endpoint = groups.workloads[x]!;
  const representative = self && bundle.pods[groups.pods[x]![0]!]!.workload !== undefined;
  const block = relations.get(x * groups.workloads.length + y);
  const keys: string[] = [];
  let pattern = NOTHING;
  for (const [a, na] of composition[x]!) {
    for (const [b, nb] of composition[y]!) {
      let count = na * nb;
      // Pod pairs are of two different pods, except a representative pod, which stands for replicas.
      if (self && a === b && !representative) count -= na;
      const classKey = pairs.classKey(a, b);
      count -= block?.counts.get(classKey) ?? 0;
      if (count <= 0) continue;
      const found = pairs.classPattern(a, b);
      pattern = pairs.store.union(pattern, found);
      if (options.explain && found !== NOTHING) keys.push(`class:${classKey}`);
    }
  }
  if (block) {
    pattern = pairs.store.union(pattern, block.pattern);
    if (options.explain) keys.push(...block.keys);
  }
  // A pod talking to itself is always allowed (loopback).
  if (self && endpoint.kind === 'Pod') {
    pattern = pairs.store.everything();
    if (options.explain) keys.push('loopback');
  }
  if (pattern === NOTHING) return undefined;
  const target = groups.workloads[y]!;
  return { src: endpoint, dst: target, set: pairs.store.connSet(pattern), ...(options.explain ? { representatives: keys } : {}) };
}

/**
 * Per piece of the outside world, the pattern to and from each workload; equal pieces merged, or
 * with `groupOf`, pieces merged by those groups (the full list's, for a focus).
 */
function outsideConnections(context: Context, workloads: readonly number[], groupOf?: Int32Array): Connection[] {
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
    const onNode = piece.hostIP ? (pairs.podsOnPiece.get(i) ?? []) : [];
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
    const signature = groupOf ? String(groupOf[i]) : patterns.join(',');
    const group = signatures.get(signature);
    if (group) {
      group.pieces.push(i);
      if (options.explain) group.keys.forEach((list, k) => list.push(...keys[k]!));
    } else {
      signatures.set(signature, { pieces: [i], patterns, keys });
    }
  });
  const connections: Connection[] = [];
  for (const { pieces, patterns, keys } of signatures.values()) {
    if (patterns.every((p) => p === NOTHING)) continue;
    const external = externalEndpoint(pairs, pieces);
    workloads.forEach((w, j) => {
      const endpoint = groups.workloads[w]!;
      const out = patterns[j]!;
      const into = patterns[workloads.length + j]!;
      const explain = (k: number) => (options.explain ? { representatives: [...new Set(keys[k]!)] } : {});
      if (out !== NOTHING) connections.push({ src: endpoint, dst: external, set: pairs.store.connSet(out), ...explain(j) });
      if (into !== NOTHING) connections.push({ src: external, dst: endpoint, set: pairs.store.connSet(into), ...explain(workloads.length + j) });
    });
  }
  return connections;
}

/**
 * How the full list groups the pieces (outside-groups.ts): each piece's vector over every workload
 * is its cell's, with the workloads that have a pod on its node recomputed, as outsideConnections
 * computes them.
 */
function fullListGroups(context: Context): Int32Array {
  const { pairs, groups } = context;
  const all = groups.workloads.map((_, w) => w);
  const bases = new Map<string, Int32Array>();
  const baseOf = (family: IPFamily, cell: number): Int32Array => {
    const key = `${family}:${cell}`;
    let found = bases.get(key);
    if (!found) bases.set(key, (found = outsidePatterns(context, all, family, cell, undefined)));
    return found;
  };
  const pieces = pairs.pieces.map((piece, i): GroupedPiece => {
    const { family, cell } = piece;
    const onNode = piece.hostIP ? (pairs.podsOnPiece.get(i) ?? []) : [];
    const node = { piece: i, onNode: new Set(onNode), keys: [] };
    if (baseOf(family, cell).includes(-1)) return { family, cell, own: outsidePatterns(context, all, family, cell, node) };
    if (onNode.length === 0) return { family, cell };
    const affected = [...new Set(onNode.map((p) => groups.workloadOf[p]!))];
    const redone = outsidePatterns(context, affected, family, cell, node);
    const overrides = new Map<number, number>();
    affected.forEach((w, k) => {
      overrides.set(w, redone[k]!);
      overrides.set(all.length + w, redone[affected.length + k]!);
    });
    return { family, cell, overrides };
  });
  return outsideGroups(pieces, baseOf);
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
        const found = pairs.outsidePattern(p, node!.piece, direction);
        pattern = pairs.store.union(pattern, found);
        if (keys && found !== NOTHING) keys.push(`piece:${pairs.pieceExceptionKey(p, node!.piece, direction)}`);
      }
      for (const [a, count] of offNode) {
        if (count <= 0) continue;
        const found = node ? pairs.cellPattern(a, family, cell, direction) : pairs.decidedCellPattern(a, family, cell, direction);
        if (found === undefined) return void (patterns[d * workloads.length + j] = -1);
        pattern = pairs.store.union(pattern, found);
        if (keys && found !== NOTHING) keys.push(`cell:${pairs.cellKey(a, family, cell, direction)}`);
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
function sortConnections(connections: Connection[], groups: WorkloadGroups): Connection[] {
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
  const ranks = new Float64Array(connections.length);
  connections.forEach((c, i) => (ranks[i] = order.get(c.src)! * width + order.get(c.dst)!));
  const sorted = new Uint32Array(connections.length).map((_, i) => i).sort((i, j) => ranks[i]! - ranks[j]! || i - j);
  return Array.from(sorted, (i) => connections[i]!);
}
