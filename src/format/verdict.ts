/**
 * @module Flow lines in, verdict lines out: the NDJSON contract of `netpol-edge eval` (and the
 * batch API). External conformance suites depend on it: `{"allowed": true|false, ...}` per flow,
 * in input order, and `{"error": "..."}` in place of a line that cannot be answered.
 */
import { FLOW_RECORD_BYTES, STATUS, VERDICT_RECORD, VERDICT_RECORD_BYTES } from '../compile/layout.js';
import type { Engine } from '../engine/engine.js';
import type { EndpointResolver } from '../engine/endpoints.js';
import { lineRecordWriter } from '../engine/line-records.js';
import type { Decision, Verdict } from '../model/decision.js';
import type { Flow } from '../model/flow.js';
import { FlowError } from '../model/errors.js';
import { splitLineRuns } from '../flow/lines.js';
import { decodeFlowLine } from '../flow/scan.js';
import { answerNDJSONBytes, answerNDJSONToBytes, type ByteAnswerSetup } from './ndjson-bytes.js';
import { compactLine, errorJSON, recordLine } from './verdict-lines.js';

export { errorJSON } from './verdict-lines.js';

export interface VerdictOptions {
  /** Adds both sides (`egress`, `ingress`) with isolation and the deciding rule. */
  readonly explain: boolean;
  /**
   * Adds both sides as the batch path knows them: reasons and deciding or passing rules, without
   * the isolating-policy lists (cheaper than `explain`; what remote replay reports from).
   */
  readonly sides?: boolean;
}

/** The same, by verdict object: engines hand out one shared object per distinct verdict. */
const compactByVerdict = new WeakMap<Decision | Verdict, string>();

export function verdictJSON(verdict: Decision | Verdict, options: VerdictOptions): string {
  if (!options.explain && !options.sides) {
    const known = compactByVerdict.get(verdict);
    if (known !== undefined) return known;
    const line = compactLine(verdict);
    compactByVerdict.set(verdict, line);
    return line;
  }
  const out: Record<string, unknown> = { allowed: verdict.allowed, reason: verdict.reason };
  if (!verdict.allowed) out.deniedBy = verdict.deniedBy;
  if (verdict.egress) out.egress = verdict.egress;
  if (verdict.ingress) out.ingress = verdict.ingress;
  return JSON.stringify(out);
}

export interface NumberedLine {
  readonly number: number;
  readonly text: string;
}

/**
 * Answers a run of NDJSON lines, one output line each, in order. Only bad input (a FlowError)
 * becomes an error line; any other failure propagates, so that it can never turn into an answer.
 * Without `explain` the flows go to the engine as one batch (one promise for the run).
 */
export async function answerLines(lines: readonly NumberedLine[], engine: Engine, options: VerdictOptions): Promise<string[]> {
  if (!options.explain && !options.sides && engine.resolver !== undefined) return answerLinesByRecords(lines, engine, engine.resolver);
  return answerFlows(lines, engine, options);
}

/** answerLines through Flow objects: every line the record path does not take, and every explanation. */
async function answerFlows(lines: readonly NumberedLine[], engine: Engine, options: VerdictOptions): Promise<string[]> {
  const { out, flows, slots } = decodeLines(lines);
  const answers = options.explain ? await explainEach(engine, flows) : await engine.decideBatch(flows);
  answers.forEach((answer, k) => {
    const i = slots[k]!;
    out[i] = answer instanceof FlowError ? errorJSON(lines[i]!.number, answer.message) : verdictJSON(answer, options);
  });
  return out;
}

/**
 * answerLines without explanation, for an in-process engine: lines become flow records as they
 * are scanned (line-records.ts), one decideRecords call answers them, and each verdict record
 * becomes its line by its codes. Lines the record path does not take, and flows the engine
 * refuses (their messages need the Flow), are answered by answerFlows, as before.
 */
async function answerLinesByRecords(lines: readonly NumberedLine[], engine: Engine, resolver: EndpointResolver): Promise<string[]> {
  const writer = lineRecordWriter(resolver);
  const records = new Uint8Array(lines.length * FLOW_RECORD_BYTES);
  const input = new DataView(records.buffer);
  const slots = new Int32Array(lines.length);
  const others: number[] = [];
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    if (writer.write(lines[i]!.text, input, count * FLOW_RECORD_BYTES)) slots[count++] = i;
    else others.push(i);
  }
  const out: string[] = new Array(lines.length);
  const verdicts = await engine.decideRecords(records.subarray(0, count * FLOW_RECORD_BYTES));
  const output = new DataView(verdicts.buffer, verdicts.byteOffset, verdicts.byteLength);
  for (let k = 0; k < count; k++) {
    if (verdicts[k * VERDICT_RECORD_BYTES + VERDICT_RECORD.STATUS] !== STATUS.OK) {
      others.push(slots[k]!);
      continue;
    }
    out[slots[k]!] = recordLine(verdicts, output, k);
  }
  if (others.length > 0) {
    others.sort((a, b) => a - b);
    const answered = await answerFlows(others.map((i) => lines[i]!), engine, { explain: false });
    others.forEach((i, k) => (out[i] = answered[k]!));
  }
  return out;
}

/**
 * As answerLines, each flow decided by `next` and by `baseline` (`?compare=`): the verdict line
 * carries `"baseline": {...}`, or the baseline's `{"error"}`. A flow `next` refuses is refused,
 * whatever the baseline says.
 */
export async function answerComparedLines(lines: readonly NumberedLine[], next: Engine, baseline: Engine, options: VerdictOptions): Promise<string[]> {
  const { out, flows, slots } = decodeLines(lines);
  const [verdicts, baselines] = await Promise.all([next.decideBatch(flows), baseline.decideBatch(flows)]);
  verdicts.forEach((verdict, k) => {
    const i = slots[k]!;
    if (verdict instanceof FlowError) {
      out[i] = errorJSON(lines[i]!.number, verdict.message);
      return;
    }
    const other = baselines[k]!;
    const base = other instanceof FlowError ? JSON.stringify({ error: other.message }) : verdictJSON(other, options);
    out[i] = `${verdictJSON(verdict, options).slice(0, -1)},"baseline":${base}}`;
  });
  return out;
}

/** A run of lines decoded: the flows to answer and their slots, the error lines already in `out`. */
function decodeLines(lines: readonly NumberedLine[]): { out: string[]; flows: Flow[]; slots: number[] } {
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
  return { out, flows, slots };
}

async function explainEach(engine: Engine, flows: readonly Flow[]): Promise<(Decision | FlowError)[]> {
  const answers: (Decision | FlowError)[] = [];
  for (const flow of flows) {
    try {
      answers.push(await engine.explain(flow));
    } catch (error) {
      if (!(error instanceof FlowError)) throw error;
      answers.push(error);
    }
  }
  return answers;
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
export function answerNDJSON(chunks: AsyncIterable<Uint8Array>, engine: Engine, options: VerdictOptions, limits: NdjsonLimits): AsyncGenerator<string> {
  const setup = byteAnswerSetup(engine, options, limits);
  return setup ? answerNDJSONBytes(chunks, setup) : answerNDJSONWith(chunks, (lines) => answerLines(lines, engine, options), limits);
}

/**
 * answerNDJSON's answers as their UTF-8 bytes, for a writer of bytes (the batch API): the byte
 * path's output goes out without being decoded into a text and encoded again.
 */
export function answerNDJSONEncoded(
  chunks: AsyncIterable<Uint8Array>,
  engine: Engine,
  options: VerdictOptions,
  limits: NdjsonLimits,
): AsyncGenerator<Uint8Array> {
  const setup = byteAnswerSetup(engine, options, limits);
  return setup ? answerNDJSONToBytes(chunks, setup) : encoded(answerNDJSONWith(chunks, (lines) => answerLines(lines, engine, options), limits));
}

/** The byte path's setup for answers without explanation or sides from an engine with a resolver; undefined otherwise. */
function byteAnswerSetup(engine: Engine, options: VerdictOptions, limits: NdjsonLimits): ByteAnswerSetup | undefined {
  if (options.explain || options.sides || engine.resolver === undefined) return undefined;
  const answerText = (lines: readonly NumberedLine[]): Promise<string[]> => answerLines(lines, engine, options);
  return { engine, resolver: engine.resolver, scanner: engine.flowLines?.(), limits, answerText, tooMany: (limit) => new FlowLimitError(limit) };
}

async function* encoded(texts: AsyncIterable<string>): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  for await (const text of texts) yield encoder.encode(text);
}

/** As answerNDJSON, with the runs of lines answered by `answer` (answerLines, answerComparedLines). */
export async function* answerNDJSONWith(
  chunks: AsyncIterable<Uint8Array>,
  answer: (lines: readonly NumberedLine[]) => Promise<string[]>,
  limits: NdjsonLimits,
): AsyncGenerator<string> {
  let flows = 0;
  for await (const lines of splitLineRuns(chunks, limits.maxLineBytes)) {
    const out: string[] = [];
    let run: NumberedLine[] = [];
    const answerRun = async (): Promise<void> => {
      if (run.length === 0) return;
      flows += run.length;
      if (limits.maxFlows !== undefined && flows > limits.maxFlows) throw new FlowLimitError(limits.maxFlows);
      const answered = run;
      run = [];
      out.push(...(await answer(answered)));
    };
    for (const line of lines) {
      if ('error' in line) {
        await answerRun();
        out.push(errorJSON(line.number, line.error));
      } else if (line.text.trim() !== '') {
        run.push(line);
        if (run.length >= limits.batchLines) await answerRun();
      }
    }
    await answerRun();
    if (out.length > 0) yield `${out.join('\n')}\n`;
  }
}
