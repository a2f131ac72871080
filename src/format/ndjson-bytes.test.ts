import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scenarioArbitrary } from '../../test/fuzz/arbitraries.js';
import { flowCorpus, VALID_BUNDLE_YAML } from '../../test/hostile/corpus.js';
import { mutate, mutation, throughFlows, variants } from '../../test/ndjson-lines.js';
import { compileBundle } from '../compile/compile.js';
import { FLOW_RECORD_BYTES } from '../compile/layout.js';
import type { Engine } from '../engine/engine.js';
import type { EndpointResolver } from '../engine/endpoints.js';
import { LineRecordWriter, lineRecordWriter } from '../engine/line-records.js';
import { loadCoreModule } from '../engine/node-core.js';
import { ReferenceEngine } from '../engine/reference-engine.js';
import { WasmEngine } from '../engine/wasm-engine.js';
import { ingestObjects, ingestSources } from '../ingest/bundle.js';
import type { Bundle } from '../model/bundle.js';
import { answerLines, answerNDJSON, answerNDJSONEncoded, answerNDJSONWith, FlowLimitError, type NdjsonLimits } from './verdict.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const encoder = new TextEncoder();
const LIMITS: NdjsonLimits = { maxLineBytes: 64 * 1024, batchLines: 7 };

const ENGINES: readonly { name: string; load: (bundle: Bundle) => Engine }[] = [
  { name: 'reference', load: (bundle) => new ReferenceEngine(bundle) },
  { name: 'wasm', load: (bundle) => WasmEngine.fromCompiled(loadCoreModule('debug'), compileBundle(bundle)) },
];

async function* chunked(body: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    // Fresh copies: a chunk is never a view the answerer could see change.
    yield body.slice(at, cut);
    at = cut;
  }
  yield body.slice(at);
}

/**
 * What each path yields (texts, or bytes as their text, then the error that ended it, if any). Bytes
 * are read only once all are in, as a writer that queues them does: they must not be overwritten.
 */
async function collect(texts: AsyncGenerator<string | Uint8Array>): Promise<unknown[]> {
  const out: unknown[] = [];
  try {
    for await (const text of texts) out.push(text);
  } catch (error) {
    out.push(error instanceof FlowLimitError ? `FlowLimitError ${error.message}` : error);
  }
  return out.map((item) => (item instanceof Uint8Array ? new TextDecoder('utf-8', { fatal: true }).decode(item) : item));
}

/**
 * The byte path and the text path through Flow objects yield the same texts for `body` cut at
 * `cuts`; so does the byte path's bytes output (answerNDJSONEncoded, the batch API's), chunk for chunk.
 */
async function expectSameOutput(engine: Engine, body: Uint8Array, cuts: readonly number[], limits = LIMITS): Promise<void> {
  const viaBytes = await collect(answerNDJSON(chunked(body, cuts), engine, { explain: false }, limits));
  const flows = throughFlows(engine);
  const viaText = await collect(answerNDJSONWith(chunked(body, cuts), (lines) => answerLines(lines, flows, { explain: false }), limits));
  expect(viaBytes).toEqual(viaText);
  expect(await collect(answerNDJSONEncoded(chunked(body, cuts), engine, { explain: false }, limits))).toEqual(viaText);
}

/** How many of `texts` the byte path writes as records itself. */
function takenAsRecords(engine: Engine, texts: readonly string[]): number {
  const writer = lineRecordWriter(engine.resolver!);
  const records = new Uint8Array(FLOW_RECORD_BYTES);
  const words = new Uint32Array(records.buffer);
  return texts.filter((text) => {
    const bytes = encoder.encode(`${text}\n`);
    return writer.writeCompact(bytes, 0, bytes.length, records, words, 0) === bytes.length - 1;
  }).length;
}

const lineEnd = fc.constantFrom('\n', '\n', '\n', '\r\n', '\n\n', '\n \n');

describe('NDJSON bytes answered through flow records, against the text path', () => {
  it('give the same output on random bundles, line ends and chunkings, both engines', async () => {
    let taken = 0;
    let total = 0;
    await fc.assert(
      fc.asyncProperty(
        scenarioArbitrary({ flows: 10 }),
        fc.array(mutation, { maxLength: 8 }),
        fc.array(lineEnd, { minLength: 1, maxLength: 16 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async ({ objects, flows }, mutations, ends, cutPoints) => {
          const bundle = ingestObjects(objects).bundle!;
          const jsons = flows.map((flow) => flow as unknown as Record<string, unknown>);
          const texts = jsons.flatMap(variants);
          mutations.forEach(([at, char, replace], i) => texts.push(mutate(JSON.stringify(jsons[i % jsons.length]), at, char, replace)));
          const body = encoder.encode(texts.map((text, i) => text + ends[i % ends.length]!).join(''));
          const cuts = cutPoints.map((n) => n % (body.length + 1));
          for (const { load } of ENGINES) {
            const engine = load(bundle);
            await expectSameOutput(engine, body, cuts);
            taken += takenAsRecords(engine, texts);
            total += texts.length;
          }
        },
      ),
      { numRuns: 40, seed: SEED },
    );
    // The property says something only if the byte path took a good share of the lines itself:
    // one spelling in 16 of each flow is the compact one (the rest are near misses), and flows
    // with ad-hoc endpoints have none.
    expect(taken).toBeGreaterThan(total / 20);
  }, 120_000);

  it('give the same output with the body cut at every position, and one byte at a time', async () => {
    const bundle = ingestSources([{ name: 'valid.yaml', text: VALID_BUNDLE_YAML }]).bundle!;
    const texts = [
      '\ufeff{"src":"ns3/frontend","dst":"ns1/web","protocol":"TCP","port":80}',
      '{"src":"ns3/frontend","dst":"10.1.1.10","port":80}',
      '',
      '{"src":"ns3/frontend","dst":"ns1/nope","protocol":"UDP","port":53}\r',
      '{"src":"10.1.1.10","dst":"2001:db8::1","protocol":"SCTP","port":80}',
      '\ufeff{"src":"ns3/frontend","dst":"ns1/web","port":80}',
      '{"src": "ns3/frontend", "dst": "ns1/web", "port": 443}',
      '{"src":"ns3/fr\\u006fntend","dst":"ns1/web","port":80}',
      'not json',
      '{"src":"ns3/frontend","dst":"ns1/web","port":80}',
    ];
    const body = encoder.encode(texts.join('\n'));
    for (const { load } of ENGINES) {
      const engine = load(bundle);
      for (let cut = 0; cut <= body.length; cut++) await expectSameOutput(engine, body, [cut]);
      await expectSameOutput(engine, body, Array.from({ length: body.length }, (_, i) => i + 1));
    }
  }, 60_000);

  it('give the same output on the hostile flow corpus, invalid UTF-8, over-long lines and too many flows', async () => {
    const bundle = ingestSources([{ name: 'valid.yaml', text: VALID_BUNDLE_YAML }]).bundle!;
    const good = '{"src":"ns3/frontend","dst":"ns1/web","protocol":"TCP","port":80}';
    const corpus = encoder.encode(`${flowCorpus().map((f) => f.line).join('\n')}\n`);
    const invalid = Uint8Array.from([...encoder.encode(`${good}\n{"src":"ns3/frontend","dst":"ns1/w`), 0xff, ...encoder.encode(`eb","port":80}\n${good}`)]);
    const long = encoder.encode(`${good}\n${good.replace('frontend', 'f'.repeat(200))}\n${good}\n`);
    for (const { load } of ENGINES) {
      const engine = load(bundle);
      await expectSameOutput(engine, corpus, [4093, 8190, 20000]);
      for (let cut = 0; cut <= invalid.length; cut += 7) await expectSameOutput(engine, invalid, [cut]);
      for (let cut = 0; cut <= long.length; cut += 5) await expectSameOutput(engine, long, [cut], { maxLineBytes: 100, batchLines: 2 });
      for (const maxFlows of [0, 1, 2, 5]) await expectSameOutput(engine, long, [70], { maxLineBytes: 100, batchLines: 2, maxFlows });
    }
  }, 60_000);
  it('give the same output on escapes, unicode, duplicate keys, whitespace, long lines and many endpoints, two answers at once', async () => {
    const bundle = ingestSources([{ name: 'valid.yaml', text: VALID_BUNDLE_YAML }]).bundle!;
    const good = '{"src":"ns3/frontend","dst":"ns1/web","protocol":"TCP","port":80}';
    const texts: string[] = [];
    for (let i = 0; i < 1500; i++) {
      texts.push(
        JSON.stringify({ src: `10.${i >> 8}.${i & 255}.7`, dst: i % 2 === 0 ? 'ns1/web' : `2001:db8::${i.toString(16)}`, protocol: 'UDP', port: 1 + (i % 9000) }),
      );
      if (i % 50 === 0) {
        texts.push(
          good,
          '{"src":"ns3/fr\\u006fntend","dst":"ns1/web","protocol":"TCP","port":80}',
          '{"src":"ns3/frönt","dst":"ns1/web","port":80}',
          '{"src":"ns3/front\\"end","dst":"ns1/web","port":80}',
          '{"src":"ns1/web","src":"ns3/frontend","dst":"ns1/web","port":80}',
          '{"src":"ns3/frontend","dst":"ns1/web","port":80,"port":81}',
          ' {"src":"ns3/frontend","dst":"ns1/web","port":80}',
          '{"src":"ns3/frontend","dst":"ns1/web","port":80} ',
          '{"src":"ns3/frontend","dst":"ns1/web","port":80}\t',
          `{"src":"${'x'.repeat(40_000)}","dst":"ns1/web","port":80}`,
          `{"src":"ns3/frontend","dst":"ns1/web","port":80,"pad":"${'y'.repeat(70_000)}"}`,
        );
      }
    }
    const body = encoder.encode(`${texts.join('\n')}\n`);
    const limits: NdjsonLimits = { maxLineBytes: 64 * 1024, batchLines: 1024 };
    const cuts = Array.from({ length: Math.floor(body.length / 65_536) }, (_, i) => (i + 1) * 65_536);
    for (const { load } of ENGINES) {
      const engine = load(bundle);
      const flows = throughFlows(engine);
      const expected = await collect(answerNDJSONWith(chunked(body, cuts), (lines) => answerLines(lines, flows, { explain: false }), limits));
      // One answer alone (its buffers are kept when it ends), then two at once whose engine calls
      // wait for the event loop, so that each runs while the other waits mid-chunk: neither sees
      // the other's buffers.
      expect(await collect(answerNDJSON(chunked(body, cuts), engine, { explain: false }, limits))).toEqual(expected);
      const waiting: Engine = Object.create(engine, {
        decideRecords: { value: async (records: Uint8Array) => (await new Promise((resolve) => setImmediate(resolve)), engine.decideRecords(records)) },
      });
      const [one, two, three] = await Promise.all([
        collect(answerNDJSON(chunked(body, cuts), waiting, { explain: false }, limits)),
        collect(answerNDJSON(chunked(body, cuts.map((cut) => cut - 1000)), waiting, { explain: false }, limits)),
        collect(answerNDJSONEncoded(chunked(body, cuts.map((cut) => cut - 500)), waiting, { explain: false }, limits)),
      ]);
      expect(one.join('')).toBe(expected.join(''));
      expect(two.join('')).toBe(expected.join(''));
      expect(three.join('')).toBe(expected.join(''));
      await expectSameOutput(engine, body, cuts, limits);
    }
  }, 120_000);

  it('resolve a refused endpoint once, answer each mention as the text path does, and keep its neighbours apart', async () => {
    const bundle = ingestSources([{ name: 'valid.yaml', text: VALID_BUNDLE_YAML }]).bundle!;
    // ns9/frontend is no pod; ns3/frontend is one of the same length and last eight bytes (the same hash).
    const line = (src: string, dst: string): string => JSON.stringify({ src, dst, protocol: 'TCP', port: 80 });
    const texts = [
      line('ns9/frontend', 'ns1/web'),
      line('ns3/frontend', 'ns1/web'),
      line('ns1/web', 'ns9/frontend'),
      line('ns9/frontend', 'ns9/frontend'),
      line('ns3/frontend', 'ns9/frontend'),
      line('ns3/frontend', 'ns1/web'),
    ];
    for (const order of [texts, [...texts].reverse()]) {
      const body = encoder.encode(`${[...order, ...order, ...order].join('\n')}\n`);
      for (const { load } of ENGINES) {
        const engine = load(bundle);
        for (let cut = 0; cut <= body.length; cut += 11) await expectSameOutput(engine, body, [cut]);
      }
    }
    // Through a writer of its own: each distinct text meets the resolver once, refused or not.
    const engine = ENGINES[1]!.load(bundle);
    const asked = new Map<string, number>();
    const counting: EndpointResolver = Object.create(engine.resolver!, {
      resolveEndpoint: {
        value: (spec: Parameters<EndpointResolver['resolveEndpoint']>[0], field: string) => {
          const key = JSON.stringify(spec);
          asked.set(key, (asked.get(key) ?? 0) + 1);
          return engine.resolver!.resolveEndpoint(spec, field);
        },
      },
    });
    const writer = new LineRecordWriter(counting);
    const fresh = new LineRecordWriter(engine.resolver!);
    const records = new Uint8Array(FLOW_RECORD_BYTES);
    const expected = new Uint8Array(FLOW_RECORD_BYTES);
    const taken = (w: LineRecordWriter, text: string, into: Uint8Array): boolean => {
      const bytes = encoder.encode(`${text}\n`);
      return w.writeCompact(bytes, 0, bytes.length, into, new Uint32Array(into.buffer), 0) === bytes.length - 1;
    };
    for (let round = 0; round < 3; round++) {
      for (const text of texts) {
        const took = taken(writer, text, records);
        expect(took, text).toBe(!text.includes('ns9/'));
        if (took) {
          expect(taken(fresh, text, expected)).toBe(true);
          expect(Array.from(records), text).toEqual(Array.from(expected));
        }
      }
    }
    expect([...asked.values()].every((n) => n === 1), JSON.stringify([...asked])).toBe(true);
    expect(asked.size).toBe(3);
  }, 60_000);

  it('read a source that refills one buffer for each chunk: the core scanner copies each chunk again', async () => {
    const bundle = ingestSources([{ name: 'valid.yaml', text: VALID_BUNDLE_YAML }]).bundle!;
    const engine = ENGINES[1]!.load(bundle);
    // Lines of one length whose answers differ: bytes kept from the first chunk would answer the second wrongly.
    const first = '{"src":"ns3/frontend","dst":"ns1/web","protocol":"TCP","port":80}\n';
    const second = '{"src":"ns3/frontend","dst":"ns1/web","protocol":"UDP","port":80}\n';
    const answerOf = async (line: string): Promise<unknown[]> => collect(answerNDJSON(chunked(encoder.encode(line), []), engine, { explain: false }, LIMITS));
    expect(await answerOf(first)).not.toEqual(await answerOf(second));
    const lines = 40;
    const buffer = new Uint8Array(lines * first.length);
    async function* refilled(): AsyncGenerator<Uint8Array> {
      for (const line of [first, second, first]) {
        buffer.set(encoder.encode(line.repeat(lines)));
        yield buffer;
      }
    }
    const body = encoder.encode([first, second, first].map((line) => line.repeat(lines)).join(''));
    const expected = await collect(answerNDJSON(chunked(body, [buffer.length, 2 * buffer.length]), engine, { explain: false }, LIMITS));
    expect(await collect(answerNDJSON(refilled(), engine, { explain: false }, LIMITS))).toEqual(expected);
  });
});
