/**
 * @module Who may talk to whom: every pair of endpoints (workloads, pods, ranges of the outside
 * world) with the protocols and ports allowed from the first to the second. Decided per pod class
 * pair and port interval (pod-pairs.ts), then gathered per workload: a workload pair's set is the
 * union of its pod pairs' sets (docs/semantics.md), so nothing any pod pair allows is hidden.
 */
import type { Bundle } from '../model/bundle.js';
import type { ConnSet } from './conn-set.js';
import { CHUNK_PAIRS, ClassPairChunks, type SourceChunk } from './class-pair-chunks.js';
import type { ClassPairBatch, ClassPairsBySource } from './class-pair-signatures.js';
import type { Decider } from './decider.js';
import {
  findWorkload,
  groupWorkloads,
  type AnalysisEndpoint,
  type WorkloadGroups,
} from './endpoints.js';
import { outsideGroups, type OutsideContext, type OutsideGroup } from './outside-groups.js';
import { NOTHING } from './patterns.js';
import { PodPairs } from './pod-pairs.js';

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

/**
 * The connections in their final order, a batch at a time (per source workload, then the outside
 * world as sources), computed as they are asked for (the batches can be walked once). The state
 * behind a batch's connections (their patterns, for explanations) stays until the next is asked for.
 */
export interface ConnectivityStream {
  readonly pairs: PodPairs;
  readonly groups: WorkloadGroups;
  readonly batches: Iterable<readonly Connection[]>;
}

/** The whole list at once, with the state for explanations and exposure (every class pair kept). */
export function analyzeConnectivity(bundle: Bundle, decider: Decider, options: ConnectivityOptions = {}): ConnectivityResult {
  const stream = streamConnectivity(bundle, decider, options, Infinity);
  const connections: Connection[] = [];
  for (const batch of stream.batches) for (const connection of batch) connections.push(connection);
  return { connections, pairs: stream.pairs, groups: stream.groups };
}

/**
 * The list streamed: without a focus, source workloads in chunks of about `chunkPairs` candidate
 * class pairs (class-pair-chunks.ts), each chunk's pairs decided, turned into rows and forgotten
 * before the next, so memory holds one chunk's pairs and one batch of connections, not the list.
 */
export function streamConnectivity(bundle: Bundle, decider: Decider, options: ConnectivityOptions = {}, chunkPairs = CHUNK_PAIRS): ConnectivityStream {
  const groups = groupWorkloads(bundle);
  const focus = focusedWorkloads(groups, options);
  const pairs = new PodPairs(bundle, decider, focus?.flatMap((w) => groups.pods[w]!));
  const composition = groups.pods.map((pods) => classCounts(pods, pairs.classes.classOf));
  const context: Context = { bundle, pairs, groups, composition, options, explain: options.explain === true };
  return { pairs, groups, batches: connectionBatches(context, focus, chunkPairs) };
}

function* connectionBatches(context: Context, focus: number[] | undefined, chunkPairs: number): Generator<readonly Connection[]> {
  const { bundle, pairs, groups, composition } = context;
  const count = groups.workloads.length;
  const focusPods = focus === undefined ? bundle.pods.map((_, p) => p) : focus.flatMap((w) => groups.pods[w]!);
  const inFocus = focus === undefined ? undefined : new Uint8Array(count);
  for (const w of focus ?? []) inFocus![w] = 1;
  const allClasses = pairs.classes.classes.map((c) => c.id);
  const focusClasses = focus === undefined ? undefined : [...new Set(focus.flatMap((w) => [...composition[w]!.keys()]))];
  // A focus is one chunk: every pair with a focus class on either side, every source workload.
  const chunker = focus === undefined ? new ClassPairChunks(pairs.candidates, allClasses.length) : undefined;
  const chunks = chunker?.chunks(composition, chunkPairs) ?? [{ from: 0, to: count, sources: Int32Array.from(focusClasses!) }];
  const pairsOf = (chunk: SourceChunk): Int32Array => chunker?.pairs(chunk) ?? pairs.candidatePairs(focusClasses, focusClasses);

  // The first chunk's pairs, the node-related pairs and the outside world in one flush, so that
  // the core sees them in large batches.
  let classPairs = pairs.requestClassPairs(pairsOf(chunks[0]!));
  pairs.requestRelatedPairs(focusPods);
  pairs.requestOutside(focusClasses ?? allClasses, focusPods);
  pairs.flush();

  const listed = focus ?? groups.workloads.map((_, w) => w);
  const outside = outsideGroups(context, listed);
  const rows = new WorkloadRows(context, relationBlocks(context, inFocus), inFocus);
  for (let k = 0; k < chunks.length; k++) {
    const chunk = chunks[k]!;
    if (k > 0) {
      classPairs = pairs.requestClassPairs(pairsOf(chunk));
      pairs.flush();
    }
    rows.decided(classPairs);
    for (let x = chunk.from; x < chunk.to; x++) {
      const batch = rows.connectionsOf(x);
      const j = inFocus === undefined ? x : inFocus[x] ? listed.indexOf(x) : -1;
      if (j >= 0) for (const group of outside) addOutside(context, batch, groups.workloads[x]!, group.external, group, j);
      if (batch.length > 0) yield batch;
    }
  }
  for (const group of outside) {
    const batch: Connection[] = [];
    listed.forEach((w, j) => addOutside(context, batch, group.external, groups.workloads[w]!, group, listed.length + j));
    yield batch;
  }
}

/** The connection of a group's pattern at index `at`, unless it allows nothing. */
function addOutside(context: Context, batch: Connection[], src: AnalysisEndpoint, dst: AnalysisEndpoint, group: OutsideGroup, at: number): void {
  const pattern = group.patterns[at]!;
  if (pattern === NOTHING) return;
  const set = context.pairs.store.connSet(pattern);
  batch.push(context.explain ? { src, dst, set, representatives: [...new Set(group.keys[at]!)] } : { src, dst, set });
}

/** The focused workloads (`focus` and the workloads of `focusPods`), in order; undefined for all. */
function focusedWorkloads(groups: WorkloadGroups, options: ConnectivityOptions): number[] | undefined {
  if (options.focus === undefined && options.focusPods === undefined) return undefined;
  const chosen = new Set<number>();
  if (options.focus !== undefined) chosen.add(findWorkload(groups, options.focus));
  for (const p of options.focusPods ?? []) chosen.add(groups.workloadOf[p]!);
  return [...chosen].sort((a, b) => a - b);
}

interface Context extends OutsideContext {
  readonly bundle: Bundle;
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
 * The connections between workloads, a source workload at a time: a row over destination
 * workloads that each decided class pair of its classes adds its pattern to (where its classes
 * hold a pod pair of the two workloads that is not node-related, and not one pod with itself),
 * then the node-related pairs, then a pod with itself; in destination order.
 */
class WorkloadRows {
  private readonly holders: number[][];
  private readonly blocksOf: Map<number, Map<number, RelationBlock>>;
  private readonly row: Int32Array;
  private readonly keys: string[][] = [];
  private readonly touched: number[] = [];
  private bySource: ClassPairsBySource | undefined;

  constructor(
    private readonly context: Context,
    relations: Map<number, RelationBlock>,
    private readonly inFocus: Uint8Array | undefined,
  ) {
    const count = context.groups.workloads.length;
    this.holders = classHolders(context);
    this.blocksOf = blocksBySource(relations, count);
    this.row = new Int32Array(count);
  }

  /** The decided class pairs whose patterns the next rows read. */
  decided(classPairs: ClassPairBatch): void {
    this.bySource = classPairs.bySource();
  }

  /** Workload x's connections to workloads, in destination order. */
  connectionsOf(x: number): Connection[] {
    const { bundle, pairs, groups, composition, options, explain } = this.context;
    const { row, keys, touched, holders, inFocus } = this;
    const { targets, patterns, starts } = this.bySource!;
    const add = (y: number, pattern: number): void => {
      if (row[y] === NOTHING) touched.push(y);
      row[y] = pairs.store.union(row[y]!, pattern);
    };
    // A workload's representative pod stands for replicas: with itself it is two of them.
    const representative = bundle.pods[groups.pods[x]![0]!]!.workload !== undefined;
    const blocks = this.blocksOf.get(x);
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
          if (explain) (keys[y] ??= []).push(`class:${pairs.classKey(a, b)}`);
        }
      }
    }
    for (const [y, block] of blocks ?? []) {
      if (block.pattern === NOTHING || (x === y && !options.includeSelf)) continue;
      add(y, block.pattern);
      if (explain) (keys[y] ??= []).push(...block.keys);
    }
    // A pod talking to itself is always allowed (loopback).
    if (options.includeSelf && groups.workloads[x]!.kind === 'Pod' && (inFocus === undefined || inFocus[x] === 1)) {
      if (row[x] === NOTHING) touched.push(x);
      row[x] = pairs.store.everything();
      if (explain) (keys[x] ??= []).push('loopback');
    }
    touched.sort((p, q) => p - q);
    const connections: Connection[] = [];
    const src = groups.workloads[x]!;
    for (const y of touched) {
      const dst = groups.workloads[y]!;
      const set = pairs.store.connSet(row[y]!);
      connections.push(explain ? { src, dst, set, representatives: keys[y]! } : { src, dst, set });
      row[y] = NOTHING;
      if (explain) keys[y] = [];
    }
    touched.length = 0;
    return connections;
  }
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
