/**
 * @module The streamed list (the CLI's: class pairs in small chunks, connections written as each
 * batch arrives, explained while its chunk lives) against the whole list (analyzeConnectivity, then
 * the formatters: the Worker's and the library's), on random bundles in every text format: the
 * same bytes. And the order both share: sources, then destinations, workloads in their order and
 * the outside world after them, each endpoint pair once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundleObjectsArbitrary } from '../../test/fuzz/arbitraries.js';
import { analyzeConnectivity, streamConnectivity, type Connection } from '../analysis/connectivity.js';
import { wasmDecider } from '../analysis/decider.js';
import { endpointKey, isExternal } from '../analysis/endpoints.js';
import { connectionExplainer, explainConnections } from '../analysis/explain.js';
import { describeWorkloads } from '../analysis/workload-labels.js';
import { loadCoreModule } from '../engine/node-core.js';
import { ingestObjects } from '../ingest/bundle.js';
import { parseIP } from '../net/ip.js';
import { listInFormat, listWriter, OUTPUT_FORMATS, type TextFormat } from './connectivity-formats.js';
import { collectText } from './list-writer.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const FORMATS = OUTPUT_FORMATS.filter((f): f is TextFormat => f !== 'svg');
const VERSION = 'sha256:test';

/** The list's order: workloads by index, then outside endpoints by their first address (IPv4 first). */
function orderProblems(connections: readonly Connection[], workloadKeys: readonly string[]): string[] {
  const rank = new Map<string, number | bigint>(workloadKeys.map((key, i) => [key, i]));
  for (const c of connections) {
    for (const e of [c.src, c.dst]) {
      if (!isExternal(e)) continue;
      const first = parseIP(e.external[0]!.split('-')[0]!)!;
      rank.set(endpointKey(e), BigInt(workloadKeys.length) + (first.family === 6 ? 1n << 32n : 0n) + first.value);
    }
  }
  const problems: string[] = [];
  for (let i = 1; i < connections.length; i++) {
    const [a, b] = [connections[i - 1]!, connections[i]!];
    const [as, ad, bs, bd] = [a.src, a.dst, b.src, b.dst].map((e) => BigInt(rank.get(endpointKey(e))!));
    if (as! > bs! || (as === bs && ad! >= bd!)) problems.push(`${endpointKey(a.src)} -> ${endpointKey(a.dst)} before ${endpointKey(b.src)} -> ${endpointKey(b.dst)}`);
  }
  return problems;
}

describe('the streamed list', () => {
  it('writes the same bytes as the whole list, in every format, whatever the chunk size', () => {
    const module = loadCoreModule();
    fc.assert(
      fc.property(
        bundleObjectsArbitrary({ tiers: true, maxPods: 8, maxWorkloads: 4 }),
        fc.record({ includeSelf: fc.boolean(), explain: fc.boolean(), chunkPairs: fc.integer({ min: 1, max: 40 }) }),
        (objects, { includeSelf, explain, chunkPairs }) => {
          const bundle = ingestObjects(objects).bundle;
          if (!bundle) return;
          const decider = wasmDecider(module, bundle);
          const whole = analyzeConnectivity(bundle, decider, { includeSelf, explain });
          const explanations = explain ? explainConnections(bundle, decider, whole) : undefined;
          const workloads = describeWorkloads(bundle, whole.groups);
          expect(orderProblems(whole.connections, whole.groups.workloads.map(endpointKey))).toEqual([]);
          // One stream, consumed once (its chunks forgotten as it goes), feeds every format's writer
          // as its batches arrive: the stream does not depend on the format.
          const streamDecider = wasmDecider(module, bundle);
          const stream = streamConnectivity(bundle, streamDecider, { includeSelf, explain }, chunkPairs);
          const explainer = explain ? connectionExplainer(bundle, streamDecider, stream.pairs) : undefined;
          const written = FORMATS.map((): string[] => []);
          const writers = FORMATS.map((format, i) => listWriter(format, VERSION, { write: (text) => void written[i]!.push(text) }));
          for (const batch of stream.batches) {
            for (const connection of batch) {
              const explanation = explainer?.(connection);
              for (const writer of writers) writer.connection(connection, explanation);
            }
          }
          for (const writer of writers) writer.end(describeWorkloads(bundle, stream.groups));
          FORMATS.forEach((format, i) => {
            expect(written[i]!.join(''), format).toBe(listInFormat(format, VERSION, whole.connections, explanations, workloads));
          });
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('explains the same with the explainer cache bounded to one entry (representatives decided again)', () => {
    const module = loadCoreModule();
    fc.assert(
      fc.property(bundleObjectsArbitrary({ tiers: true, maxPods: 8, maxWorkloads: 4 }), fc.integer({ min: 1, max: 40 }), (objects, chunkPairs) => {
        const bundle = ingestObjects(objects).bundle;
        if (!bundle) return;
        const decider = wasmDecider(module, bundle);
        const whole = analyzeConnectivity(bundle, decider, { explain: true });
        const expected = listInFormat('json', VERSION, whole.connections, explainConnections(bundle, decider, whole));
        const stream = streamConnectivity(bundle, decider, { explain: true }, chunkPairs);
        const explainer = connectionExplainer(bundle, decider, stream.pairs, 1);
        const streamed = collectText((sink) => {
          const writer = listWriter('json', VERSION, sink);
          for (const batch of stream.batches) for (const connection of batch) writer.connection(connection, explainer(connection));
          writer.end();
        });
        expect(streamed).toBe(expected);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
