/**
 * @module The `replay-hubble` row alone, by CPU time, for a loaded machine: `tsx
 * bench/replay-hubble-cpu.ts [SIZE] [ROUNDS]` builds the benchmark's Hubble log (the same sampled
 * flows and 200,000 lines as bench/replay.ts) and replays it ROUNDS times through each path,
 * interleaved: the object path (the same engine behind a plain Engine, which the records path does
 * not take) and the records path (what `replay` uses). Prints each path's median flows per CPU
 * second, and the ratio, measured in the same run. HUBBLE_PATHS=records replays only the records
 * path (for `node --cpu-prof`: the profile is then of what `replay` runs).
 */
import { compileBundle } from '../src/compile/compile.js';
import type { Engine } from '../src/engine/engine.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { EndpointDirectory } from '../src/replay/endpoint-directory.js';
import { replay } from '../src/replay/replay.js';
import { ReplaySummary } from '../src/replay/summary.js';
import { throughFlows } from '../test/ndjson-lines.js';
import { addressOf, hubbleLog, logChunks, logText } from './flow-logs.js';
import { generateCluster, isSizeName, sampleFlows } from './generate.js';
import { median } from './stats.js';

const [size = 'M', roundsText = '5'] = process.argv.slice(2);
const rounds = Number(roundsText);
if (!isSizeName(size) || !Number.isInteger(rounds) || rounds < 1) {
  console.error('usage: tsx bench/replay-hubble-cpu.ts [S|M|L] [ROUNDS]');
  process.exit(2);
}

const bundle = ingestObjects(generateCluster(size, 1).objects).bundle!;
const engine = new WasmEngine(loadCoreModule(), compileBundle(bundle).image);
const directory = new EndpointDirectory(bundle);
const chunks = logChunks(logText(hubbleLog(sampleFlows(bundle, 1_000, 'pod', 1), addressOf(bundle)), 200_000));

/** The same engine as an Engine the records path does not recognise. */
const objectEngine = throughFlows(engine);

async function* asAsync(source: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* source;
}

/** Flows per CPU second (user + system) of one replay. */
async function cpuRate(decider: Engine): Promise<number> {
  const summary = new ReplaySummary();
  const before = process.cpuUsage();
  await replay([{ name: 'hubble', bytes: asAsync(chunks) }], { engine: decider, directory, summary });
  const used = process.cpuUsage(before);
  if (summary.totals.judged === 0) throw new Error('the Hubble replay judged nothing');
  return summary.totals.records / ((used.user + used.system) / 1e6);
}

const onlyRecords = process.env.HUBBLE_PATHS === 'records';
const paths: Partial<Record<'object' | 'records', Engine>> = onlyRecords ? { records: engine } : { object: objectEngine, records: engine };
const rates: Record<'object' | 'records', number[]> = { object: [], records: [] };
// One warm-up replay per path, then interleaved rounds.
for (const decider of Object.values(paths)) await cpuRate(decider);
for (let round = 0; round < rounds; round++) {
  for (const [name, decider] of Object.entries(paths) as ['object' | 'records', Engine][]) rates[name].push(await cpuRate(decider));
}
const records = median(rates.records);
const k = (rate: number): string => `${(rate / 1000).toFixed(1)}k`;
console.log(`replay-hubble ${size}, flows per CPU second, median of ${rounds} interleaved rounds`);
if (!onlyRecords) console.log(`  object path:  ${k(median(rates.object))}  (${rates.object.map(k).join(' ')})`);
console.log(`  records path: ${k(records)}  (${rates.records.map(k).join(' ')})`);
if (!onlyRecords) console.log(`  records / object: ${(records / median(rates.object)).toFixed(2)}x`);
