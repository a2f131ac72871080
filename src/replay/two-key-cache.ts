/**
 * @module Values remembered by two strings, without joining them into one key: a joined key is a
 * new string per lookup (flattened and hashed), where two views of a line hash in place. Keys are
 * kept as copies (detached), so that no remembered key keeps a chunk of input alive; bounded.
 */
import { DEFAULT_MAX_ENDPOINTS, detached } from '../flow/endpoint-table.js';

/** What `get` answers for a pair never remembered (values may be undefined). */
export const MISSING: unique symbol = Symbol('missing');

export class TwoKeyCache<V> {
  private readonly entries = new Map<string, Map<string, V>>();
  private size = 0;

  constructor(private readonly maxEntries = DEFAULT_MAX_ENDPOINTS) {}

  get(first: string, second: string): V | typeof MISSING {
    const inner = this.entries.get(first);
    if (inner === undefined) return MISSING;
    const value = inner.get(second);
    return value !== undefined || inner.has(second) ? (value as V) : MISSING;
  }

  set(first: string, second: string, value: V): void {
    if (this.size >= this.maxEntries) {
      this.entries.clear();
      this.size = 0;
    }
    let inner = this.entries.get(first);
    if (inner === undefined) {
      inner = new Map();
      this.entries.set(detached(first), inner);
    }
    inner.set(detached(second), value);
    this.size++;
  }
}
