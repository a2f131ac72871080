/**
 * @module Rows for the JavaScript side: ingest (objects to canonical bundle), the reference
 * evaluator's decisions per second, and the cost of decoding NDJSON flow lines. The reference is
 * the baseline every other engine's rows are compared with.
 */
import { decodeFlow } from '../src/flow/decode.js';
import { formatDiagnostic } from '../src/ingest/diagnostics.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { ReferenceEngine } from '../src/engine/reference-engine.js';
import type { FlowAddressing } from './generate.js';
import type { Row, RowProducer } from './rows.js';
import { medianNs, opsPerSecond } from './stats.js';

export const REFERENCE = 'reference';

/**
 * The reference is slow on big bundles (it scans every policy per side), so decisions are timed on
 * this many flows, cycled; every rate measurement is time-bounded besides.
 */
export const DECIDE_FLOWS = 256;

const ADDRESSINGS: readonly FlowAddressing[] = ['pod', 'ip'];

export const ingestProducer: RowProducer = {
  name: 'ingest',
  async produce(ctx) {
    const ns = await medianNs(() => {
      const result = ingestObjects(ctx.cluster.objects);
      // A bundle that fails to ingest would time the error path, not ingest.
      if (!result.bundle) throw new Error(`ingest failed: ${result.diagnostics.map(formatDiagnostic).join('; ')}`);
      return result.bundle;
    }, ctx.effort.heavy);
    return [{ size: ctx.size, metric: 'ingest', engine: REFERENCE, value: ns / 1e6, unit: 'ms' }];
  },
};

export const decideProducer: RowProducer = {
  name: 'reference decisions',
  async produce(ctx) {
    const engine = new ReferenceEngine(ctx.bundle);
    const rows: Row[] = [];
    for (const kind of ADDRESSINGS) {
      const flows = ctx.flows[kind].slice(0, DECIDE_FLOWS);
      const rate = await opsPerSecond((i) => engine.decide(flows[i % flows.length]!), ctx.effort.rate);
      rows.push({ size: ctx.size, metric: `decide-${kind}`, engine: REFERENCE, value: rate.opsPerSecond, unit: 'decisions/s' });
    }
    return rows;
  },
};

/** JSON.parse + decodeFlow per line: what `eval` and the batch API pay before any engine runs. */
export const decodeProducer: RowProducer = {
  name: 'NDJSON decoding',
  async produce(ctx) {
    const rows: Row[] = [];
    for (const kind of ADDRESSINGS) {
      const lines = ctx.ndjson[kind];
      const rate = await opsPerSecond((i) => decodeFlow(JSON.parse(lines[i % lines.length]!)), ctx.effort.rate);
      rows.push({ size: ctx.size, metric: `decode-ndjson-${kind}`, engine: 'js', value: rate.nsPerOp, unit: 'ns/flow' });
    }
    return rows;
  },
};

export const referenceProducers: readonly RowProducer[] = [ingestProducer, decideProducer, decodeProducer];

