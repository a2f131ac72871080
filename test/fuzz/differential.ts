/**
 * @module Differential testing: one bundle, many flows, every engine on every path (explain, batch,
 * binary records, NDJSON: test/cases/paths.ts); every answer that differs from the first engine's
 * (the reference's) explain, in the whole Decision (the Verdict, on the batch paths) or in whether
 * the flow is refused.
 */
import { ingestObjects } from '../../src/ingest/bundle.js';
import { formatDiagnostic } from '../../src/ingest/diagnostics.js';
import { decodeFlow } from '../../src/flow/decode.js';
import type { Engine } from '../../src/engine/engine.js';
import { WasmEngine } from '../../src/engine/wasm-engine.js';
import type { Bundle } from '../../src/model/bundle.js';
import type { Flow } from '../../src/model/flow.js';
import { canonicalJSON } from '../../src/model/serialize.js';
import type { EngineUnderTest } from '../cases/engine.js';
import { answerEveryPath, describeError, expectedOn, isFlowError, PATHS, type PathAnswer, type PathName } from '../cases/paths.js';

/** What an engine did with one flow on one path (paths.ts). */
export type Outcome = PathAnswer;

export interface Disagreement {
  /** Index of the flow in the input. */
  readonly index: number;
  /** The flow as given (JSON). */
  readonly flow: unknown;
  readonly reference: string;
  /** The engine and path: `wasm/records`. */
  readonly engine: string;
  readonly expected: Outcome;
  readonly actual: Outcome;
  /** One line per differing field, `path: expected vs actual`. */
  readonly differences: readonly string[];
}

export interface Comparison {
  readonly bundle: Bundle;
  /** Flows every engine was asked about (those the decoder refuses are nobody's answer). */
  readonly flowsDecided: number;
  readonly disagreements: readonly Disagreement[];
  /** The engine paths compared with the reference's explain, in ENGINES then PATHS order. */
  readonly compared: readonly string[];
  /** Per path: the flows that went through it (a flow naming an ad-hoc pod has no binary record). */
  readonly flowsPerPath: Readonly<Record<PathName, number>>;
}

/**
 * Ingests `bundleObjects` once, loads it into every engine, and asks each about every flow (JSON, as
 * the CLI reads it) on every path; every answer is compared with the first engine's (the
 * reference's) `explain`. A crash is reported even there, against itself: an engine may refuse a
 * flow, never throw anything else.
 */
export async function compareEngines(
  engines: readonly EngineUnderTest[],
  bundleObjects: readonly unknown[],
  flows: readonly unknown[],
): Promise<Comparison> {
  if (engines.length === 0) throw new Error('compareEngines needs at least the reference engine');
  const result = ingestObjects(bundleObjects);
  if (!result.bundle) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    throw new Error(`the bundle does not ingest:\n${errors.join('\n')}`);
  }
  const bundle = result.bundle;
  const inputs: { index: number; json: unknown; flow: Flow }[] = [];
  flows.forEach((json, index) => {
    const flow = decodeOrUndefined(json);
    if (flow) inputs.push({ index, json, flow });
  });
  const loaded = await Promise.all(engines.map((engine) => loadEngine(engine, bundle)));
  // Verdict records are read with the image: the WASM engine under test's, else one made for it.
  let reader = loaded.find((engine): engine is WasmEngine => engine instanceof WasmEngine);
  try {
    reader ??= loaded[0] instanceof Error ? undefined : engines[0]!.reader(bundle, loaded[0]!);
  } catch {
    reader = undefined; // every records path then crashes, and is reported
  }
  const answered = await Promise.all(
    loaded.map((engine) => (engine instanceof Error ? undefined : answerEveryPath(engine, bundle, reader, inputs))),
  );

  const disagreements: Disagreement[] = [];
  const compared: string[] = [];
  const flowsPerPath = Object.fromEntries(PATHS.map((path) => [path, 0])) as Record<PathName, number>;
  const referenceName = engines[0]!.name;
  const outcomeOf = (e: number, path: PathName, k: number): Outcome => {
    const engine = loaded[e]!;
    return engine instanceof Error ? { kind: 'crashed', error: engine.message } : answered[e]![path][k]!;
  };
  inputs.forEach(({ index, json }, k) => {
    const expected = outcomeOf(0, 'explain', k);
    const report = (engine: string, actual: Outcome, differences: string[]): void => {
      disagreements.push({ index, flow: json, reference: referenceName, engine, expected, actual, differences });
    };
    if (expected.kind === 'crashed') report(referenceName, expected, [`${referenceName} crashed: ${expected.error}`]);
    engines.forEach((engine, e) => {
      for (const path of PATHS) {
        if (e === 0 && path === 'explain') continue;
        const actual = outcomeOf(e, path, k);
        if (actual.kind === 'inexpressible') continue;
        if (e === 0) flowsPerPath[path]++;
        const differences = compareOutcomes(expectedOn(path, expected), actual);
        if (differences.length > 0) report(`${engine.name}/${path}`, actual, differences);
      }
    });
  });
  flowsPerPath.explain = inputs.length;
  engines.forEach((engine, e) => PATHS.forEach((path) => (e > 0 || path !== 'explain') && compared.push(`${engine.name}/${path}`)));
  return { bundle, flowsDecided: inputs.length, disagreements, compared, flowsPerPath };
}

/** A load failure makes every answer of that engine a crash, rather than aborting the comparison. */
async function loadEngine(engine: EngineUnderTest, bundle: Bundle): Promise<Engine | Error> {
  try {
    return await engine.load(bundle);
  } catch (error) {
    return new Error(`load failed: ${describeError(error)}`);
  }
}

/** Flows the decoder refuses never reach an engine; anything else the decoder throws is a bug. */
function decodeOrUndefined(json: unknown): Flow | undefined {
  try {
    return decodeFlow(json);
  } catch (error) {
    if (isFlowError(error)) return undefined;
    throw error;
  }
}

/** Empty when the outcomes agree. */
export function compareOutcomes(expected: Outcome, actual: Outcome): string[] {
  if (actual.kind === 'crashed') return [`crashed: ${actual.error}`];
  if (expected.kind === 'crashed') return []; // reported once, against the reference itself
  if (expected.kind !== actual.kind) {
    return [`${expected.kind === 'refused' ? `refused (${expected.message})` : 'decided'} vs ${actual.kind === 'refused' ? `refused (${actual.message})` : 'decided'}`];
  }
  if (expected.kind === 'decision' && actual.kind === 'decision') return diffValues(expected.decision, actual.decision);
  return [];
}

/**
 * Field-by-field differences of two JSON-like values, as `path: a vs b`. Values go through the
 * canonical JSON first, so an absent field and one set to undefined are the same.
 */
export function diffValues(a: unknown, b: unknown): string[] {
  const differences: string[] = [];
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (canonicalJSON(x) === canonicalJSON(y)) return;
    const bothObjects = typeof x === 'object' && x !== null && typeof y === 'object' && y !== null;
    if (bothObjects && Array.isArray(x) === Array.isArray(y) && !Array.isArray(x)) {
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
      for (const key of keys) walk((x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      return;
    }
    differences.push(`${path || '(decision)'}: ${show(x)} vs ${show(y)}`);
  };
  walk(JSON.parse(canonicalJSON(a)), JSON.parse(canonicalJSON(b)), '');
  return differences;
}

function show(value: unknown): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}
