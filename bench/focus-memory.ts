/**
 * @module The V8 heap a focused answer needs at one size, the figure behind the Worker's
 * maxPodsWithFocus (the isolate has 128 MB): the canonical bundle retained, then one focus on the
 * largest Deployment's scope. `SIZE=L node --expose-gc --import tsx bench/focus-memory.ts`.
 */
import { wasmDecider } from '../src/analysis/decider.js';
import { focusedConnectivity } from '../src/analysis/focused-connectivity.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { generateCluster, isSizeName } from './generate.js';

const size = process.env.SIZE ?? 'L';
if (!isSizeName(size)) throw new Error(`SIZE must be one of S, M, L, not ${size}`);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
gc();
const baseline = process.memoryUsage().heapUsed;
const bundle = ingestObjects(generateCluster(size, 1).objects).bundle!;
gc();
const retained = process.memoryUsage().heapUsed;
console.log(`${size}: ${bundle.pods.length} pods, canonical bundle retained: ${mib(retained - baseline)} of heap (${mib(baseline)} before it)`);
const counts = new Map<string, number>();
for (const pod of bundle.pods) if (pod.owner?.kind === 'Deployment') counts.set(`${pod.namespace}/${pod.owner.name}`, (counts.get(`${pod.namespace}/${pod.owner.name}`) ?? 0) + 1);
const focus = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
const module = loadCoreModule();
const answer = focusedConnectivity(bundle, (scoped) => wasmDecider(module, scoped), { focus });
console.log(`focus ${focus}: scope ${answer.bundle.pods.length} pods, ${answer.result.connections.length} connections, heap ${mib(process.memoryUsage().heapUsed)} before collection`);
gc();
// The Worker keeps the version's bundle; so does this measure.
console.log(`heap after collection, bundle and answer retained (${bundle.pods.length} pods): ${mib(process.memoryUsage().heapUsed - baseline)} above the baseline; peak RSS ${mib(process.resourceUsage().maxRSS * 1024)}`);
