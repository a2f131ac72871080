/**
 * @module One side of the `replay-csv-jobs*` rows (replay-jobs.ts) in a process of its own:
 * `node --import tsx bench/replay-jobs-process.ts SIZE SEED JOBS FLOWS RUNS [uniform|zipf]`
 * generates the cluster the benchmark generates for SIZE and SEED, and a CSV log of FLOWS flows in
 * memory: uniform, round the 1,000 sampled pod flows of the other replay rows; zipf, over the
 * 50,000 conversations of the `replay-*-zipf` rows, as they pick them. It replays the log
 * WARMUP_RUNS times untimed, then RUNS times timed, on
 * one thread (JOBS 1: `replay`'s own path) or as `replay --jobs JOBS` does (this thread and JOBS - 1
 * workers, started before timing), and prints `{rates, cpuPerFlow, report}` as JSON: flows/s and
 * process CPU ns per flow of each timed run, and the report, for the caller to hold both sides to
 * the same one. A process per side, because in one process each side's replay path is also
 * optimized for the other's calls: there the one-thread replay ran at 5.7-9.5M flows/s from one
 * process to the next, alone 8.9-9.4M.
 */
import { compileBundle } from '../src/compile/compile.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { EndpointDirectory } from '../src/replay/endpoint-directory.js';
import { ParallelReplay } from '../src/replay/parallel.js';
import { prepareSetup } from '../src/replay/part-replay.js';
import { replay } from '../src/replay/replay.js';
import { ReplaySummary } from '../src/replay/summary.js';
import { VerdictCache } from '../src/replay/verdict-cache.js';
import { csvLog, logChunks, logText, zipfConversations, zipfText } from './flow-logs.js';
import { generateCluster, isSizeName, sampleFlows } from './generate.js';
import { WARMUP_RUNS } from './replay.js';

const [size, seedText, jobsText, flowsText, runsText, shape = 'uniform'] = process.argv.slice(2);
const [seed, jobs, flows, runs] = [seedText, jobsText, flowsText, runsText].map(Number);
if (size === undefined || !isSizeName(size) || [seed, jobs, flows, runs].some((n) => !Number.isInteger(n)) || jobs! < 1 || flows! < 1 || runs! < 1 || !['uniform', 'zipf'].includes(shape)) {
  console.error('usage: node --import tsx bench/replay-jobs-process.ts S|M|L SEED JOBS FLOWS RUNS [uniform|zipf]');
  process.exit(2);
}
const bundle = ingestObjects(generateCluster(size, seed!).objects).bundle!;
const log = logChunks(shape === 'zipf' ? zipfText(csvLog(zipfConversations(bundle)), flows!) : logText(csvLog(sampleFlows(bundle, 1_000, 'pod', seed!)), flows!));
const core = loadCoreModule();

async function* asAsync(source: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* source;
}

let replayLog: () => Promise<ReplaySummary>;
let parallel: ParallelReplay | undefined;
if (jobs === 1) {
  const engine = new VerdictCache(new WasmEngine(core, compileBundle(bundle).image));
  const directory = new EndpointDirectory(bundle);
  replayLog = async () => {
    const summary = new ReplaySummary();
    await replay([{ name: 'csv', bytes: asAsync(log) }], { engine, directory, summary });
    return summary;
  };
} else {
  const setup = prepareSetup({ engine: 'wasm', core, bundle, rules: false, out: false });
  const threads = new ParallelReplay({ jobs: jobs!, setup, format: 'csv', parallelFromBytes: 0 });
  parallel = threads;
  const started = performance.now();
  await threads.start();
  console.error(`replay --jobs ${jobs}: workers started in ${(performance.now() - started).toFixed(0)} ms`);
  replayLog = async () => {
    const summary = new ReplaySummary();
    await threads.replay({ name: 'csv', bytes: asAsync(log) }, { summary });
    return summary;
  };
}

try {
  let report = '';
  for (let i = 0; i < WARMUP_RUNS; i++) report = JSON.stringify((await replayLog()).toJSON());
  const rates: number[] = [];
  const cpuPerFlow: number[] = [];
  const parts = { ...(parallel?.parts ?? { here: 0, onWorkers: 0 }) };
  for (let i = 0; i < runs!; i++) {
    const at = performance.now();
    const cpu = process.cpuUsage();
    const summary = await replayLog();
    rates.push(summary.totals.records / ((performance.now() - at) / 1000));
    const used = process.cpuUsage(cpu);
    cpuPerFlow.push(((used.user + used.system) * 1000) / summary.totals.records);
  }
  // Which thread took what: the workers' share says whether they were kept busy.
  if (parallel) console.error(`replay --jobs ${jobs}: ${parallel.parts.here - parts.here} parts replayed in the main thread, ${parallel.parts.onWorkers - parts.onWorkers} on the workers`);
  console.log(JSON.stringify({ rates, cpuPerFlow, report }));
} finally {
  await parallel?.close();
}
