/**
 * @module The core's batch rows (`batch-pod`, `batch-ip`, `batch-pod-tiers` and their `-distinct`
 * forms, on the records bench/wasm.ts and bench/tiers.ts make) for two builds of the core side by
 * side, measured by CPU time (process.cpuUsage) in alternating rounds: on a shared machine that is
 * what compares two versions of the batch loop. Checks that both builds answer every record alike,
 * then prints each row's median ns per decision per build and the median of the per-round ratios
 * (new rate / old rate) with its quartiles; last, per build, the issue's ratios between rows
 * (`batch-ip*-vs-batch-pod*`, `batch-pod-tiers*-vs-batch-pod*`) from those medians.
 *
 *   node --import tsx bench/batch-cpu.ts OLD.wasm NEW.wasm [SIZE] [ROUNDS] [ROWS]     (default M, 15, all)
 *
 * ROWS: only the rows whose name contains it (e.g. `distinct`). With OLD_SRC=DIR (a copy of the
 * older tree's src/), OLD.wasm gets its images from that tree's compiler: builds of two image
 * layouts compared on the same bundles and flows.
 *
 * OLD.wasm is e.g. main's core-as/build/netpol.wasm copied aside before `npm run build:wasm`.
 */
import { readFileSync } from 'node:fs';
import { compileBundle } from '../src/compile/compile.js';
import { FLOW_RECORD_BYTES, VERDICT_RECORD_BYTES } from '../src/compile/layout.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { generateCluster, isSizeName, sampleFlows } from './generate.js';
import { median } from './stats.js';
import { tierObjects } from './tiers.js';
import { batchRecords, distinctFlows } from './wasm.js';

const [oldPath, newPath, sizeArg = 'M', roundsArg = '15', only = ''] = process.argv.slice(2);
if (oldPath === undefined || newPath === undefined) throw new Error('usage: bench/batch-cpu.ts OLD.wasm NEW.wasm [SIZE] [ROUNDS] [ROWS]');
if (!isSizeName(sizeArg)) throw new Error(`size ${sizeArg}: use S, M or L`);
const rounds = Number(roundsArg);
const builds = [oldPath, newPath].map((path) => new WebAssembly.Module(readFileSync(path)));

const cluster = generateCluster(sizeArg, 1);
const bundle = ingestObjects(cluster.objects).bundle!;
const tiered = ingestObjects([...cluster.objects, ...tierObjects(cluster.namespaces)]).bundle!;
const oldCompile = process.env.OLD_SRC
  ? ((await import(`${process.env.OLD_SRC}/compile/compile.js`)) as { compileBundle: typeof compileBundle }).compileBundle
  : compileBundle;
// Per build: [old, new].
const images = {
  plain: [oldCompile(bundle).image, compileBundle(bundle).image],
  tiers: [oldCompile(tiered).image, compileBundle(tiered).image],
};
const encoder = new WasmEngine(builds[1]!, images.plain[1]!);
const pod = sampleFlows(bundle, 1_000, 'pod', 1);
const ip = sampleFlows(bundle, 1_000, 'ip', 1);
const rows: [string, Uint8Array[], Uint8Array][] = [
  ['batch-pod', images.plain, batchRecords(encoder, pod)],
  ['batch-ip', images.plain, batchRecords(encoder, ip)],
  ['batch-pod-tiers', images.tiers, batchRecords(encoder, pod)],
  ['batch-pod-distinct', images.plain, encoder.encodeRecords(distinctFlows(bundle, 'pod'))],
  ['batch-ip-distinct', images.plain, encoder.encodeRecords(distinctFlows(bundle, 'ip'))],
  ['batch-pod-tiers-distinct', images.tiers, encoder.encodeRecords(distinctFlows(bundle, 'pod'))],
];

const cpuNs = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) * 1000;
};

/** Per row measured: the median ns per decision of [old, new]. */
const medians = new Map<string, [number, number]>();
for (const [name, image, records] of rows.filter(([name]) => name.includes(only))) {
  const count = records.length / FLOW_RECORD_BYTES;
  const engines = builds.map((module, k) => new WasmEngine(module, image[k]!));
  const verdicts = engines.map(() => new Uint8Array(count * VERDICT_RECORD_BYTES));
  for (let i = 0; i < 10; i++) engines.forEach((engine, k) => engine.decideRecordsInto(records, verdicts[k]!));
  if (!Buffer.from(verdicts[0]!).equals(Buffer.from(verdicts[1]!))) throw new Error(`${name}: the two builds answer differently`);
  // Enough calls per sample that a sample takes some milliseconds whether the cache hits or not.
  const calls = name.endsWith('distinct') ? 2 : 10;
  const ns: number[][] = [[], []];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const k of round % 2 === 0 ? [0, 1] : [1, 0]) {
      const start = cpuNs();
      for (let i = 0; i < calls; i++) engines[k]!.decideRecordsInto(records, verdicts[k]!);
      ns[k]!.push((cpuNs() - start) / (calls * count));
    }
    ratios.push(ns[0]!.at(-1)! / ns[1]!.at(-1)!);
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  const quartile = (q: number): string => sorted[Math.floor(q * (sorted.length - 1))]!.toFixed(2);
  const [oldNs, newNs] = ns.map(median) as [number, number];
  medians.set(name, [oldNs, newNs]);
  console.log(
    `${sizeArg} ${name.padEnd(25)} old ${oldNs.toFixed(1)} ns (${(1e3 / oldNs).toFixed(1)}M/s)  new ${newNs.toFixed(1)} ns ` +
      `(${(1e3 / newNs).toFixed(1)}M/s)  new/old ${median(ratios).toFixed(3)} [${quartile(0.25)}, ${quartile(0.75)}]`,
  );
}

// The targets' ratios (rate over rate, so ns of the base row over ns of the other), per build.
for (const suffix of ['', '-distinct']) {
  for (const other of [`batch-ip${suffix}`, `batch-pod-tiers${suffix}`]) {
    const base = medians.get(`batch-pod${suffix}`);
    const row = medians.get(other);
    if (!base || !row) continue;
    const ratio = (k: 0 | 1): string => (base[k] / row[k]).toFixed(3);
    console.log(`${sizeArg} ${`${other}-vs-batch-pod${suffix}`.padEnd(46)} old ${ratio(0)}  new ${ratio(1)}`);
  }
}
