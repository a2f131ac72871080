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
import { baselineReport, chunked, randomFlowLogs, singleReport, type ReplayReport } from './test-support.js';
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

const { csvLog, vpcLog, chunkSize } = randomFlowLogs(CLUSTER);

const single = (text: string, name: string, engine: Engine, batchSize: number, groups: number, endpointTables?: EndpointTables, chunk = 61, rules?: number): Promise<ReplayReport> =>
  singleReport({ text, name, chunk }, engine, CLUSTER, { batchSize, groups, endpointTables, rules });
const baseline = (text: string, name: string, next: Engine, old: Engine, batchSize: number, groups: number, endpointTables?: EndpointTables, chunk = 61, rules?: number): Promise<ReplayReport> =>
  baselineReport({ text, name, chunk }, next, old, STAGED, { batchSize, groups, endpointTables, rules });

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
        // Rule bounds of 1 and 2: the records path counts a batch's rule hits per service (service-runs.ts), and must make new rules in reading order.
        fc.asyncProperty(log, fc.integer({ min: 1, max: 40 }), fc.constantFrom(100_000, 2, 1), fc.boolean(), chunkSize, fc.constantFrom(undefined, 1, 2), async (text, batchSize, groups, keep, chunk, rules) => {
          const expected = await single(text, `log.${format}`, new VerdictCache(objectPath(cluster)), batchSize, groups, undefined, chunk, rules).catch(failure);
          const actual = await single(text, `log.${format}`, new VerdictCache(cluster), batchSize, groups, keep ? kept : undefined, chunk, rules).catch(failure);
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
        // Rule bounds of 1 and 2: the records path counts a batch's rule hits per service (service-runs.ts), and must make new rules in reading order.
        fc.asyncProperty(log, fc.integer({ min: 1, max: 40 }), fc.constantFrom(100_000, 1), fc.boolean(), chunkSize, fc.constantFrom(undefined, 1, 2), async (text, batchSize, groups, keep, chunk, rules) => {
          const expected = await baseline(text, `log.${format}`, objectPath(staged), objectPath(cluster), batchSize, groups, undefined, chunk, rules).catch(failure);
          const actual = await baseline(text, `log.${format}`, staged, cluster, batchSize, groups, keep ? kept : undefined, chunk, rules).catch(failure);
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

  it('gives the same baseline report for CSV and VPC inputs in one replay (batches that span files and endpoint tables)', async () => {
    clearSpies();
    const report = (texts: readonly string[], next: Engine, old: Engine, batchSize: number, groups: number, rules?: number): Promise<ReplayReport> =>
      baselineReport(texts.map((text, i) => ({ text, name: `log${i}.${text.startsWith('src,') ? 'csv' : 'vpc'}` })), next, old, STAGED, { batchSize, groups, rules });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(csvLog, vpcLog), { minLength: 2, maxLength: 4 }), fc.integer({ min: 1, max: 200 }), fc.constantFrom(100_000, 2), fc.constantFrom(undefined, 1, 3), async (texts, batchSize, groups, rules) => {
        const expected = await report(texts, objectPath(staged), objectPath(cluster), batchSize, groups, rules).catch(failure);
        const actual = await report(texts, staged, cluster, batchSize, groups, rules).catch(failure);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 60 },
    );
    expectFastPathTaken(2);
  });

  it('refuses endpoint tables kept for other engines rather than answer from them', async () => {
    const kept: EndpointTables = new Map();
    const log = 'src,dst,port\nprod/frontend,prod/backend,8080\n';
    await single(log, 'log.csv', cluster, 16, 10, kept);
    expect(kept.size).toBe(1);
    await expect(single(log, 'log.csv', wasm(CLUSTER), 16, 10, kept)).rejects.toThrow(/endpoint tables kept for other engines/);
  });
});
