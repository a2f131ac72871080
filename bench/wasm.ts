/**
 * @module Rows for the WASM engine: compile time, image size, image load time, decisions per second
 * per flow and in batches (binary records, one core, no crossing per flow), the speed-up over the
 * reference measured in the same run, and the end-to-end cost per flow of the NDJSON and binary
 * batch formats. `batch-*` repeats the 1,000 sampled flows, as logs repeat conversations, so the
 * core's verdict cache answers most of them; `batch-*-distinct` decides 65,536 flows sampled anew,
 * few of them repeated: what deciding costs when the cache does not help.
 */
import { compileBundle } from '../src/compile/compile.js';
import { VERDICT_RECORD_BYTES } from '../src/compile/layout.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { answerLines } from '../src/format/verdict.js';
import type { Bundle } from '../src/model/bundle.js';
import type { Flow } from '../src/model/flow.js';
import { sampleFlows, type FlowAddressing } from './generate.js';
import { ratioRow, type Row, type RowProducer } from './rows.js';
import { medianNs, opsPerSecond, type RateOptions } from './stats.js';

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
 * Decisions per second of one engine over BATCH_FLOWS records, into one verdict buffer reused from
 * call to call as a batch consumer would (the e2e-binary rows keep the allocating call).
 */
export async function batchRate(engine: WasmEngine, records: Uint8Array, options: RateOptions): Promise<number> {
  const verdicts = new Uint8Array(BATCH_FLOWS * VERDICT_RECORD_BYTES);
  const batch = await opsPerSecond(() => engine.decideRecordsInto(records, verdicts), options);
  const expected = await engine.decideRecords(records);
  if (!Buffer.from(verdicts).equals(Buffer.from(expected))) throw new Error('the reused verdict buffer differs from a fresh answer');
  return batch.opsPerSecond * BATCH_FLOWS;
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

      // Binary records in, verdict records out: the batch path.
      const batch = await batchRate(engine, batchRecords(engine, flows), ctx.effort.rate);
      rows.push({ size: ctx.size, metric: `batch-${kind}`, engine: WASM, value: batch, unit: 'decisions/s' });
      const distinct = await batchRate(engine, engine.encodeRecords(distinctFlows(ctx.bundle, kind)), ctx.effort.rate);
      rows.push({ size: ctx.size, metric: `batch-${kind}-distinct`, engine: WASM, value: distinct, unit: 'decisions/s' });
    }
    // Issue 14's target: IP-addressed flows within 85% of pod-addressed ones.
    for (const suffix of ['', '-distinct']) {
      const pod = rows.find((r) => r.metric === `batch-pod${suffix}`)!;
      const ip = rows.find((r) => r.metric === `batch-ip${suffix}`)!;
      rows.push({ size: ctx.size, metric: `batch-ip${suffix}-vs-batch-pod${suffix}`, engine: WASM, value: ip.value / pod.value, unit: 'x' });
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
    for (const kind of ADDRESSINGS) {
      const lines = ctx.ndjson[kind].map((text, i) => ({ number: i + 1, text }));
      const ndjson = await opsPerSecond(() => answerLines(lines, engine, { explain: false }), ctx.effort.rate);
      rows.push({ size: ctx.size, metric: `e2e-ndjson-${kind}`, engine: WASM, value: ndjson.nsPerOp / lines.length, unit: 'ns/flow' });
      const records = engine.encodeRecords(ctx.flows[kind]);
      const binary = await opsPerSecond(() => engine.decideRecords(records), ctx.effort.rate);
      rows.push({ size: ctx.size, metric: `e2e-binary-${kind}`, engine: WASM, value: binary.nsPerOp / lines.length, unit: 'ns/flow' });
    }
    return rows;
  },
};

export const wasmProducers: readonly RowProducer[] = [wasmBuildProducer, wasmDecideProducer, wasmFormatProducer];
