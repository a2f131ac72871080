/**
 * Repeated flows counted per service (service-tally.ts) give the report that counting them line by
 * line gives, byte for byte: the text and JSON summaries and the part a --jobs worker hands over
 * (groups in first-listed order), on random CSV and VPC logs of a few conversations told again
 * and again with mixed observed verdicts, times, refused and unknown endpoints and malformed lines,
 * at any batch size, with the group bound reached or not, with kept endpoint tables, and with the
 * services numbered again after some batches. The line-by-line path is the same records path with
 * an --out (which turns the tally off), and the object path.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { Engine } from '../engine/engine.js';
import { createEngine } from '../engine/create-engine.js';
import { loadCoreModule } from '../engine/node-core.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { ingestSources } from '../ingest/bundle.js';
import { readFileSync } from 'node:fs';
import { EndpointRecords, type EndpointTables } from './flow-records.js';
import { ServiceTally } from './service-tally.js';
import { randomFlowLogs, summaryReport, type TestReplay } from './test-support.js';
import { VerdictCache } from './verdict-cache.js';
import { throughFlows as objectPath } from '../../test/ndjson-lines.js';

const CLUSTER = ingestSources([{ name: 'cluster.yaml', text: readFileSync(new URL('../../test/fixtures/flowlogs/cluster.yaml', import.meta.url), 'utf8') }]).bundle!;
const cluster = createEngine({ kind: 'wasm', core: loadCoreModule(), bundle: CLUSTER }) as WasmEngine;
const { csvLog, vpcLog, chunkSize } = randomFlowLogs(CLUSTER, 400);

/** The report of replaying `texts` (one input each, CSV or VPC by their header). */
const report = (texts: readonly string[], engine: Engine, how: TestReplay & { readonly chunk: number; readonly lineByLine?: boolean }): Promise<string> =>
  summaryReport(texts.map((text, i) => ({ text, name: `log${i}.${text.startsWith('src,') ? 'csv' : 'vpc'}`, chunk: how.chunk })), engine, CLUSTER, how);

const failure = (error: Error): string => `error: ${error.message}`;

describe('flows counted per service', () => {
  const taken = vi.spyOn(ServiceTally.prototype, 'take');
  // Flows the WASM row reader tallied come in bulk (takeTallied).
  const inBulk = vi.spyOn(ServiceTally.prototype, 'takeTallied');
  const tallied = (): number => taken.mock.results.filter((result) => result.value === true).length + inBulk.mock.calls.reduce((sum, [, indexes]) => sum + indexes.length, 0);

  /** Runs the property: the tallied report equals the line-by-line one and the object path's. */
  const agree = async (runs: number): Promise<void> => {
    const kept: EndpointTables = new Map();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(csvLog, vpcLog), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(100_000, 2, 1),
        fc.boolean(),
        chunkSize,
        async (texts, batchSize, groups, keep, chunk) => {
          const how = { batchSize, groups, chunk };
          const objects = await report(texts, new VerdictCache(objectPath(cluster)), how).catch(failure);
          const lineByLine = await report(texts, new VerdictCache(cluster), { ...how, lineByLine: true }).catch(failure);
          const counted = await report(texts, new VerdictCache(cluster), { ...how, endpointTables: keep ? kept : undefined }).catch(failure);
          expect(lineByLine).toEqual(objects);
          expect(counted).toEqual(lineByLine);
        },
      ),
      { numRuns: runs },
    );
  };

  it('gives the report of counting line by line', async () => {
    taken.mockClear();
    inBulk.mockClear();
    await agree(150);
    // Most repeated flows were counted per service (it is not the batch path under another name).
    expect(tallied()).toBeGreaterThan(3000);
  });

  it('gives the same report when the services are numbered again after some batches', async () => {
    const trim = EndpointRecords.prototype.trim;
    let trims = 0;
    const renumbering = vi.spyOn(EndpointRecords.prototype, 'trim').mockImplementation(function (this: EndpointRecords) {
      trim.call(this);
      if (++trims % 3 !== 0) return;
      // As trim past MAX_SERVICES: the services start over, and the conversations that note them.
      (this as unknown as { conversations: { clear(): void } }).conversations.clear();
      this.services.clear();
    });
    taken.mockClear();
    inBulk.mockClear();
    try {
      await agree(80);
    } finally {
      renumbering.mockRestore();
    }
    expect(tallied()).toBeGreaterThan(1000);
  });

  it('has the WASM row reader tally the repeats of a kind counted per service, handed over in bulk, none past a time it cannot read', async () => {
    // Five conversations over and over; one line in 400 has an RFC 3339 time (read by the host, which stops at the one that is wrong).
    const pods = CLUSTER.pods.map((pod) => `${pod.namespace}/${pod.name}`);
    const lines = Array.from({ length: 4000 }, (_, i) => {
      const time = i % 400 === 399 ? (i === 2399 ? '2024-05-14T25:21:07Z' : '2024-05-14T09:21:07Z') : String(1715678467 + i);
      return `${pods[i % 5]},${pods[(i % 5) + 1]},TCP,8080,${i % 7 === 0 ? 'denied' : 'allowed'},${time}`;
    });
    const text = `src,dst,protocol,port,verdict,time\n${lines.join('\n')}\n`;
    // Chunks of 16 KiB: the batches are decided between chunks, and only then are their kinds counted per service.
    const how = { batchSize: 256, groups: 100_000, chunk: 1 << 14 };
    const objects = await report([text], new VerdictCache(objectPath(cluster)), how);
    expect(await report([text], new VerdictCache(cluster), { ...how, lineByLine: true })).toEqual(objects);
    inBulk.mockClear();
    expect(await report([text], new VerdictCache(cluster), how)).toEqual(objects);
    // All but the first chunk's lines (~200: no batch is decided before it ends), the lines that span two chunks and the first of each kind after them.
    expect(inBulk.mock.calls.reduce((sum, [, indexes]) => sum + indexes.length, 0)).toBeGreaterThan(3300);
    // Replays one after another with the same endpoint tables (as a --jobs worker runs its parts): each starts its own counts.
    const kept: EndpointTables = new Map();
    for (let run = 0; run < 3; run++) expect(await report([text], new VerdictCache(cluster), { ...how, endpointTables: kept }).catch(failure)).toEqual(objects);
  });

  it('counts nothing per service while lines are reported one by one', async () => {
    taken.mockClear();
    inBulk.mockClear();
    const log = `src,dst,port\n${'prod/frontend,prod/backend,8080\n'.repeat(50)}`;
    await report([log], cluster, { batchSize: 4, groups: 10, chunk: 61, lineByLine: true });
    expect(taken).not.toHaveBeenCalled();
    expect(inBulk).not.toHaveBeenCalled();
    await report([log], cluster, { batchSize: 4, groups: 10, chunk: 61 });
    expect(tallied()).toBeGreaterThan(40);
  });
});
