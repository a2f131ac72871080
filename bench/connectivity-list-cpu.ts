/**
 * @module The full workload-level `list` at one size measured by CPU time (process.cpuUsage, the
 * image compile included as the bench row does), median of RUNS, with a digest of the answer so
 * that two trees can be compared for speed and sameness on a busy machine:
 * `SIZE=M RUNS=3 npx tsx bench/connectivity-list-cpu.ts`.
 */
import { createHash } from 'node:crypto';
import { analyzeConnectivity } from '../src/analysis/connectivity.js';
import { wasmDecider } from '../src/analysis/decider.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { generateCluster, isSizeName } from './generate.js';

const size = process.env.SIZE ?? 'M';
if (!isSizeName(size)) throw new Error(`SIZE must be one of S, M, L, not ${size}`);
const runs = Number(process.env.RUNS ?? 3);
const bundle = ingestObjects(generateCluster(size, 1).objects).bundle!;
const module = loadCoreModule();
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const times: number[] = [];
const compiles: number[] = [];
let digest = '';
for (let i = 0; i < runs; i++) {
  const t0 = cpu();
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
console.log(`median ${med(times).toFixed(0)} ms cpu (compile ${med(compiles).toFixed(0)}), peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
