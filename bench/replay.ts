/**
 * @module Rows for flow-log replay in local mode: flows per second through the whole pipeline
 * (bytes -> lines -> records -> WASM batch -> report) for CSV, AWS VPC and Hubble JSON logs made
 * from the same sampled flows, on one core: plain, gzip-compressed (in alternating runs, with the
 * median ratio to plain; inflating runs on libuv's thread pool, overlapped with replay), and
 * in the shape real logs have (Zipf-distributed conversations, verdicts reused as `replay` does);
 * baseline replay (each flow read once, decided by two engines, the change report and rule hits
 * kept) for CSV and Hubble, with its cost against the single replay measured in the same run (the
 * target: at most 2x, a ratio of at least 0.5); then the peak RSS of a long replay, on one thread
 * and on two (--jobs 2), measured in a child process (replay-rss.ts); and the peak RSS of the real
 * CLI replaying such a log from a file, with --jobs 1 (its default) and --jobs 2 (replay-cli-rss.ts),
 * and its wall time on that file plain and gzip-compressed.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { compileBundle } from '../src/compile/compile.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import type { Engine } from '../src/engine/engine.js';
import { replayAgainstBaseline, sideBySide } from '../src/replay/baseline.js';
import { BaselineSummary } from '../src/replay/baseline-summary.js';
import { EndpointDirectory } from '../src/replay/endpoint-directory.js';
import { replay } from '../src/replay/replay.js';
import { RuleHits } from '../src/replay/rule-hits.js';
import { ReplaySummary } from '../src/replay/summary.js';
import { VerdictCache } from '../src/replay/verdict-cache.js';
import { addressOf, csvLog, hubbleLog, logChunks, logText, vpcLog, zipfConversations, zipfText, type LogLines } from './flow-logs.js';
import { buildCliOnce, canReadPeakRss, cliReplayPeak, writeCliReplayFiles, type CliReplayFiles } from './replay-cli-rss.js';
import type { BenchContext, Row, RowProducer } from './rows.js';
import { median } from './stats.js';

/**
 * Untimed replays before the timed ones. Each replay makes fresh tables and objects, and V8 keeps
 * deoptimizing and optimizing the replay path again over the first few (`--trace-deopt`: wrong
 * map, wrong call target, not a Smi, until about the fourth 200,000-flow run of a row); timed
 * after one, VPC ran anywhere from 0.5M to 1.6M flows per CPU second. The rows are the
 * pipeline's steady rate, as a long log sees it.
 */
export const WARMUP_RUNS = 3;
const timedRuns = (ctx: BenchContext): number => (ctx.quick ? 2 : 4);
/** Flows per timed replay: each run reads a log this long, made by repeating the sample. */
const LOG_FLOWS = 200_000;
/**
 * The realistic shape, issue 14's example: 10M flows over 50,000 distinct conversations (zipfConversations),
 * quick or not. A shorter log weighs each conversation's first sighting (decided, listed, its texts
 * resolved) many times more: at 500,000 flows, about 47,000 of them cost half the run.
 */
const ZIPF_FLOWS = 10_000_000;
/** A 10M-flow run holds the first runs' deoptimizing within its first second: one untimed run is enough. */
const ZIPF_WARMUP_RUNS = 1;
/** The long replay whose peak RSS is reported. */
const RSS_FLOWS = { full: 10_000_000, quick: 2_000_000 };

async function* asAsync(source: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* source;
}

/** Replays `log` once; the records read. */
async function replayOnce(name: string, log: readonly Uint8Array[], engine: Engine, directory: EndpointDirectory): Promise<number> {
  const summary = new ReplaySummary();
  await replay([{ name, bytes: asAsync(log) }], { engine, directory, summary });
  if (summary.totals.judged === 0) throw new Error(`replay of ${name} judged nothing`);
  return summary.totals.records;
}

/** Median flows/s of replaying `log` (the first `warmups` are not counted). */
async function replayRate(ctx: BenchContext, name: string, log: readonly Uint8Array[], engine: () => Engine, directory: EndpointDirectory, warmups = WARMUP_RUNS): Promise<number> {
  return medianRate(ctx, () => replayOnce(name, log, engine(), directory), warmups);
}

/**
 * Plain and gzip replays of the same log in alternating runs (the first WARMUP_RUNS pairs untimed), so that a
 * busy moment of the machine falls on both alike: the median rate of each, and the median of the
 * pairs' ratios (gzip over plain). The gzip side inflates on libuv's thread pool, ahead of the
 * reader (gzip.ts): on two cores its rate is the pipeline's with inflating overlapped, not one core's.
 */
async function plainAndGzipRates(ctx: BenchContext, log: LogLines, engine: Engine, directory: EndpointDirectory): Promise<{ plain: number; gzip: number; ratio: number }> {
  const text = [...logText(log, LOG_FLOWS)];
  const inputs = { plain: logChunks(text), gzip: logChunks(text, true) };
  const rates = { plain: [] as number[], gzip: [] as number[] };
  const ratios: number[] = [];
  for (let i = 0; i < WARMUP_RUNS + timedRuns(ctx); i++) {
    for (const kind of ['plain', 'gzip'] as const) {
      const started = performance.now();
      const records = await replayOnce(log.format, inputs[kind], engine, directory);
      if (i >= WARMUP_RUNS) rates[kind].push(records / ((performance.now() - started) / 1000));
    }
    if (i >= WARMUP_RUNS) ratios.push(rates.gzip.at(-1)! / rates.plain.at(-1)!);
  }
  return { plain: median(rates.plain), gzip: median(rates.gzip), ratio: median(ratios) };
}

/** The same for a baseline replay: every flow decided by `next` and by `baseline`. */
async function baselineRate(ctx: BenchContext, name: string, log: readonly Uint8Array[], next: Engine, baseline: Engine, directory: EndpointDirectory): Promise<number> {
  return medianRate(ctx, async () => {
    const summary = new BaselineSummary();
    await replayAgainstBaseline([{ name, bytes: asAsync(log) }], { decider: sideBySide(next, baseline), directory, summary, rules: new RuleHits() });
    if (summary.totals.judged === 0) throw new Error(`baseline replay of ${name} judged nothing`);
    return summary.totals.records;
  });
}

/** Median records/s of `run` (the first `warmups` are not counted). */
async function medianRate(ctx: BenchContext, run: () => Promise<number>, warmups = WARMUP_RUNS): Promise<number> {
  const rates: number[] = [];
  for (let i = 0; i < warmups + timedRuns(ctx); i++) {
    const started = performance.now();
    const records = await run();
    if (i >= warmups) rates.push(records / ((performance.now() - started) / 1000));
  }
  return median(rates);
}

export const replayProducer: RowProducer = {
  name: 'replay (local)',
  async produce(ctx) {
    const engine = new WasmEngine(loadCoreModule(), compileBundle(ctx.bundle).image);
    const directory = new EndpointDirectory(ctx.bundle);
    const ipOf = addressOf(ctx.bundle);
    const direct = (): Engine => engine;
    const flows = ctx.flows.pod;
    const logs: LogLines[] = [csvLog(flows), vpcLog(flows, ipOf), hubbleLog(flows, ipOf)];
    const rows: Row[] = [];
    const row = (metric: string, value: number, unit = 'flows/s'): void => {
      rows.push({ size: ctx.size, metric, engine: 'wasm', value, unit });
    };
    // The baseline: a second engine of its own (same bundle), so that both decide every flow in full.
    const baselineEngine = new WasmEngine(loadCoreModule(), compileBundle(ctx.bundle).image);
    // Every flow decided by the core: the reading pipeline's own rate.
    for (const log of logs) {
      const { plain, gzip, ratio } = await plainAndGzipRates(ctx, log, engine, directory);
      row(`replay-${log.format}`, plain);
      row(`replay-${log.format}-gzip`, gzip);
      row(`replay-${log.format}-gzip-vs-plain`, ratio, 'x');
      if (log.format === 'vpc') continue;
      const compared = await baselineRate(ctx, log.format, logChunks(logText(log, LOG_FLOWS)), engine, baselineEngine, directory);
      row(`replay-${log.format}-baseline`, compared);
      // Baseline replay's rate over the single replay's, both from this run: 0.5 is "2x the cost".
      row(`replay-${log.format}-baseline-vs-single`, compared / plain, 'x');
    }
    // Real logs' shape, verdicts reused for repeated conversations (what `replay` does locally).
    const conversations = zipfConversations(ctx.bundle);
    for (const log of [csvLog(conversations), vpcLog(conversations, ipOf)]) {
      const chunks = logChunks(zipfText(log, ZIPF_FLOWS));
      const cached = await replayRate(ctx, log.format, chunks, () => new VerdictCache(direct()), directory, ZIPF_WARMUP_RUNS);
      row(`replay-${log.format}-zipf`, cached);
    }
    // One thread (the CLI's default), then as `replay --jobs 2` (this thread and a worker).
    for (const jobs of [1, 2]) rows.push(peakRss(ctx, RSS_FLOWS[ctx.quick ? 'quick' : 'full'], jobs));
    rows.push(...(await cliPeakRss(ctx, RSS_FLOWS[ctx.quick ? 'quick' : 'full'])));
    return rows;
  },
};

/** Peak RSS of a Zipf CSV replay of `flows` flows on `jobs` threads, in a fresh process (replay-rss.ts). */
function peakRss(ctx: BenchContext, flows: number, jobs: number): Row {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'replay-rss.ts'), ctx.size, String(flows), String(jobs)], {
    cwd: join(import.meta.dirname, '..'),
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`replay-rss.ts failed (${child.status}): ${child.stderr}`);
  const result = JSON.parse(child.stdout) as { peakRssMiB: number; setupRssMiB: number; flowsPerSecond: number; records: number };
  if (result.records !== flows) throw new Error(`replay-rss.ts replayed ${result.records} of ${flows} flows`);
  ctx.log(`replay of ${flows.toLocaleString('en-US')} Zipf CSV flows on ${jobs} thread(s): peak RSS ${result.peakRssMiB.toFixed(0)} MiB while replaying (${result.setupRssMiB.toFixed(0)} MiB before), ${(result.flowsPerSecond / 1e6).toFixed(2)}M flows/s`);
  const metric = jobs === 1 ? `replay-peak-rss-${flows / 1e6}M` : `replay-peak-rss-jobs${jobs}-${flows / 1e6}M`;
  return { size: ctx.size, metric, engine: 'wasm', value: result.peakRssMiB, unit: 'MiB' };
}

/**
 * Peak RSS of the built CLI's `node dist/netpol-edge.js replay` on a log of `flows` Zipf CSV flows written to disk
 * once (then removed): with --jobs 1 (the default) and --jobs 2, as a user runs it; then the same
 * log plain and gzip-compressed, alternately (cliGzipRows).
 */
async function cliPeakRss(ctx: BenchContext, flows: number): Promise<Row[]> {
  if (!canReadPeakRss()) {
    ctx.log('replay CLI peak RSS: no /proc here, rows left out');
    return [];
  }
  // The rows measure the CLI an installed package runs (package.json's bin): build it from this tree first.
  buildCliOnce();
  const files = await writeCliReplayFiles(ctx.cluster, ctx.bundle, flows);
  try {
    const rows: Row[] = [];
    for (const jobs of [1, 2]) {
      const peak = await cliReplayPeak(files, jobs);
      if (peak.records !== flows) throw new Error(`replay CLI read ${peak.records} of ${flows} flows`);
      ctx.log(`replay CLI of ${flows.toLocaleString('en-US')} Zipf CSV flows from a file, --jobs ${jobs}: peak RSS ${peak.peakRssMiB.toFixed(0)} MiB, ${peak.seconds.toFixed(1)} s`);
      const metric = `replay-cli-peak-rss-jobs${jobs}-${flows / 1e6}M`;
      rows.push({ size: ctx.size, metric, engine: 'wasm', value: peak.peakRssMiB, unit: 'MiB' });
    }
    rows.push(...(await cliGzipRows(ctx, files)));
    return rows;
  } finally {
    files.remove();
  }
}

/** Plain and gzip runs of the CLI on the same log file, alternating. */
const CLI_GZIP_PAIRS = 3;

/**
 * The built CLI on `files`' log plain and gzip-compressed (level 6, gzip's default), one thread,
 * alternately: the median wall time of each and the median of the pairs' ratios (plain over
 * gzip, the share of plain's rate that gzip keeps). The bench's in-memory `-gzip` rows replay
 * 200,000 lines from memory; this is a long log read from a file, as a user replays one.
 */
async function cliGzipRows(ctx: BenchContext, files: CliReplayFiles): Promise<Row[]> {
  const gzipped = { ...files, log: `${files.log}.gz` };
  await pipeline(createReadStream(files.log), createGzip(), createWriteStream(gzipped.log));
  const seconds = { plain: [] as number[], gzip: [] as number[] };
  const ratios: number[] = [];
  for (let pair = 0; pair < CLI_GZIP_PAIRS; pair++) {
    const plain = await cliReplayPeak(files, 1);
    const gzip = await cliReplayPeak(gzipped, 1);
    if (gzip.records !== files.flows) throw new Error(`replay CLI read ${gzip.records} of ${files.flows} gzip flows`);
    seconds.plain.push(plain.seconds);
    seconds.gzip.push(gzip.seconds);
    ratios.push(plain.seconds / gzip.seconds);
  }
  const label = `${files.flows / 1e6}M`;
  ctx.log(`replay CLI of ${files.flows.toLocaleString('en-US')} Zipf CSV flows from a file: plain ${median(seconds.plain).toFixed(2)} s, gzip ${median(seconds.gzip).toFixed(2)} s`);
  return [
    { size: ctx.size, metric: `replay-cli-csv-${label}`, engine: 'wasm', value: median(seconds.plain), unit: 's' },
    { size: ctx.size, metric: `replay-cli-csv-gzip-${label}`, engine: 'wasm', value: median(seconds.gzip), unit: 's' },
    { size: ctx.size, metric: `replay-cli-csv-gzip-vs-plain-${label}`, engine: 'wasm', value: median(ratios), unit: 'x' },
  ];
}
