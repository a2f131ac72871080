/**
 * @module Flow lines in, verdict lines out: the NDJSON contract of `netpol-edge eval` (and the
 * batch API). External conformance suites depend on it: `{"allowed": true|false, ...}` per flow,
 * in input order, and `{"error": "..."}` in place of a line that cannot be answered.
 */
import type { Decision, Verdict } from '../model/decision.js';
import type { Flow } from '../model/flow.js';
import { FlowError } from '../model/errors.js';
import { splitLineRuns } from './lines.js';
import { decodeFlowLine } from './scan.js';

export interface VerdictOptions {
  /** Adds both sides (`egress`, `ingress`) with isolation and the deciding rule. */
  readonly explain: boolean;
  /**
   * Adds both sides as the batch path knows them: reasons and deciding or passing rules, without
   * the isolating-policy lists (cheaper than `explain`; what remote replay reports from).
   */
  readonly sides?: boolean;
}

/** What answers flows: one with its explanation, or many at once. */
export interface FlowDecider {
  explain(flow: Flow): Decision;
  decideBatch(flows: readonly Flow[]): (Verdict | FlowError)[];
}

/** Without explanation a verdict line is one of a handful of strings: made once each. */
const compactLines = new Map<string, string>();

/** The same, by verdict object: engines hand out one shared object per distinct verdict. */
const compactByVerdict = new WeakMap<Decision | Verdict, string>();

export function verdictJSON(verdict: Decision | Verdict, options: VerdictOptions): string {
  if (!options.explain && !options.sides) {
    const known = compactByVerdict.get(verdict);
    if (known !== undefined) return known;
    const key = `${verdict.reason}:${verdict.deniedBy.join(',')}`;
    let line = compactLines.get(key);
    if (line === undefined) {
      line = JSON.stringify(
        verdict.allowed
          ? { allowed: true, reason: verdict.reason }
          : { allowed: false, reason: verdict.reason, deniedBy: verdict.deniedBy },
      );
      compactLines.set(key, line);
    }
    compactByVerdict.set(verdict, line);
    return line;
  }
  const out: Record<string, unknown> = { allowed: verdict.allowed, reason: verdict.reason };
  if (!verdict.allowed) out.deniedBy = verdict.deniedBy;
  if (verdict.egress) out.egress = verdict.egress;
  if (verdict.ingress) out.ingress = verdict.ingress;
  return JSON.stringify(out);
}

export function errorJSON(line: number, message: string): string {
  return JSON.stringify({ error: `line ${line}: ${message}` });
}

export interface NumberedLine {
  readonly number: number;
  readonly text: string;
}

/**
 * Answers a run of NDJSON lines, one output line each, in order. Only bad input (a FlowError)
 * becomes an error line; any other failure propagates, so that it can never turn into an answer.
 * Without `explain` the flows go to the engine as one batch.
 */
export function answerLines(lines: readonly NumberedLine[], decider: FlowDecider, options: VerdictOptions): string[] {
  const out: string[] = new Array(lines.length);
  const flows: Flow[] = [];
  const slots: number[] = [];
  lines.forEach((line, i) => {
    try {
      flows.push(decodeFlowLine(line.text));
      slots.push(i);
    } catch (error) {
      if (!(error instanceof FlowError)) throw error;
      out[i] = errorJSON(line.number, error.message);
    }
  });
  const answers = options.explain ? flows.map((flow) => explainOne(decider, flow)) : decider.decideBatch(flows);
  answers.forEach((answer, k) => {
    const i = slots[k]!;
    out[i] = answer instanceof FlowError ? errorJSON(lines[i]!.number, answer.message) : verdictJSON(answer, options);
  });
  return out;
}

function explainOne(decider: FlowDecider, flow: Flow): Decision | FlowError {
  try {
    return decider.explain(flow);
  } catch (error) {
    if (error instanceof FlowError) return error;
    throw error;
  }
}

export interface NdjsonLimits {
  /** Longest line read; a longer one gets an error line. */
  readonly maxLineBytes: number;
  /** Lines answered together (one engine batch). */
  readonly batchLines: number;
  /** Flows in all; past it FlowLimitError is thrown. */
  readonly maxFlows?: number;
}

/** More flows than a request may carry. */
export class FlowLimitError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} flows in one batch`);
    this.name = 'FlowLimitError';
  }
}

/**
 * NDJSON flow lines (bytes) in, verdict lines out, in input order: the whole contract of `eval`
 * and of the batch API. Each input chunk's complete lines are answered at once (at most
 * `batchLines` per engine call) and yielded as one text, so a writer sending one flow at a time
 * gets its answer at once and memory is bounded by the chunk size.
 */
export async function* answerNDJSON(
  chunks: AsyncIterable<Uint8Array>,
  decider: FlowDecider,
  options: VerdictOptions,
  limits: NdjsonLimits,
): AsyncGenerator<string> {
  let flows = 0;
  for await (const lines of splitLineRuns(chunks, limits.maxLineBytes)) {
    const out: string[] = [];
    let run: NumberedLine[] = [];
    const answerRun = (): void => {
      if (run.length === 0) return;
      flows += run.length;
      if (limits.maxFlows !== undefined && flows > limits.maxFlows) throw new FlowLimitError(limits.maxFlows);
      out.push(...answerLines(run, decider, options));
      run = [];
    };
    for (const line of lines) {
      if ('error' in line) {
        answerRun();
        out.push(errorJSON(line.number, line.error));
      } else if (line.text.trim() !== '') {
        run.push(line);
        if (run.length >= limits.batchLines) answerRun();
      }
    }
    answerRun();
    if (out.length > 0) yield `${out.join('\n')}\n`;
  }
}
