/**
 * @module Rows for the WASM engine: compile time, image size, image load time, decisions per second
 * per flow and in batches (binary records, one core, no crossing per flow), the speed-up over the
 * reference measured in the same run, and the end-to-end cost per flow of the NDJSON (bytes in,
 * verdict text out; and from lines already decoded) and binary batch formats. `batch-*` repeats
 * the 1,000 sampled flows, as logs repeat conversations, so the core's verdict cache answers most
 * of them; `batch-*-distinct` decides 65,536 flows sampled anew,
 * few of them repeated: what deciding costs when the cache does not help.
 */
import { compileBundle } from '../src/compile/compile.js';
import { VERDICT_RECORD_BYTES } from '../src/compile/layout.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { answerLines, answerNDJSON, answerNDJSONEncoded } from '../src/format/verdict.js';
import type { Bundle } from '../src/model/bundle.js';
import type { Flow } from '../src/model/flow.js';
import { sampleFlows, type FlowAddressing } from './generate.js';
import { ratioRow, type Row, type RowProducer } from './rows.js';
import { interleavedRates, medianNs, opsPerSecond, type RateOptions } from './stats.js';

const WASM = 'wasm';
const ADDRESSINGS: readonly FlowAddressing[] = ['pod', 'ip'];
/** Flow records per timed batch call: big enough that call overhead vanishes. */
export const BATCH_FLOWS = 65_536;
/** The seed of the distinct flows: another draw than the context's 1,000. */
const DISTINCT_SEED = 0x5eed;

/** BATCH_FLOWS flow records: `flows` encoded, repeated in order until the batch is full. */
export function batchRecords(engine: WasmEngine, flows: readonly Flow[]): Uint8Array {
  const once = engine.encodeRecords(flows);
  const records = new Uint8Array(BATCH_FLOWS * (once.length / flows.length));
  for (let at = 0; at < records.length; at += once.length) records.set(once.subarray(0, Math.min(once.length, records.length - at)), at);
  return records;
}

/** BATCH_FLOWS flows sampled anew (few repeats): what the verdict cache cannot answer. */
export function distinctFlows(bundle: Bundle, kind: FlowAddressing): Flow[] {
  return sampleFlows(bundle, BATCH_FLOWS, kind, DISTINCT_SEED);
}

/**
 * Decisions per second of engines, each over its BATCH_FLOWS records, into one verdict buffer each,
 * reused from call to call as a batch consumer would (the e2e-binary rows keep the allocating
 * call); timed in turns (interleavedRates), so that a ratio of two is not the machine's drift
 * between two measurements made apart.
 */
export async function interleavedBatchRates(batches: Readonly<Record<string, { engine: WasmEngine; records: Uint8Array }>>, options: RateOptions): Promise<Record<string, number>> {
  const entries = Object.entries(batches).map(([name, batch]) => ({ name, ...batch, verdicts: new Uint8Array(BATCH_FLOWS * VERDICT_RECORD_BYTES) }));
  const rates = await interleavedRates(Object.fromEntries(entries.map((e) => [e.name, () => e.engine.decideRecordsInto(e.records, e.verdicts)])), options);
  for (const e of entries) await checkReusedVerdicts(e.engine, e.records, e.verdicts);
  return Object.fromEntries(entries.map((e) => [e.name, rates[e.name]!.opsPerSecond * BATCH_FLOWS]));
}

async function checkReusedVerdicts(engine: WasmEngine, records: Uint8Array, verdicts: Uint8Array): Promise<void> {
  const expected = await engine.decideRecords(records);
  if (!Buffer.from(verdicts).equals(Buffer.from(expected))) throw new Error('the reused verdict buffer differs from a fresh answer');
}

const engines = new WeakMap<object, WasmEngine>();

export const wasmBuildProducer: RowProducer = {
  name: 'wasm compile and load',
  async produce(ctx) {
    const module = loadCoreModule();
    let compiled = compileBundle(ctx.bundle);
    const compileNs = await medianNs(() => (compiled = compileBundle(ctx.bundle)), ctx.effort.heavy);
    const loadNs = await medianNs(() => new WasmEngine(module, compiled.image, compiled.metadata), ctx.effort.heavy);
    engines.set(ctx.bundle, WasmEngine.fromCompiled(module, compiled));
    return [
      { size: ctx.size, metric: 'compile', engine: WASM, value: compileNs / 1e6, unit: 'ms' },
      { size: ctx.size, metric: 'image-size', engine: WASM, value: compiled.image.length / 1e6, unit: 'MB' },
      { size: ctx.size, metric: 'load', engine: WASM, value: loadNs / 1e6, unit: 'ms' },
    ];
  },
};

export const wasmDecideProducer: RowProducer = {
  name: 'wasm decisions',
  async produce(ctx, earlier) {
    const engine = engines.get(ctx.bundle)!;
    const rows: Row[] = [];
    for (const kind of ADDRESSINGS) {
      const flows = ctx.flows[kind];
      // One flow per call, its verdict: the sidecar's path.
      const single = await opsPerSecond((i) => engine.decide(flows[i % flows.length]!), ctx.effort.rate);
      rows.push({ size: ctx.size, metric: `decide-${kind}`, engine: WASM, value: single.opsPerSecond, unit: 'decisions/s' });
    }
    // Binary records in, verdict records out: the batch path, repeated flows then distinct ones,
    // pod- and IP-addressed timed in turns for issue 14's target (IP within 85% of pod).
    const records = {
      '': (kind: FlowAddressing) => batchRecords(engine, ctx.flows[kind]),
      '-distinct': (kind: FlowAddressing) => engine.encodeRecords(distinctFlows(ctx.bundle, kind)),
    };
    for (const [suffix, recordsOf] of Object.entries(records)) {
      const rates = await interleavedBatchRates(Object.fromEntries(ADDRESSINGS.map((kind) => [kind, { engine, records: recordsOf(kind) }])), ctx.effort.rate);
      for (const kind of ADDRESSINGS) rows.push({ size: ctx.size, metric: `batch-${kind}${suffix}`, engine: WASM, value: rates[kind]!, unit: 'decisions/s' });
      rows.push({ size: ctx.size, metric: `batch-ip${suffix}-vs-batch-pod${suffix}`, engine: WASM, value: rates.ip! / rates.pod!, unit: 'x' });
    }
    for (const kind of ADDRESSINGS) {
      const perFlow = ratioRow([...earlier, ...rows], ctx.size, `decide-${kind}`, WASM);
      if (perFlow) rows.push(perFlow);
      const reference = earlier.find((r) => r.metric === `decide-${kind}` && r.engine === 'reference');
      const batch = rows.find((r) => r.metric === `batch-${kind}`)!;
      if (reference) {
        rows.push({ size: ctx.size, metric: `batch-${kind}-vs-reference`, engine: WASM, value: batch.value / reference.value, unit: 'x' });
      }
    }
    return rows;
  },
};

/** What one flow costs through each batch format, from request bytes to verdicts. */
export const wasmFormatProducer: RowProducer = {
  name: 'batch formats end to end',
  async produce(ctx) {
    const engine = engines.get(ctx.bundle)!;
    const rows: Row[] = [];
    // Bytes in (64-KiB chunks, as a file or a request body arrives), verdict text out: eval's and the
    // batch route's work. Pod and IP bodies are timed in turns: timed one after the other, the first
    // paid for the warm-up and the other for the garbage, and the two rows swapped places between runs.
    const bodies = Object.fromEntries(ADDRESSINGS.map((kind) => [kind, new TextEncoder().encode(`${ctx.ndjson[kind].join('\n')}\n`)]));
    const ndjson = await interleavedRates(
      Object.fromEntries(ADDRESSINGS.map((kind) => [kind, () => answerBody(bodies[kind]!, engine)])),
      ctx.effort.rate,
    );
    for (const kind of ADDRESSINGS) {
      const lines = ctx.ndjson[kind].map((text, i) => ({ number: i + 1, text }));
      rows.push({ size: ctx.size, metric: `e2e-ndjson-${kind}`, engine: WASM, value: ndjson[kind]!.nsPerOp / lines.length, unit: 'ns/flow' });
      // The same lines already split and decoded into strings (answerLines, what the row measured before).
      const strings = await opsPerSecond(() => answerLines(lines, engine, { explain: false }), ctx.effort.rate);
      rows.push({ size: ctx.size, metric: `e2e-ndjson-lines-${kind}`, engine: WASM, value: strings.nsPerOp / lines.length, unit: 'ns/flow' });
      const records = engine.encodeRecords(ctx.flows[kind]);
      const binary = await opsPerSecond(() => engine.decideRecords(records), ctx.effort.rate);
      rows.push({ size: ctx.size, metric: `e2e-binary-${kind}`, engine: WASM, value: binary.nsPerOp / lines.length, unit: 'ns/flow' });
    }
    return rows;
  },
};

const CHUNK_BYTES = 64 * 1024;
const NDJSON_LIMITS = { maxLineBytes: 64 * 1024, batchLines: 1024 };

/** answerNDJSON over `body` cut into CHUNK_BYTES chunks: the verdict texts it yields (bench/ndjson-cpu.ts times it too). */
export async function answerBody(body: Uint8Array, engine: WasmEngine): Promise<string[]> {
  const texts: string[] = [];
  for await (const text of answerNDJSON(chunksOf(body), engine, { explain: false }, NDJSON_LIMITS)) texts.push(text);
  return texts;
}

/** answerBody's verdicts as the batch API makes them (answerNDJSONEncoded: bytes per chunk); bench/ndjson-cpu.ts times it. */
export async function answerBodyBytes(body: Uint8Array, engine: WasmEngine): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const bytes of answerNDJSONEncoded(chunksOf(body), engine, { explain: false }, NDJSON_LIMITS)) out.push(bytes);
  return out;
}

async function* chunksOf(body: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < body.length; at += CHUNK_BYTES) yield body.subarray(at, at + CHUNK_BYTES);
}

export const wasmProducers: readonly RowProducer[] = [wasmBuildProducer, wasmDecideProducer, wasmFormatProducer];
