/**
 * @module Only the CSV and VPC replay rows (`replay-csv`, `replay-vpc`, `replay-csv-zipf`,
 * `replay-vpc-zipf`), made as bench/replay.ts makes them, measured by CPU time
 * (process.cpuUsage) rather than wall time: on a shared machine that is what compares two
 * versions. Runs the rows round-robin, RUNS times after three warm-up rounds (as bench/replay.ts's
 * WARMUP_RUNS), and prints each row's median and its runs.
 *
 *   node --import tsx bench/replay-cpu.ts [SIZE] [ROW,ROW...] [RUNS] [ZIPF_FLOWS]
 *
 * (default M, all four, 5 runs, 10M Zipf flows: bench/replay.ts's count)
 */
import { compileBundle } from '../src/compile/compile.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { EndpointDirectory } from '../src/replay/endpoint-directory.js';
import { replay } from '../src/replay/replay.js';
import { ReplaySummary } from '../src/replay/summary.js';
import { VerdictCache } from '../src/replay/verdict-cache.js';
import { addressOf, csvLog, logChunks, logText, vpcLog, zipfConversations, zipfText } from './flow-logs.js';
import { generateCluster, isSizeName, sampleFlows } from './generate.js';
import { median } from './stats.js';

const [sizeArg = 'M', rowsArg, runsArg = '5', zipfArg = '10000000'] = process.argv.slice(2);
if (!isSizeName(sizeArg)) throw new Error(`size ${sizeArg}: use S, M or L`);
const wanted = rowsArg ? new Set(rowsArg.split(',')) : undefined;
const runs = Number(runsArg);
const bundle = ingestObjects(generateCluster(sizeArg, 1).objects).bundle!;
const engine = new WasmEngine(loadCoreModule(), compileBundle(bundle).image);
const directory = new EndpointDirectory(bundle);
const ipOf = addressOf(bundle);

/** As bench/replay.ts: 200,000 flows over the 1,000 sampled, and ZIPF_FLOWS Zipf flows over 50,000 conversations. */
const flows = sampleFlows(bundle, 1_000, 'pod', 1);
const conversations = zipfConversations(bundle);
const zipfFlows = Number(zipfArg);
const logs = new Map<string, Uint8Array[]>();
const add = (row: string, make: () => Uint8Array[]): void => void ((wanted === undefined || wanted.has(row)) && logs.set(row, make()));
add('replay-csv', () => logChunks(logText(csvLog(flows), 200_000)));
add('replay-vpc', () => logChunks(logText(vpcLog(flows, ipOf), 200_000)));
for (const log of [csvLog(conversations), vpcLog(conversations, ipOf)]) {
  add(`replay-${log.format}-zipf`, () => logChunks(zipfText(log, zipfFlows)));
}

async function* asAsync(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

const rates = new Map<string, number[]>();
const warmups = 3;
for (let run = 0; run < warmups + runs; run++) {
  for (const [row, chunks] of logs) {
    const summary = new ReplaySummary();
    const before = process.cpuUsage();
    await replay([{ name: row, bytes: asAsync(chunks) }], { engine: new VerdictCache(engine), directory, summary });
    const used = process.cpuUsage(before);
    if (summary.totals.judged === 0) throw new Error(`replay of ${row} judged nothing`);
    if (run >= warmups) rates.set(row, [...(rates.get(row) ?? []), summary.totals.records / ((used.user + used.system) / 1e6)]);
  }
}
for (const [row, list] of rates) console.log(`${row}\t${(median(list) / 1e6).toFixed(3)}M flows/CPU-s\t[${list.map((r) => (r / 1e6).toFixed(2)).join(' ')}]`);
