/**
 * @module `decide/batch?compare=VERSION`: NDJSON flow lines in, one line per flow out with the
 * active version's verdict and, under `baseline`, the compared version's, in input order. Staged-
 * change replay (`netpol-edge replay --baseline-version`) reads both from one request.
 */
import { decodeFlow } from '../src/flow/decode.js';
import { splitLineRuns } from '../src/flow/lines.js';
import { errorJSON, FlowLimitError, verdictJSON, type FlowDecider, type NdjsonLimits, type VerdictOptions } from '../src/flow/verdict.js';
import type { Verdict } from '../src/model/decision.js';
import { FlowError } from '../src/model/errors.js';
import type { Flow } from '../src/model/flow.js';

/** `{"allowed": ..., ..., "baseline": {"allowed": ..., "reason": ...}}`, or the baseline's refusal. */
function pairJSON(verdict: Verdict, baseline: Verdict | FlowError, options: VerdictOptions): string {
  const base = baseline instanceof FlowError ? JSON.stringify({ error: baseline.message }) : verdictJSON(baseline, options);
  const line = verdictJSON(verdict, options);
  return `${line.slice(0, -1)},"baseline":${base}}`;
}

/** Answers one run of lines with both deciders: each flow decoded once, decided by both. */
function answerRun(lines: readonly { number: number; text: string }[], next: FlowDecider, baseline: FlowDecider, options: VerdictOptions): string[] {
  const out: string[] = new Array(lines.length);
  const flows: Flow[] = [];
  const slots: number[] = [];
  lines.forEach((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch {
      out[i] = errorJSON(line.number, 'not valid JSON');
      return;
    }
    try {
      flows.push(decodeFlow(value));
      slots.push(i);
    } catch (error) {
      if (!(error instanceof FlowError)) throw error;
      out[i] = errorJSON(line.number, error.message);
    }
  });
  const verdicts = next.decideBatch(flows);
  const baselines = baseline.decideBatch(flows);
  slots.forEach((i, k) => {
    const verdict = verdicts[k]!;
    // A flow the active version refuses is refused, whatever the baseline says (line numbered as eval's).
    out[i] = verdict instanceof FlowError ? errorJSON(lines[i]!.number, verdict.message) : pairJSON(verdict, baselines[k]!, options);
  });
  return out;
}

/** As answerNDJSON, with the baseline's verdict on every answered line. */
export async function* answerComparedNDJSON(
  chunks: AsyncIterable<Uint8Array>,
  next: FlowDecider,
  baseline: FlowDecider,
  options: VerdictOptions,
  limits: NdjsonLimits,
): AsyncGenerator<string> {
  let flows = 0;
  for await (const lines of splitLineRuns(chunks, limits.maxLineBytes)) {
    const out: string[] = [];
    let run: { number: number; text: string }[] = [];
    const flush = (): void => {
      if (run.length === 0) return;
      flows += run.length;
      if (limits.maxFlows !== undefined && flows > limits.maxFlows) throw new FlowLimitError(limits.maxFlows);
      out.push(...answerRun(run, next, baseline, options));
      run = [];
    };
    for (const line of lines) {
      if ('error' in line) {
        flush();
        out.push(errorJSON(line.number, line.error));
      } else if (line.text.trim() !== '') {
        run.push(line);
        if (run.length >= limits.batchLines) flush();
      }
    }
    flush();
    if (out.length > 0) yield `${out.join('\n')}\n`;
  }
}
