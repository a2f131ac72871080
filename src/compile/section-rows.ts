/**
 * @module The compiler's building blocks for image sections (layout.ts): rows written field by
 * field, compressed sparse rows, rule matchers with their interval rows, and peer bitsets stored
 * once each.
 */
import type { Direction } from '../model/decision.js';
import { ipv6Words } from '../net/ip.js';
import { checksumWords } from './image-writer.js';
import { MATCHER, MATCHER_WORDS, PORT_STRIDE, V4_INTERVAL_ROW, V4_INTERVAL_STRIDE, V6_INTERVAL_ROW, V6_INTERVAL_STRIDE } from './layout.js';

/** In layout order (DIRECTION): the index of a direction here is its number in the image. */
export const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

/** Distinct bitsets of one width, stored once each: rules with equal peers share one. */
export class BitsetPool {
  private readonly sets: Uint32Array[] = [];
  /** FNV-1a of a set's words -> indexes of the sets with that hash. */
  private readonly byHash = new Map<number, number[]>();
  /** Sets seen before, by object: shared peer sets come back for many rules. */
  private readonly offsets = new Map<Uint32Array, number>();

  constructor(private readonly width: number) {}

  /** The set's word offset in the pool, adding it when it is new. */
  offsetOf(set: Uint32Array): number {
    const known = this.offsets.get(set);
    if (known !== undefined) return known;
    const offset = this.place(set);
    this.offsets.set(set, offset);
    return offset;
  }

  private place(set: Uint32Array): number {
    const hash = checksumWords(set, 0);
    const candidates = this.byHash.get(hash) ?? [];
    const found = candidates.find((i) => this.sets[i]!.every((w, k) => w === set[k]));
    if (found !== undefined) return found * this.width;
    this.byHash.set(hash, [...candidates, this.sets.length]);
    this.sets.push(set);
    return (this.sets.length - 1) * this.width;
  }

  words(): Uint32Array {
    const out = new Uint32Array(this.sets.length * this.width);
    this.sets.forEach((set, i) => out.set(set, i * this.width));
    return out;
  }
}

/** The union of a rule's peer sets; one peer's set is taken as it is (the pool keys it by object). */
export class PeerUnion {
  private union: Uint32Array | undefined;
  private owned = false;

  constructor(private readonly width: number) {}

  add(set: Uint32Array): void {
    if (!this.union) return void (this.union = set);
    if (!this.owned) {
      this.union = this.union.slice();
      this.owned = true;
    }
    for (let i = 0; i < set.length; i++) this.union[i]! |= set[i]!;
  }

  /** The union; empty when no peer was added. */
  set(): Uint32Array {
    return this.union ?? new Uint32Array(this.width);
  }
}

/** Compressed sparse rows: (lists + 1) offsets, then the concatenated lists. */
export function csr(lists: readonly (readonly number[])[]): Uint32Array {
  const offsets: number[] = [];
  let total = 0;
  for (const list of lists) {
    offsets.push(total);
    total += list.length;
  }
  offsets.push(total);
  const out = new Uint32Array(offsets.length + total);
  out.set(offsets);
  let at = offsets.length;
  for (const list of lists) {
    out.set(list, at);
    at += list.length;
  }
  return out;
}

/**
 * Appends one row of `stride` words to `rows`, its fields (a layout.ts *_ROW object) set from
 * `values` by name; a field not given is 0, a list of words fills the words from its field on.
 */
export function pushRow<Fields extends Readonly<Record<string, number>>>(
  rows: number[],
  fields: Fields,
  stride: number,
  values: { readonly [Field in keyof Fields]?: number | readonly number[] },
): void {
  const at = rows.length;
  for (let i = 0; i < stride; i++) rows.push(0);
  for (const field of Object.keys(values) as (keyof Fields & string)[]) {
    const value = values[field]!;
    if (typeof value === 'number') rows[at + fields[field]!] = value;
    else value.forEach((word, i) => (rows[at + fields[field]! + i] = word));
  }
}

/**
 * A rule's MATCHER block as words (for the MATCHER field of RULE_ROW and CLUSTER_RULE_ROW), its
 * intervals appended to the rule kind's interval tables; its ports are the rows from `portStart`.
 */
export function matcherWords(
  tables: { readonly v4: number[]; readonly v6: number[]; readonly ports: readonly number[] },
  podPeers: { readonly bits: number; readonly start: number; readonly count: number },
  v4Intervals: readonly { lo: bigint; hi: bigint }[],
  v6Intervals: readonly { lo: bigint; hi: bigint }[],
  portStart: number,
): number[] {
  const v4Start = tables.v4.length / V4_INTERVAL_STRIDE;
  const v6Start = tables.v6.length / V6_INTERVAL_STRIDE;
  for (const i of v4Intervals) pushRow(tables.v4, V4_INTERVAL_ROW, V4_INTERVAL_STRIDE, { LO: Number(i.lo), HI: Number(i.hi) });
  for (const i of v6Intervals) pushRow(tables.v6, V6_INTERVAL_ROW, V6_INTERVAL_STRIDE, { LO: ipv6Words(i.lo), HI: ipv6Words(i.hi) });
  const words: number[] = [];
  pushRow(words, MATCHER, MATCHER_WORDS, {
    PEER_BITS: podPeers.bits,
    POD_PEER_START: podPeers.start,
    POD_PEER_COUNT: podPeers.count,
    V4_START: v4Start,
    V4_COUNT: v4Intervals.length,
    V6_START: v6Start,
    V6_COUNT: v6Intervals.length,
    PORT_START: portStart,
    PORT_COUNT: tables.ports.length / PORT_STRIDE - portStart,
  });
  return words;
}

