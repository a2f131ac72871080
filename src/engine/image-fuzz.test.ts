/**
 * @module Property-based fuzzing of the image loader: images compiled from generated bundles (plain
 * and tiered) and from the demo bundle, then truncated, bit-flipped, overwritten word by word, or
 * with a corrupted section table, with and without the checksum (and the length) recomputed after
 * the mutation. A mutated image is refused with an EngineError or loads; a loaded one answers flow
 * records without trapping, quickly. With the checksum recomputed, the structural checks behind it
 * (section table, sizes, references) are what stands between a corrupted image and the decisions.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundleObjectsArbitrary, flowArbitrary } from '../../test/fuzz/arbitraries.js';
import { compileBundle, type CompiledBundle } from '../compile/compile.js';
import { checksumWords } from '../compile/image-writer.js';
import {
  CHECKSUM_FROM,
  COUNT,
  ENDPOINT_KIND,
  FLOW_RECORD,
  FLOW_RECORD_BYTES,
  HEADER,
  HEADER_BYTES,
  MAX_SECTIONS,
  PROTOCOL_CODE,
  SECTION,
  SECTION_COUNT,
  SECTION_ENTRY,
  SECTION_ENTRY_BYTES,
} from '../compile/layout.js';
import { decodeFlow } from '../flow/decode.js';
import { ingestObjects, ingestSources } from '../ingest/bundle.js';
import type { Bundle } from '../model/bundle.js';
import { loadCoreModule } from './node-core.js';
import { EngineError, WasmEngine } from './wasm-engine.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x1ae5ed);
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);

// ---------------------------------------------------------------------------------------------
// Base images and the flow records run against them

interface Base {
  readonly name: string;
  readonly compiled: CompiledBundle;
  readonly records: Uint8Array;
}

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

function podRecord(src: number, dst: number): Uint8Array {
  const record = new Uint8Array(FLOW_RECORD_BYTES);
  const view = new DataView(record.buffer);
  view.setUint8(FLOW_RECORD.SRC_KIND, ENDPOINT_KIND.POD);
  view.setUint8(FLOW_RECORD.DST_KIND, ENDPOINT_KIND.POD);
  view.setUint8(FLOW_RECORD.PROTOCOL, PROTOCOL_CODE.TCP);
  view.setUint16(FLOW_RECORD.PORT, 80, true);
  view.setUint32(FLOW_RECORD.SRC, src, true);
  view.setUint32(FLOW_RECORD.DST, dst, true);
  return record;
}

/** The bundle's flows encoded by the ORIGINAL engine, plus every pair of (the first few) pod indexes. */
function baseOf(name: string, bundle: Bundle, flows: readonly unknown[]): Base {
  const compiled = compileBundle(bundle);
  const original = WasmEngine.fromCompiled(loadCoreModule(), compiled);
  const parts: Uint8Array[] = [];
  for (const json of flows) {
    try {
      parts.push(original.encodeRecords([decodeFlow(json)]));
    } catch {
      // a flow the bundle refuses, or an ad-hoc endpoint: no binary record
    }
  }
  const pods = Math.min(compiled.metadata.pods.length, 6);
  for (let s = 0; s <= pods; s++) for (let d = 0; d <= pods; d++) parts.push(podRecord(s, d));
  const records = new Uint8Array(parts.length * FLOW_RECORD_BYTES);
  parts.forEach((part, i) => records.set(part, i * FLOW_RECORD_BYTES));
  return { name, compiled, records };
}

function generatedBases(tiers: boolean, count: number, seed: number): Base[] {
  const objectsList = fc.sample(bundleObjectsArbitrary({ tiers }), { numRuns: count, seed });
  return objectsList.map((objects, i) => {
    const bundle = ingestObjects(objects).bundle!;
    const flows = fc.sample(flowArbitrary(bundle, objects, { tiers }), { numRuns: 20, seed: seed + i });
    return baseOf(`${tiers ? 'tiered' : 'plain'}#${i}`, bundle, flows);
  });
}

const DEMO_FILES = ['examples/demo-cluster.yaml', 'examples/article/5-ns1-from-ns3-tcp-80.yaml'];
const demoBundle = ingestSources(DEMO_FILES.map((name) => ({ name, text: read(name) }))).bundle!;
const DEMO_FLOWS = [
  { src: 'ns3/frontend', dst: 'ns1/web', port: 80 },
  { src: 'ns2/search', dst: 'ns1/web', port: 80 },
  { src: '10.1.3.10', dst: '10.1.1.20', port: 80 },
  { src: '203.0.113.7', dst: 'ns1/web', protocol: 'UDP', port: 80 },
  { src: 'ns1/web', dst: 'ns1/web', port: 80 },
];

const BASES: readonly Base[] = [
  baseOf('demo', demoBundle, DEMO_FLOWS),
  ...generatedBases(false, 8, SEED),
  ...generatedBases(true, 8, SEED + 1),
];

// ---------------------------------------------------------------------------------------------
// Mutations

type Value = { readonly set: number } | { readonly delta: number };
type Mutation =
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'flip'; readonly bits: readonly number[] }
  | { readonly kind: 'word'; readonly at: number; readonly value: Value }
  | { readonly kind: 'table'; readonly entry: number; readonly field: number; readonly value: Value }
  | { readonly kind: 'sectionCount'; readonly value: Value }
  | { readonly kind: 'section'; readonly id: number; readonly at: number; readonly value: Value };

const valueArbitrary: fc.Arbitrary<Value> = fc.oneof(
  fc.constantFrom(0, 1, 0xffffffff, 0xfffffffe, 0x80000000, 0x7fffffff).map((set) => ({ set })),
  fc.nat(64).map((set) => ({ set })),
  fc.integer({ min: 0, max: 0xffffffff }).map((set) => ({ set })),
  fc.integer({ min: -8, max: 8 }).filter((d) => d !== 0).map((delta) => ({ delta })),
  fc.constantFrom(-4, 4, -12, 12, 0x10000, 0x40000000).map((delta) => ({ delta })),
);

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), bits: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('word' as const), at: fc.nat(), value: valueArbitrary }),
  fc.record({ kind: fc.constant('table' as const), entry: fc.nat(SECTION_COUNT), field: fc.constantFrom(...Object.values(SECTION_ENTRY)), value: valueArbitrary }),
  fc.record({ kind: fc.constant('sectionCount' as const), value: valueArbitrary }),
  { arbitrary: fc.record({ kind: fc.constant('section' as const), id: fc.integer({ min: 1, max: SECTION_COUNT }), at: fc.nat(), value: valueArbitrary }), weight: 4 },
);

const apply = (original: number, value: Value): number => ('set' in value ? value.set : (original + value.delta) >>> 0);

/** The mutated copy; `fix` rewrites the length and checksum fields afterwards, as the writer does. */
function mutate(image: Uint8Array, mutations: readonly Mutation[], fix: boolean): Uint8Array {
  let bytes = image.slice();
  for (const m of mutations) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const setWord = (byte: number, value: Value) => {
      if (byte + 4 <= bytes.length) view.setUint32(byte, apply(view.getUint32(byte, true), value), true);
    };
    const wordCount = bytes.length >> 2;
    switch (m.kind) {
      case 'truncate':
        // Whole words when fixed (an odd length is refused before the checksum anyway).
        bytes = bytes.slice(0, fix ? (m.at % (wordCount + 1)) * 4 : m.at % (bytes.length + 1));
        break;
      case 'flip':
        for (const bit of m.bits) if (bytes.length > 0) bytes[(bit >> 3) % bytes.length]! ^= 1 << (bit & 7);
        break;
      case 'word':
        if (wordCount > 0) setWord((m.at % wordCount) * 4, m.value);
        break;
      case 'table':
        setWord(HEADER_BYTES + m.entry * SECTION_ENTRY_BYTES + m.field, m.value);
        break;
      case 'sectionCount':
        setWord(HEADER.SECTION_COUNT, m.value);
        break;
      case 'section': {
        const entry = findSection(bytes, m.id);
        if (entry && entry.length >= 4) setWord(entry.offset + (m.at % (entry.length >> 2)) * 4, m.value);
        break;
      }
    }
  }
  if (fix && bytes.length >= HEADER_BYTES && bytes.length % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setUint32(HEADER.LENGTH, bytes.length, true);
    view.setUint32(HEADER.CHECKSUM, checksumWords(words, CHECKSUM_FROM / 4), true);
  }
  return bytes;
}

/** The section's entry in the (unmutated part of the) table: offset and length in bytes. */
function findSection(bytes: Uint8Array, id: number): { offset: number; length: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = HEADER_BYTES + MAX_SECTIONS * SECTION_ENTRY_BYTES;
  for (let at = HEADER_BYTES; at + SECTION_ENTRY_BYTES <= bytes.length && at < end; at += SECTION_ENTRY_BYTES) {
    if (view.getUint32(at + SECTION_ENTRY.ID, true) !== id) continue;
    const offset = view.getUint32(at + SECTION_ENTRY.OFFSET, true);
    const length = view.getUint32(at + SECTION_ENTRY.LENGTH, true);
    return offset + length <= bytes.length && offset % 4 === 0 ? { offset, length } : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The property

type Outcome = 'refused' | 'loaded';
/** A RuntimeError (or anything but a refusal) while loading or deciding, or a decision too slow. */
class Failure extends Error {}

/** Per call of decideRecords: generous, but far below what a loop over corrupted counts would take. */
const budgetMs = (records: number) => 250 + 5 * records;

async function run(module: WebAssembly.Module, base: Base, bytes: Uint8Array): Promise<Outcome> {
  let engine: WasmEngine;
  try {
    engine = new WasmEngine(module, bytes, base.compiled.metadata);
  } catch (error) {
    if (error instanceof EngineError && /^image refused/.test(error.message)) return 'refused';
    throw new Failure(`load: ${describeError(error)}`);
  }
  const count = base.records.length / FLOW_RECORD_BYTES;
  for (let round = 0; round < 2; round++) {
    const started = performance.now();
    try {
      await engine.decideRecords(base.records);
    } catch (error) {
      throw new Failure(`decideRecords: ${describeError(error)}`);
    }
    const elapsed = performance.now() - started;
    if (elapsed > budgetMs(count)) throw new Failure(`decideRecords took ${elapsed.toFixed(0)} ms for ${count} records`);
  }
  return 'loaded';
}

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);

const caseArbitrary = fc.record({
  base: fc.nat(BASES.length - 1),
  mutations: fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }),
});

function reproduction(base: number, mutations: readonly Mutation[], fix: boolean): string {
  return `${BASES[base]!.name} (${BASES[base]!.compiled.image.length} bytes), fix=${fix}: ${JSON.stringify(mutations)}`;
}

async function fuzz(module: WebAssembly.Module, fix: boolean, numRuns: number, seed: number): Promise<Record<Outcome, number>> {
  const tally: Record<Outcome, number> = { refused: 0, loaded: 0 };
  await fc.assert(
    fc.asyncProperty(caseArbitrary, async ({ base, mutations }) => {
      const bytes = mutate(BASES[base]!.compiled.image, mutations, fix);
      try {
        tally[await run(module, BASES[base]!, bytes)]++;
      } catch (error) {
        if (error instanceof Failure) throw new Error(`${error.message}\n  ${reproduction(base, mutations, fix)}`);
        throw error;
      }
    }),
    { numRuns, seed },
  );
  return tally;
}

/** Thousands of core instances: 25-50 s on a loaded 2-core machine, well past the default 30 s. */
const FUZZ_TIMEOUT_MS = 120_000;

describe('the image loader under fuzzing', () => {
  it('every base image loads and answers, and the checksum fix-up leaves it unchanged', async () => {
    expect(BASES.length).toBe(17);
    for (const base of BASES) {
      const image = base.compiled.image;
      expect(Buffer.from(mutate(image, [], true)).equals(Buffer.from(image)), base.name).toBe(true);
      expect(await run(loadCoreModule(), base, image)).toBe('loaded');
      expect(await run(loadCoreModule('debug'), base, image)).toBe('loaded');
    }
  });

  it(`refuses raw mutations (stale checksum) with an EngineError (${RUNS} runs, release core)`, async () => {
    const tally = await fuzz(loadCoreModule(), false, RUNS, SEED);
    // A stale checksum: only a mutation that changes nothing (or cancels out) may load.
    expect(tally.refused).toBeGreaterThan(RUNS * 0.9);
  });

  it(`never traps or hangs on mutations with the checksum recomputed (${4 * RUNS} runs, release core)`, async () => {
    const tally = await fuzz(loadCoreModule(), true, 4 * RUNS, SEED + 2);
    console.log(`release core, checksum recomputed: ${JSON.stringify(tally)}`);
    expect(tally.refused).toBeGreaterThan(0);
    expect(tally.loaded).toBeGreaterThan(0);
  }, FUZZ_TIMEOUT_MS);

  it(`never traps or hangs on mutations with the checksum recomputed (${2 * RUNS} runs, debug core)`, async () => {
    const tally = await fuzz(loadCoreModule('debug'), true, 2 * RUNS, SEED + 3);
    console.log(`debug core, checksum recomputed: ${JSON.stringify(tally)}`);
  }, FUZZ_TIMEOUT_MS);

  // Regression: the loader once checked only NS_LABELS = namespaces x LABEL_WORDS, so with no
  // namespace any LABEL_WORDS passed and the core's allocate trapped in the WasmEngine constructor.
  // LABEL_WORDS is now checked against the highest selector bit the image uses.
  it('refuses an empty bundle\'s image with an absurd COUNTS[LABEL_WORDS] and a valid checksum', async () => {
    const empty = baseOf('empty', ingestObjects([]).bundle!, []);
    for (const build of ['release', 'debug'] as const) {
      const bytes = mutate(empty.compiled.image, [{ kind: 'section', id: SECTION.COUNTS, at: COUNT.LABEL_WORDS, value: { set: 0x100000 } }], true);
      expect(await run(loadCoreModule(build), empty, bytes), build).toBe('refused');
    }
  });
});
