/**
 * @module The gzip rows (`replay-*-gzip-vs-plain`) by CPU time, for a loaded machine: builds the
 * benchmark's CSV, VPC and Hubble logs (the same sampled flows and 200,000 lines as bench/replay.ts),
 * plain and gzip-compressed, and replays each pair ROUNDS times, plain and gzip alternating (the
 * first pair untimed). Per format it prints the median of the pairs' ratios of plain over gzip
 * cost (>= 0.8 is the target's side) by three clocks: the process's CPU (every thread, so inflating
 * on libuv's pool counts), the main thread's CPU alone (Linux: /proc; the reader's share, which
 * bounds the rate when inflating runs on the other core), and the wall clock.
 *
 *   npx tsx bench/replay-gzip-cpu.ts [SIZE] [csv,vpc,hubble] [ROUNDS]     (default M, all three, 5)
 */
import { readFileSync } from 'node:fs';
import { compileBundle } from '../src/compile/compile.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { EndpointDirectory } from '../src/replay/endpoint-directory.js';
import { replay } from '../src/replay/replay.js';
import { ReplaySummary } from '../src/replay/summary.js';
import { VerdictCache } from '../src/replay/verdict-cache.js';
import { addressOf, csvLog, hubbleLog, logChunks, logText, vpcLog, type LogLines } from './flow-logs.js';
import { generateCluster, isSizeName, sampleFlows } from './generate.js';
import { median } from './stats.js';

const [size = 'M', formatsArg = 'csv,vpc,hubble', roundsArg = '5'] = process.argv.slice(2);
const rounds = Number(roundsArg);
if (!isSizeName(size) || !Number.isInteger(rounds) || rounds < 1) {
  console.error('usage: tsx bench/replay-gzip-cpu.ts [S|M|L] [csv,vpc,hubble] [ROUNDS]');
  process.exit(2);
}
const bundle = ingestObjects(generateCluster(size, 1).objects).bundle!;
const engine = new WasmEngine(loadCoreModule(), compileBundle(bundle).image);
const directory = new EndpointDirectory(bundle);
const ipOf = addressOf(bundle);
const flows = sampleFlows(bundle, 1_000, 'pod', 1);
const makers: Record<string, () => LogLines> = { csv: () => csvLog(flows), vpc: () => vpcLog(flows, ipOf), hubble: () => hubbleLog(flows, ipOf) };

/** The main thread's CPU in clock ticks (Linux), or NaN where /proc is not there. */
function mainThreadTicks(): number {
  try {
    const fields = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return NaN;
  }
}

async function* asAsync(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

/** One replay's costs: process CPU (µs), main-thread CPU (ticks), wall (ms). */
async function cost(name: string, chunks: readonly Uint8Array[]): Promise<{ cpu: number; main: number; wall: number }> {
  const summary = new ReplaySummary();
  const ticks = mainThreadTicks();
  const before = process.cpuUsage();
  const started = performance.now();
  await replay([{ name, bytes: asAsync(chunks) }], { engine: new VerdictCache(engine), directory, summary });
  const used = process.cpuUsage(before);
  if (summary.totals.judged === 0) throw new Error(`replay of ${name} judged nothing`);
  return { cpu: used.user + used.system, main: mainThreadTicks() - ticks, wall: performance.now() - started };
}

for (const format of formatsArg.split(',')) {
  const text = [...logText(makers[format]!(), 200_000)];
  const inputs = { plain: logChunks(text), gzip: logChunks(text, true) };
  const ratios = { cpu: [] as number[], main: [] as number[], wall: [] as number[] };
  for (let i = 0; i <= rounds; i++) {
    const plain = await cost(format, inputs.plain);
    const gzip = await cost(`${format}.gz`, inputs.gzip);
    if (i === 0) continue;
    for (const clock of ['cpu', 'main', 'wall'] as const) ratios[clock].push(plain[clock] / gzip[clock]);
  }
  const show = (list: number[]): string => `${median(list).toFixed(3)} [${list.map((r) => r.toFixed(2)).join(' ')}]`;
  console.log(`replay-${format}-gzip-vs-plain\tCPU ${show(ratios.cpu)}\tmain thread ${show(ratios.main)}\twall ${show(ratios.wall)}`);
}
