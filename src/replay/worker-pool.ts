/**
 * @module The worker threads of replay --jobs: sent one setup each (engines built there),
 * sent parts, answering with their results. The entry is dist/replay-worker.js beside the built
 * package, and in development (the CLI runs TypeScript) the same file when the build is fresh, else
 * replay-worker.ts bundled once by esbuild (or, without it, run through tsx's loader).
 */
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId, Worker } from 'node:worker_threads';
import { FlowLogFormatError } from './index.js';
import type { PartJob, PartReplaySetup, PartResult } from './part-replay.js';

/**
 * A worker's young generation. With V8's default a worker promoted about a fifth of what it
 * allocated and spent more in scavenges and marking than in reading; 64 MiB made the flows of a
 * batch die young (process CPU per flow about 20% lower), at the cost of resident memory. Since
 * parts are read in 64-KiB pieces, 32 MiB does as well: `replay --jobs 2` of 3M CSV flows
 * (cluster.yaml, 2026-11-30, loaded machine) peaked at 314 MiB RSS and 9.1 s CPU with 32 MiB,
 * 368-371 MiB and 9.0-9.4 s with 64, 272-284 MiB and 9.5-10.2 s with 16. Since parts go back to
 * the main thread when replayed (replay-worker.ts), 16 saves no resident memory: 207-208 MiB with
 * 16, 199-205 with 32 (the same run of 3M flows, loaded machine).
 */
const YOUNG_GENERATION_MIB = 32;

interface ErrorText {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** What a worker is sent: its setup first, then parts, and after a log's parts the log's number (finish). */
export type WorkerRequest = { readonly setup: PartReplaySetup } | { readonly id: number; readonly job: PartJob } | { readonly id: number; readonly finish: number };

/** What a worker posts back; the answer to a part gives the part's buffer back. */
export type WorkerAnswer =
  | { readonly ready: true }
  | { readonly setupError: ErrorText }
  | { readonly id: number; readonly result: PartResult; readonly bytes?: Uint8Array }
  | { readonly id: number; readonly error: ErrorText; readonly bytes?: Uint8Array };

interface Pending {
  readonly resolve: (result: PartResult) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The worker's entry: JavaScript beside the built package. In the repo (TypeScript through tsx),
 * the build's dist/replay-worker.js when no source file under src/ is newer than it; else the same
 * entry bundled by esbuild into node_modules/.cache (once, until a source changes); else, without
 * esbuild, a shim that loads tsx first. A worker through tsx costs a loader thread of its own that
 * compiles every module again: about 2 s of CPU per worker, where a bundle costs 0.2 s.
 */
function workerEntry(): URL {
  // Decided once per process: the freshness check reads every source file's time.
  return (entry ??= entryOf(import.meta.url));
}
let entry: URL | undefined;

function entryOf(here: string): URL {
  if (!here.endsWith('.ts')) return new URL('./replay-worker.js', here);
  const sources = fileURLToPath(new URL('../', here));
  const built = new URL('../../dist/replay-worker.js', here);
  if (isBuildFresh(fileURLToPath(built), sources)) return built;
  const cached = new URL('../../node_modules/.cache/netpol-edge/replay-worker.mjs', here);
  if (isBuildFresh(fileURLToPath(cached), sources) || bundleWorker(fileURLToPath(new URL('./replay-worker.ts', here)), fileURLToPath(cached))) return cached;
  return new URL('./replay-worker-tsx.mjs', here);
}

/** Bundles the worker's entry to `outfile` (written whole, then renamed: other processes may read it); false without esbuild. */
export function bundleWorker(source: string, outfile: string): boolean {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  } catch {
    return false;
  }
  const partial = `${outfile}.${process.pid}.${threadId}.tmp`;
  mkdirSync(dirname(outfile), { recursive: true });
  esbuild.buildSync({ entryPoints: [source], outfile: partial, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'error' });
  renameSync(partial, outfile);
  return true;
}

/** True when `built` exists and no .ts file under `sources` was changed after it (a stale build must never run). */
export function isBuildFresh(built: string, sources: string): boolean {
  let builtAt: number;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    return false;
  }
  for (const name of readdirSync(sources, { recursive: true, encoding: 'utf8' })) {
    if (name.endsWith('.ts') && statSync(join(sources, name)).mtimeMs > builtAt) return false;
  }
  return true;
}

class ReplayWorker {
  readonly pending = new Map<number, Pending>();
  private readonly worker: Worker;
  readonly ready: Promise<void>;

  /** `returned` takes each part's buffer back from the worker, to cut later parts into. */
  constructor(setup: PartReplaySetup, private readonly returned?: (bytes: Uint8Array) => void) {
    this.worker = new Worker(workerEntry(), { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MIB } });
    // Sent as the first message, not as workerData (which a worker keeps for its life): the worker
    // drops the setup, the image above all, once its engines are built.
    this.worker.postMessage({ setup } satisfies WorkerRequest);
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (answer: WorkerAnswer) => {
        if ('ready' in answer) resolve();
        else if ('setupError' in answer) reject(revive(answer.setupError));
        else this.settle(answer);
      });
      // A worker that dies takes its parts with it: each fails, never silently.
      const fail = (error: Error): void => {
        reject(error);
        for (const pending of this.pending.values()) pending.reject(error);
        this.pending.clear();
      };
      this.worker.on('error', (error) => fail(new Error(`replay worker failed: ${error.message}`)));
      this.worker.on('exit', (code) => fail(new Error(`replay worker stopped (exit code ${code})`)));
    });
    this.ready.catch(() => {}); // observed by WorkerPool.start and by each part
  }

  run(id: number, job: PartJob): Promise<PartResult> {
    // The part's buffer moves to the worker: it was cut for it alone.
    return this.request({ id, job }, [job.bytes.buffer as ArrayBuffer]);
  }

  /** What the worker folded of log `log` and did not send (PartReplayer.finish). */
  finish(id: number, log: number): Promise<PartResult> {
    return this.request({ id, finish: log }, []);
  }

  private request(request: Extract<WorkerRequest, { id: number }>, transfer: ArrayBuffer[]): Promise<PartResult> {
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.worker.postMessage(request, transfer);
    });
  }

  private settle(answer: Extract<WorkerAnswer, { id: number }>): void {
    if (answer.bytes !== undefined) this.returned?.(answer.bytes);
    const pending = this.pending.get(answer.id);
    if (!pending) return;
    this.pending.delete(answer.id);
    if ('result' in answer) pending.resolve(answer.result);
    else pending.reject(revive(answer.error));
  }

  async stop(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

export class WorkerPool {
  private nextId = 0;

  private constructor(private readonly workers: readonly ReplayWorker[]) {}

  /** `size` workers, each with its engines built; throws what the first failing one threw. `returned`: see ReplayWorker. */
  static async start(size: number, setup: PartReplaySetup, returned?: (bytes: Uint8Array) => void): Promise<WorkerPool> {
    const workers = Array.from({ length: size }, () => new ReplayWorker(setup, returned));
    const pool = new WorkerPool(workers);
    try {
      await Promise.all(workers.map((w) => w.ready));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Replays a part on the least busy worker. */
  run(job: PartJob): Promise<PartResult> {
    return this.leastBusy().run(this.nextId++, job);
  }

  /** Every worker's PartReplayer.finish(log), once the log's parts are all merged. */
  finish(log: number): Promise<PartResult[]> {
    return Promise.all(this.workers.map((worker) => worker.finish(this.nextId++, log)));
  }

  /** True when some worker holds fewer than `parts` parts. */
  hasRoom(parts: number): boolean {
    return this.leastBusy().pending.size < parts;
  }

  private leastBusy(): ReplayWorker {
    let chosen = this.workers[0]!;
    for (const worker of this.workers) if (worker.pending.size < chosen.pending.size) chosen = worker;
    return chosen;
  }

  get size(): number {
    return this.workers.length;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}

/** A worker's error as the main thread would have thrown it: format errors stay the user's. */
function revive(error: ErrorText): Error {
  if (error.name === 'FlowLogFormatError') return new FlowLogFormatError(error.message);
  const revived = new Error(`replay worker: ${error.message}`);
  if (error.stack) revived.stack = `${revived.message}\n(in the worker) ${error.stack}`;
  return revived;
}
