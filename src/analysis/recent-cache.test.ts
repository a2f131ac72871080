import { describe, expect, it } from 'vitest';
import { RecentCache } from './recent-cache.js';

describe('RecentCache', () => {
  it('computes a value once while it stays, and holds at most twice its entries', () => {
    const computed: number[] = [];
    const cache = new RecentCache<number, string>(2);
    const get = (key: number) => cache.get(key, (k) => (computed.push(k), `v${k}`));
    expect([get(1), get(1), get(2), get(1)]).toEqual(['v1', 'v1', 'v2', 'v1']);
    expect(computed).toEqual([1, 2]);
    for (let key = 3; key < 100; key++) get(key);
    expect(cache.size).toBeLessThanOrEqual(4);
    expect(get(1)).toBe('v1');
    expect(computed.filter((k) => k === 1)).toHaveLength(2);
  });

  it('keeps an entry used in every generation', () => {
    const computed: number[] = [];
    const cache = new RecentCache<number, number>(3);
    for (let key = 10; key < 40; key++) {
      cache.get(0, (k) => (computed.push(k), k));
      cache.get(key, (k) => k);
    }
    expect(computed).toEqual([0]);
  });
});
