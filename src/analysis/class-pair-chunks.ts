/**
 * @module The full list's class pairs in chunks: source workloads are taken in order, a run of
 * them at a time, so that no more than about a budget of candidate class pairs is queued, decided
 * and held at once (a flat array of every candidate pair passes V8's limits at 100,000 pods). Each
 * chunk's candidate pairs are those with a source among its workloads' classes, found from the
 * destinations' candidate peer lists (candidates.ts), which classes share: each list is
 * intersected with the chunk once, not once per destination.
 */
import { mayMatch, sortedHas, type ClassCandidates } from './candidates.js';

/** A run of source workloads and the classes of their pods, sorted. */
export interface SourceChunk {
  readonly from: number;
  readonly to: number;
  readonly sources: Int32Array;
}

/** Candidate class pairs queued per chunk unless one workload alone brings more. */
export const CHUNK_PAIRS = 1 << 20;

export class ClassPairChunks {
  /** Destinations by candidate peer list (the lists are shared objects); open destinations apart. */
  private readonly byList = new Map<Int32Array, number[]>();
  private readonly open: number[] = [];
  /** Per class: an upper bound of its candidate destinations. */
  private readonly estimate: Float64Array;
  private readonly mark: Int32Array;
  private stamp = 0;

  constructor(
    private readonly candidates: ClassCandidates,
    classCount: number,
  ) {
    const { ingress, egress } = candidates.peers;
    for (let b = 0; b < classCount; b++) {
      const list = ingress[b];
      if (list === undefined) this.open.push(b);
      else {
        const targets = this.byList.get(list);
        if (targets) targets.push(b);
        else this.byList.set(list, [b]);
      }
    }
    const listed = new Float64Array(classCount);
    for (const [list, targets] of this.byList) for (const a of list) listed[a]! += targets.length;
    this.estimate = Float64Array.from(listed, (count, a) => Math.min(egress[a]?.length ?? Infinity, this.open.length + count));
    this.mark = new Int32Array(classCount);
  }

  /**
   * Source workloads [0, composition.length) in runs whose classes bring at most `budget`
   * candidate pairs (estimated from above), at least one workload each; one empty chunk for none.
   */
  chunks(composition: readonly ReadonlyMap<number, number>[], budget: number): SourceChunk[] {
    const out: SourceChunk[] = [];
    let from = 0;
    while (from < composition.length) {
      const stamp = ++this.stamp;
      const sources: number[] = [];
      let pairs = 0;
      let to = from;
      for (; to < composition.length; to++) {
        let added = 0;
        for (const a of composition[to]!.keys()) if (this.mark[a] !== stamp) added += this.estimate[a]!;
        if (to > from && pairs + added > budget) break;
        pairs += added;
        for (const a of composition[to]!.keys()) {
          if (this.mark[a] === stamp) continue;
          this.mark[a] = stamp;
          sources.push(a);
        }
      }
      out.push({ from, to, sources: Int32Array.from(sources).sort() });
      from = to;
    }
    return out.length > 0 ? out : [{ from: 0, to: 0, sources: new Int32Array() }];
  }

  /** The candidate class pairs with a source among the chunk's, flat: source, destination, ... */
  pairs(chunk: SourceChunk): Int32Array {
    const stamp = ++this.stamp;
    for (const a of chunk.sources) this.mark[a] = stamp;
    const out: number[] = [];
    const push = (a: number, b: number): void => void out.push(a, b);
    for (const [list, targets] of this.byList) {
      const hits = this.intersect(list, chunk.sources, stamp);
      if (hits.length === 0) continue;
      for (const b of targets) for (const a of hits) if (mayMatch(this.candidates, 'egress', a, b)) push(a, b);
    }
    for (const b of this.open) for (const a of chunk.sources) if (mayMatch(this.candidates, 'egress', a, b)) push(a, b);
    return Int32Array.from(out);
  }

  /** The classes of a sorted list that are among the sorted sources (marked with stamp). */
  private intersect(list: Int32Array, sources: Int32Array, stamp: number): number[] {
    const hits: number[] = [];
    if (list.length <= sources.length * 8) {
      for (const a of list) if (this.mark[a] === stamp) hits.push(a);
      return hits;
    }
    for (const a of sources) if (sortedHas(list, a)) hits.push(a);
    return hits;
  }
}
