import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { csvLog, logChunks, logText, zipfSampler } from './flow-logs.js';

describe('the Zipf log shape', () => {
  it('is deterministic, skewed as Zipf says, and leaves most conversations rare', () => {
    const picks = draws(100_000, 5_000, 3);
    expect(draws(100_000, 5_000, 3)).toEqual(picks);
    const counts = new Map<number, number>();
    for (const pick of picks) counts.set(pick, (counts.get(pick) ?? 0) + 1);
    // Rank 0 takes 1/H(5000) ~ 11% of the log, rank 9 about a tenth of that.
    expect(counts.get(0)! / picks.length).toBeGreaterThan(0.1);
    expect(counts.get(0)! / picks.length).toBeLessThan(0.13);
    expect(counts.get(9)! / counts.get(0)!).toBeGreaterThan(0.07);
    expect(counts.get(9)! / counts.get(0)!).toBeLessThan(0.13);
    expect(Math.max(...picks)).toBeLessThan(5_000);
    expect(counts.size).toBeGreaterThan(2_000);
  });
});

/** `count` ranks of `n` drawn by zipfSampler. */
function draws(count: number, n: number, seed: number): number[] {
  const next = zipfSampler(n, 1, seed);
  return Array.from({ length: count }, () => next());
}

describe('log text', () => {
  const log = csvLog([
    { src: { kind: 'ref', ref: 'a/b' }, dst: { kind: 'ip', ip: '10.0.0.1' }, protocol: 'TCP', port: 80 },
    { src: { kind: 'ref', ref: 'c/d' }, dst: { kind: 'ref', ref: 'a/b' }, protocol: 'UDP', port: 53 },
  ]);

  it('writes the header once and the picked lines', () => {
    const text = [...logText(log, 5, (i) => (i === 2 ? 1 : 0))].join('');
    expect(text.split('\n')).toEqual(['src,dst,protocol,port,verdict', ...Array(2).fill('a/b,10.0.0.1,TCP,80,allowed'), 'c/d,a/b,UDP,53,allowed', ...Array(2).fill('a/b,10.0.0.1,TCP,80,allowed'), '']);
  });

  it('gives the same bytes gzipped', () => {
    const texts = [...logText(log, 50_000)];
    const plain = Buffer.concat(logChunks(texts));
    expect(gunzipSync(Buffer.concat(logChunks(texts, true))).equals(plain)).toBe(true);
  });
});
