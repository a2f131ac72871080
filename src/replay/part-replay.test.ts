/**
 * A thread's replay of a log's parts (partReplayer): its parts count into one fold, so what the
 * WASM row reader learned was counted per service in one part (its tally marks) holds for the
 * next, and starts over with the next log; the counts of repeated flows a part holds are added at
 * the log's end, or before the endpoint table starts over. The reports across fixtures, threads
 * and bounds are held to the one-thread report in parallel.test.ts.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine } from '../engine/create-engine.js';
import { loadCoreModule } from '../engine/node-core.js';
import { ingestSources } from '../ingest/bundle.js';
import { EndpointDirectory } from './endpoint-directory.js';
import { EndpointRecords } from './flow-records.js';
import { partReplayer, prepareSetup, type PartJob, type PartResult } from './part-replay.js';
import { replay } from './replay.js';
import { RowScanner } from './rows-wasm.js';
import { ServiceTally } from './service-tally.js';
import { ReplaySummary } from './summary.js';
import { VerdictCache } from './verdict-cache.js';

const core = loadCoreModule();
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
    const replayer = partReplayer(prepareSetup({ engine: 'wasm', core, bundle: CLUSTER, rules: false, out: false }));
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

  it.each([
    ['at the end of the log', false],
    ['before the endpoint table starts over', true],
  ])('adds the counts of repeated flows its parts held %s', async (_, startsOver) => {
    // The first part's batches: its first 256 lines (the 6 kinds settled), then one for the rest, all tallied.
    let asked = 0;
    if (startsOver) vi.spyOn(EndpointRecords.prototype, 'startsOver', 'get').mockImplementation(() => ++asked >= 2);
    const lines = flowLines(3000);
    const replayer = partReplayer(prepareSetup({ engine: 'wasm', core, bundle: CLUSTER, rules: false, out: false }));
    const summary = new ReplaySummary();
    const merge = (result: PartResult): void => {
      if (result.summary) summary.merge(result.summary);
      if (result.counts) summary.mergeCounts(result.counts);
    };
    const first = await replayer.replay(part(0, 1, lines, true));
    expect(first.flows).toBe(3000);
    // Held to the log's end; added before the last batch's trim numbers the services again.
    if (startsOver) expect(first.summary!.totals.judged).toBe(3000);
    else expect(first.summary!.totals.judged).toBeLessThan(1000);
    merge(first);
    merge(await replayer.replay(part(0, 3002, lines, false)));
    merge(replayer.finish(0));

    const expected = new ReplaySummary();
    const text = `${HEADER}\n${[...lines, ...lines].join('\n')}\n`;
    const engine = new VerdictCache(createEngine({ kind: 'wasm', core, bundle: CLUSTER }));
    await replay([{ name: 'log-0.csv', bytes: once(new TextEncoder().encode(text)) }], { engine, directory: new EndpointDirectory(CLUSTER), summary: expected });
    expect(expected.totals.judged).toBe(6000);
    expect(summary.toJSON()).toEqual(expected.toJSON());
  });
});

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
