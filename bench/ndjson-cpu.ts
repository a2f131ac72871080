/**
 * @module Only the `e2e-ndjson-pod` and `e2e-ndjson-ip` rows, made as bench/wasm.ts makes them
 * (the 1,000 sampled flows as NDJSON bytes in 64-KiB chunks, answered by answerNDJSON), measured by
 * CPU time (process.cpuUsage) rather than wall time: on a shared machine that is what compares two
 * versions. Runs the rows in turns, RUNS times after a warm-up, and prints each row's median ns per
 * flow and its runs. A third row, `ndjson-bytes-pod`, answers the pod flows as the batch API does
 * (answerNDJSONEncoded: each chunk's verdicts as bytes, not a text).
 *
 *   node --import tsx bench/ndjson-cpu.ts [SIZE] [RUNS]     (default M, 7)
 */
import { compileBundle } from '../src/compile/compile.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { flowsToNDJSON, generateCluster, isSizeName, sampleFlows } from './generate.js';
import { median } from './stats.js';
import { answerBody, answerBodyBytes } from './wasm.js';

const [sizeArg = 'M', runsArg = '7'] = process.argv.slice(2);
if (!isSizeName(sizeArg)) throw new Error(`size ${sizeArg}: use S, M or L`);
const runs = Number(runsArg);
const bundle = ingestObjects(generateCluster(sizeArg, 1).objects).bundle!;
const engine = WasmEngine.fromCompiled(loadCoreModule(), compileBundle(bundle));
const FLOWS = 1_000;
const kinds = ['pod', 'ip'] as const;
const bodies = Object.fromEntries(kinds.map((kind) => [kind, new TextEncoder().encode(flowsToNDJSON(sampleFlows(bundle, FLOWS, kind, 1)))]));

const rows = [...kinds.map((kind) => ({ name: `e2e-ndjson-${kind}`, body: bodies[kind]!, answer: answerBody })), { name: 'ndjson-bytes-pod', body: bodies.pod!, answer: answerBodyBytes }];

/** CPU nanoseconds per flow of `rounds` answers of `body` by `answer`. */
async function cpuNsPerFlow(body: Uint8Array, answer: typeof answerBody | typeof answerBodyBytes, rounds: number): Promise<number> {
  const before = process.cpuUsage();
  for (let k = 0; k < rounds; k++) await answer(body, engine);
  const used = process.cpuUsage(before);
  return ((used.user + used.system) * 1e3) / (rounds * FLOWS);
}

const ROUNDS = 400;
const results = new Map<string, number[]>();
for (let run = 0; run <= runs; run++) {
  for (const row of run % 2 === 0 ? rows : [...rows].reverse()) {
    const ns = await cpuNsPerFlow(row.body, row.answer, ROUNDS);
    if (run > 0) results.set(row.name, [...(results.get(row.name) ?? []), ns]);
  }
}
for (const [name, list] of results) console.log(`${name}\t${median(list).toFixed(0)} CPU-ns/flow\t[${list.map((ns) => ns.toFixed(0)).join(' ')}]`);
