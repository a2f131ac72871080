/**
 * A thread's replay of a log's parts (partReplayer): its parts count into one fold, so what the
 * WASM row reader learned was counted per service in one part (its tally marks) holds for the
 * next, and starts over with the next log. The reports themselves are held to the one-thread
 * report in parallel.test.ts.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCoreModule } from '../engine/node-core.js';
import { ingestSources } from '../ingest/bundle.js';
import { partReplayer, prepareSetup, type PartJob } from './part-replay.js';
import { RowScanner } from './rows-wasm.js';
import { ServiceTally } from './service-tally.js';

const CLUSTER = ingestSources([{ name: 'cluster.yaml', text: readFileSync(new URL('../../test/fixtures/flowlogs/cluster.yaml', import.meta.url), 'utf8') }]).bundle!;
const pods = CLUSTER.pods.map((pod) => `${pod.namespace}/${pod.name}`);

const HEADER = 'src,dst,protocol,port,verdict';
/** `lines` flows over 6 conversations, each met in the first 6 lines. */
const flowLines = (lines: number): string[] => Array.from({ length: lines }, (_, i) => `${pods[i % 3]},${pods[3 + (i % 2)]},TCP,8080,allowed`);

function part(log: number, firstLine: number, lines: readonly string[], withHeader: boolean): PartJob {
  const text = `${withHeader ? `${HEADER}\n` : ''}${lines.join('\n')}\n`;
  return { log, name: `log-${log}.csv`, format: 'csv', part: { firstLine, prelude: withHeader ? [] : [HEADER] }, bytes: new TextEncoder().encode(text) };
}

afterEach(() => vi.restoreAllMocks());

describe('partReplayer', () => {
  it("keeps the row reader's tally marks from one part of a log to the next, and starts them over with the next log", async () => {
    const replayer = partReplayer(prepareSetup({ engine: 'wasm', core: loadCoreModule(), bundle: CLUSTER, rules: false, out: false }));
    const clearMarks = vi.spyOn(RowScanner.prototype, 'clearMarks');
    const mark = vi.spyOn(RowScanner.prototype, 'mark');
    const tallied = vi.spyOn(ServiceTally.prototype, 'takeTallied');
    const talliedFlows = (): number => tallied.mock.calls.reduce((sum, [, indexes]) => sum + indexes.length, 0);
    const lines = flowLines(3000);

    await replayer.replay(part(0, 1, lines, true));
    // The 6 kinds of flow are marked once their first flows are settled.
    expect(clearMarks).toHaveBeenCalled();
    expect(mark).toHaveBeenCalled();
    for (const spy of [clearMarks, mark, tallied]) spy.mockClear();

    // The second part's flows are of the kinds the first part marked: the module tallies them from the start.
    const second = await replayer.replay(part(0, 3002, lines, false));
    expect(second.flows).toBe(3000);
    expect(clearMarks).not.toHaveBeenCalled();
    expect(mark).not.toHaveBeenCalled();
    expect(talliedFlows()).toBeGreaterThan(2000);
    replayer.finish(0);

    // A new log folds into a new tally: the marks start over.
    await replayer.replay(part(1, 1, lines, true));
    expect(clearMarks).toHaveBeenCalled();
    expect(mark).toHaveBeenCalled();
  });
});
