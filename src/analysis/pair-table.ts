/**
 * @module A map from a pair of small non-negative integers (class x class, pod x pod, profile x
 * class) to an integer, in flat typed arrays with open addressing: the analysis keeps hundreds of
 * thousands of these, where a `Map` costs memory and collector time for every entry.
 */

const EMPTY = -1;

export class PairTable {
  private firsts: Int32Array;
  private seconds: Int32Array;
  private values: Int32Array;
  private mask: number;
  private used = 0;

  constructor(expected = 1024) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.firsts = new Int32Array(capacity).fill(EMPTY);
    this.seconds = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.used;
  }

  /** The value of (a, b), or undefined. */
  get(a: number, b: number): number | undefined {
    const at = this.find(a, b);
    return this.firsts[at] === EMPTY ? undefined : this.values[at];
  }

  has(a: number, b: number): boolean {
    return this.firsts[this.find(a, b)] !== EMPTY;
  }

  set(a: number, b: number, value: number): void {
    let at = this.find(a, b);
    if (this.firsts[at] === EMPTY) {
      if ((this.used + 1) * 2 > this.firsts.length) {
        this.grow();
        at = this.find(a, b);
      }
      this.firsts[at] = a;
      this.seconds[at] = b;
      this.used++;
    }
    this.values[at] = value;
  }

  /** Each entry's pair and value, in no particular order. */
  forEach(visit: (a: number, b: number, value: number) => void): void {
    for (let at = 0; at < this.firsts.length; at++) if (this.firsts[at] !== EMPTY) visit(this.firsts[at]!, this.seconds[at]!, this.values[at]!);
  }

  /** The slot of (a, b), or of the empty slot where it would go (linear probing). */
  private find(a: number, b: number): number {
    // murmur3's finalizer over a mix of both: every bit of the pair reaches the low bits used.
    let hash = Math.imul(a, 0x9e3779b1) ^ b;
    hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
    hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
    let at = (hash ^ (hash >>> 16)) & this.mask;
    for (;;) {
      const first = this.firsts[at]!;
      if (first === EMPTY || (first === a && this.seconds[at] === b)) return at;
      at = (at + 1) & this.mask;
    }
  }

  private grow(): void {
    const { firsts, seconds, values } = this;
    const capacity = firsts.length * 2;
    this.firsts = new Int32Array(capacity).fill(EMPTY);
    this.seconds = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let at = 0; at < firsts.length; at++) {
      if (firsts[at] === EMPTY) continue;
      const to = this.find(firsts[at]!, seconds[at]!);
      this.firsts[to] = firsts[at]!;
      this.seconds[to] = seconds[at]!;
      this.values[to] = values[at]!;
    }
  }
}
