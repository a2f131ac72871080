/**
 * @module `npm run test:reliability`: sustained load on the Worker under `wrangler dev` (loopback
 * only, bounded in time), then token-timing probes. Single decisions, NDJSON batches and periodic
 * activations run together; every answer is checked against the reference evaluator for the
 * version it names. Per time window it reports the single-decision p50/p99 and workerd's RSS,
 * beside the RSS of a do-nothing Worker under the same `wrangler dev` after the same requests (the
 * same mix of kinds, bodies and reply sizes, window by window: the dev runtime keeps memory per
 * request of its own, more for larger ones). It fails (exit 1) on any error or
 * wrong answer, on a p99 that grows over the run, on memory that grows beyond the baseline's, or
 * on a token-timing difference beyond the noise of the same run.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { flowToJSON, generateCluster, sampleFlows } from '../bench/generate.js';
import { median } from '../bench/stats.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { ReferenceEngine } from '../src/engine/reference-engine.js';
import { startWrangler } from '../scripts/wrangler-dev.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    window: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
  },
});
const seconds = Number(args.seconds);
const windowMs = Number(args.window) * 1000;
const connections = Number(args.connections);
if (!(seconds >= 3 * Number(args.window)) || !(connections >= 1)) {
  throw new Error('--seconds must cover at least three windows, and --connections be at least 1');
}
const ADMIN = 'soak-admin-token';
const QUERY = 'soak-query-token';
const BATCH_FLOWS = 2_000;
const ACTIVATE_EVERY_MS = 2_500;
const TOKEN_ROUNDS = 400;
const log = (message: string): void => void process.stderr.write(`${message}\n`);

// Two versions that answer differently: the generated cluster, and the same with every namespace's
// ingress denied. Expected answers come from the reference evaluator.
const cluster = generateCluster('S', 3);
const manifests = cluster.objects as { kind: string; metadata: { name: string } }[];
const denyAll = manifests.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name).map(
  (namespace) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'soak-deny-all', namespace },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  }),
);
const variants = [cluster.objects, [...cluster.objects, ...denyAll]];
const bundles = variants.map((objects) => ingestObjects(objects).bundle!);
const flows = sampleFlows(bundles[0]!, 200, 'pod', 11);
const flowBodies = flows.map((flow) => JSON.stringify(flowToJSON(flow)));
const batchBody = Array.from({ length: BATCH_FLOWS }, (_, i) => flowBodies[i % flows.length]).join('\n');

interface Window {
  readonly latencies: number[];
  singles: number;
  batches: number;
  activations: number;
  rssMiB: number;
}

/** What the soak's answers weighed, per kind of request: the baseline replies as much. */
const replies = { single: { bytes: 0, count: 0 }, batch: { bytes: 0, count: 0 }, activation: { bytes: 0, count: 0 } };
type RequestKind = keyof typeof replies;
const noteReply = (kind: RequestKind, text: string): void => {
  replies[kind].bytes += text.length;
  replies[kind].count++;
};

const server = await startWrangler({
  stateDir: mkdtempSync(join(tmpdir(), 'netpol-edge-soak-')),
  vars: { ADMIN_TOKEN: ADMIN, QUERY_TOKEN: QUERY },
});
const failures: string[] = [];
let soakWindows: Window[] = [];
let tokenReport = '';
const fail = (message: string): void => {
  if (failures.length < 20) log(`FAIL ${message}`);
  failures.push(message);
};

try {
  const expected = new Map<string, boolean[]>();
  const versions: string[] = [];
  for (const [i, objects] of variants.entries()) {
    const response = await post('/v1/bundles/soak', ADMIN, 'application/json', JSON.stringify(objects), 'PUT');
    if (!response.ok) throw new Error(`publishing variant ${i}: ${response.status} ${await response.text()}`);
    const version = ((await response.json()) as { version: string }).version;
    versions.push(version);
    const reference = new ReferenceEngine(bundles[i]!);
    expected.set(version, flows.map((flow) => reference.explainNow(flow).allowed));
  }
  log(`soak: ${seconds} s, ${connections} connections, windows of ${args.window} s, against ${server.url}`);

  const windows: Window[] = [];
  const started = performance.now();
  const windowOf = (): Window => {
    const index = Math.floor((performance.now() - started) / windowMs);
    while (windows.length <= index) windows.push({ latencies: [], singles: 0, batches: 0, activations: 0, rssMiB: 0 });
    return windows[index]!;
  };
  const running = () => performance.now() - started < seconds * 1000;

  const single = async (worker: number) => {
    for (let n = worker; running(); n += connections) {
      const i = n % flows.length;
      const t = performance.now();
      try {
        const response = await post('/v1/bundles/soak/decide', QUERY, 'application/json', flowBodies[i]!);
        const text = await response.text();
        noteReply('single', text);
        const body = JSON.parse(text) as { allowed?: boolean; version?: string };
        const window = windowOf();
        window.latencies.push(performance.now() - t);
        window.singles++;
        if (response.status !== 200) fail(`decide: ${response.status} ${JSON.stringify(body)}`);
        else if (expected.get(body.version!)?.[i] !== body.allowed) fail(`decide flow ${i}: ${body.allowed} from ${body.version}`);
      } catch (error) {
        fail(`decide: ${String(error)}`);
      }
    }
  };
  const batch = async () => {
    while (running()) {
      try {
        const response = await post('/v1/bundles/soak/decide/batch', QUERY, 'application/x-ndjson', batchBody);
        const version = response.headers.get('x-netpol-edge-version') ?? '';
        const text = await response.text();
        noteReply('batch', text);
        const lines = text.trim().split('\n');
        windowOf().batches++;
        if (response.status !== 200 || lines.length !== BATCH_FLOWS) fail(`batch: ${response.status}, ${lines.length} lines`);
        lines.forEach((line, j) => {
          const answer = JSON.parse(line) as { allowed?: boolean };
          if (answer.allowed !== expected.get(version)?.[j % flows.length]) fail(`batch line ${j}: ${line.slice(0, 200)}`);
        });
      } catch (error) {
        fail(`batch: ${String(error)}`);
      }
    }
  };
  const activator = async () => {
    for (let n = 0; running(); n++) {
      await new Promise((resolve) => setTimeout(resolve, ACTIVATE_EVERY_MS));
      const response = await post('/v1/bundles/soak/activate', ADMIN, 'application/json', JSON.stringify({ version: versions[n % 2] }));
      const text = await response.text();
      noteReply('activation', text);
      if (response.status !== 200) fail(`activate: ${response.status} ${text}`);
      windowOf().activations++;
    }
  };
  const sampler = async () => {
    while (running()) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const window = windowOf();
      window.rssMiB = Math.max(window.rssMiB, workerdRssMiB(server.processGroup));
    }
  };
  await Promise.all([...Array.from({ length: connections }, (_, w) => single(w)), batch(), activator(), sampler()]);

  // The last window is partial; the first holds the warm-up (engine load, JIT).
  soakWindows = windows.slice(0, Math.floor((seconds * 1000) / windowMs));
  tokenReport = await tokenTiming();
} finally {
  await server.stop();
}

const baseline = await runBaseline(soakWindows);
const table = soakWindows.map((w, i) => ({
  window: `${(i * windowMs) / 1000}-${((i + 1) * windowMs) / 1000} s`,
  'decisions/s': Math.round(w.singles / (windowMs / 1000)),
  'batch flows/s': Math.round((w.batches * BATCH_FLOWS) / (windowMs / 1000)),
  activations: w.activations,
  'p50 ms': percentile(w.latencies, 0.5).toFixed(2),
  'p99 ms': percentile(w.latencies, 0.99).toFixed(2),
  'workerd RSS MiB': w.rssMiB.toFixed(0),
  'baseline p99 ms': baseline[i]!.p99.toFixed(2),
  'baseline RSS MiB': baseline[i]!.rssMiB.toFixed(0),
}));
process.stdout.write(`# netpol-edge soak (wrangler dev, loopback)\n\nmachine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores; node ${process.version}\n`);
process.stdout.write(`${connections} decision loops, 1 NDJSON batch loop (${BATCH_FLOWS} flows), an activation every ${ACTIVATE_EVERY_MS / 1000} s\n\n`);
process.stdout.write(`${markdown(table)}\n`);

// Flat: from the early windows (after warm-up) to the late ones, p99 and RSS grow no more than
// the do-nothing Worker's do over the same requests, within a margin for noise.
const steady = soakWindows.slice(1);
const third = Math.max(1, Math.floor(steady.length / 3));
const [early, late] = [steady.slice(0, third), steady.slice(-third)];
const p99Early = median(early.map((w) => percentile(w.latencies, 0.99)));
const p99Late = median(late.map((w) => percentile(w.latencies, 0.99)));
const growth = Math.max(...late.map((w) => w.rssMiB)) - Math.max(...early.map((w) => w.rssMiB));
const baselineSteady = baseline.slice(1);
const [baselineEarly, baselineLate] = [baselineSteady.slice(0, third), baselineSteady.slice(-third)];
const baselineGrowth = Math.max(...baselineLate.map((w) => w.rssMiB)) - Math.max(...baselineEarly.map((w) => w.rssMiB));
const baselineP99Ratio = median(baselineLate.map((w) => w.p99)) / median(baselineEarly.map((w) => w.p99));
process.stdout.write(`\np99 early ${p99Early.toFixed(2)} ms, late ${p99Late.toFixed(2)} ms (${(p99Late / p99Early).toFixed(2)}x; baseline Worker ${baselineP99Ratio.toFixed(2)}x)\n`);
process.stdout.write(`RSS growth early to late: ${growth.toFixed(0)} MiB; baseline Worker over the same requests: ${baselineGrowth.toFixed(0)} MiB\n`);
if (p99Late / p99Early > Math.max(1, baselineP99Ratio) * 1.5 + 0.25) fail(`p99 grew from ${p99Early.toFixed(2)} ms to ${p99Late.toFixed(2)} ms`);
if (growth > Math.max(0, baselineGrowth) * 1.5 + 64) fail(`workerd RSS grew ${growth.toFixed(0)} MiB, the baseline's ${baselineGrowth.toFixed(0)} MiB`);
process.stdout.write(tokenReport);

process.stdout.write(`\n${failures.length === 0 ? 'reliability: no errors, no wrong answers, flat p99 and memory' : `reliability: ${failures.length} failures`}\n`);
process.exitCode = failures.length === 0 ? 0 : 1;

/**
 * The soak's requests again, window by window, to the do-nothing Worker under `wrangler dev`, with
 * as many loops: each window's singles, batches and activations with the same bodies, spread
 * evenly over the window, each answered with as many bytes as the soak's answers of its kind
 * weighed on average. Per soak window (by cumulative request count): its workerd RSS and p99.
 */
async function runBaseline(soaked: readonly Window[]): Promise<{ rssMiB: number; p99: number }[]> {
  const plan = soaked.flatMap(requestMix);
  const checkpoints = soaked.reduce<number[]>((sums, w) => [...sums, (sums.at(-1) ?? 0) + w.singles + w.batches + w.activations], []);
  const replyBytes = (kind: RequestKind): string => String(Math.round(replies[kind].bytes / Math.max(1, replies[kind].count)));
  const bodies: Record<RequestKind, (n: number) => string> = {
    single: (n) => flowBodies[n % flowBodies.length]!,
    batch: () => batchBody,
    activation: () => JSON.stringify({ version: 'sha256:baseline' }),
  };
  const bare = await startWrangler({ stateDir: mkdtempSync(join(tmpdir(), 'netpol-edge-soak-baseline-')), config: 'reliability/baseline/wrangler.toml' });
  const windows: { rssMiB: number; p99: number }[] = [];
  let latencies: number[] = [];
  let sent = 0;
  // Sampled every second, as the soak's windows are, and the peak kept per window: a single
  // sample at each checkpoint missed the collector's peaks the soak's own windows catch.
  let windowPeak = 0;
  const sampling = setInterval(() => (windowPeak = Math.max(windowPeak, workerdRssMiB(bare.processGroup))), 1000);
  try {
    const loop = async () => {
      while (sent < plan.length) {
        const n = sent++;
        const kind = plan[n]!;
        const t = performance.now();
        const response = await fetch(bare.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-reply-bytes': replyBytes(kind) }, body: bodies[kind](n) });
        await response.arrayBuffer();
        latencies.push(performance.now() - t);
        while (windows.length < checkpoints.length && sent >= checkpoints[windows.length]!) {
          windows.push({ rssMiB: Math.max(windowPeak, workerdRssMiB(bare.processGroup)), p99: percentile(latencies, 0.99) });
          windowPeak = 0;
          latencies = [];
        }
      }
    };
    await Promise.all(Array.from({ length: connections + 2 }, loop));
  } finally {
    clearInterval(sampling);
    await bare.stop();
  }
  return windows;
}

/** A window's requests by kind, each kind spread evenly over the window (the n-th of k at (n + 0.5) / k). */
function requestMix(window: Window): RequestKind[] {
  const counts: [RequestKind, number][] = [['single', window.singles], ['batch', window.batches], ['activation', window.activations]];
  return counts
    .flatMap(([kind, count]) => Array.from({ length: count }, (_, n) => ({ kind, at: (n + 0.5) / count })))
    .sort((a, b) => a.at - b.at)
    .map((request) => request.kind);
}

function percentile(values: readonly number[], q: number): number {
  return [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))] ?? NaN;
}

/**
 * Rejected tokens close to the admin token (same length, one character off at the start or at the
 * end) and far from it (another length) take the same time: the medians of interleaved rounds
 * differ by less than the spread between two halves of the same kind.
 */
async function tokenTiming(): Promise<string> {
  const probes = {
    'wrong first character': `X${ADMIN.slice(1)}`,
    'wrong last character': `${ADMIN.slice(0, -1)}X`,
    'shorter': ADMIN.slice(0, 4),
    'much longer': ADMIN.repeat(16),
    'query token on a write': QUERY,
  };
  const times = new Map<string, number[]>(Object.keys(probes).map((k) => [k, []]));
  for (let round = 0; round < TOKEN_ROUNDS; round++) {
    for (const [name, token] of Object.entries(probes)) {
      const t = performance.now();
      const response = await fetch(`${server.url}/v1/bundles`, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      times.get(name)!.push(performance.now() - t);
      if (response.status !== 403) fail(`token probe "${name}": ${response.status}, not 403`);
    }
  }
  const medians = [...times].map(([name, values]) => ({ probe: name, 'median ms': median(values) }));
  const noise = Math.max(...[...times.values()].map((values) => Math.abs(median(values.filter((_, i) => i % 2 === 0)) - median(values.filter((_, i) => i % 2 === 1)))));
  const spread = Math.max(...medians.map((m) => m['median ms'])) - Math.min(...medians.map((m) => m['median ms']));
  if (spread > Math.max(3 * noise, 0.05)) fail(`token timing: probes differ by ${spread.toFixed(3)} ms, noise is ${noise.toFixed(3)} ms`);
  return (
    `\n${markdown(medians.map((m) => ({ ...m, 'median ms': m['median ms'].toFixed(3) })))}\n` +
    `\ntoken timing (rejected admin tokens, ${TOKEN_ROUNDS} rounds): spread between probes ${spread.toFixed(3)} ms; noise within a probe ${noise.toFixed(3)} ms\n`
  );
}

async function post(path: string, token: string, type: string, body: string, method = 'POST'): Promise<Response> {
  return fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
}

/** RSS of the workerd processes in wrangler's process group (Linux /proc). */
function workerdRssMiB(group: number): number {
  let kib = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [, comm, rest] = /^\d+ \((.*)\) (.*)$/s.exec(stat) ?? [];
      if (!comm?.startsWith('workerd') || Number(rest!.split(' ')[2]) !== group) continue;
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return kib / 1024;
}

function markdown(rows: Record<string, string | number>[]): string {
  const columns = Object.keys(rows[0] ?? {});
  return [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${columns.map((c) => r[c]).join(' | ')} |`)].join('\n');
}
