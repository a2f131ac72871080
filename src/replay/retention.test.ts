import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ChangeGroups, changeKey } from './change-groups.js';
import { ReplaySummary } from './summary.js';

/**
 * Group names are views of the input's lines (substrings of a decoded chunk): a report that keeps
 * them as they are keeps every chunk a new group came from alive (500 chunks: 32 MiB here).
 */
function heapGrowth(keep: (src: string, dst: string) => void): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 500; i++) {
    const chunk = `${'x'.repeat(64 * 1024)}\nprod/frontend-${i},prod/backend-${i},TCP,80`;
    const [src, dst] = chunk.split('\n')[1]!.split(',') as [string, string];
    keep(src, dst);
  }
  gc();
  return process.memoryUsage().heapUsed - before;
}

describe('replay reports keep no chunk of input alive', () => {
  it('in the single replay\'s groups (top denied, would break)', () => {
    const summary = new ReplaySummary();
    const growth = heapGrowth((src, dst) => summary.countJudged(false, 'allowed', { src, dst, service: 'TCP/80', why: () => undefined }));
    expect(summary.toJSON(1).wouldBreak.total).toBe(500);
    expect(growth).toBeLessThan(8 * 2 ** 20);
  });

  it('in the staged-change groups', () => {
    const groups = new ChangeGroups();
    const growth = heapGrowth((src, dst) => groups.add({
      file: 'f', line: 1, time: undefined, timeEnd: undefined,
      key: () => changeKey(src, dst, 'TCP', 80), name: () => ({ src, dst, protocol: 'TCP', port: 80 }), why: () => ({ old: 'a', new: 'b' }),
    }));
    expect(groups.toJSON().groups).toHaveLength(500);
    expect(growth).toBeLessThan(8 * 2 ** 20);
  });
});
