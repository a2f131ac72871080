/**
 * @module Rows for flow-log replay in local mode: flows per second through the whole pipeline
 * (bytes -> lines -> records -> WASM batch -> report) for CSV, AWS VPC and Hubble JSON logs made
 * from the same sampled flows, on one core; and baseline replay (each flow read once, decided by
 * two engines, the change report and rule hits kept) for CSV and Hubble, with its cost against the
 * single replay measured in the same run (the target: at most 2x, i.e. a ratio of at least 0.5).
 */
import { compileBundle } from '../src/compile/compile.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import type { EndpointSpec, Flow } from '../src/model/flow.js';
import { replayAgainstBaseline, sideBySide } from '../src/replay/baseline.js';
import { BaselineSummary } from '../src/replay/baseline-summary.js';
import { EndpointDirectory, replay, type ReplayInput } from '../src/replay/replay.js';
import { RuleHits } from '../src/replay/rule-hits.js';
import { ReplaySummary } from '../src/replay/summary.js';
import type { Row, RowProducer } from './rows.js';
import { median } from './stats.js';

const PROTOCOL_NUMBER = { TCP: 6, UDP: 17, SCTP: 132 } as const;
/** Flows per timed replay: each run reads a log this long, made by repeating the sample. */
const LOG_FLOWS = 200_000;
const CHUNK_BYTES = 64 * 1024;

const ref = (spec: EndpointSpec): string => (spec.kind === 'ref' ? spec.ref : spec.kind === 'ip' ? spec.ip : `${spec.pod.namespace}/adhoc`);

function csvLog(flows: readonly Flow[]): string[] {
  return ['src,dst,protocol,port,verdict', ...flows.map((f) => `${ref(f.src)},${ref(f.dst)},${f.protocol},${f.port},allowed`)];
}

/** The default version-2 format, addresses only (VPC logs know no pod names). */
function vpcLog(flows: readonly Flow[], ipOf: (spec: EndpointSpec) => string | undefined): string[] {
  const header = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
  const lines = flows.flatMap((f) => {
    const src = ipOf(f.src);
    const dst = ipOf(f.dst);
    if (!src || !dst) return [];
    return [`2 123456789012 eni-0a1b2c3d ${src} ${dst} 49152 ${f.port} ${PROTOCOL_NUMBER[f.protocol]} 10 840 1700000000 1700000060 ACCEPT OK`];
  });
  return [header, ...lines];
}

function hubbleLog(flows: readonly Flow[], ipOf: (spec: EndpointSpec) => string | undefined): string[] {
  const end = (spec: EndpointSpec) => {
    if (spec.kind !== 'ref') return {};
    const [namespace, pod] = spec.ref.split('/');
    return { namespace, pod_name: pod, labels: [`k8s:io.kubernetes.pod.namespace=${namespace}`] };
  };
  return flows.flatMap((f) => {
    const src = ipOf(f.src);
    const dst = ipOf(f.dst);
    if (!src || !dst) return [];
    const flow = {
      time: '2026-11-26T00:00:00Z',
      verdict: 'FORWARDED',
      IP: { source: src, destination: dst, ipVersion: src.includes(':') ? 'IPv6' : 'IPv4' },
      l4: { [f.protocol]: { source_port: 49152, destination_port: f.port } },
      source: end(f.src),
      destination: end(f.dst),
      Type: 'L3_L4',
      is_reply: false,
      traffic_direction: 'EGRESS',
    };
    return [JSON.stringify({ flow, node_name: 'node-1', time: flow.time })];
  });
}

/** `lines` repeated (header once) until `count` records, as chunks of bytes (made before timing). */
function chunks(lines: readonly string[], count: number, header: boolean): Uint8Array[] {
  const out: Uint8Array[] = [];
  const encoder = new TextEncoder();
  const body = header ? lines.slice(1) : lines;
  let text = header ? `${lines[0]}\n` : '';
  for (let i = 0; i < count; i++) {
    text += `${body[i % body.length]}\n`;
    if (text.length >= CHUNK_BYTES) {
      out.push(encoder.encode(text));
      text = '';
    }
  }
  if (text) out.push(encoder.encode(text));
  return out;
}

async function* asAsync(source: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* source;
}

export const replayProducer: RowProducer = {
  name: 'replay (local)',
  async produce(ctx) {
    const engine = new WasmEngine(loadCoreModule(), compileBundle(ctx.bundle).image);
    const directory = new EndpointDirectory(ctx.bundle);
    const podIP = new Map(ctx.bundle.pods.filter((p) => p.ips[0]).map((p) => [p.ref, p.ips[0]!]));
    const ipOf = (spec: EndpointSpec): string | undefined =>
      spec.kind === 'ip' ? spec.ip : spec.kind === 'ref' ? podIP.get(spec.ref) : undefined;
    const flows = ctx.flows.pod;
    const logs: [string, string[], boolean][] = [
      ['csv', csvLog(flows), true],
      ['vpc', vpcLog(flows, ipOf), true],
      ['hubble', hubbleLog(flows, ipOf), false],
    ];
    // The baseline: a second engine of its own (same bundle), so that both decide every flow in full.
    const baselineEngine = new WasmEngine(loadCoreModule(), compileBundle(ctx.bundle).image);
    const pair = sideBySide(engine, baselineEngine);
    const single = async (input: ReplayInput): Promise<number> => {
      const summary = new ReplaySummary();
      await replay([input], { engine, directory, summary });
      if (summary.totals.judged === 0) throw new Error(`replay of ${input.name} judged nothing`);
      return summary.totals.records;
    };
    const compared = async (input: ReplayInput): Promise<number> => {
      const summary = new BaselineSummary();
      await replayAgainstBaseline([input], { decider: pair, directory, summary, rules: new RuleHits() });
      if (summary.totals.judged === 0) throw new Error(`baseline replay of ${input.name} judged nothing`);
      return summary.totals.records;
    };
    const rows: Row[] = [];
    for (const [format, lines, header] of logs) {
      const log = chunks(lines, LOG_FLOWS, header);
      const modes: [string, (input: ReplayInput) => Promise<number>][] = [[`replay-${format}`, single]];
      if (format !== 'vpc') modes.push([`replay-${format}-baseline`, compared]);
      for (const [metric, run] of modes) {
        const rates: number[] = [];
        // The first run warms the JIT up and is not counted.
        for (let i = 0; i <= (ctx.quick ? 2 : 4); i++) {
          const started = performance.now();
          const records = await run({ name: format, bytes: asAsync(log) });
          if (i > 0) rates.push(records / ((performance.now() - started) / 1000));
        }
        rows.push({ size: ctx.size, metric, engine: 'wasm', value: median(rates), unit: 'flows/s' });
      }
      if (format !== 'vpc') {
        // Baseline replay's rate over the single replay's, both from this run: 0.5 is "2x the cost".
        const rate = (metric: string): number => rows.find((r) => r.metric === metric)!.value;
        const value = rate(`replay-${format}-baseline`) / rate(`replay-${format}`);
        rows.push({ size: ctx.size, metric: `replay-${format}-baseline-vs-single`, engine: 'wasm', value, unit: 'x' });
      }
    }
    return rows;
  },
};
