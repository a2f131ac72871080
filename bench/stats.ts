/**
 * @module Timing helpers on `process.hrtime.bigint`: repeated measurements (warm-up, then samples,
 * within a time budget) reported by their median, and an ops/s meter that calibrates how many
 * operations to time at once so that timer resolution and loop overhead do not show.
 */

/** Nanoseconds since an arbitrary origin. */
export function now(): bigint {
  return process.hrtime.bigint();
}

/** Nanoseconds since `start`, as a number (exact up to 104 days). */
export function since(start: bigint): number {
  return Number(now() - start);
}

/** Results are written here so that the JIT cannot drop a measured call as dead code. */
export let sink: unknown;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface SampleOptions {
  /** Untimed runs first: JIT warm-up, caches, lazily built indexes. */
  readonly warmups: number;
  /** Timed runs wanted. */
  readonly samples: number;
  /** Stop taking samples after this many milliseconds (warm-ups included); at least one is taken. */
  readonly budgetMs: number;
}

/**
 * Times `run` (sync or async, e.g. a WebAssembly.compile) `samples` times after `warmups` untimed
 * runs; returns the durations in nanoseconds. A slow `run` gets fewer samples, never a longer run.
 */
export async function sample(run: () => unknown, options: SampleOptions): Promise<number[]> {
  const start = now();
  const overBudget = (): boolean => since(start) > options.budgetMs * 1e6;
  for (let i = 0; i < options.warmups && !overBudget(); i++) sink = await run();
  const durations: number[] = [];
  while (durations.length < options.samples && (durations.length === 0 || !overBudget())) {
    const t = now();
    sink = await run();
    durations.push(since(t));
  }
  return durations;
}

/** The median duration of `sample`, in nanoseconds. */
export async function medianNs(run: () => unknown, options: SampleOptions): Promise<number> {
  return median(await sample(run, options));
}

export interface RateOptions {
  /** Untimed calls first, for this long: V8 needs some thousands of calls to optimise a hot path. */
  readonly warmupMs: number;
  /** How long one timed sample should last. */
  readonly targetMs: number;
  /** Timed samples wanted; each gives one rate, the median is reported. */
  readonly samples: number;
  /** The whole measurement (warm-up, calibration, samples) stops after this; at least one sample. */
  readonly budgetMs: number;
}

export interface Rate {
  /** Median operations per second over the samples. */
  readonly opsPerSecond: number;
  /** Median nanoseconds per operation (1e9 / opsPerSecond). */
  readonly nsPerOp: number;
  /** Operations per timed sample, after calibration. */
  readonly iterations: number;
  readonly samples: number;
}

/**
 * Operations per second of `op(i)` (`i` counts up, to cycle through inputs; an op that returns a
 * promise is awaited, as its callers await it: the engines' methods are async). Warms up for
 * `warmupMs`, calibrates the iteration count by doubling until a run takes a tenth of `targetMs`,
 * then scales it to `targetMs` and times `samples` runs of that many calls.
 */
export async function opsPerSecond(op: (i: number) => unknown, options: RateOptions): Promise<Rate> {
  const start = now();
  const budgetNs = options.budgetMs * 1e6;
  const targetNs = options.targetMs * 1e6;
  let counter = 0;
  const timeRun = async (n: number): Promise<number> => {
    const t = now();
    let last: unknown;
    for (let k = 0; k < n; k++) {
      last = op(counter++);
      if (last instanceof Promise) last = await last;
    }
    const elapsed = since(t);
    sink = last;
    return elapsed;
  };

  // Warm-up: also absorbs one-off costs such as a lazily built index on the first call.
  const warmupNs = Math.min(options.warmupMs * 1e6, budgetNs / 2);
  while (since(start) < warmupNs) await timeRun(1);

  let iterations = 1;
  let elapsed = await timeRun(iterations);
  while (elapsed < targetNs / 10 && since(start) + elapsed * 2 < budgetNs) {
    iterations *= 2;
    elapsed = await timeRun(iterations);
  }
  iterations = Math.max(1, Math.round((iterations * targetNs) / Math.max(elapsed, 1)));

  const rates: number[] = [];
  while (rates.length < options.samples && (rates.length === 0 || since(start) + targetNs < budgetNs)) {
    rates.push((iterations * 1e9) / Math.max(await timeRun(iterations), 1));
  }
  const ops = median(rates);
  return { opsPerSecond: ops, nsPerOp: 1e9 / ops, iterations, samples: rates.length };
}

/**
 * opsPerSecond for several ops measured in turns, for rows that are compared with each other (the
 * pod and IP rows of one format): each op is warmed up and calibrated in turn, then every sample
 * round times each op once, in alternating order, so that warm-up, run order and a busy moment of
 * the machine fall on all of them alike. The median of each op's rounds is reported.
 */
export async function interleavedRates(ops: Readonly<Record<string, () => unknown>>, options: RateOptions): Promise<Record<string, Rate>> {
  const names = Object.keys(ops);
  const start = now();
  // The budget and the warm-up are per op, as opsPerSecond's.
  const budgetNs = options.budgetMs * 1e6 * names.length;
  const timeRun = async (op: () => unknown, n: number): Promise<number> => {
    const t = now();
    let last: unknown;
    for (let k = 0; k < n; k++) {
      last = op();
      if (last instanceof Promise) last = await last;
    }
    const elapsed = since(t);
    sink = last;
    return elapsed;
  };
  // Warm-up in turns (a first call also fills lazily built tables), then calibration of each op.
  const warmupNs = Math.min(options.warmupMs * 1e6 * names.length, budgetNs / 2);
  while (since(start) < warmupNs) for (const name of names) await timeRun(ops[name]!, 1);
  const iterations: Record<string, number> = {};
  for (const name of names) {
    let n = 1;
    let elapsed = await timeRun(ops[name]!, n);
    while (elapsed < (options.targetMs * 1e6) / 10) elapsed = await timeRun(ops[name]!, (n *= 2));
    iterations[name] = Math.max(1, Math.round((n * options.targetMs * 1e6) / Math.max(elapsed, 1)));
  }
  const rates: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const roundNs = names.length * options.targetMs * 1e6;
  for (let round = 0; round < options.samples && (round === 0 || since(start) + roundNs < budgetNs); round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      rates[name]!.push((iterations[name]! * 1e9) / Math.max(await timeRun(ops[name]!, iterations[name]!), 1));
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const ops = median(rates[name]!);
      return [name, { opsPerSecond: ops, nsPerOp: 1e9 / ops, iterations: iterations[name]!, samples: rates[name]!.length }];
    }),
  );
}
