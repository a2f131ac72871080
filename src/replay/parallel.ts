/**
 * @module replay --jobs N: each log is cut into parts at line boundaries (log-parts.ts), the parts
 * are replayed on N threads, this one and N - 1 workers (part-replay.ts), and their results merged
 * in input order into the run's reports and --out, so that the report is byte for byte the
 * one-thread report.
 *
 * This thread cuts and merges (a small share of the work) and replays every part no worker has
 * room for: the workers are kept QUEUED_PER_WORKER parts deep, and this thread takes the rest, so
 * it is busy whenever they are, and no N-th worker (its own heap, engines, warm-up and collector)
 * competes with it for the N cores. A log under `parallelFromBytes` (inflated) is replayed in this
 * thread, part by part, by the same code: starting workers would cost more than they save. Workers
 * start with the first log that needs them and serve every later log; while they start, this
 * thread replays the parts itself. At most `jobs * PARTS_IN_FLIGHT_PER_JOB` parts are cut and not
 * yet merged, which bounds memory whatever the log's size; their buffers come back to be cut
 * into again (PartBuffers). In a single replay each thread folds its parts of a log into one
 * summary (part-replay.ts): a part's result names only the groups new to its thread, and each
 * thread's counts are merged once, after the log's last part.
 */
import type { BaselineSummary } from './baseline-summary.js';
import type { FlowLogFormat } from './index.js';
import { cutFlowLog, DEFAULT_PART_BYTES, PartBuffers, type LogPartBytes } from './log-parts.js';
import { partReplayer, type PartJob, type PartReplayer, type PartReplaySetup, type PartResult } from './part-replay.js';
import { countBytes, type ReplayInput } from './replay.js';
import type { RuleHits } from './rule-hits.js';
import type { ReplaySummary } from './summary.js';
import { WorkerPool } from './worker-pool.js';

/** Below this many bytes a log is replayed in the main thread (about 100,000 CSV flows). */
export const DEFAULT_PARALLEL_FROM_BYTES = 8 * 1024 * 1024;

/** Parts cut and not merged, per thread: one being replayed, one waiting, one being merged. */
const PARTS_IN_FLIGHT_PER_JOB = 3;

/**
 * Parts a worker holds (one being replayed, one waiting): while this thread replays a part of its
 * own, the worker has the next one at hand and never waits on this thread.
 */
const QUEUED_PER_WORKER = 2;

export interface ParallelReplayOptions {
  /** Threads replaying (at least 1): this one and jobs - 1 workers. */
  readonly jobs: number;
  readonly setup: PartReplaySetup;
  readonly format?: FlowLogFormat;
  readonly partBytes?: number;
  readonly parallelFromBytes?: number;
  /**
   * Every part on the workers (wait for them to start, never replay here): tests use it to hold
   * the workers to the one-thread report. Needs jobs >= 2.
   */
  readonly workersOnly?: boolean;
}

/** Where merged results go: the report of the run's kind, rule hits, --out. */
export interface ParallelReplaySinks {
  readonly summary?: ReplaySummary;
  readonly baseline?: BaselineSummary;
  readonly rules?: RuleHits;
  readonly out?: (lines: string) => void | Promise<void>;
}

type Settled = { readonly result: PartResult } | { readonly error: unknown };

/** A part handed to a thread, in input order: its answer once it is there. */
interface InFlight {
  readonly done: Promise<Settled>;
  settled?: Settled;
}

export class ParallelReplay {
  private pool: WorkerPool | undefined;
  private starting: Promise<void> | undefined;
  private startError: unknown;
  private local: PartReplayer | undefined;
  /** Logs replayed so far: a part's log number (a thread folds one log at a time). */
  private logs = 0;
  /** Parts' buffers, back from the threads that replayed them. */
  private readonly buffers: PartBuffers;
  /** Parts replayed so far, in this thread and on the workers: which thread took what share. */
  readonly parts = { here: 0, onWorkers: 0 };

  constructor(private readonly options: ParallelReplayOptions) {
    if (!Number.isInteger(options.jobs) || options.jobs < (options.workersOnly ? 2 : 1)) throw new Error(`replay: ${options.jobs} jobs`);
    this.buffers = new PartBuffers(options.jobs * PARTS_IN_FLIGHT_PER_JOB + 1);
  }

  /** Replays one log; its results are merged into `sinks` before this returns. */
  async replay(input: ReplayInput, sinks: ParallelReplaySinks, onProgress?: (bytes: number, flows: number) => void): Promise<void> {
    const parallelFrom = this.options.parallelFromBytes ?? DEFAULT_PARALLEL_FROM_BYTES;
    const log = this.logs++;
    const inFlightLimit = this.options.jobs * PARTS_IN_FLIGHT_PER_JOB;
    let bytesRead = 0;
    let flows = 0;
    const waiting: InFlight[] = [];
    let held: LogPartBytes[] = [];
    let heldBytes = 0;
    /** Merges the answers at the head that are there (an error is thrown in its turn). */
    const mergeSettled = async (): Promise<void> => {
      for (let head = waiting[0]; head?.settled !== undefined; head = waiting[0]) {
        waiting.shift();
        if ('error' in head.settled) throw head.settled.error;
        flows += head.settled.result.flows;
        await mergeResult(head.settled.result, sinks);
        onProgress?.(bytesRead, flows);
      }
    };
    const replayHere = async (job: PartJob): Promise<void> => {
      this.parts.here++;
      const here = inFlight(this.replayHere(job));
      waiting.push(here);
      await here.done;
    };
    const dispatch = async (part: LogPartBytes): Promise<void> => {
      const job = jobOf(log, input.name, part);
      const pool = await this.workers();
      if (pool !== undefined && (this.options.workersOnly || pool.hasRoom(QUEUED_PER_WORKER))) {
        this.parts.onWorkers++;
        waiting.push(inFlight(pool.run(job)));
      } else await replayHere(job);
      await mergeSettled();
      while (waiting.length >= inFlightLimit) {
        await waiting[0]!.done;
        await mergeSettled();
      }
    };
    const counted = countBytes(input.bytes, (n) => (bytesRead += n));
    const cutting = { format: this.options.format, partBytes: this.options.partBytes ?? DEFAULT_PART_BYTES, buffers: this.buffers };
    for await (const piece of cutFlowLog(counted, cutting)) {
      if (this.starting === undefined && heldBytes + piece.bytes.length < parallelFrom) {
        held.push(piece);
        heldBytes += piece.bytes.length;
        continue;
      }
      this.startWorkers();
      for (const part of [...held, piece]) await dispatch(part);
      held = [];
    }
    for (const part of held) {
      await replayHere(jobOf(log, input.name, part));
      await mergeSettled();
    }
    while (waiting.length > 0) {
      await waiting[0]!.done;
      await mergeSettled();
    }
    // Every part is merged: the threads' folded counts go last.
    const finished = [...(this.local === undefined ? [] : [this.local.finish(log)]), ...(this.pool === undefined ? [] : await this.pool.finish(log))];
    for (const result of finished) await mergeResult(result, sinks);
  }

  /** Starts the workers now and waits until they are up (the bench starts them before timing). */
  async start(): Promise<void> {
    this.startWorkers();
    await this.starting;
    if (this.startError !== undefined) throw this.startError;
  }

  /** Starts the workers in the background, once; a failure to start is thrown by the next part. */
  private startWorkers(): void {
    if (this.options.jobs < 2) return;
    this.starting ??= WorkerPool.start(this.options.jobs - 1, this.options.setup, (bytes) => this.buffers.give(bytes)).then(
      (pool) => void (this.pool = pool),
      (error: unknown) => void (this.startError = error),
    );
  }

  /**
   * The workers once they are up. While they start (or with jobs 1), undefined: this thread
   * replays the parts itself, unless workersOnly. The event loop turns first, every part: the
   * workers' answers arrive as events, and a worker whose answers were not yet seen looks busy, so
   * that this thread would replay part after part itself while the worker idles (an input read
   * from memory, or from a file read ahead, never lets the loop turn otherwise).
   */
  private async workers(): Promise<WorkerPool | undefined> {
    if (this.pool !== undefined || !this.options.workersOnly) await yieldToEvents();
    else await this.starting;
    if (this.startError !== undefined) throw this.startError;
    return this.pool;
  }

  private async replayHere(job: PartJob): Promise<PartResult> {
    this.local ??= partReplayer(this.options.setup);
    try {
      return await this.local.replay(job);
    } finally {
      this.buffers.give(job.bytes);
    }
  }

  /** Stops the workers, if any were started. */
  async close(): Promise<void> {
    await this.starting;
    await this.pool?.close();
    this.pool = undefined;
  }
}

async function mergeResult(result: PartResult, sinks: ParallelReplaySinks): Promise<void> {
  if (result.summary) sinks.summary?.merge(result.summary);
  if (result.counts) sinks.summary?.mergeCounts(result.counts);
  if (result.baseline) sinks.baseline?.merge(result.baseline);
  if (result.rules) sinks.rules?.merge(result.rules);
  // The writer adds the last newline, as for replay's own lines.
  if (result.out) await sinks.out?.(result.out.slice(0, -1));
}

/** Lets the event loop turn: a worker's "ready" arrives as an event, not as a promise. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function jobOf(log: number, name: string, part: LogPartBytes): PartJob {
  return { log, name, format: part.format, part: part.part, bytes: part.bytes };
}

/** A part's answer or error, held until its turn to be merged (an error is thrown then, in input order). */
function inFlight(result: Promise<PartResult>): InFlight {
  const part: InFlight = {
    done: result.then(
      (value) => (part.settled = { result: value }),
      (error: unknown) => (part.settled = { error }),
    ),
  };
  return part;
}
