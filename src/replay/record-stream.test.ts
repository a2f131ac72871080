/**
 * The records-first path (record-stream.ts) gives the object path's report byte for byte: text and
 * JSON summaries, rule hits and --out, single and baseline replay, on random CSV and VPC logs with
 * malformed lines, unknown and ad-hoc endpoints, ambiguous and mixed-family addresses, other
 * protocols, replies, times and repeated flows (whose verdicts the records path reuses, across
 * batches and kept tables), at any batch size and group bound. The object path
 * is the same WASM engines behind a plain Engine (which the records path does not take).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { Engine } from '../engine/engine.js';
import { createEngine } from '../engine/create-engine.js';
import { loadCoreModule } from '../engine/node-core.js';
import { WasmEngine } from '../engine/wasm-engine.js';
import { ingestSources } from '../ingest/bundle.js';
import type { Bundle } from '../model/bundle.js';
import { FlowRecordBatch } from './flow-record-batch.js';
import { EndpointRecords, type EndpointTables } from './flow-records.js';
import { EndpointDirectory } from './endpoint-directory.js';
import { replay } from './replay.js';
import { RuleHits } from './rule-hits.js';
import { ReplaySummary } from './summary.js';
import { baselineReport, chunked, singleReport, type ReplayReport } from './test-support.js';
import { VerdictCache } from './verdict-cache.js';

const FIXTURES = new URL('../../test/fixtures/flowlogs/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
const bundleOf = (...names: string[]): Bundle => ingestSources(names.map((name) => ({ name, text: read(name) }))).bundle!;
const CLUSTER = bundleOf('cluster.yaml');
const STAGED = bundleOf('cluster.yaml', 'staged-change.yaml');
const core = loadCoreModule();

/** The same engine, as an Engine the records path does not recognise: the object path. */
const objectPath = (engine: Engine): Engine => ({
  kind: engine.kind,
  version: engine.version,
  decide: (flow) => engine.decide(flow),
  explain: (flow) => engine.explain(flow),
  decideRecords: (records) => engine.decideRecords(records),
  decideBatch: (flows) => engine.decideBatch(flows),
});

const refs = CLUSTER.pods.map((pod) => pod.ref);
const podIPs = CLUSTER.pods.flatMap((pod) => pod.ips);
/** Mostly well-formed values, sometimes odd ones (malformed, or spelled so that only the object path takes them). */
const pick = (usual: readonly string[], odd: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...usual) }, { weight: 1, arbitrary: fc.constantFrom(...odd) });
const endpoint = pick(
  [...refs, ...podIPs, 'prod/frontend', 'prod/backend', '10.0.2.45', '198.51.100.23', 'fd00::99'],
  ['prod/nope', '"prod:app=frontend,tier=web"', ' prod/backend', 'PROD/x', '', '10.0.2.045'],
);
/** Lines of either kind, repeated, with some that fit no format. */
const lines = (row: fc.Arbitrary<string>) =>
  fc
    .array(fc.oneof({ weight: 8, arbitrary: row }, fc.constantFrom('a,b', '', 'x'.repeat(40), '2 1 2'), row.map((line) => `${line} `)), { minLength: 1, maxLength: 40, size: 'max' })
    .chain((picked) => fc.array(fc.nat({ max: picked.length - 1 }), { maxLength: 120, size: 'max' }).map((at) => at.map((i) => picked[i]!)));
/**
 * Rows of a few conversations (the columns that decide a verdict) told again and again with other
 * times, verdicts and source ports, some of them malformed only there: the byte path's memo of
 * conversations must never answer from those columns.
 */
const rows = <C, L>(conversation: fc.Arbitrary<C>, rest: fc.Arbitrary<L>, row: (c: C, l: L) => string): fc.Arbitrary<string[]> =>
  fc.array(conversation, { minLength: 1, maxLength: 6 }).chain((pool) => lines(fc.tuple(fc.constantFrom(...pool), rest).map(([c, l]) => row(c, l))));
const csvRows = rows(
  fc.tuple(endpoint, endpoint, pick(['80', '8080', '5432', '53', '9100', '443'], ['0', '65536', '-', 'http', '', ' 80']), pick(['TCP', 'UDP', '6', '17', 'SCTP', '132', ''], ['tcp', 'ICMP', '1', 'bogus'])),
  fc.tuple(
    pick(['allowed', 'denied', 'ACCEPT', 'REJECT', 'FORWARDED', 'DROPPED', '', '-'], ['Allowed', 'maybe']),
    pick(['2024-05-14T09:21:07Z', '1715678460', '1715678460123', '', '1715678461', '2024-05-14 09:21:08.5+02:00'], ['yesterday', '99999999999999999', '1715678460.']),
  ),
  ([src, dst, port, protocol], [verdict, time]) => [src, dst, port, protocol, verdict, time].join(','),
);
const vpcRows = rows(
  fc.tuple(pick([...podIPs, '10.0.2.45', '198.51.100.23'], ['fd00::99', '-', 'x']), pick([...podIPs, '10.0.2.45'], ['-']), pick(['8080', '53', '5432', '49152'], ['0', '-']), pick(['6', '17', '132'], ['1', '-', 'TCP', '06'])),
  fc.tuple(pick(['49152', '8080', '443', '-'], ['x', '0']), pick(['1715678460', '1715678521', '-'], ['soon', '99999999999999999']), pick(['ACCEPT', 'REJECT', '-'], ['accept']), pick(['OK'], ['NODATA', 'SKIPDATA'])),
  ([src, dst, dstPort, protocol], [srcPort, start, action, status]) => `2 123456789010 eni-0a1b ${src} ${dst} ${srcPort} ${dstPort} ${protocol} 10 840 ${start} 1715678520 ${action} ${status}`,
);
/** A log with LF or CRLF line ends, some lines not ASCII (which the byte path leaves to the text path). */
const logOf = (header: string, rows: fc.Arbitrary<string[]>): fc.Arbitrary<string> =>
  fc.tuple(rows, fc.constantFrom('\n', '\r\n'), fc.nat({ max: 4 })).map(([lines, end, odd]) => {
    const text = lines.map((line, i) => (i % 5 === odd ? line.replace('prod', 'prød') : line));
    return `${header}${end}${text.join(end)}${end}`;
  });
const csvLog = logOf('src,dst,port,protocol,verdict,time', csvRows);
const vpcLog = logOf('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status', vpcRows);
/** Chunks that cut most lines (their bytes put together before the byte path reads them), or hold many whole lines. */
const chunkSize = fc.constantFrom(61, 4096);




const single = (text: string, name: string, engine: Engine, batchSize: number, groups: number, endpointTables?: EndpointTables, chunk = 61): Promise<ReplayReport> =>
  singleReport({ text, name, chunk }, engine, CLUSTER, { batchSize, groups, endpointTables });
const baseline = (text: string, name: string, next: Engine, old: Engine, batchSize: number, groups: number, endpointTables?: EndpointTables, chunk = 61): Promise<ReplayReport> =>
  baselineReport({ text, name, chunk }, next, old, STAGED, { batchSize, groups, endpointTables });

const failure = (error: Error): string => `error: ${error.message}`;

describe('records-first replay against the object path', () => {
  const wasm = (bundle: Bundle) => createEngine({ kind: 'wasm', core, bundle }) as WasmEngine;
  const cluster = wasm(CLUSTER);
  const staged = wasm(STAGED);
  const recordCalls = vi.spyOn(WasmEngine.prototype, 'decideRecordsInto');
  const recordFlows = (): number => recordCalls.mock.calls.reduce((sum, [records]) => sum + records.length / 40, 0);
  const conversations = vi.spyOn(EndpointRecords.prototype, 'foundConversation');
  const fastFlows = vi.spyOn(FlowRecordBatch.prototype, 'add');

  const clearSpies = (): void => [recordCalls, conversations, fastFlows].forEach((spy) => spy.mockClear());
  /** Most flows took the records path, the byte path read many, and repeated flows reused their verdicts. */
  const expectFastPathTaken = (engines: number): void => {
    expect(fastFlows.mock.calls.length).toBeGreaterThan(1000);
    expect(conversations.mock.calls.length).toBeGreaterThan(500);
    // Fast flows the cores did not decide (each decided flow is one record per engine) reused a verdict.
    expect(fastFlows.mock.calls.length - recordFlows() / engines).toBeGreaterThan(300);
    // The cores still decided the first flow of each service.
    expect(recordFlows()).toBeGreaterThan(100);
  };

  for (const [format, log] of [['csv', csvLog], ['vpc', vpcLog]] as const) {
    it(`gives the same ${format} single-replay report, rule hits and --out`, async () => {
      clearSpies();
      // Half the runs keep their endpoint tables from the runs before (as replay --jobs' workers do).
      const kept: EndpointTables = new Map();
      await fc.assert(
        fc.asyncProperty(log, fc.integer({ min: 1, max: 40 }), fc.constantFrom(100_000, 2, 1), fc.boolean(), chunkSize, async (text, batchSize, groups, keep, chunk) => {
          const expected = await single(text, `log.${format}`, new VerdictCache(objectPath(cluster)), batchSize, groups, undefined, chunk).catch(failure);
          const actual = await single(text, `log.${format}`, new VerdictCache(cluster), batchSize, groups, keep ? kept : undefined, chunk).catch(failure);
          expect(actual).toEqual(expected);
        }),
        { numRuns: 120 },
      );
      // The records path did take most flows (it is not the object path under another name).
      expectFastPathTaken(1);
    });

    it(`gives the same ${format} baseline report, rule hits and --out`, async () => {
      clearSpies();
      const kept: EndpointTables = new Map();
      await fc.assert(
        fc.asyncProperty(log, fc.integer({ min: 1, max: 40 }), fc.constantFrom(100_000, 1), fc.boolean(), chunkSize, async (text, batchSize, groups, keep, chunk) => {
          const expected = await baseline(text, `log.${format}`, objectPath(staged), objectPath(cluster), batchSize, groups, undefined, chunk).catch(failure);
          const actual = await baseline(text, `log.${format}`, staged, cluster, batchSize, groups, keep ? kept : undefined, chunk).catch(failure);
          expect(actual).toEqual(expected);
        }),
        { numRuns: 120 },
      );
      expectFastPathTaken(2);
    });
  }

  it('gives the same report for CSV and VPC inputs in one replay (batches that span files and endpoint tables)', async () => {
    clearSpies();
    const report = async (texts: readonly string[], engine: Engine, batchSize: number, groups: number): Promise<ReplayReport> => {
      const summary = new ReplaySummary(groups);
      const rules = new RuleHits();
      const out: string[] = [];
      const inputs = texts.map((text, i) => ({ name: `log${i}.${text.startsWith('src,') ? 'csv' : 'vpc'}`, bytes: chunked(text, 61) }));
      await replay(inputs, { engine, summary, rules, directory: new EndpointDirectory(CLUSTER), batchSize, out: (text) => void out.push(text) });
      return { text: summary.toText(3), json: JSON.stringify({ ...summary.toJSON(), rules: rules.toJSON() }), out: out.join('\n') };
    };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(csvLog, vpcLog), { minLength: 2, maxLength: 4 }), fc.integer({ min: 1, max: 200 }), fc.constantFrom(100_000, 2), async (texts, batchSize, groups) => {
        const expected = await report(texts, new VerdictCache(objectPath(cluster)), batchSize, groups).catch(failure);
        const actual = await report(texts, new VerdictCache(cluster), batchSize, groups).catch(failure);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 60 },
    );
    expectFastPathTaken(1);
  });

  it('refuses endpoint tables kept for other engines rather than answer from them', async () => {
    const kept: EndpointTables = new Map();
    const log = 'src,dst,port\nprod/frontend,prod/backend,8080\n';
    await single(log, 'log.csv', cluster, 16, 10, kept);
    expect(kept.size).toBe(1);
    await expect(single(log, 'log.csv', wasm(CLUSTER), 16, 10, kept)).rejects.toThrow(/endpoint tables kept for other engines/);
  });
});
