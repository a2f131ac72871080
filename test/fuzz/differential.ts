/**
 * @module Differential testing: one bundle, many flows, every engine; every answer that differs from
 * the first engine's (the reference), in the whole Decision or in whether the flow is refused.
 */
import { ingestObjects } from '../../src/ingest/bundle.js';
import { formatDiagnostic } from '../../src/ingest/diagnostics.js';
import { decodeFlow } from '../../src/flow/decode.js';
import { FlowError } from '../../src/model/errors.js';
import type { Bundle } from '../../src/model/bundle.js';
import type { Decision } from '../../src/model/decision.js';
import type { Flow } from '../../src/model/flow.js';
import { canonicalJSON } from '../../src/model/serialize.js';
import type { Decider, EngineUnderTest } from '../cases/engine.js';

/** What an engine did with one flow. */
export type Outcome =
  | { readonly kind: 'decision'; readonly decision: Decision }
  /** A FlowError: only the fact is compared, engines may word it differently. */
  | { readonly kind: 'refused'; readonly message: string }
  /** Any other error: never a valid answer. */
  | { readonly kind: 'crashed'; readonly error: string };

export interface Disagreement {
  /** Index of the flow in the input. */
  readonly index: number;
  /** The flow as given (JSON). */
  readonly flow: unknown;
  readonly reference: string;
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
  /** The engines compared with the reference (after it), in ENGINES order. */
  readonly compared: readonly string[];
}

/**
 * Ingests `bundleObjects` once, loads it into every engine, and asks each about every flow (JSON, as
 * the CLI reads it). A crash is reported even in the reference engine, against itself: an engine
 * may refuse a flow, never throw anything else.
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
  const deciders = await Promise.all(engines.map((engine) => loadEngine(engine, bundle)));
  const [reference, ...others] = engines.map((engine, i) => ({ name: engine.name, decider: deciders[i]! }));

  const disagreements: Disagreement[] = [];
  let flowsDecided = 0;
  flows.forEach((json, index) => {
    const flow = decodeOrUndefined(json);
    if (!flow) return;
    flowsDecided++;
    const expected = ask(reference!.decider, flow);
    const report = (engine: string, actual: Outcome, differences: string[]): void => {
      disagreements.push({ index, flow: json, reference: reference!.name, engine, expected, actual, differences });
    };
    if (expected.kind === 'crashed') report(reference!.name, expected, [`${reference!.name} crashed: ${expected.error}`]);
    for (const other of others) {
      const actual = ask(other.decider, flow);
      const differences = compareOutcomes(expected, actual);
      if (differences.length > 0) report(other.name, actual, differences);
    }
  });
  return { bundle, flowsDecided, disagreements, compared: others.map((other) => other.name) };
}

/** A load failure makes every answer of that engine a crash, rather than aborting the comparison. */
async function loadEngine(engine: EngineUnderTest, bundle: Bundle): Promise<Decider> {
  try {
    return await engine.load(bundle);
  } catch (error) {
    const message = `load failed: ${describeError(error)}`;
    return {
      decide: () => {
        throw new Error(message);
      },
    };
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

function ask(decider: Decider, flow: Flow): Outcome {
  try {
    return { kind: 'decision', decision: decider.decide(flow) };
  } catch (error) {
    if (isFlowError(error)) return { kind: 'refused', message: (error as Error).message };
    return { kind: 'crashed', error: describeError(error) };
  }
}

/** By name too: an engine built separately (a worker bundle) has its own copy of the class. */
function isFlowError(error: unknown): boolean {
  return error instanceof FlowError || (error instanceof Error && error.name === 'FlowError');
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
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
