/**
 * @module Rows for replay --jobs: a CSV log replayed as `replay` does locally (verdicts reused),
 * on one thread (--jobs 1, the main thread) and on two threads (--jobs 2: the main thread and one
 * worker), alternately in the same run; the ratio of their flows/s is the target row (>= 1.7 on two
 * cores). Both sides are warm when timed: the worker is started before timing (a long log amortises
 * its start; the start is logged on its own), then each side replays the whole log WARMUP_RUNS
 * times untimed, as the other replay rows do (V8 optimizes and deoptimizes the replay path over
 * its first few runs, in the worker as in this thread; after one such run the quick row's 400,000
 * flows read 0.59-0.75x, after three 1.15x, and 1.45-1.55x on 2M flows, whose parts' fixed costs
 * and the drain at the log's end weigh less). The reports of both are checked equal, byte for
 * byte. Beside the rates, the process's CPU
 * time per flow (all threads: workers, the main thread, V8's helpers) says what the workers cost in
 * work, which a loaded machine does not blur as it blurs wall-clock rates.
 *
 * Then the same comparison as a user meets it: the built CLI (`node dist/netpol-edge.js replay`,
 * replay-cli-rss.ts) replaying a Zipf CSV log from a file on disk, with --jobs 1 and --jobs 2 in
 * alternating runs, each a fresh process: wall time of the whole run (the bundle's loading and
 * compiling included, as the user waits for it) and the CPU time of all its threads; the rows
 * give the medians and their ratios.
 */
import { compileBundle } from '../src/compile/compile.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { ParallelReplay } from '../src/replay/parallel.js';
import { prepareSetup } from '../src/replay/part-replay.js';
import { EndpointDirectory } from '../src/replay/endpoint-directory.js';
import { replay } from '../src/replay/replay.js';
import { ReplaySummary } from '../src/replay/summary.js';
import { VerdictCache } from '../src/replay/verdict-cache.js';
import { csvLog, logChunks, logText } from './flow-logs.js';
import { buildCliOnce, canReadPeakRss, cliReplayPeak, writeCliReplayFiles } from './replay-cli-rss.js';
import { WARMUP_RUNS } from './replay.js';
import type { BenchContext, Row, RowProducer } from './rows.js';
import { median } from './stats.js';

/** Flows per timed replay: long enough for many parts per thread (2M CSV flows: about 80 parts of 2 MiB). */
const LOG_FLOWS = { full: 4_000_000, quick: 2_000_000 };
/** Flows of the CLI's log file, and runs per --jobs value. */
const CLI_FLOWS = { full: 4_000_000, quick: 2_000_000 };
const CLI_RUNS = { full: 5, quick: 3 };
const JOBS = 2;

async function* asAsync(source: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* source;
}

export const replayJobsProducer: RowProducer = {
  name: 'replay --jobs (local)',
  async produce(ctx) {
    const log = logChunks(logText(csvLog(ctx.flows.pod), LOG_FLOWS[ctx.quick ? 'quick' : 'full']));
    const core = loadCoreModule();
    const engine = new VerdictCache(new WasmEngine(core, compileBundle(ctx.bundle).image));
    const directory = new EndpointDirectory(ctx.bundle);
    const oneThread = async (): Promise<ReplaySummary> => {
      const summary = new ReplaySummary();
      await replay([{ name: 'csv', bytes: asAsync(log) }], { engine, directory, summary });
      return summary;
    };
    const setup = prepareSetup({ engine: 'wasm', core, bundle: ctx.bundle, rules: false, out: false });
    const workers = async (parallel: ParallelReplay): Promise<ReplaySummary> => {
      const summary = new ReplaySummary();
      await parallel.replay({ name: 'csv', bytes: asAsync(log) }, { summary });
      return summary;
    };
    let parallel: ParallelReplay | undefined;
    const rates = { one: [] as number[], jobs: [] as number[] };
    const cpuPerFlow = { one: [] as number[], jobs: [] as number[] };
    try {
      const started = performance.now();
      parallel = new ParallelReplay({ jobs: JOBS, setup, format: 'csv', parallelFromBytes: 0 });
      await parallel.start();
      const warm = await workers(parallel);
      ctx.log(`replay --jobs ${JOBS}: workers started and a first replay done in ${(performance.now() - started).toFixed(0)} ms`);
      const reference = await oneThread();
      if (JSON.stringify(warm.toJSON()) !== JSON.stringify(reference.toJSON())) throw new Error('replay --jobs 2 and --jobs 1 disagree');
      for (let i = 1; i < WARMUP_RUNS; i++) {
        await workers(parallel);
        await oneThread();
      }
      for (let i = 0; i < (ctx.quick ? 3 : 5); i++) {
        for (const [kind, run] of [['one', oneThread], ['jobs', () => workers(parallel!)]] as const) {
          const at = performance.now();
          const cpu = process.cpuUsage();
          const summary = await run();
          rates[kind].push(summary.totals.records / ((performance.now() - at) / 1000));
          const used = process.cpuUsage(cpu);
          cpuPerFlow[kind].push(((used.user + used.system) * 1000) / summary.totals.records);
        }
      }
      // Which thread took what: the worker's share says whether it was kept busy.
      ctx.log(`replay --jobs ${JOBS}: ${parallel.parts.here} parts replayed in the main thread, ${parallel.parts.onWorkers} on the worker`);
    } finally {
      await parallel?.close();
    }
    const row = (metric: string, value: number, unit: string): Row => ({ size: ctx.size, metric, engine: 'wasm', value, unit });
    const cliRows = await cliJobsRows(ctx, row);
    const one = median(rates.one);
    const jobs = median(rates.jobs);
    const cpuOne = median(cpuPerFlow.one);
    const cpuJobs = median(cpuPerFlow.jobs);
    return [
      row('replay-csv-jobs1', one, 'flows/s'),
      row(`replay-csv-jobs${JOBS}`, jobs, 'flows/s'),
      row(`replay-csv-jobs${JOBS}-vs-jobs1`, jobs / one, 'x'),
      row('replay-csv-jobs1-cpu', cpuOne, 'ns/flow'),
      row(`replay-csv-jobs${JOBS}-cpu`, cpuJobs, 'ns/flow'),
      // Above 1: the work the threads add (handing parts over, merging, each worker's own GC).
      row(`replay-csv-jobs${JOBS}-cpu-vs-jobs1`, cpuJobs / cpuOne, 'x'),
      ...cliRows,
    ];
  },
};

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
