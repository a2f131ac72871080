/**
 * @module The peak RSS of a long local replay, alone in its process (the benchmark's own data
 * would count otherwise): `tsx bench/replay-rss.ts SIZE FLOWS [JOBS]` generates the cluster,
 * replays FLOWS Zipf-distributed CSV flows made on the fly (never held whole), with verdict reuse
 * as `replay` does (the bundle's objects dropped once the engine and the directory are built), on
 * one thread or, with JOBS >= 2, as `replay --jobs JOBS` does (this thread and JOBS - 1 workers,
 * started before the setup is measured: their memory is the process's), and prints
 * `{peakRssMiB, setupRssMiB, flowsPerSecond, records}` as JSON. The peak is
 * sampled while replaying (after every input chunk): generating the cluster is the benchmark's own
 * cost, not replay's, so the process's lifetime peak would say little.
 */
import { compileBundle } from '../src/compile/compile.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { EndpointDirectory } from '../src/replay/endpoint-directory.js';
import { ParallelReplay } from '../src/replay/parallel.js';
import { prepareSetup } from '../src/replay/part-replay.js';
import { replay, type ReplayInput } from '../src/replay/replay.js';
import { ReplaySummary } from '../src/replay/summary.js';
import { VerdictCache } from '../src/replay/verdict-cache.js';
import { csvLog, zipfConversations, zipfText, type LogLines } from './flow-logs.js';
import { generateCluster, isSizeName, type SizeName } from './generate.js';

const [size, flowsText, jobsText = '1'] = process.argv.slice(2);
const flows = Number(flowsText);
const jobs = Number(jobsText);
if (size === undefined || !isSizeName(size) || !Number.isInteger(flows) || flows < 1 || !Number.isInteger(jobs) || jobs < 1) {
  console.error('usage: tsx bench/replay-rss.ts S|M|L FLOWS [JOBS]');
  process.exit(2);
}

/**
 * What replay keeps: the engine (image compiled into the core) and the directory, or with JOBS >= 2
 * the workers' setup (the image compiled once); the bundle's objects dropped as the CLI drops them.
 * The log's distinct lines are the benchmark's own.
 */
function prepare(): { replayLog: (input: ReplayInput, summary: ReplaySummary, onProgress: () => void) => Promise<void>; parallel?: ParallelReplay; log: LogLines } {
  const bundle = ingestObjects(generateCluster(size as SizeName, 1).objects).bundle!;
  const log = csvLog(zipfConversations(bundle));
  if (jobs > 1) {
    const parallel = new ParallelReplay({ jobs, setup: prepareSetup({ engine: 'wasm', core: loadCoreModule(), bundle, rules: false, out: false }), format: 'csv', parallelFromBytes: 0 });
    return { replayLog: (input, summary, onProgress) => parallel.replay(input, { summary }, onProgress), parallel, log };
  }
  const wasm = WasmEngine.fromCompiled(loadCoreModule(), compileBundle(bundle));
  const directory = new EndpointDirectory({ resolver: wasm.resolver, ownedIPs: new EndpointDirectory(bundle).ownedIPs() });
  const engine = new VerdictCache(wasm);
  return { replayLog: (input, summary, onProgress) => replay([input], { engine, directory, summary, onProgress }), log };
}
const { replayLog, parallel, log } = prepare();
await parallel?.start();
async function* bytes(): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  for (const text of zipfText(log, flows)) yield encoder.encode(text);
}

// Generating and compiling the cluster left garbage that a CLI run, which reads a bundle, would not
// have; and V8 sizes its heap limits after the first full collection: collected before replay when
// this runs with --expose-gc (as bench/replay.ts runs it), so the peak is replay's.
(globalThis as { gc?: () => void }).gc?.();
const setupRssMiB = process.memoryUsage().rss / 2 ** 20;
let peakRssMiB = setupRssMiB;
const summary = new ReplaySummary();
const started = performance.now();
await replayLog({ name: 'zipf.csv', bytes: bytes() }, summary, () => (peakRssMiB = Math.max(peakRssMiB, process.memoryUsage().rss / 2 ** 20)));
const seconds = (performance.now() - started) / 1000;
await parallel?.close();
console.log(JSON.stringify({ peakRssMiB, setupRssMiB, flowsPerSecond: summary.totals.records / seconds, records: summary.totals.records }));
