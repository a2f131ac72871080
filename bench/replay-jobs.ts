/**
 * @module Rows for replay --jobs: a CSV log replayed as `replay` does locally (verdicts reused),
 * round 1,000 conversations (the target row) and in the Zipf shape of 50,000 (`replay-csv-zipf-jobs*`),
 * on one thread (--jobs 1, the main thread) and on two threads (--jobs 2: the main thread and one
 * worker), each side in a fresh process of its own (replay-jobs-process.ts: in one process each
 * side's code is also optimized for the other's calls), the two alternating; the ratio of their
 * flows/s is the target row (>= 1.7 on two cores), the median of the pairs' ratios. Both sides are
 * warm when timed: the worker is started before timing (a long log amortises its start), then each
 * side replays the whole log WARMUP_RUNS times untimed, as the other replay rows do (V8 optimizes
 * and deoptimizes the replay path over its first few runs, in the worker as in this thread). Their
 * reports are checked equal, byte for byte. Beside the rates, the process's CPU time per flow (all
 * threads: workers, the main thread, V8's helpers) says what the workers cost in work, which a
 * loaded machine does not blur as it blurs wall-clock rates.
 *
 * Then the same comparison as a user meets it: the built CLI (`node dist/netpol-edge.js replay`,
 * replay-cli-rss.ts) replaying a Zipf CSV log from a file on disk, with --jobs 1 and --jobs 2 in
 * alternating runs, each a fresh process: wall time of the whole run (the bundle's loading and
 * compiling included, as the user waits for it) and the CPU time of all its threads; the rows
 * give the medians and their ratios.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildCliOnce, canReadPeakRss, cliReplayPeak, writeCliReplayFiles } from './replay-cli-rss.js';
import type { BenchContext, Row, RowProducer } from './rows.js';
import { median } from './stats.js';

/** Flows per timed replay: long enough for many parts per thread (2M CSV flows: about 80 parts of 2 MiB). */
const LOG_FLOWS = { full: 4_000_000, quick: 2_000_000 };
/** Pairs of processes (one thread, then --jobs 2), and timed runs in each. */
const PAIRS = { full: 3, quick: 2 };
const RUNS_PER_PROCESS = 3;
/** Flows of the CLI's log file, and runs per --jobs value. */
const CLI_FLOWS = { full: 4_000_000, quick: 2_000_000 };
const CLI_RUNS = { full: 5, quick: 3 };
const JOBS = 2;

interface SideRuns {
  readonly rates: readonly number[];
  readonly cpuPerFlow: readonly number[];
  readonly report: string;
}

/** One side's timed runs, in a process of its own (replay-jobs-process.ts), on a log of `shape`. */
function sideRuns(ctx: BenchContext, jobs: number, flows: number, shape: LogShape): SideRuns {
  const script = join(import.meta.dirname, 'replay-jobs-process.ts');
  const args = ['--import', 'tsx', script, ctx.size, String(ctx.seed), String(jobs), String(flows), String(RUNS_PER_PROCESS), shape];
  const child = spawnSync(process.execPath, args, { cwd: join(import.meta.dirname, '..'), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (child.status !== 0) throw new Error(`replay-jobs-process.ts --jobs ${jobs} ${shape} failed (${child.status}): ${child.stderr}`);
  if (child.stderr) ctx.log(child.stderr.trimEnd());
  return JSON.parse(child.stdout) as SideRuns;
}

/**
 * The logs the in-memory rows replay: round 1,000 conversations (the target row's), and the
 * Zipf shape of 50,000 (`replay-csv-zipf`), where each thread meets most conversations anew in
 * each part it replays.
 */
type LogShape = 'uniform' | 'zipf';
const SHAPES: readonly { readonly shape: LogShape; readonly prefix: string }[] = [
  { shape: 'uniform', prefix: 'replay-csv' },
  { shape: 'zipf', prefix: 'replay-csv-zipf' },
];

export const replayJobsProducer: RowProducer = {
  name: 'replay --jobs (local)',
  async produce(ctx) {
    const row = (metric: string, value: number, unit: string): Row => ({ size: ctx.size, metric, engine: 'wasm', value, unit });
    const rows: Row[] = [];
    for (const { shape, prefix } of SHAPES) rows.push(...inMemoryRows(ctx, shape, prefix, row));
    rows.push(...(await cliJobsRows(ctx, row)));
    return rows;
  },
};

/** One thread against --jobs 2 on a log of `shape` in memory, in pairs of processes (see the module comment). */
function inMemoryRows(ctx: BenchContext, shape: LogShape, prefix: string, row: (metric: string, value: number, unit: string) => Row): Row[] {
  const flows = LOG_FLOWS[ctx.quick ? 'quick' : 'full'];
  const rates = { one: [] as number[], jobs: [] as number[] };
  const cpuPerFlow = { one: [] as number[], jobs: [] as number[] };
  const ratios: number[] = [];
  for (let pair = 0; pair < PAIRS[ctx.quick ? 'quick' : 'full']; pair++) {
    const one = sideRuns(ctx, 1, flows, shape);
    const jobs = sideRuns(ctx, JOBS, flows, shape);
    if (one.report !== jobs.report) throw new Error(`replay --jobs ${JOBS} and --jobs 1 disagree on the ${shape} log`);
    rates.one.push(...one.rates);
    rates.jobs.push(...jobs.rates);
    cpuPerFlow.one.push(...one.cpuPerFlow);
    cpuPerFlow.jobs.push(...jobs.cpuPerFlow);
    ratios.push(median([...jobs.rates]) / median([...one.rates]));
  }
  const cpuOne = median(cpuPerFlow.one);
  const cpuJobs = median(cpuPerFlow.jobs);
  ctx.log(`replay --jobs ${JOBS} over one thread, ${shape} log, per pair of processes: ${ratios.map((r) => r.toFixed(2)).join(', ')}`);
  return [
    row(`${prefix}-jobs1`, median(rates.one), 'flows/s'),
    row(`${prefix}-jobs${JOBS}`, median(rates.jobs), 'flows/s'),
    row(`${prefix}-jobs${JOBS}-vs-jobs1`, median(ratios), 'x'),
    row(`${prefix}-jobs1-cpu`, cpuOne, 'ns/flow'),
    row(`${prefix}-jobs${JOBS}-cpu`, cpuJobs, 'ns/flow'),
    // Above 1: the work the threads add (handing parts over, merging, each worker's own GC).
    row(`${prefix}-jobs${JOBS}-cpu-vs-jobs1`, cpuJobs / cpuOne, 'x'),
  ];
}

/** The built CLI on a Zipf CSV log file, --jobs 1 and --jobs 2 alternately (see the module comment); none without /proc. */
async function cliJobsRows(ctx: BenchContext, row: (metric: string, value: number, unit: string) => Row): Promise<Row[]> {
  if (!canReadPeakRss()) {
    ctx.log('replay CLI --jobs rows: no /proc here (CPU time is read there), rows left out');
    return [];
  }
  buildCliOnce();
  const flows = CLI_FLOWS[ctx.quick ? 'quick' : 'full'];
  const files = await writeCliReplayFiles(ctx.cluster, ctx.bundle, flows);
  const seconds = { one: [] as number[], jobs: [] as number[] };
  const cpu = { one: [] as number[], jobs: [] as number[] };
  try {
    for (let i = 0; i < CLI_RUNS[ctx.quick ? 'quick' : 'full']; i++) {
      for (const [kind, jobs] of [['one', 1], ['jobs', JOBS]] as const) {
        const run = await cliReplayPeak(files, jobs);
        if (run.records !== flows) throw new Error(`replay CLI --jobs ${jobs} read ${run.records} of ${flows} flows`);
        seconds[kind].push(run.seconds);
        cpu[kind].push(run.cpuSeconds);
      }
    }
  } finally {
    files.remove();
  }
  const [one, jobs, cpuOne, cpuJobs] = [median(seconds.one), median(seconds.jobs), median(cpu.one), median(cpu.jobs)];
  const label = `${flows / 1e6}M`;
  ctx.log(`replay CLI of ${flows.toLocaleString('en-US')} Zipf CSV flows from a file: --jobs 1 ${one.toFixed(2)} s (${cpuOne.toFixed(1)} s CPU), --jobs ${JOBS} ${jobs.toFixed(2)} s (${cpuJobs.toFixed(1)} s CPU)`);
  return [
    row(`replay-cli-csv-jobs1-${label}`, one, 's'),
    row(`replay-cli-csv-jobs${JOBS}-${label}`, jobs, 's'),
    row(`replay-cli-csv-jobs${JOBS}-vs-jobs1`, one / jobs, 'x'),
    row(`replay-cli-csv-jobs${JOBS}-cpu-vs-jobs1`, cpuJobs / cpuOne, 'x'),
  ];
}
