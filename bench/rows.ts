/**
 * @module The benchmark's unit of output, a row `{size, metric, engine, value, unit}`, and the
 * producers that make rows. Every engine contributes rows through producers (`reference.ts` for the
 * reference evaluator; a WASM engine adds its own list), and run.ts prints them as one table or
 * one JSON array.
 */
import type { Bundle } from '../src/model/bundle.js';
import type { Flow } from '../src/model/flow.js';
import type { FlowAddressing, GeneratedCluster, SizeName } from './generate.js';
import type { RateOptions, SampleOptions } from './stats.js';

export interface Row {
  readonly size: SizeName;
  /** What is measured, e.g. `ingest`, `decide-pod`, `decode-ndjson-ip`; shared across engines. */
  readonly metric: string;
  /** Who is measured: `reference`, `wasm`, ... */
  readonly engine: string;
  /** The median of the samples. */
  readonly value: number;
  /** `ms`, `decisions/s`, `ns/flow`, `bytes`, `x` (a ratio) ... */
  readonly unit: string;
}

/** How hard to try: per size and per `--quick`, set by run.ts. */
export interface Effort {
  /** Whole-operation measurements (ingest, compile, load). */
  readonly heavy: SampleOptions;
  /** Per-operation rates (decisions, decoding). */
  readonly rate: RateOptions;
}

/** Everything a producer needs for one size, built once by run.ts before the producers run. */
export interface BenchContext {
  readonly size: SizeName;
  readonly quick: boolean;
  /** The seed the cluster and flows were generated with (a producer in a child process generates them again). */
  readonly seed: number;
  readonly effort: Effort;
  readonly cluster: GeneratedCluster;
  /** The canonical bundle of `cluster.objects`. */
  readonly bundle: Bundle;
  /** Sampled flows by addressing; the same flows for every engine. */
  readonly flows: Readonly<Record<FlowAddressing, readonly Flow[]>>;
  /** The same flows as NDJSON lines (no trailing newline). */
  readonly ndjson: Readonly<Record<FlowAddressing, readonly string[]>>;
  /** Progress and notes, to stderr (stdout is reserved for the table or the JSON). */
  log(message: string): void;
}

/**
 * Makes rows for one size. `earlier` holds the rows already made for this size, so that a producer
 * can derive from them (a speed-up ratio against the reference, say). An engine adds its own, e.g.
 *
 *   { name: 'wasm compile', produce: async (ctx) => [{ size: ctx.size, metric: 'compile',
 *       engine: 'wasm', unit: 'ms', value: (await medianNs(() => compile(ctx.bundle), ctx.effort.heavy)) / 1e6 }] }
 *   { name: 'wasm vs reference', produce: (ctx, earlier) =>
 *       ['decide-pod', 'decide-ip'].flatMap((m) => ratioRow(earlier, ctx.size, m, 'wasm') ?? []) }
 *
 * and lists them after the reference's in run.ts's PRODUCERS.
 */
export interface RowProducer {
  readonly name: string;
  produce(ctx: BenchContext, earlier: readonly Row[]): Row[] | Promise<Row[]>;
}

/**
 * A `x` row: `engine`'s value of `metric` over the baseline engine's, at one size (for rates,
 * above 1 means faster). Undefined when either row is missing.
 */
export function ratioRow(
  rows: readonly Row[],
  size: SizeName,
  metric: string,
  engine: string,
  baseline = 'reference',
): Row | undefined {
  const find = (e: string): Row | undefined => rows.find((r) => r.size === size && r.metric === metric && r.engine === e);
  const a = find(engine);
  const b = find(baseline);
  if (!a || !b || b.value === 0) return undefined;
  return { size, metric: `${metric}-vs-${baseline}`, engine, value: a.value / b.value, unit: 'x' };
}

/** Rows as a markdown table: one line per metric and engine (first-seen order), one column per size. */
export function markdownTable(rows: readonly Row[], sizes: readonly SizeName[]): string {
  const lines = new Map<string, { metric: string; engine: string; unit: string; values: Map<SizeName, number> }>();
  for (const row of rows) {
    const key = `${row.metric}\u0000${row.engine}\u0000${row.unit}`;
    let line = lines.get(key);
    if (!line) lines.set(key, (line = { metric: row.metric, engine: row.engine, unit: row.unit, values: new Map() }));
    line.values.set(row.size, row.value);
  }
  const header = ['metric', 'engine', 'unit', ...sizes];
  const body = [...lines.values()].map((line) => [
    line.metric,
    line.engine,
    line.unit,
    ...sizes.map((size) => (line.values.has(size) ? formatValue(line.values.get(size)!) : '-')),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const numeric = header.map((_, i) => i >= 3);
  const render = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [render(header), rule, ...body.map(render)].join('\n');
}

/** Three significant digits, thousands separated: 1,234,000 / 12.3 / 0.0123. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, 2 - magnitude);
  const rounded = Number(value.toPrecision(3));
  return rounded.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
