/**
 * @module replay --jobs N: each log is cut into parts at line boundaries (log-parts.ts), the parts
 * are replayed on N worker threads (part-replay.ts), and their results merged in input order into
 * the run's reports and --out, so that the report is byte for byte the one-thread report.
 *
 * A log under `parallelFromBytes` (inflated) is replayed in this thread, part by part, by the same
 * code: starting workers would cost more than they save. Workers start with the first log that
 * needs them and serve every later log; while they start, this thread replays the parts itself. At most `jobs * PARTS_IN_FLIGHT_PER_JOB` parts are cut
 * and not yet merged, which bounds memory whatever the log's size.
 */
import type { BaselineSummary } from './baseline-summary.js';
import type { FlowLogFormat } from './index.js';
import { cutFlowLog, DEFAULT_PART_BYTES, type LogPartBytes } from './log-parts.js';
import { partReplayer, type PartJob, type PartReplaySetup, type PartResult } from './part-replay.js';
import { countBytes, type ReplayInput } from './replay.js';
import type { RuleHits } from './rule-hits.js';
import type { ReplaySummary } from './summary.js';
import { WorkerPool } from './worker-pool.js';

/** Below this many bytes a log is replayed in the main thread (about 100,000 CSV flows). */
export const DEFAULT_PARALLEL_FROM_BYTES = 8 * 1024 * 1024;

/** Parts cut ahead per worker: one being replayed, one waiting, one being merged. */
const PARTS_IN_FLIGHT_PER_JOB = 3;

export interface ParallelReplayOptions {
  /** Worker threads (at least 1). */
  readonly jobs: number;
  readonly setup: PartReplaySetup;
  readonly format?: FlowLogFormat;
  readonly partBytes?: number;
  readonly parallelFromBytes?: number;
  /** While the workers start, replay parts in this thread (default true; tests turn it off to use the workers). */
  readonly replayWhileStarting?: boolean;
}

/** Where merged results go: the report of the run's kind, rule hits, --out. */
export interface ParallelReplaySinks {
  readonly summary?: ReplaySummary;
  readonly baseline?: BaselineSummary;
  readonly rules?: RuleHits;
  readonly out?: (lines: string) => void | Promise<void>;
}

type Settled = { readonly result: PartResult } | { readonly error: unknown };

export class ParallelReplay {
  private pool: WorkerPool | undefined;
  private starting: Promise<void> | undefined;
  private startError: unknown;
  private local: ((job: PartJob) => Promise<PartResult>) | undefined;

  constructor(private readonly options: ParallelReplayOptions) {}

  /** Replays one log; its results are merged into `sinks` before this returns. */
  async replay(input: ReplayInput, sinks: ParallelReplaySinks, onProgress?: (bytes: number, flows: number) => void): Promise<void> {
    const parallelFrom = this.options.parallelFromBytes ?? DEFAULT_PARALLEL_FROM_BYTES;
    let bytesRead = 0;
    let flows = 0;
    const waiting: Promise<Settled>[] = [];
    let held: LogPartBytes[] = [];
    let heldBytes = 0;
    const merge = async (settled: Settled): Promise<void> => {
      if ('error' in settled) throw settled.error;
      flows += settled.result.flows;
      await mergeResult(settled.result, sinks);
      onProgress?.(bytesRead, flows);
    };
    const counted = countBytes(input.bytes, (n) => (bytesRead += n));
    for await (const piece of cutFlowLog(counted, { format: this.options.format, partBytes: this.options.partBytes ?? DEFAULT_PART_BYTES })) {
      if (this.starting === undefined && heldBytes + piece.bytes.length < parallelFrom) {
        held.push(piece);
        heldBytes += piece.bytes.length;
        continue;
      }
      this.startWorkers();
      for (const part of [...held, piece]) {
        const job = jobOf(input.name, part);
        const pool = await this.workers();
        if (pool === undefined) {
          await merge(await settle(this.replayHere(job)));
          continue;
        }
        waiting.push(settle(pool.run(job)));
        if (waiting.length >= this.options.jobs * PARTS_IN_FLIGHT_PER_JOB) await merge(await waiting.shift()!);
      }
      held = [];
    }
    for (const part of held) await merge(await settle(this.replayHere(jobOf(input.name, part))));
    while (waiting.length > 0) await merge(await waiting.shift()!);
  }

  /** Starts the workers in the background, once; a failure to start is thrown by the next part. */
  private startWorkers(): void {
    this.starting ??= WorkerPool.start(this.options.jobs, this.options.setup).then(
      (pool) => void (this.pool = pool),
      (error: unknown) => void (this.startError = error),
    );
  }

  /**
   * The workers once they are up. While they start, undefined: this thread replays the parts
   * itself (none is with a worker yet, so the order holds), unless replayWhileStarting is off.
   */
  private async workers(): Promise<WorkerPool | undefined> {
    if (this.pool === undefined && this.options.replayWhileStarting !== false) await yieldToEvents();
    else if (this.pool === undefined) await this.starting;
    if (this.startError !== undefined) throw this.startError;
    return this.pool;
  }

  private replayHere(job: PartJob): Promise<PartResult> {
    this.local ??= partReplayer(this.options.setup);
    return this.local(job);
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
  if (result.baseline) sinks.baseline?.merge(result.baseline);
  if (result.rules) sinks.rules?.merge(result.rules);
  // The writer adds the last newline, as for replay's own lines.
  if (result.out) await sinks.out?.(result.out.slice(0, -1));
}

/** Lets the event loop turn: a worker's "ready" arrives as an event, not as a promise. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function jobOf(name: string, part: LogPartBytes): PartJob {
  return { name, format: part.format, part: part.part, bytes: part.bytes };
}

/** A part's answer or error, held until its turn to be merged (an error is thrown then, in input order). */
function settle(result: Promise<PartResult>): Promise<Settled> {
  return result.then(
    (value) => ({ result: value }),
    (error: unknown) => ({ error }),
  );
}
