/**
 * Hubble's records-first path (hubble-records.ts) gives the object path's report byte for byte:
 * text and JSON summaries, rule hits and --out, single and baseline replay, on random Hubble logs
 * of the fixture cluster's pods, unknown pods (resolved by their labels), outside addresses, pods
 * named at another pod's address, unreadable labels, replies, other types and protocols, bad
 * times and ports, spelled any way or broken (the scanner's mutations, and the records path's own: escapes, non-ASCII
 * text, nested unknown fields, odd numbers, repeated keys, ends rewritten). The object path is the
 * same WASM engines behind a plain Engine, which the records path does not take.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { Engine } from '../engine/engine.js';
import { createEngine } from '../engine/create-engine.js';
import { loadCoreModule } from '../engine/node-core.js';
import { WasmEngine } from '../engine/wasm-engine.js';
import { ingestSources } from '../ingest/bundle.js';
import type { Bundle } from '../model/bundle.js';
import { FlowRecordBatch } from './flow-record-batch.js';
import type { EndpointTables } from './flow-records.js';
import { cutEndHashes } from './hubble-line-scan.js';
import { ServiceTally } from './service-tally.js';
import { baselineReport, hubbleMutation, singleReport, summaryReport, type ReplayReport } from './test-support.js';
import { VerdictCache } from './verdict-cache.js';
import { throughFlows as objectPath } from '../../test/ndjson-lines.js';

const FIXTURES = new URL('../../test/fixtures/flowlogs/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
const bundleOf = (...names: string[]): Bundle => ingestSources(names.map((name) => ({ name, text: read(name) }))).bundle!;
const CLUSTER = bundleOf('cluster.yaml');
const STAGED = bundleOf('cluster.yaml', 'staged-change.yaml');
const core = loadCoreModule();

/** Labels as Cilium writes them for a pod: its own, and the ones Cilium derives (dropped by the reader). */
const ciliumLabels = (namespace: string, labels: Readonly<Record<string, string>>): string[] => [
  ...Object.entries(labels).map(([key, value]) => `k8s:${key}=${value}`),
  `k8s:io.kubernetes.pod.namespace=${namespace}`,
  'k8s:io.cilium.k8s.policy.cluster=kind-kind',
];

/** The cluster's pods as Hubble names them: at their own addresses, sometimes by workload. */
const knownEnds = CLUSTER.pods.flatMap((pod) =>
  pod.ips.map((ip) => ({
    namespace: pod.namespace,
    pod_name: pod.name,
    labels: ciliumLabels(pod.namespace, pod.labels),
    ...(pod.name.includes('-') ? { workloads: [{ name: pod.name.split('-')[0], kind: 'Deployment' }] } : {}),
    ip,
  })),
);
const podIPs = CLUSTER.pods.flatMap((pod) => pod.ips);
const end = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...knownEnds) },
  // Outside addresses and reserved identities: no namespace.
  { weight: 2, arbitrary: fc.constantFrom('198.51.100.23', '10.0.2.45', 'fd00::99', '2001:DB8::1').map((ip) => ({ ip, labels: ['reserved:world'] })) },
  // Pods the bundle does not know (resolved by labels, or by an address a pod owns), and ones named at another pod's address.
  fc.tuple(fc.constantFrom('prod', 'billing', 'ghost'), fc.constantFrom('ghost-1', 'frontend-7d9f8b6c4-x2kqp'), fc.constantFrom(...podIPs, '10.9.9.9'), fc.constantFrom('app=frontend', 'app=backend', 'tier=api')).map(
    ([namespace, pod_name, ip, label]) => ({ namespace, pod_name, ip, labels: [`k8s:${label}`, `k8s:io.kubernetes.pod.namespace=${namespace}`] }),
  ),
  // What the object path reports: unreadable names and labels, a namespace without a pod name, no address.
  fc.constantFrom(
    { namespace: 'prod', pod_name: 'Bad_Name', ip: '10.244.1.17', labels: [] },
    { namespace: 'prod', pod_name: 'frontend-7d9f8b6c4-x2kqp', ip: '10.244.1.17', labels: ['k8s:app=not valid!'] },
    { namespace: 'prod', ip: '10.244.2.31', labels: ['k8s:app=backend'] },
    { namespace: 'Prod', ip: '10.244.2.31', labels: [] },
    { ip: 'nope', labels: [] },
    { ip: '', labels: [] },
  ),
);
const ports = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(8080, 9100, 53, 5432, 443, 9090) }, fc.constantFrom(0, 65536, 80.5));
const l4 = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('TCP', 'UDP', 'SCTP'), ports).map(([protocol, port]) => ({ [protocol]: { source_port: 49152, destination_port: port } })) },
  fc.constantFrom({ TCP: { source_port: 8080, destination_port: 49152, flags: { SYN: true, ACK: true } } }, { ICMPv4: { type: 8 } }, { TCP: {} }),
);
const flow = fc
  .record({
    time: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('2024-05-14T09:21:07.412503109Z', '2024-05-14T09:22:00Z') },
      fc.constantFrom(null, 'not a time', 1715678467),
      // Offsets, fractions, leap seconds and days, other separators, and near misses (read on bytes by the records path).
      fc.constantFrom(
        '2024-05-14T11:21:07.5+02:00', '2024-05-13T23:51:07-09:30', '2016-12-31T23:59:60Z', '2016-12-31T23:59:61Z', '2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z',
        '2024-05-14t09:21:07.123456789012z', '2024-05-14 09:21:07-00:00', '2024-05-14T09:21:07.Z', '2024-05-14T09:21:07+0200', '1715678467', '1715678467.25', '-',
      ),
    ),
    verdict: fc.constantFrom('FORWARDED', 'FORWARDED', 'DROPPED', 'AUDIT'),
    source: end,
    destination: end,
    l4,
    Type: fc.oneof({ weight: 8, arbitrary: fc.constant('L3_L4') }, fc.constantFrom('L7', 'SOCK')),
    is_reply: fc.constantFrom(false, false, false, true, undefined),
    wrapped: fc.boolean(),
  })
  .map(({ time, verdict, source, destination, l4, Type, is_reply, wrapped }) => {
    const { ip: srcIP, ...src } = source;
    const { ip: dstIP, ...dst } = destination;
    const object = {
      time,
      verdict,
      ...(verdict === 'DROPPED' ? { drop_reason_desc: 'POLICY_DENIED' } : {}),
      IP: { source: srcIP, destination: dstIP, ipVersion: srcIP.includes(':') ? 'IPv6' : 'IPv4' },
      l4,
      source: src,
      destination: dst,
      Type,
      traffic_direction: 'INGRESS',
      ...(is_reply === undefined ? {} : { is_reply }),
    };
    return JSON.stringify(wrapped ? { flow: object, node_name: 'kind-worker', time } : object);
  });
/**
 * What the records path reads on bytes and must read as JSON.parse does, or leave: escapes and
 * non-ASCII text in names, nested unknown fields, numbers in odd forms, repeated keys, and ends of
 * the same names written with other bytes (remembered by their bytes, found by their names).
 */
const recordsMutation = fc.constantFrom(
  (s: string) => s.replace('"pod_name":"frontend', '"pod_name":"\\u0066rontend'),
  (s: string) => s.replace('"namespace":"prod"', '"namespace":"pr\u00f6d"'),
  (s: string) => s.replace('"labels":[', '"labels":["k8s:app=caf\u00e9",'),
  (s: string) => s.replace('"labels":[', '"labels":["k8s:emoji=\ud83d\ude00",'),
  (s: string) => s.replace('"source":{', '"source":{"identity":4242,"extra":{"a":[1,{"b":null}],"c":-1.5e-3},'),
  (s: string) => s.replace('"destination":{', '"destination":{"cluster_name":"kind-kind","identity":7,'),
  (s: string) => s.replace('"source_port":49152', '"source_port":4.9152E4'),
  (s: string) => s.replace(/"destination_port":([0-9]+)/, '"destination_port":$1.0'),
  (s: string) => s.replace(/"destination_port":([0-9]+)/, '"destination_port":$1e0'),
  (s: string) => s.replace(/"destination_port":([0-9]+)/, '"destination_port":-$1'),
  (s: string) => s.replace('"source_port":49152', '"source_port":-0'),
  (s: string) => s.replace('"pod_name":', '"pod_name":"other-1","pod_name":'),
  (s: string) => s.replace('"source":{', '"source":{},"source":{'),
  (s: string) => s.replace('"IP":{', '"IP":{"source":"10.9.9.9",'),
  (s: string) => s.replace('"verdict":', '"verdict":"DROPPED","verdict":'),
  (s: string) => s.replace(/\}$/, ',"extra":[{"x":[[]]},true,false,null,0.5]}'),
  (s: string) => s.replace(/,"labels":\[[^\]]*\]/, ''),
  (s: string) => s.replaceAll(',', ' , '),
  (s: string) => s.replace('"Type":"L3_L4"', '"Type":"L3_\\u004c4"'),
  (s: string) => s.replace('"pod_name":', '"\\u0070od_name":'),
  (s: string) => s.replace('"IP":{"source":"', '"IP":{"source":"\u0661'),
  (s: string) => s.replace('"source":{', `"source":{"deep":${'['.repeat(70)}${']'.repeat(70)},`),
  (s: string) => s.replace('"source":{', `"source":{"deep":${'['.repeat(60)}1${']'.repeat(60)},"long":"${'x'.repeat(3000)}",`),
  (s: string) => s.replace('"source_port":49152', '"source_port":1E400,"other":-0.0e-0'),
  (s: string) => s.replace(/"destination_port":([0-9]+)/, '"destination_port":0$1'),
  // The flow's time absent or null (the wrapper's is read), or the wrapper's written in another zone.
  (s: string) => s.replace(/"time":("[^"]*"|null|[0-9]+)/, '"time":null'),
  (s: string) => s.replace(/"time":("[^"]*"|null|[0-9]+),/, ''),
  (s: string) => s.replace(/"time":("[^"]*"|null|[0-9]+)\}$/, '"time":"2024-05-14T12:21:07.000000001+03:00"}'),
);
/** Mostly well-formed lines, sometimes spelled otherwise or broken. */
const hubbleLine = fc.oneof(
  { weight: 6, arbitrary: flow },
  fc.tuple(flow, hubbleMutation).map(([text, mutate]) => mutate(text)),
  { weight: 2, arbitrary: fc.tuple(flow, recordsMutation).map(([text, mutate]) => mutate(text)) },
);
/** Lines repeated (as conversations are), with some that are no Hubble flow. */
const hubbleLog = fc
  .array(fc.oneof({ weight: 10, arbitrary: hubbleLine }, fc.constantFrom('{"lost_events":{"num_events_lost":"1"}}', '{}', 'x', '')), { minLength: 1, maxLength: 40, size: 'max' })
  .chain((picked) => fc.array(fc.nat({ max: picked.length - 1 }), { maxLength: 120, size: 'max' }).map((at) => at.map((i) => picked[i]!)))
  .map((lines) => `${lines.join('\n')}\n`);




/** Chunks of a few bytes (most lines put together from pieces, read one by one), or of many lines (read many at once). */
const chunkSizes = fc.constantFrom(61, 61, 4096, 1 << 20);

const single = (text: string, engine: Engine, batchSize: number, groups: number, endpointTables?: EndpointTables, chunk?: number): Promise<ReplayReport> =>
  singleReport({ text, name: 'flows.jsonl', format: 'hubble', chunk }, engine, CLUSTER, { batchSize, groups, endpointTables });
const baseline = (text: string, next: Engine, old: Engine, batchSize: number, groups: number, endpointTables?: EndpointTables, chunk?: number): Promise<ReplayReport> =>
  baselineReport({ text, name: 'flows.jsonl', format: 'hubble', chunk }, next, old, STAGED, { batchSize, groups, endpointTables });

const failure = (error: Error): string => `error: ${error.message}`;

/** A forward TCP flow from `source` at `srcIP` to the fixture's backend pod. */
const toBackend = (srcIP: string, source: object): string =>
  JSON.stringify({
    flow: {
      time: '2024-05-14T09:21:07Z',
      verdict: 'FORWARDED',
      IP: { source: srcIP, destination: '10.244.2.31' },
      l4: { TCP: { destination_port: 8080 } },
      source,
      destination: { namespace: 'prod', pod_name: 'backend-5c6d7f8b9-4mzlw', labels: ['k8s:app=backend'] },
      Type: 'L3_L4',
    },
  });

describe('Hubble records-first replay against the object path', () => {
  const wasm = (bundle: Bundle) => createEngine({ kind: 'wasm', core, bundle }) as WasmEngine;
  const cluster = wasm(CLUSTER);
  const staged = wasm(STAGED);
  // Flows the records path took (repeated ones reuse their verdicts, so the cores see fewer records).
  const recordCalls = vi.spyOn(FlowRecordBatch.prototype, 'add');
  const batchCalls = vi.spyOn(WasmEngine.prototype, 'decideBatch');
  /** Flows taken as records, and decided as Flow objects, since the last clear (each once per deciding engine). */
  const counts = (): { records: number; objects: number } => ({
    records: recordCalls.mock.contexts.reduce((sum: number, batch) => sum + (batch as FlowRecordBatch).engines, 0),
    objects: batchCalls.mock.calls.reduce((sum, [flows]) => sum + flows.length, 0),
  });
  const clear = (): void => {
    recordCalls.mockClear();
    batchCalls.mockClear();
  };

  /** Runs `compare` on random logs (half of them keeping endpoint tables, as replay --jobs' workers do), and checks the records path's share. */
  async function compareOnLogs(groupBounds: readonly number[], compare: (log: string, batchSize: number, groups: number, kept: EndpointTables | undefined, chunk: number) => Promise<void>): Promise<void> {
    const kept: EndpointTables = new Map();
    let records = 0;
    let objects = 0;
    await fc.assert(
      fc.asyncProperty(hubbleLog, fc.integer({ min: 1, max: 40 }), fc.constantFrom(...groupBounds), fc.boolean(), chunkSizes, async (text, batchSize, groups, keep, chunk) => {
        await compare(text, batchSize, groups, keep ? kept : undefined, chunk);
        records += counts().records;
        objects += counts().objects;
      }),
      { numRuns: 150 },
    );
    // Most judged flows took the records path (it is not the object path under another name), though
    // the logs are made so that about a third need the object path (unknown pods, mixed families, errors).
    expect(records).toBeGreaterThan(2000);
    expect(records).toBeGreaterThan(objects);
  }

  it('gives the same single-replay report, rule hits and --out', async () => {
    await compareOnLogs([100_000, 2, 1], async (text, batchSize, groups, kept, chunk) => {
      const expected = await single(text, new VerdictCache(objectPath(cluster)), batchSize, groups).catch(failure);
      clear();
      expect(await single(text, new VerdictCache(cluster), batchSize, groups, kept, chunk).catch(failure)).toEqual(expected);
    });
  }, 120_000);

  it('gives the same report with no line reported on its own (repeated flows counted per service)', async () => {
    const taken = vi.spyOn(ServiceTally.prototype, 'take');
    const kept: EndpointTables = new Map();
    await fc.assert(
      fc.asyncProperty(hubbleLog, fc.integer({ min: 1, max: 40 }), fc.constantFrom(100_000, 2, 1), fc.boolean(), chunkSizes, async (text, batchSize, groups, keep, chunk) => {
        const log = { text, name: 'flows.jsonl', format: 'hubble' as const, chunk };
        const expected = await summaryReport([log], new VerdictCache(objectPath(cluster)), CLUSTER, { batchSize, groups }).catch(failure);
        expect(await summaryReport([log], new VerdictCache(cluster), CLUSTER, { batchSize, groups, endpointTables: keep ? kept : undefined }).catch(failure)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
    // Repeated flows were counted per service (the tally is not the batch under another name).
    expect(taken.mock.results.filter((result) => result.value === true).length).toBeGreaterThan(300);
    taken.mockRestore();
  }, 120_000);

  it('gives the same baseline report, rule hits and --out', async () => {
    await compareOnLogs([100_000, 1], async (text, batchSize, groups, kept, chunk) => {
      const expected = await baseline(text, objectPath(staged), objectPath(cluster), batchSize, groups).catch(failure);
      clear();
      expect(await baseline(text, staged, cluster, batchSize, groups, kept, chunk).catch(failure)).toEqual(expected);
    });
  }, 120_000);

  it('gives the same report when chunks hold many lines, in fresh buffers or in one buffer refilled', async () => {
    // The scanner copies a chunk once for all its lines (hubble-wasm.ts): a refilled buffer must be copied again.
    let records = 0;
    await fc.assert(
      fc.asyncProperty(hubbleLog, fc.constantFrom(700, 1500, 4096, 1 << 20), fc.boolean(), async (text, chunk, reused) => {
        const log = { text, name: 'flows.jsonl', format: 'hubble' as const, chunk, reused };
        const expected = await singleReport(log, new VerdictCache(objectPath(cluster)), CLUSTER, { batchSize: 16, groups: 100_000 }).catch(failure);
        clear();
        expect(await singleReport(log, new VerdictCache(cluster), CLUSTER, { batchSize: 16, groups: 100_000 }).catch(failure)).toEqual(expected);
        records += counts().records;
      }),
      { numRuns: 80 },
    );
    expect(records).toBeGreaterThan(500);
    // Lines of one length, four to a chunk: a stale copy of the buffer would hold another port at the same place.
    const known = toBackend('10.244.1.17', { namespace: 'prod', pod_name: 'frontend-7d9f8b6c4-x2kqp', labels: ['k8s:app=frontend'] });
    const lines = Array.from({ length: 64 }, (_, i) => known.replace('"destination_port":8080', `"destination_port":${1000 + 7 * i}`));
    const log = { text: `${lines.join('\n')}\n`, name: 'flows.jsonl', format: 'hubble' as const, chunk: 4 * (known.length + 1), reused: true };
    const expected = await singleReport(log, new VerdictCache(objectPath(cluster)), CLUSTER, { batchSize: 16, groups: 100_000 });
    clear();
    expect(await singleReport(log, new VerdictCache(cluster), CLUSTER, { batchSize: 16, groups: 100_000 })).toEqual(expected);
    expect(counts().records).toBe(64);
  }, 120_000);

  it.each([
    ['\n', 'line feeds'],
    ['\r\n', 'carriage returns and line feeds'],
  ])('reads more lines than one call of the scanner holds from one chunk, ended by %j (%s)', async (separator) => {
    // 1,500 lines: the scanner reads at most 512 a call, and a port out of range or a bad time among them must be left to the line by line path.
    const known = toBackend('10.244.1.17', { namespace: 'prod', pod_name: 'frontend-7d9f8b6c4-x2kqp', labels: ['k8s:app=frontend'] });
    const lines = Array.from({ length: 1500 }, (_, i) =>
      i === 700 ? known.replace('"destination_port":8080', '"destination_port":0')
      : i === 1100 ? known.replace('2024-05-14T09:21:07Z', '2024-05-14T25:21:07Z')
      : known.replace('"destination_port":8080', `"destination_port":${1000 + (i % 97)}`).replace('09:21:07Z', `09:${String(i % 60).padStart(2, '0')}:07Z`),
    );
    const log = { text: `${lines.join(separator)}${separator}`, name: 'flows.jsonl', format: 'hubble' as const, chunk: 1 << 20 };
    const expected = await singleReport(log, new VerdictCache(objectPath(cluster)), CLUSTER, { batchSize: 256, groups: 100_000 });
    clear();
    expect(await singleReport(log, new VerdictCache(cluster), CLUSTER, { batchSize: 256, groups: 100_000 })).toEqual(expected);
    expect(counts().records).toBe(1498);
  });

  it('resolves ends again once the endpoint table starts over past its bound', async () => {
    // 66,000 outside sources fill the table past DEFAULT_MAX_ENDPOINTS; the ends met first then come back, and must not keep their old entries.
    const from = (i: number): string => toBackend(`198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, { labels: ['reserved:world'] });
    const frontend = toBackend('10.244.1.17', { namespace: 'prod', pod_name: 'frontend-7d9f8b6c4-x2kqp', labels: ['k8s:app=frontend'] });
    const first = [frontend, from(0), from(1)];
    const lines = [...first, ...Array.from({ length: 66_000 }, (_, i) => from(i + 2)), ...first, ...first];
    const log = { text: `${lines.join('\n')}\n`, name: 'flows.jsonl', format: 'hubble' as const, chunk: 1 << 16 };
    const expected = await singleReport(log, new VerdictCache(objectPath(cluster)), CLUSTER, { batchSize: 256, groups: 100_000 });
    clear();
    expect(await singleReport(log, new VerdictCache(cluster), CLUSTER, { batchSize: 256, groups: 100_000 })).toEqual(expected);
    expect(counts().records).toBe(lines.length);
  }, 120_000);

  it.each([
    ['full hashes', -1],
    ['every hash the same', 0],
    ['two hash bits', 3],
  ])('tells apart ends whose address or object bytes differ in one place, as the object path does (%s)', async (_, hashMask) => {
    // With hashes cut, ends collide and only the byte comparison (its last byte included) tells them apart.
    cutEndHashes(hashMask);
    onTestFinished(() => cutEndHashes(-1));
    const pod = CLUSTER.pods.find((p) => p.name.length > 8 && p.ips.length > 0)!;
    const ip = pod.ips[0]!;
    const lineOf = (podName: string, labels: string[]): string => toBackend(ip, { namespace: pod.namespace, pod_name: podName, labels });
    const own = ciliumLabels(pod.namespace, pod.labels);
    // Each end object one byte off the pod's own (pod name or last label), at every length an 8-byte step may leave over.
    const lines = [lineOf(pod.name, own)];
    for (let i = 0; i < pod.name.length; i += 3) lines.push(lineOf(`${pod.name.slice(0, i)}z${pod.name.slice(i + 1)}`, own));
    for (let extra = 0; extra < 9; extra++) {
      const label = `k8s:app=${'a'.repeat(extra)}`;
      lines.push(lineOf(pod.name, [...own, `${label}b`]), lineOf(pod.name, [...own, `${label}c`]));
    }
    // Outside addresses with the same end object, one byte apart (their last byte included).
    for (const outside of ['198.51.100.23', '198.51.100.24', '198.51.100.33', '198.51.101.23', '198.52.100.23', '2001:db8::1', '2001:db8::2', '2001:db9::1']) {
      lines.push(JSON.stringify({ flow: { IP: { source: outside, destination: ip }, l4: { TCP: { destination_port: 8080 } }, source: { labels: ['reserved:world'] }, destination: { namespace: pod.namespace, pod_name: pod.name, labels: own }, Type: 'L3_L4' } }));
    }
    const text = `${[...lines, ...lines.reverse()].join('\n')}\n`;
    const expected = await single(text, new VerdictCache(objectPath(cluster)), 16, 100_000);
    clear();
    expect(await single(text, new VerdictCache(cluster), 16, 100_000)).toEqual(expected);
    expect(counts().records).toBeGreaterThan(20);
  });

  it('takes well-formed flows of known pods as records, and leaves a pod the bundle does not know to the object path', async () => {
    const line = (srcPod: string, srcIP: string): string => toBackend(srcIP, { namespace: 'prod', pod_name: srcPod, labels: ['k8s:app=frontend'] });
    clear();
    const known = line('frontend-7d9f8b6c4-x2kqp', '10.244.1.17');
    await single(`${known}\n${known}\n`, cluster, 16, 10);
    expect(counts()).toEqual({ records: 2, objects: 0 });
    clear();
    // Not owned by any pod: resolved by the log's labels, an ad-hoc pod the core's records do not carry.
    await single(`${line('ghost-1', '10.9.9.9')}\n`, cluster, 16, 10);
    expect(counts()).toEqual({ records: 0, objects: 1 });
  });
});
