/**
 * @module Case suites: a bundle (YAML text) plus flows with the expected verdict, and the runner
 * that checks them against an engine on every path (paths.ts). A case fails with a table of every
 * flow and path that disagrees, not just the first.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/ingest/diagnostics.js';
import { ingestSources } from '../../src/ingest/bundle.js';
import type { BundleOptions } from '../../src/model/bundle.js';
import type { Decision, DecisionReason, Direction, SideReason, Verdict } from '../../src/model/decision.js';
import { decodeFlow } from '../../src/flow/decode.js';
import { answerEveryPath, COMPACT, PATHS, type EngineUnderTest } from './paths.js';

/** `ns/name#rule`: the rule expected to allow a side. */
export type RuleExpectation = string;

export interface FlowCase {
  /** As in the CLI's NDJSON: "ns/name", an IP, or {namespace, labels, ports?}. */
  readonly src: unknown;
  readonly dst: unknown;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  readonly port: number;
  readonly allowed: boolean;
  readonly reason?: DecisionReason;
  readonly deniedBy?: readonly Direction[];
  readonly egress?: SideReason;
  readonly ingress?: SideReason;
  readonly allowedByEgress?: RuleExpectation;
  readonly allowedByIngress?: RuleExpectation;
}

export interface BundleCase {
  readonly name: string;
  /** Where the case comes from (an upstream test, the concept page, the article). */
  readonly source?: string;
  /** One or more YAML/JSON texts, read as one bundle. */
  readonly manifests: readonly string[];
  readonly options?: Partial<BundleOptions>;
  readonly flows: readonly FlowCase[];
}

export interface CaseGroup {
  readonly name: string;
  readonly cases: readonly BundleCase[];
}

/**
 * Reads a printed truth table into flows: a header row of destinations, then one row per source,
 * `.` for allowed and `X` for denied (the notation of the upstream e2e suite).
 */
export function truthTable(text: string, port: number, protocol: FlowCase['protocol'] = 'TCP'): FlowCase[] {
  const rows = text.trim().split('\n').map((line) => line.trim().split(/\s+/));
  const header = rows[0]!;
  return rows.slice(1).flatMap((row) =>
    row.slice(1).map((cell, i) => {
      if (cell !== '.' && cell !== 'X') throw new Error(`truth table cell ${JSON.stringify(cell)} is not . or X`);
      return { src: row[0]!, dst: header[i]!, port, protocol, allowed: cell === '.' };
    }),
  );
}

export function describeFlow(flow: FlowCase): string {
  const show = (ep: unknown): string => (typeof ep === 'string' ? ep : JSON.stringify(ep));
  return `${show(flow.src)} -> ${show(flow.dst)} ${flow.protocol ?? 'TCP'}/${flow.port}`;
}

/** Registers one vitest test per case of each group, for one engine, checked on every path. */
export function runCaseGroups(engine: EngineUnderTest, groups: readonly CaseGroup[]): void {
  describe(`engine: ${engine.name}`, () => {
    for (const group of groups) {
      describe(group.name, () => {
        for (const testCase of group.cases) {
          it(testCase.name, async () => {
            const mismatches = await checkCase(engine, testCase);
            expect(mismatches, mismatches.join('\n')).toEqual([]);
          });
        }
      });
    }
  });
}

/**
 * Every disagreement between the engine and the case, one line each, on every path (paths.ts):
 * `[batch] ns1/a -> ns1/b TCP/80: allowed: expected true, got false`.
 */
export async function checkCase(engine: EngineUnderTest, testCase: BundleCase): Promise<string[]> {
  const result = ingestSources(
    testCase.manifests.map((text, i) => ({ name: `${testCase.name}#${i + 1}`, text })),
    { options: testCase.options },
  );
  if (!result.bundle) {
    return result.diagnostics.filter((d) => d.severity === 'error').map((d) => `bundle: ${formatDiagnostic(d)}`);
  }
  const loaded = await engine.load(result.bundle, testCase.manifests);
  const inputs = testCase.flows.map(({ src, dst, protocol, port }) => {
    const json = { src, dst, protocol, port };
    return { json, flow: decodeFlow(json) };
  });
  const answers = await answerEveryPath(loaded, result.bundle, engine.reader(result.bundle, loaded), inputs);
  const mismatches: string[] = [];
  for (const path of PATHS) {
    testCase.flows.forEach((flowCase, i) => {
      const answer = answers[path][i]!;
      if (answer.kind === 'inexpressible') return;
      const problems = answer.kind === 'decision' ? flowProblems(COMPACT.has(path) ? compactCase(flowCase) : flowCase, answer.decision) : [`${answer.kind}: ${'message' in answer ? answer.message : answer.error}`];
      if (problems.length > 0) mismatches.push(`[${path}] ${describeFlow(flowCase)}: ${problems.join('; ')}`);
    });
  }
  return mismatches;
}

/** What a compact answer can show of a case: allowed, reason and deniedBy. */
function compactCase(flowCase: FlowCase): FlowCase {
  return { ...flowCase, egress: undefined, ingress: undefined, allowedByEgress: undefined, allowedByIngress: undefined };
}

/** How an answer differs from what the case expects of it. */
function flowProblems(flowCase: FlowCase, decision: Decision | Verdict): string[] {
  const problems: string[] = [];
  const want = <T>(label: string, expected: T | undefined, actual: T): void => {
    if (expected !== undefined && JSON.stringify(expected) !== JSON.stringify(actual)) {
      problems.push(`${label}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
  };
  want('allowed', flowCase.allowed, decision.allowed);
  want('reason', flowCase.reason, decision.reason);
  want('deniedBy', flowCase.deniedBy, decision.deniedBy);
  want('egress', flowCase.egress, decision.egress?.reason);
  want('ingress', flowCase.ingress, decision.ingress?.reason);
  const ruleText = (side: Verdict['egress']): string | undefined =>
    side?.allowedBy && `${side.allowedBy.policy.namespace}/${side.allowedBy.policy.name}#${side.allowedBy.rule}`;
  want('allowedByEgress', flowCase.allowedByEgress, ruleText(decision.egress));
  want('allowedByIngress', flowCase.allowedByIngress, ruleText(decision.ingress));
  return problems;
}
