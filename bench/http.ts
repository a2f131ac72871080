/**
 * @module `npm run bench:http`: the Worker under `wrangler dev` on a free loopback port, loaded by
 * autocannon and by batch requests, bounded in time and count. Single decisions are measured beside
 * a trivial endpoint of the same Worker (GET /healthz) in the same run; batches in flows per
 * second for NDJSON and for binary records, with the server's CPU time per flow. Prints a markdown
 * table, or JSON rows with --json.
 */
import autocannon from 'autocannon';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compileBundle } from '../src/compile/compile.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { startWrangler } from '../scripts/wrangler-dev.js';
import { flowsToNDJSON, generateCluster, sampleFlows, type SizeName } from './generate.js';
import { formatValue, markdownTable, type Row } from './rows.js';
import { median } from './stats.js';

const { values: args } = parseArgs({
  options: { json: { type: 'boolean' }, size: { type: 'string', default: 'M' }, seconds: { type: 'string', default: '10' } },
});
const size = args.size as SizeName;
const seconds = Number(args.seconds);
const ADMIN = 'bench-admin-token';
const log = (message: string): void => void process.stderr.write(`${message}\n`);

const cluster = generateCluster(size, 1);
const bundle = ingestObjects(cluster.objects).bundle!;
const flows = sampleFlows(bundle, 1_000, 'pod', 7);
const batchFlows = Array.from({ length: 100_000 }, (_, i) => flows[i % flows.length]!);
// Bytes, encoded once: a string body is encoded again by fetch on every request (11 MiB of client work each).
const ndjsonBody = new TextEncoder().encode(flowsToNDJSON(batchFlows));
const binaryBody = new WasmEngine(loadCoreModule(), compileBundle(bundle).image).encodeRecords(batchFlows);

const server = await startWrangler({ stateDir: mkdtempSync(join(tmpdir(), 'netpol-edge-bench-')), vars: { ADMIN_TOKEN: ADMIN } });
const rows: Row[] = [];
const row = (metric: string, value: number, unit: string): void => {
  rows.push({ size, metric, engine: 'worker', value, unit });
  log(`${metric}: ${formatValue(value)} ${unit}`);
};

try {
  log(`publishing ${size} (${cluster.objects.length} objects) to ${server.url}`);
  const published = await fetch(`${server.url}/v1/bundles/bench`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(cluster.objects),
  });
  if (!published.ok) throw new Error(`publishing failed: ${published.status} ${await published.text()}`);

  const load = async (title: string, options: autocannon.Options): Promise<autocannon.Result> => {
    // A short warm-up loads the engine and JITs both sides before the measured run.
    await autocannon({ ...options, duration: 2 });
    const result = await autocannon({ ...options, duration: seconds });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${title}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return result;
  };
  const trivial = await load('healthz', { url: `${server.url}/healthz`, connections: 16 });
  const single = await load('decide', {
    url: `${server.url}/v1/bundles/bench/decide`,
    connections: 16,
    requests: flows.slice(0, 100).map((flow) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ src: endpoint(flow.src), dst: endpoint(flow.dst), protocol: flow.protocol, port: flow.port }),
    })),
  });
  row('healthz', trivial.requests.average, 'requests/s');
  row('decide', single.requests.average, 'requests/s');
  row('decide-vs-healthz', single.requests.average / trivial.requests.average, 'x');
  row('healthz-p50', trivial.latency.p50, 'ms');
  row('healthz-p99', trivial.latency.p99, 'ms');
  row('decide-p50', single.latency.p50, 'ms');
  row('decide-p99', single.latency.p99, 'ms');

  for (const [metric, type, body] of [
    ['batch-ndjson', 'application/x-ndjson', ndjsonBody as Uint8Array<ArrayBuffer>],
    ['batch-binary', 'application/octet-stream', binaryBody as Uint8Array<ArrayBuffer>],
  ] as const) {
    const times: number[] = [];
    const serverCpu: number[] = [];
    const started = performance.now();
    while (times.length < 5 || (times.length < 20 && performance.now() - started < seconds * 1000)) {
      const cpu = serverCpuMs(server.processGroup);
      const t = performance.now();
      const response = await fetch(`${server.url}/v1/bundles/bench/decide/batch`, { method: 'POST', headers: { 'content-type': type }, body });
      const bytes = (await response.arrayBuffer()).byteLength;
      if (!response.ok || bytes === 0) throw new Error(`${metric}: ${response.status}`);
      times.push(performance.now() - t);
      if (cpu !== undefined) serverCpu.push(serverCpuMs(server.processGroup)! - cpu);
    }
    row(metric, (batchFlows.length / median(times)) * 1000, 'flows/s');
    // What the server spent, which a busy machine does not inflate as it does wall time.
    if (serverCpu.length > 0) row(`${metric}-server-cpu`, (median(serverCpu) * 1e6) / batchFlows.length, 'ns/flow');
  }
} finally {
  await server.stop();
}

/**
 * CPU time (user and system, ms) of the processes of wrangler's process group (wrangler, workerd,
 * esbuild) from /proc; undefined where there is no /proc. Linux counts in ticks of 10 ms (USER_HZ
 * 100): a median over batches of 100,000 flows is still fine.
 */
function serverCpuMs(processGroup: number): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis: state, ppid, pgrp, ... utime (12th), stime (13th).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === processGroup) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * 10;
}

function endpoint(spec: (typeof flows)[number]['src']): unknown {
  return spec.kind === 'ref' ? spec.ref : spec.kind === 'ip' ? spec.ip : { namespace: spec.pod.namespace, labels: spec.pod.labels };
}

if (args.json) {
  process.stdout.write(`${JSON.stringify(rows)}\n`);
} else {
  process.stdout.write(
    `# netpol-edge HTTP benchmark (wrangler dev, loopback)\n\n` +
      `machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version}\n` +
      `size ${size}; autocannon 16 connections, ${seconds} s per run; batches of ${batchFlows.length} flows\n\n` +
      `${markdownTable(rows, [size])}\n`,
  );
}
