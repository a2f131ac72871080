/**
 * @module How the full list groups the pieces of the outside world: pieces whose patterns to and
 * from every workload are equal become one external endpoint. A focused list must show the same
 * endpoints, so it needs the same grouping, without writing out every piece's pattern for every
 * workload. A piece's patterns are its cell's (the base), except for the workloads with a pod on
 * the piece's node (the overrides). Pieces are bucketed by a hash that sums over the entries, so
 * it follows from the base's hash and the overrides alone; within a bucket, pieces are compared
 * exactly, entry by entry where their bases differ or they override.
 */
import type { IPFamily } from '../net/ip.js';

/** A piece as the grouping sees it. */
export interface GroupedPiece {
  readonly family: IPFamily;
  readonly cell: number;
  /** Its pattern vector: its cell's base, with these entries replaced (by entry index). */
  readonly overrides?: ReadonlyMap<number, number>;
  /** The whole vector, when the piece has no cell base (some class has no pattern for its cell). */
  readonly own?: Int32Array;
}

interface Vector {
  readonly base: number;
  readonly overrides: ReadonlyMap<number, number>;
  readonly hash: number;
}

/**
 * Per piece, its group: numbered by first piece, two pieces in one group exactly when their
 * vectors are equal. `baseOf` gives a cell's vector (cached here, per cell).
 */
export function outsideGroups(pieces: readonly GroupedPiece[], baseOf: (family: IPFamily, cell: number) => Int32Array): Int32Array {
  const bases: Int32Array[] = [];
  const baseHashes: number[] = [];
  const baseByCell = new Map<string, number>();
  const addBase = (vector: Int32Array): number => {
    bases.push(vector);
    let hash = 0;
    for (let j = 0; j < vector.length; j++) hash = (hash + entryHash(j, vector[j]!)) | 0;
    baseHashes.push(hash);
    return bases.length - 1;
  };
  const differing = new Map<number, number[]>();
  /** Entries where two bases differ (cached per pair). */
  const differences = (x: number, y: number): readonly number[] => {
    const key = Math.min(x, y) * bases.length + Math.max(x, y);
    let found = differing.get(key);
    if (!found) {
      found = [];
      const [a, b] = [bases[x]!, bases[y]!];
      for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) found.push(j);
      differing.set(key, found);
    }
    return found;
  };
  const valueAt = (v: Vector, j: number): number => v.overrides.get(j) ?? bases[v.base]![j]!;
  const equal = (v: Vector, w: Vector): boolean => {
    const check = (j: number): boolean => valueAt(v, j) === valueAt(w, j);
    if (v.base !== w.base && !differences(v.base, w.base).every(check)) return false;
    for (const j of v.overrides.keys()) if (!check(j)) return false;
    for (const j of w.overrides.keys()) if (!check(j)) return false;
    return true;
  };

  const groupOf = new Int32Array(pieces.length);
  const buckets = new Map<number, { vector: Vector; group: number }[]>();
  let groups = 0;
  const none = new Map<number, number>();
  pieces.forEach((piece, i) => {
    let base: number;
    if (piece.own) {
      base = addBase(piece.own);
    } else {
      const cellKey = `${piece.family}:${piece.cell}`;
      const known = baseByCell.get(cellKey);
      base = known ?? addBase(baseOf(piece.family, piece.cell));
      baseByCell.set(cellKey, base);
    }
    const overrides = piece.overrides ?? none;
    let hash = baseHashes[base]!;
    for (const [j, value] of overrides) hash = (hash + entryHash(j, value) - entryHash(j, bases[base]![j]!)) | 0;
    const vector: Vector = { base, overrides, hash };
    const bucket = buckets.get(hash) ?? [];
    buckets.set(hash, bucket);
    const match = bucket.find((known) => equal(known.vector, vector));
    if (match) return void (groupOf[i] = match.group);
    bucket.push({ vector, group: groups });
    groupOf[i] = groups++;
  });
  return groupOf;
}

/** A well-mixed 32-bit hash of one entry (its index and value); summed, order does not matter. */
function entryHash(j: number, value: number): number {
  let h = Math.imul(j ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(value + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h;
}
