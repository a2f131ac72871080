/** @module A cache bounded by recency, for values that are cheap enough to compute again. */

/**
 * At most 2 x `entries` values in two generations: a hit in the older one moves to the newer; when
 * the newer is full it becomes the older, and the older is dropped. Recently used entries survive.
 */
export class RecentCache<K, V> {
  private recent = new Map<K, V>();
  private older = new Map<K, V>();

  constructor(private readonly entries: number) {}

  get(key: K, compute: (key: K) => V): V {
    let value = this.recent.get(key);
    if (value !== undefined) return value;
    value = this.older.get(key) ?? compute(key);
    if (this.recent.size >= this.entries) {
      this.older = this.recent;
      this.recent = new Map();
    }
    this.recent.set(key, value);
    return value;
  }

  get size(): number {
    return this.recent.size + this.older.size;
  }
}
