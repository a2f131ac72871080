/**
 * @module Class pairs decided by signature. A class pair's pattern is, over the ways its flows are
 * named, what its egress side and its ingress side both allow, and each side is a slot fixed by its
 * group and the naming (side-groups.ts, side-slots.ts). So the pattern is a function of the
 * signature (egress group, ingress group, namings): the hundreds of thousands of candidate class
 * pairs of a large bundle share a few thousand signatures, and each signature is queued, and its
 * pattern resolved, once. A batch of class pairs keeps, grouped by source class, each pair's
 * destination and signature, and reads the patterns after the flush.
 */
import { PairTable } from './pair-table.js';
import { NOTHING, type PatternStore } from './patterns.js';
import { decided, NAMINGS, slotOf, type SideSlots } from './side-slots.js';

/** The signature of a pair that allows nothing: no two pods of its classes form a pair. */
export const NO_PAIR = -1;

/** Groups above this cannot be packed with the namings into one 32-bit table key. */
const MAX_GROUP = 2 ** 26 - 2;

export class ClassPairSignatures {
  /** By (egress group + 1, (ingress group + 1) x 32 + namings): the signature's id. */
  private readonly ids = new PairTable();
  /** Per signature: egress group, ingress group, namings. */
  private readonly keys: number[] = [];
  /** Per signature: its pattern, -1 until resolved. */
  private readonly patterns: number[] = [];
  private resolved = 0;

  /** The id of a signature (groups OPEN or not, namings as bits), or undefined when it is new. */
  find(egress: number, ingress: number, namings: number): number | undefined {
    return this.ids.get(egress + 1, (ingress + 1) * 32 + namings);
  }

  /** A new signature's id; its slots' flows are the caller's to request before the flush. */
  add(egress: number, ingress: number, namings: number): number {
    if (egress > MAX_GROUP || ingress > MAX_GROUP) throw new Error(`analysis limit: more than ${MAX_GROUP} side groups`);
    const id = this.patterns.length;
    this.ids.set(egress + 1, (ingress + 1) * 32 + namings, id);
    this.keys.push(egress, ingress, namings);
    this.patterns.push(-1);
    return id;
  }

  /** After a flush: each new signature's pattern, the union over its namings of what both sides allow. */
  resolve(slots: Pick<SideSlots, 'both'>, store: PatternStore): void {
    for (let id = this.resolved; id < this.patterns.length; id++) {
      const [egress, ingress, namings] = [this.keys[id * 3]!, this.keys[id * 3 + 1]!, this.keys[id * 3 + 2]!];
      let pattern = NOTHING;
      for (let naming = 0; naming < NAMINGS; naming++) {
        if (namings & (1 << naming)) pattern = store.union(pattern, slots.both(slotOf(egress, naming), slotOf(ingress, naming)));
      }
      this.patterns[id] = pattern;
    }
    this.resolved = this.patterns.length;
  }

  /** A signature's pattern (NOTHING for NO_PAIR), after the flush that resolved it. */
  pattern(id: number): number {
    return id === NO_PAIR ? NOTHING : decided(this.patterns[id], 'class pair');
  }

  get size(): number {
    return this.patterns.length;
  }
}

/** Class pairs by source class: source a's are at [starts[a], starts[a + 1]), with their destinations. */
export interface ClassPairsBySource {
  readonly starts: Int32Array;
  readonly targets: Int32Array;
  /** Each pair's pattern; NOTHING also where no two pods of its classes form a pair. */
  readonly patterns: Int32Array;
}

/** Queued class pairs grouped by source, each with its signature: the patterns once flushed. */
export class ClassPairBatch {
  constructor(
    readonly starts: Int32Array,
    readonly targets: Int32Array,
    private readonly signatures: Int32Array,
    private readonly table: ClassPairSignatures,
  ) {}

  /** The pairs with their patterns (after the flush that decided them). */
  bySource(): ClassPairsBySource {
    const patterns = new Int32Array(this.signatures.length);
    for (let k = 0; k < patterns.length; k++) patterns[k] = this.table.pattern(this.signatures[k]!);
    return { starts: this.starts, targets: this.targets, patterns };
  }
}

/**
 * Flat pairs (source, destination, ...) grouped by source (a counting sort: each source's
 * destinations keep their order), over `classCount` classes.
 */
export function groupBySource(pairs: Int32Array, classCount: number): { starts: Int32Array; targets: Int32Array } {
  const starts = new Int32Array(classCount + 1);
  for (let at = 0; at < pairs.length; at += 2) starts[pairs[at]! + 1]!++;
  for (let a = 0; a < classCount; a++) starts[a + 1]! += starts[a]!;
  const next = starts.slice(0, classCount);
  const targets = new Int32Array(pairs.length / 2);
  for (let at = 0; at < pairs.length; at += 2) targets[next[pairs[at]!]!++] = pairs[at + 1]!;
  return { starts, targets };
}
