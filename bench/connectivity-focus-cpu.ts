/**
 * @module `list --focus` on the largest workload at one size, measured by CPU time
 * (process.cpuUsage, the image compile included as the bench row does), median of RUNS, the
 * focus-scoped path (focused-connectivity.ts) against the whole-bundle analysis with a focus,
 * interleaved, with a digest of each answer: `SIZE=L RUNS=3 npx tsx bench/connectivity-focus-cpu.ts`
 * (PATHS=scoped to skip the whole-bundle one; FOCUS=deployment for the largest Deployment, not the
 * largest workload, a DaemonSet of hostNetwork pods on every node at L).
 */
import { createHash } from 'node:crypto';
import { analyzeConnectivity } from '../src/analysis/connectivity.js';
import { wasmDecider } from '../src/analysis/decider.js';
import { focusedConnectivity } from '../src/analysis/focused-connectivity.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { generateCluster, isSizeName } from './generate.js';

const size = process.env.SIZE ?? 'L';
if (!isSizeName(size)) throw new Error(`SIZE must be one of S, M, L, not ${size}`);
const runs = Number(process.env.RUNS ?? 3);
const paths = (process.env.PATHS ?? 'whole,scoped').split(',');
const bundle = ingestObjects(generateCluster(size, 1).objects).bundle!;
const module = loadCoreModule();
const counts = new Map<string, number>();
for (const pod of bundle.pods) if (pod.owner && (process.env.FOCUS !== 'deployment' || pod.owner.kind === 'Deployment')) counts.set(`${pod.namespace}/${pod.owner.name}`, (counts.get(`${pod.namespace}/${pod.owner.name}`) ?? 0) + 1);
const focus = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const analyses: Record<string, () => { connections: readonly { src: unknown; dst: unknown; set: unknown }[] }> = {
  whole: () => analyzeConnectivity(bundle, wasmDecider(module, bundle), { focus }),
  scoped: () => focusedConnectivity(bundle, (scoped) => wasmDecider(module, scoped), { focus }).result,
};
const times: Record<string, number[]> = {};
for (let i = 0; i < runs; i++) {
  for (const path of paths) {
    const t0 = cpu();
    const result = analyses[path]!();
    const spent = cpu() - t0;
    (times[path] ??= []).push(spent);
    const digest = createHash('sha256').update(JSON.stringify(result.connections.map((c) => [c.src, c.dst, c.set]))).digest('hex').slice(0, 16);
    console.log(`${path} run ${i}: ${spent.toFixed(0)} ms cpu, ${result.connections.length} connections, digest ${digest}`);
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const path of paths) console.log(`${path}: median ${med(times[path]!).toFixed(0)} ms cpu`);
console.log(`focus ${focus}, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
