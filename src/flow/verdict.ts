/**
 * @module One flow line in, one verdict line out: the NDJSON contract of `netpol-edge eval` (and
 * later the batch API). External conformance suites depend on it: `{"allowed": true|false, ...}`
 * per flow, in input order, and `{"error": "..."}` in place of a line that cannot be answered.
 */
import type { Decision } from '../model/decision.js';
import type { Flow } from '../model/flow.js';
import { decodeFlow, FlowError } from './decode.js';

export interface VerdictOptions {
  /** Adds both sides (`egress`, `ingress`) with isolation and the deciding rule. */
  readonly explain: boolean;
}

export function verdictJSON(decision: Decision, options: VerdictOptions): string {
  const verdict: Record<string, unknown> = { allowed: decision.allowed, reason: decision.reason };
  if (!decision.allowed) verdict.deniedBy = decision.deniedBy;
  if (options.explain) {
    if (decision.egress) verdict.egress = decision.egress;
    if (decision.ingress) verdict.ingress = decision.ingress;
  }
  return JSON.stringify(verdict);
}

export function errorJSON(line: number, message: string): string {
  return JSON.stringify({ error: `line ${line}: ${message}` });
}

/**
 * Answers one NDJSON line. Only a FlowError (bad input) becomes an error line; anything else is a
 * fault of the engine and propagates, so that it can never turn into an answer.
 */
export function answerLine(
  line: number,
  text: string,
  decide: (flow: Flow) => Decision,
  options: VerdictOptions,
): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return errorJSON(line, 'not valid JSON');
  }
  try {
    return verdictJSON(decide(decodeFlow(value)), options);
  } catch (error) {
    if (error instanceof FlowError) return errorJSON(line, error.message);
    throw error;
  }
}
