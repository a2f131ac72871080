/**
 * @module The full workload-level `list` at one size measured by CPU time (process.cpuUsage, the
 * image compile included as the bench row does), median of RUNS, with a digest of the answer so
 * that two trees can be compared for speed and sameness on a busy machine:
 * `SIZE=M RUNS=3 npx tsx bench/connectivity-list-cpu.ts`.
 * With STREAM=1, the list as the CLI makes it: streamed in chunks of class pairs and written as
 * JSON as it goes (to OUT when given, else only counted), with the process's peak RSS; the one
 * way the full list completes at L (the generated L bundle is above the CLI's 64 MiB input limit):
 * `SIZE=L RUNS=1 STREAM=1 npx tsx bench/connectivity-list-cpu.ts`.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { analyzeConnectivity, streamConnectivity } from '../src/analysis/connectivity.js';
import { wasmDecider } from '../src/analysis/decider.js';
import { describeWorkloads } from '../src/analysis/workload-labels.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { listWriter } from '../src/format/connectivity-formats.js';
import type { TextSink } from '../src/format/list-writer.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import type { Bundle } from '../src/model/bundle.js';
import { BufferedText } from '../cli/text-output.js';
import { generateCluster, isSizeName } from './generate.js';

const size = process.env.SIZE ?? 'M';
if (!isSizeName(size)) throw new Error(`SIZE must be one of S, M, L, not ${size}`);
const runs = Number(process.env.RUNS ?? 3);
const stream = process.env.STREAM === '1';
const bundle = ingestObjects(generateCluster(size, 1).objects).bundle!;
const module = loadCoreModule();
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const peakMiB = () => process.resourceUsage().maxRSS / 1024;
console.log(`${size}: ${bundle.pods.length} pods, ${bundle.policies.length} policies; peak RSS ${peakMiB().toFixed(0)} MiB before the list`);

/** The list streamed as JSON into the sink (the CLI's `list --output json`): connections and bytes written. */
async function streamedJSON(bundle: Bundle, sink: TextSink & { drained?: () => Promise<void> }): Promise<{ connections: number; bytes: number }> {
  const listed = streamConnectivity(bundle, wasmDecider(module, bundle));
  let bytes = 0;
  const writer = listWriter('json', 'sha256:bench', { write: (text) => ((bytes += text.length), sink.write(text)) });
  let connections = 0;
  for (const batch of listed.batches) {
    for (const connection of batch) writer.connection(connection);
    connections += batch.length;
    await sink.drained?.();
  }
  writer.end(describeWorkloads(bundle, listed.groups));
  return { connections, bytes };
}

const times: number[] = [];
const compiles: number[] = [];
let digest = '';
for (let i = 0; i < runs; i++) {
  const t0 = cpu();
  if (stream) {
    const out = process.env.OUT ? new BufferedText(createWriteStream(process.env.OUT)) : { write: () => {} };
    const { connections, bytes } = await streamedJSON(bundle, out);
    if (out instanceof BufferedText) await out.flush();
    const t2 = cpu();
    times.push(t2 - t0);
    console.log(`run ${i}: total ${(t2 - t0).toFixed(0)} ms cpu (compile included), ${connections} connections, ${bytes} characters of JSON, peak RSS ${peakMiB().toFixed(0)} MiB`);
    continue;
  }
  const decider = wasmDecider(module, bundle);
  const t1 = cpu();
  const result = analyzeConnectivity(bundle, decider);
  const t2 = cpu();
  times.push(t2 - t0);
  compiles.push(t1 - t0);
  digest = createHash('sha256').update(JSON.stringify(result.connections.map((c) => [c.src, c.dst, c.set]))).digest('hex').slice(0, 16);
  console.log(`run ${i}: total ${(t2 - t0).toFixed(0)} ms cpu (compile ${(t1 - t0).toFixed(0)}), ${result.connections.length} connections, digest ${digest}`);
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const compile = compiles.length > 0 ? ` (compile ${med(compiles).toFixed(0)})` : '';
console.log(`median ${med(times).toFixed(0)} ms cpu${compile}, peak RSS ${peakMiB().toFixed(0)} MiB`);
