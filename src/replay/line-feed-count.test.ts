import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { countLineFeeds } from './line-feed-count.js';

function byBytes(bytes: Uint8Array): number {
  let count = 0;
  for (const byte of bytes) if (byte === 0x0a) count++;
  return count;
}

/** Random bytes where about one in `every` is a line feed. */
function withFeeds(length: number, every: number): Uint8Array {
  const bytes = randomBytes(length);
  for (let i = 0; i < length; i++) bytes[i] = bytes[i]! % every === 0 ? 0x0a : bytes[i] === 0x0a ? 0x20 : bytes[i]!;
  return bytes;
}

describe('countLineFeeds', () => {
  const area = 256 * 1024;

  it('counts as a byte-by-byte count does, at every length around the 64-byte steps and the line area', () => {
    for (const length of [0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 1000, area - 1, area, area + 1, 3 * area + 17]) {
      for (const every of [2, 7, 90, 256]) {
        const bytes = withFeeds(length, every);
        expect(countLineFeeds(bytes), `${length} bytes, a feed in ${every}`).toBe(byBytes(bytes));
      }
    }
  });

  it('counts only the view it is given, feeds at both ends included', () => {
    const bytes = new Uint8Array(300).fill(0x0a);
    expect(countLineFeeds(bytes.subarray(5, 200))).toBe(195);
    expect(countLineFeeds(new Uint8Array(area + 64).fill(0x0a))).toBe(area + 64);
    expect(countLineFeeds(new Uint8Array(area).fill(0x61))).toBe(0);
  });
});
