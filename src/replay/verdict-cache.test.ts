import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileBundle } from '../compile/compile.js';
import { loadCoreModule } from '../engine/node-core.js';
import { WasmEngine } from '../engine/wasm-engine.js';
import { ingestSources } from '../ingest/bundle.js';
import type { Verdict } from '../model/decision.js';
import { FlowError } from '../model/errors.js';
import type { EndpointSpec, Flow } from '../model/flow.js';
import type { Engine } from '../engine/engine.js';
import { ReferenceEngine } from '../engine/reference-engine.js';
import { EndpointDirectory } from './endpoint-directory.js';
import { replay } from './replay.js';
import { ReplaySummary } from './summary.js';
import { chunked, fixture } from './test-support.js';
import { VerdictCache } from './verdict-cache.js';

const BUNDLE_PATH = new URL('../../test/fixtures/flowlogs/cluster.yaml', import.meta.url);
const bundle = ingestSources([{ name: 'cluster.yaml', text: readFileSync(BUNDLE_PATH, 'utf8') }]).bundle!;
const engine = WasmEngine.fromCompiled(loadCoreModule(), compileBundle(bundle));
const reference = new ReferenceEngine(bundle);
/** The engine, counting the flows it is asked to decide in batches. */
const direct = (): Engine & { calls: number } => {
  const counted = {
    calls: 0,
    kind: engine.kind as Engine['kind'],
    version: engine.version,
    explain: (flow: Flow) => engine.explain(flow),
    decide: (flow: Flow) => engine.decide(flow),
    decideRecords: (records: Uint8Array) => engine.decideRecords(records),
    decideBatch: async (flows: readonly Flow[]) => {
      counted.calls += flows.length;
      return engine.decideBatch(flows);
    },
  };
  return counted;
};

/** A replay's report and --out lines. */
async function replayed(names: readonly string[], engine: Engine, times = 1): Promise<{ report: unknown; out: string[] }> {
  const summary = new ReplaySummary();
  const out: string[] = [];
  const inputs = names.flatMap((name) => Array.from({ length: times }, () => ({ name, bytes: chunked(fixture(name)) })));
  await replay(inputs, { engine, directory: new EndpointDirectory(bundle), summary, batchSize: 7, out: (lines) => void out.push(lines) });
  return { report: summary.toJSON(50), out };
}

const LOGS = ['flows.csv', 'csv-malformed.csv', 'vpc-default-v2.txt', 'vpc-custom-v5.txt', 'vpc-malformed.txt', 'hubble-observe.jsonl', 'hubble-legacy.jsonl', 'flows.ndjson'];

describe('VerdictCache', () => {
  it.each(LOGS)('leaves the replay of %s exactly as it was (report and every --out line)', async (name) => {
    const cached = new VerdictCache(direct());
    expect(await replayed([name], cached, 3)).toEqual(await replayed([name], direct(), 3));
  });

  it('answers repeated conversations from memory', async () => {
    const inner = direct();
    const cached = new VerdictCache(inner);
    const line = 'prod/frontend,prod/backend,TCP,8080,allowed\n';
    const summary = new ReplaySummary();
    await replay([{ name: 'x.csv', bytes: chunked(`src,dst,protocol,port,verdict\n${line.repeat(1000)}`) }], {
      engine: cached,
      directory: new EndpointDirectory(bundle),
      summary,
      batchSize: 100,
    });
    expect(summary.totals).toMatchObject({ judged: 1000, allowed: 1000 });
    // The first batch is decided whole (its flows are looked up before any is answered); the rest are remembered.
    expect(inner.calls).toBe(100);
    expect([cached.hits, cached.misses]).toEqual([900, 100]);
  });

  it('answers a repeated refusal from memory, reported with each of its lines', async () => {
    const inner = direct();
    const cached = new VerdictCache(inner);
    // Different families: the core refuses the flow.
    const line = '2 123456789012 eni-1 10.244.1.17 2001:db8::1 49152 443 6 1 40 1700000000 1700000060 ACCEPT OK\n';
    const text = `version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n${line.repeat(300)}`;
    const summary = new ReplaySummary();
    await replay([{ name: 'x.txt', bytes: chunked(text) }], { engine: cached, directory: new EndpointDirectory(bundle), summary, batchSize: 100 });
    expect(summary.totals).toMatchObject({ records: 300, unresolved: 300 });
    expect(inner.calls).toBe(100);
    expect([cached.hits, cached.misses]).toEqual([200, 100]);
  });

  it('gives the engine answer for any sequence of flows, refusals included, at any table size', async () => {
    // Specs are shared objects, as the readers hand them out, and some are refused (unknown pods, families).
    const specs: EndpointSpec[] = [
      { kind: 'ref', ref: 'prod/frontend' },
      { kind: 'ref', ref: 'prod/backend' },
      { kind: 'ref', ref: 'prod/nothing' },
      { kind: 'ip', ip: '10.244.1.17' },
      { kind: 'ip', ip: '10.0.2.45' },
      { kind: 'ip', ip: '2001:db8::1' },
      { kind: 'ip', ip: '52.95.128.179' },
      { kind: 'adhoc', pod: { namespace: 'staging', labels: { app: 'job-runner' }, ports: [] } },
    ];
    const flow = fc
      .record({
        src: fc.constantFrom(...specs),
        dst: fc.constantFrom(...specs),
        protocol: fc.constantFrom('TCP' as const, 'UDP' as const, 'SCTP' as const),
        port: fc.constantFrom(53, 443, 8080, 9090),
      })
      // Equal content in a new object sometimes: a miss, never a wrong answer.
      .chain((f) => fc.boolean().map((copy) => (copy ? { ...f, src: { ...f.src } as EndpointSpec } : f)));
    const answer = (a: Verdict | FlowError): unknown => (a instanceof FlowError ? { error: a.message } : a);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(flow, { maxLength: 20 }), { maxLength: 8 }), fc.integer({ min: 1, max: 16 }), async (batches, size) => {
        const cached = new VerdictCache(direct(), size);
        for (const batch of batches) {
          const verdicts = await cached.decideBatch(batch);
          expect(verdicts.map(answer)).toEqual((await engine.decideBatch(batch)).map(answer));
          // And the oracle agrees on the verdict.
          verdicts.forEach((v, i) => {
            if (!(v instanceof FlowError)) expect(v.allowed).toBe(reference.explainNow(batch[i]!).allowed);
          });
        }
      }),
      { numRuns: 200 },
    );
  });
});
