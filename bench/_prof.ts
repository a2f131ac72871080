import { compileBundle } from '../src/compile/compile.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { EndpointDirectory, replay } from '../src/replay/replay.js';
import { ReplaySummary } from '../src/replay/summary.js';
import { addressOf, hubbleLog, logChunks, logText } from './flow-logs.js';
import { generateCluster, sampleFlows } from './generate.js';
const bundle = ingestObjects(generateCluster('M', 1).objects).bundle!;
const engine = new WasmEngine(loadCoreModule(), compileBundle(bundle).image);
const directory = new EndpointDirectory(bundle);
const chunks = logChunks(logText(hubbleLog(sampleFlows(bundle, 1_000, 'pod', 1), addressOf(bundle)), 200_000));
async function* asAsync(s: readonly Uint8Array[]) { yield* s; }
for (let i = 0; i < 4; i++) {
  const summary = new ReplaySummary();
  const before = process.cpuUsage();
  await replay([{ name: 'h', bytes: asAsync(chunks) }], { engine, directory, summary });
  const u = process.cpuUsage(before);
  console.log(summary.totals.records / ((u.user + u.system) / 1e6));
}
