import { describe, expect, it } from 'vitest';
import { NumberTable } from './number-table.js';

describe('NumberTable', () => {
  it('keeps every entry, spread over its Maps (64 of them: up to 2^30 entries)', () => {
    // Checked once past 2^24 entries (a minute of CPU); here a smaller count of strided keys.
    const table = new NumberTable();
    const count = 200_000;
    for (let key = 0; key < count; key++) table.set(key * 3, key & 0xff);
    expect(table.size).toBe(count);
    expect(table.get(3 * (count - 1))).toBe((count - 1) & 0xff);
    expect(table.has(3 * 12345)).toBe(true);
    expect(table.has(3 * 12345 + 1)).toBe(false);
    expect(table.get(-7)).toBeUndefined();
  });

  it('keys above 2^31 (class pair keys of large clusters) land in their shard', () => {
    const table = new NumberTable().set(2 ** 33 + 5, 1).set(2 ** 40, 2);
    expect([table.get(2 ** 33 + 5), table.get(2 ** 40), table.get(5)]).toEqual([1, 2, undefined]);
  });
});
