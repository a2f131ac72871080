/**
 * @module Rows for the connectivity analysis: the full workload-level `list` (connectivity-list),
 * a `diff` of two versions that differ by 10 policies (connectivity-diff) and `list --focus` on one
 * workload as the CLI runs it, decided on the focus's scope (connectivity-focus: the largest
 * workload; connectivity-focus-deployment: the largest Deployment), in ms, each with the peak RSS
 * it took (MiB), and the image compile that each of them includes (connectivity-compile), to tell
 * it apart. At L the list is the streamed one (the CLI's; the whole list would not fit in memory).
 * The generated pods name their controllers in ownerReferences, so ingest groups them into
 * workloads. The rows are measured in a process of their own (connectivity-process.ts): in the
 * benchmark's process the replay rows' logs (10M flows) set the peak before these rows ran.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeConnectivity, streamConnectivity } from '../src/analysis/connectivity.js';
import { wasmDecider } from '../src/analysis/decider.js';
import { focusedConnectivity } from '../src/analysis/focused-connectivity.js';
import { diffVersions } from '../src/analysis/version-diff.js';
import { compileBundle } from '../src/compile/compile.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import type { Bundle, NetworkPolicy } from '../src/model/bundle.js';
import type { SizeName } from './generate.js';
import type { Row, RowProducer } from './rows.js';
import { median } from './stats.js';

/** The same bundle with 10 policies changed: 5 removed, 5 with their first ingress rule dropped. */
export function tenPoliciesChanged(bundle: Bundle): Bundle {
  const step = Math.max(1, Math.floor(bundle.policies.length / 10));
  const policies: NetworkPolicy[] = [];
  bundle.policies.forEach((policy, i) => {
    if (i % step !== 0 || i / step >= 10) return policies.push(policy);
    if ((i / step) % 2 === 0) return; // removed
    policies.push({ ...policy, ingress: policy.ingress.slice(1) });
  });
  return { ...bundle, policies };
}

/** Starts the kernel's high-water mark of this process's RSS afresh (Linux; elsewhere the lifetime peak stays). */
function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux: peakRSSMiB is the process's lifetime peak.
  }
}

/** The peak RSS since resetPeakRss (the kernel's VmHWM), or the process's lifetime peak where /proc is not there. */
function peakRSSMiB(): number {
  try {
    const kB = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kB !== undefined) return Number(kB) / 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS / 1024;
}

async function timed(run: () => unknown, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  return median(times);
}

/**
 * The rows for `bundle`, measured in this process, each peak RSS from the bundle alone in memory
 * (the caller collects everything else first): connectivity-process.ts runs it.
 */
export async function measureConnectivity(size: SizeName, bundle: Bundle, quick: boolean, log: (message: string) => void): Promise<Row[]> {
  resetPeakRss();
  const module = loadCoreModule();
  const rows: Row[] = [];
  const row = (metric: string, value: number, unit: string) => rows.push({ size, metric, engine: 'wasm', value, unit });
  const runs = quick || size === 'L' ? 1 : 3;
  // The focus: the workload with the most pods (the heaviest single focus: at M and L a
  // hostNetwork DaemonSet on every node, node-related to every pod), and the largest Deployment.
  const largest = (kinds?: readonly string[]): string => {
    const counts = new Map<string, number>();
    for (const pod of bundle.pods) {
      if (!pod.owner || (kinds && !kinds.includes(pod.owner.kind))) continue;
      counts.set(`${pod.namespace}/${pod.owner.kind}/${pod.owner.name}`, (counts.get(`${pod.namespace}/${pod.owner.kind}/${pod.owner.name}`) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  };
  const focused = (focus: string) => () => focusedConnectivity(bundle, (scoped) => wasmDecider(module, scoped), { focus });
  let connections = 0;
  row('connectivity-focus-deployment', await timed(focused(largest(['Deployment'])), runs), 'ms');
  row('connectivity-focus-deployment-peak-rss', peakRSSMiB(), 'MiB');
  row('connectivity-focus', await timed(focused(largest()), runs), 'ms');
  row('connectivity-focus-peak-rss', peakRSSMiB(), 'MiB');
  row('connectivity-compile', await timed(() => compileBundle(bundle), runs), 'ms');
  if (size === 'L' && !process.env.BENCH_CONNECTIVITY_FULL_L) {
    // Minutes of CPU (tens of millions of connections): opt-in, so that a default run stays short.
    log('connectivity-list at L skipped: it takes minutes (set BENCH_CONNECTIVITY_FULL_L=1 to run it)');
    return rows;
  }
  // At L the whole list does not fit in memory (25M candidate class pairs): the row measures the
  // list as the CLI makes it, class pairs in chunks and connections streamed (here only counted).
  const list = (): number => {
    if (size !== 'L') return analyzeConnectivity(bundle, wasmDecider(module, bundle)).connections.length;
    let count = 0;
    for (const batch of streamConnectivity(bundle, wasmDecider(module, bundle)).batches) count += batch.length;
    return count;
  };
  row('connectivity-list', await timed(() => (connections = list()), runs), 'ms');
  row('connectivity-list-peak-rss', peakRSSMiB(), 'MiB');
  row('connectivity-list-connections', connections, 'connections');
  if (size === 'M') {
    const changed = tenPoliciesChanged(bundle);
    let changes = 0;
    const diff = () => {
      const [a, b] = [bundle, changed].map((version) => ({ bundle: version, decider: () => wasmDecider(module, version) }));
      changes = diffVersions(a!, b!).length;
    };
    row('connectivity-diff', await timed(diff, runs), 'ms');
    row('connectivity-diff-peak-rss', peakRSSMiB(), 'MiB');
    row('connectivity-diff-changes', changes, 'changes');
  }
  return rows;
}

/** The rows, measured in a fresh process on the same generated cluster (size and seed). */
export const connectivityProducer: RowProducer = {
  name: 'connectivity analysis',
  produce(ctx) {
    if (ctx.size === 'S') return [];
    const script = join(import.meta.dirname, 'connectivity-process.ts');
    const args = ['--expose-gc', '--import', 'tsx', script, ctx.size, String(ctx.seed), ...(ctx.quick ? ['--quick'] : [])];
    const child = spawnSync(process.execPath, args, { cwd: join(import.meta.dirname, '..'), encoding: 'utf8', maxBuffer: 1 << 20 });
    if (child.status !== 0) throw new Error(`connectivity-process.ts failed (${child.status}): ${child.stderr}`);
    if (child.stderr) ctx.log(child.stderr.trimEnd());
    return JSON.parse(child.stdout) as Row[];
  },
};
