/**
 * @module Every path a flow can take through an engine, so that the case suites and the
 * differential tests check all of them, not only `explain`:
 * - `explain`: one flow, the full Decision;
 * - `batch`: all flows in one `decideBatch` call (Verdicts);
 * - `records`: the flows as binary flow records in one `decideRecords` call, the verdict records
 *   read back with the image's metadata. A flow naming an ad-hoc pod has no record: that path
 *   skips it (`inexpressible`);
 * - `ndjson`: the flows as NDJSON lines through the eval/Worker answering loop (answerLines, with
 *   the sides, as `decide/batch?sides=true` answers);
 * - `ndjson-explain`: the same loop with `explain` (eval --explain);
 * - `ndjson-compact`: the same loop as `eval` and the batch API answer by default (no sides): an
 *   in-process engine answers it through flow records (src/engine/line-records.ts), and the line
 *   says only allowed, reason and deniedBy.
 */
import { VERDICT_RECORD_BYTES } from '../../src/compile/layout.js';
import type { Engine } from '../../src/engine/engine.js';
import { EndpointResolver } from '../../src/engine/endpoints.js';
import { encodeFlowRecords } from '../../src/engine/flow-encoder.js';
import type { WasmEngine } from '../../src/engine/wasm-engine.js';
import { answerLines } from '../../src/format/verdict.js';
import type { Bundle } from '../../src/model/bundle.js';
import { verdictOf, type Decision, type Verdict } from '../../src/model/decision.js';
import type { Flow } from '../../src/model/flow.js';

export const PATHS = ['explain', 'batch', 'records', 'ndjson', 'ndjson-explain', 'ndjson-compact'] as const;
export type PathName = (typeof PATHS)[number];

/** What one path did with one flow. */
export type PathAnswer =
  | { readonly kind: 'decision'; readonly decision: Decision | Verdict }
  /** A FlowError (or a refusing status): only the fact is compared, paths word it differently. */
  | { readonly kind: 'refused'; readonly message: string }
  /** Any other error: never a valid answer. */
  | { readonly kind: 'crashed'; readonly error: string }
  /** The flow has no form on this path (an ad-hoc pod in a binary record). */
  | { readonly kind: 'inexpressible' };

/** An engine as the suites load it (test/cases/engine.ts has the in-process ones). */
export interface EngineUnderTest {
  readonly name: string;
  /** `manifests`: the texts the bundle was read from, for an engine that reads them itself (a service). */
  load(bundle: Bundle, manifests?: readonly string[]): Promise<Engine>;
  /** What reads the engine's verdict records back: a WASM engine of the same bundle's image. */
  reader(bundle: Bundle, loaded: Engine): WasmEngine;
}

/** A flow with the JSON it was decoded from (what the NDJSON paths send). */
export interface FlowInput {
  readonly flow: Flow;
  readonly json: unknown;
}

/** Whether a path's answers carry the isolating-policy lists (the full Decision) or are Verdicts. */
export const EXPLAINS: Readonly<Record<PathName, boolean>> = {
  explain: true,
  batch: false,
  records: false,
  ndjson: false,
  'ndjson-explain': true,
  'ndjson-compact': false,
};

/** Paths whose answers say only allowed, reason and deniedBy. */
export const COMPACT: ReadonlySet<PathName> = new Set(['ndjson-compact']);

/**
 * Every path's answers for `flows`, in order. `reader` reads verdict records back (a WASM engine of
 * the same bundle). A path that fails as a whole (a batch that throws) is a crash of every flow.
 */
export async function answerEveryPath(
  engine: Engine,
  bundle: Bundle,
  reader: WasmEngine | undefined,
  flows: readonly FlowInput[],
): Promise<Record<PathName, PathAnswer[]>> {
  const whole = async (run: () => Promise<PathAnswer[]>): Promise<PathAnswer[]> => {
    try {
      return await run();
    } catch (error) {
      return flows.map(() => ({ kind: 'crashed', error: describeError(error) }));
    }
  };
  const explain: PathAnswer[] = [];
  for (const { flow } of flows) explain.push(await outcome(() => engine.explain(flow)));
  return {
    explain,
    batch: await whole(async () => (await engine.decideBatch(flows.map((f) => f.flow))).map(asAnswer)),
    records: await whole(() => answerRecords(engine, bundle, reader, flows)),
    ndjson: await whole(() => answerNdjson(engine, flows, false)),
    'ndjson-explain': await whole(() => answerNdjson(engine, flows, true)),
    'ndjson-compact': await whole(() => answerNdjson(engine, flows, false, false)),
  };
}

/** The answer a path should give when the reference's `explain` gives `expected`. */
export function expectedOn(path: PathName, expected: PathAnswer): PathAnswer {
  if (expected.kind === 'decision' && COMPACT.has(path)) {
    const { allowed, reason, deniedBy } = expected.decision;
    return { kind: 'decision', decision: { allowed, reason, deniedBy } };
  }
  return expected.kind === 'decision' && !EXPLAINS[path] ? { kind: 'decision', decision: verdictOf(expected.decision as Decision) } : expected;
}

async function answerRecords(engine: Engine, bundle: Bundle, reader: WasmEngine | undefined, flows: readonly FlowInput[]): Promise<PathAnswer[]> {
  if (!reader) throw new Error('no image to read verdict records with');
  const resolver = new EndpointResolver(bundle.pods);
  const answers: PathAnswer[] = new Array(flows.length);
  const encoded: Uint8Array[] = [];
  const slots: number[] = [];
  flows.forEach(({ flow }, i) => {
    if (flow.src.kind === 'adhoc' || flow.dst.kind === 'adhoc') {
      answers[i] = { kind: 'inexpressible' };
      return;
    }
    try {
      encoded.push(encodeFlowRecords(resolver, [flow]));
      slots.push(i);
    } catch (error) {
      answers[i] = asAnswer(error);
    }
  });
  const records = new Uint8Array(encoded.reduce((n, r) => n + r.length, 0));
  encoded.reduce((at, r) => (records.set(r, at), at + r.length), 0);
  const verdicts = await engine.decideRecords(records);
  if (verdicts.length !== slots.length * VERDICT_RECORD_BYTES) throw new Error(`${verdicts.length} bytes of verdicts for ${slots.length} records`);
  reader.readVerdicts(verdicts).forEach((verdict, k) => {
    answers[slots[k]!] = typeof verdict === 'number' ? { kind: 'refused', message: `status ${verdict}` } : { kind: 'decision', decision: verdict };
  });
  return answers;
}

async function answerNdjson(engine: Engine, flows: readonly FlowInput[], explain: boolean, sides = true): Promise<PathAnswer[]> {
  const lines = flows.map(({ json }, i) => ({ number: i + 1, text: JSON.stringify(json) }));
  const out = await answerLines(lines, engine, { explain, sides });
  return out.map((line): PathAnswer => {
    const value = JSON.parse(line) as (Decision & { error?: undefined }) | { error: string };
    if (value.error !== undefined) return { kind: 'refused', message: value.error };
    // The loop leaves deniedBy off an allowed flow's line.
    return { kind: 'decision', decision: { ...value, deniedBy: (value as Decision).deniedBy ?? [] } };
  });
}

async function outcome(run: () => Promise<Decision | Verdict>): Promise<PathAnswer> {
  try {
    return { kind: 'decision', decision: await run() };
  } catch (error) {
    return asAnswer(error);
  }
}

function asAnswer(value: Decision | Verdict | unknown): PathAnswer {
  if (isFlowError(value)) return { kind: 'refused', message: (value as Error).message };
  if (value instanceof Error) return { kind: 'crashed', error: describeError(value) };
  return { kind: 'decision', decision: value as Verdict };
}

/** By name too: an engine built separately (a worker bundle) has its own copy of the class. */
export function isFlowError(error: unknown): boolean {
  return error instanceof Error && error.name === 'FlowError';
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
