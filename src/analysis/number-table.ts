/**
 * @module A table from numbers to numbers with no size limit: V8's Map holds at most 2^24 entries,
 * and a full list of a large cluster (100,000 pods, 44,000 pod classes) has more candidate class
 * pairs than that. Entries are spread over Maps by their key's low bits.
 */

const SHARD_BITS = 6;
const SHARD_MASK = (1 << SHARD_BITS) - 1;

export class NumberTable {
  private readonly shards: Map<number, number>[] = Array.from({ length: 1 << SHARD_BITS }, () => new Map());

  get(key: number): number | undefined {
    return this.shards[key & SHARD_MASK]!.get(key);
  }

  has(key: number): boolean {
    return this.shards[key & SHARD_MASK]!.has(key);
  }

  set(key: number, value: number): this {
    this.shards[key & SHARD_MASK]!.set(key, value);
    return this;
  }

  get size(): number {
    return this.shards.reduce((total, shard) => total + shard.size, 0);
  }
}
