/**
 * @module Allowed-port patterns: one bit per port interval (port-intervals.ts), interned so that a
 * pattern is a small integer and unions are memoized; and the batched deciding that fills them,
 * one flow record per interval, through the decider.
 */
import type { PortInterval } from './port-intervals.js';
import { connSetOf, EMPTY_CONN_SET, type ConnSet, type PortRange } from './conn-set.js';
import { ALLOWED, EGRESS_ALLOWS, INGRESS_ALLOWS, recordSides, RecordWriter, type Decider, type RecordEndpoint } from './decider.js';
import type { Protocol } from '../model/bundle.js';
import { PairTable } from './pair-table.js';

/** Pattern 0 allows nothing. */
export const NOTHING = 0;

export class PatternStore {
  private readonly words: number;
  private readonly patterns: Uint32Array[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly unions = new PairTable();
  private readonly intersections = new PairTable();
  private readonly sets: (ConnSet | undefined)[] = [];
  private all: number | undefined;

  constructor(readonly intervals: readonly PortInterval[]) {
    this.words = Math.max(1, Math.ceil(intervals.length / 32));
    this.intern(new Uint32Array(this.words));
  }

  intern(bits: Uint32Array): number {
    const key = bits.join(',');
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.patterns.length;
      this.patterns.push(bits.slice());
      this.byKey.set(key, id);
    }
    return id;
  }

  /** Every interval of every protocol. */
  everything(): number {
    if (this.all === undefined) {
      const bits = new Uint32Array(this.words);
      for (let i = 0; i < this.intervals.length; i++) bits[i >>> 5]! |= 1 << (i & 31);
      this.all = this.intern(bits);
    }
    return this.all;
  }

  union(a: number, b: number): number {
    if (a === b || b === NOTHING) return a;
    if (a === NOTHING) return b;
    return this.combine(a, b, this.unions, (x, y) => x | y);
  }

  /** The intervals both allow. */
  intersect(a: number, b: number): number {
    if (a === b || a === NOTHING) return a;
    if (b === NOTHING) return NOTHING;
    return this.combine(a, b, this.intersections, (x, y) => x & y);
  }

  /** Two patterns word by word, memoized per unordered pair. */
  private combine(a: number, b: number, memo: PairTable, word: (x: number, y: number) => number): number {
    const low = Math.min(a, b);
    const high = Math.max(a, b);
    let id = memo.get(low, high);
    if (id === undefined) {
      const x = this.patterns[a]!;
      const y = this.patterns[b]!;
      id = this.intern(x.map((w, i) => word(w, y[i]!)));
      memo.set(low, high, id);
    }
    return id;
  }

  allows(pattern: number, interval: number): boolean {
    return (this.patterns[pattern]![interval >>> 5]! & (1 << (interval & 31))) !== 0;
  }

  connSet(pattern: number): ConnSet {
    const cached = this.sets[pattern];
    if (cached) return cached;
    if (pattern === NOTHING) return EMPTY_CONN_SET;
    const ports: Record<Protocol, PortRange[]> = { TCP: [], UDP: [], SCTP: [] };
    this.intervals.forEach((interval, i) => {
      if (this.allows(pattern, i)) ports[interval.protocol].push([interval.from, interval.to]);
    });
    const set = connSetOf(ports);
    this.sets[pattern] = set;
    return set;
  }

  get size(): number {
    return this.patterns.length;
  }
}

/** Flows per call into the core: bounds the records buffer (40 bytes each). */
const RECORDS_PER_FLUSH = 1 << 18;

/** What a request gets: the flow's pattern, then what its egress and its ingress side allow. */
export type PatternsDone = (pattern: number, egress: number, ingress: number) => void;

/**
 * Collects (source, destination) requests, decides each at every interval's first port in large
 * batches, and hands each request its pattern and each side's.
 */
export class PatternDecider {
  private readonly writer = new RecordWriter();
  private readonly pending: PatternsDone[] = [];

  constructor(
    private readonly decider: Decider,
    private readonly store: PatternStore,
  ) {}

  request(src: RecordEndpoint, dst: RecordEndpoint, done: PatternsDone): void {
    this.writer.addIntervals(src, dst, this.store.intervals);
    this.pending.push(done);
    if (this.writer.count >= RECORDS_PER_FLUSH) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const verdicts = this.decider.decideRecords(this.writer.records());
    const k = this.store.intervals.length;
    const words = Math.max(1, Math.ceil(k / 32));
    const [both, egress, ingress] = [new Uint32Array(words), new Uint32Array(words), new Uint32Array(words)];
    this.pending.forEach((done, request) => {
      both.fill(0);
      egress.fill(0);
      ingress.fill(0);
      for (let i = 0; i < k; i++) {
        const sides = recordSides(verdicts, request * k + i);
        const bit = 1 << (i & 31);
        if (sides & ALLOWED) both[i >>> 5]! |= bit;
        if (sides & EGRESS_ALLOWS) egress[i >>> 5]! |= bit;
        if (sides & INGRESS_ALLOWS) ingress[i >>> 5]! |= bit;
      }
      done(this.store.intern(both), this.store.intern(egress), this.store.intern(ingress));
    });
    this.pending.length = 0;
    this.writer.clear();
  }
}
