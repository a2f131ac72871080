import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundleObjectsArbitrary, scenarioArbitrary } from '../../test/fuzz/arbitraries.js';
import { flowCorpus, VALID_BUNDLE_YAML } from '../../test/hostile/corpus.js';
import { compileBundle } from '../compile/compile.js';
import type { Engine } from '../engine/engine.js';
import { loadCoreModule } from '../engine/node-core.js';
import { ReferenceEngine } from '../engine/reference-engine.js';
import { WasmEngine } from '../engine/wasm-engine.js';
import { ingestObjects, ingestSources } from '../ingest/bundle.js';
import type { Bundle } from '../model/bundle.js';
import { mutate, mutation, throughFlows, variants } from '../../test/ndjson-lines.js';
import { answerLines, answerNDJSON, type NumberedLine } from './verdict.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);

const ENGINES: readonly { name: string; load: (bundle: Bundle) => Engine }[] = [
  { name: 'reference', load: (bundle) => new ReferenceEngine(bundle) },
  { name: 'wasm', load: (bundle) => WasmEngine.fromCompiled(loadCoreModule('debug'), compileBundle(bundle)) },
];

/** The engine as it is, counting the flows its record path answered. */
function counting(engine: Engine): Engine & { records: number } {
  const counted = {
    kind: engine.kind,
    version: engine.version,
    resolver: engine.resolver,
    records: 0,
    explain: (flow: Parameters<Engine['explain']>[0]) => engine.explain(flow),
    decide: (flow: Parameters<Engine['decide']>[0]) => engine.decide(flow),
    decideBatch: (flows: Parameters<Engine['decideBatch']>[0]) => engine.decideBatch(flows),
    decideRecords: (records: Uint8Array) => {
      counted.records += records.length / 40;
      return engine.decideRecords(records);
    },
  };
  return counted;
}

function numbered(texts: readonly string[]): NumberedLine[] {
  return texts.map((text, i) => ({ number: i + 1, text }));
}

/** Both paths give the same output line for every line; returns how many took the record path. */
async function expectSameAnswers(engine: Engine, texts: readonly string[]): Promise<number> {
  const lines = numbered(texts);
  const viaRecords = counting(engine);
  const fast = await answerLines(lines, viaRecords, { explain: false });
  const slow = await answerLines(lines, throughFlows(engine), { explain: false });
  fast.forEach((line, i) => expect(line, texts[i]).toBe(slow[i]));
  expect(fast).toHaveLength(texts.length);
  return viaRecords.records;
}

describe('NDJSON lines answered through flow records, against the Flow path', () => {
  for (const tiers of [false, true]) {
    it(`give the same line for every line on random ${tiers ? 'tiered ' : ''}bundles, both engines`, async () => {
      let recorded = 0;
      let total = 0;
      await fc.assert(
        fc.asyncProperty(scenarioArbitrary({ tiers, flows: 12 }), fc.array(mutation, { maxLength: 8 }), async ({ objects, flows }, mutations) => {
          const bundle = ingestObjects(objects).bundle!;
          const jsons = flows.map((flow) => flow as unknown as Record<string, unknown>);
          const texts = jsons.flatMap(variants);
          mutations.forEach(([at, char, replace], i) => texts.push(mutate(JSON.stringify(jsons[i % jsons.length]), at, char, replace)));
          for (const { load } of ENGINES) {
            recorded += await expectSameAnswers(load(bundle), texts);
            total += texts.length;
          }
        }),
        { numRuns: 60, seed: SEED },
      );
      // The property says something only if the record path answered a good share of the lines.
      expect(recorded).toBeGreaterThan(total / 8);
    }, 120_000);
  }

  it('give the same line for every line of the hostile flow corpus, both engines', async () => {
    const bundle = ingestSources([{ name: 'valid.yaml', text: VALID_BUNDLE_YAML }]).bundle!;
    const texts = flowCorpus().map((f) => f.line);
    for (const { load } of ENGINES) await expectSameAnswers(load(bundle), texts);
  });

  it('answer pods, workloads and addresses on the record path, and refusals as the Flow path words them', async () => {
    const bundle = ingestSources([{ name: 'valid.yaml', text: VALID_BUNDLE_YAML }]).bundle!;
    const texts = [
      '{"src":"ns3/frontend","dst":"ns1/web","protocol":"TCP","port":80}',
      '{"src":"ns3/frontend","dst":"10.1.1.10","port":80}',
      '{"src":"ns3/frontend","dst":"ns1/web","protocol":"SCTP","port":80}',
      '{"src":"ns3/frontend","dst":"ns1/nope","protocol":"TCP","port":80}',
      '{"src":"10.1.1.10","dst":"2001:db8::1","protocol":"TCP","port":80}',
      '{"src":"ns3/fr\\u006fntend","dst":"ns1/web","protocol":"TCP","port":80}',
    ];
    for (const { name, load } of ENGINES) {
      const engine = counting(load(bundle));
      // Lines 1, 2, 3 and 5 are records; 5 is refused by the engine and worded by the Flow path.
      expect(await expectSameAnswers(engine, texts), name).toBe(4);
      const out = await answerLines(numbered(texts), engine, { explain: false });
      expect(out[3]).toBe('{"error":"line 4: dst: no pod or workload \\"ns1/nope\\" in the bundle"}');
      expect(out[4]).toBe('{"error":"line 5: src and dst are addresses of different families (IPv4 and IPv6)"}');
      expect(JSON.parse(out[5]!)).toEqual(JSON.parse(out[0]!));
    }
  });

  it('keep a bounded endpoint table and answer the same after it starts over', async () => {
    const bundle = ingestObjects(fc.sample(bundleObjectsArbitrary({}), { numRuns: 1, seed: SEED })[0]!).bundle!;
    const engine = new ReferenceEngine(bundle);
    // 70,000 distinct outside addresses: more than the table holds.
    const texts = Array.from({ length: 70_000 }, (_, i) => `{"src":"10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}","dst":"192.0.2.1","port":443}`);
    const lines = numbered(texts);
    const fast = await answerLines(lines, engine, { explain: false });
    const slow = await answerLines(lines, throughFlows(engine), { explain: false });
    expect(fast).toEqual(slow);
  });

  it('stream: chunks of bytes in, the same text out as through Flows', async () => {
    const bundle = ingestSources([{ name: 'valid.yaml', text: VALID_BUNDLE_YAML }]).bundle!;
    const body = `${flowCorpus().map((f) => f.line).join('\n')}\n`;
    const bytes = new TextEncoder().encode(body);
    const chunks = async function* (): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < bytes.length; at += 4093) yield bytes.subarray(at, at + 4093);
    };
    const collect = async (engine: Engine): Promise<string> => {
      let text = '';
      for await (const out of answerNDJSON(chunks(), engine, { explain: false }, { maxLineBytes: 64 * 1024, batchLines: 100 })) text += out;
      return text;
    };
    for (const { load } of ENGINES) {
      const engine = load(bundle);
      expect(await collect(engine)).toBe(await collect(throughFlows(engine)));
    }
  });
});
