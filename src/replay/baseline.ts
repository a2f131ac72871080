/**
 * @module Baseline replay: each flow of the logs, read and resolved once, decided by the new bundle
 * and by the baseline (the current one) in the same batch; the pairs feed a BaselineSummary, the
 * new bundle's rule hits and, optionally, one --out line per flow with both verdicts.
 */
import type { Engine } from '../engine/engine.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import type { Verdict } from '../model/decision.js';
import { FlowError } from '../model/errors.js';
import type { Flow } from '../model/flow.js';
import { BaselineSummary } from './baseline-summary.js';
import { ServiceRuns } from './service-runs.js';
import { changeKey, type ChangeName, type ListedFlow } from './change-groups.js';
import type { FlowRecordBatch } from './flow-record-batch.js';
import { KEY, OBSERVED_OF_CODE, PROTOCOL_NAMES } from './flow-records.js';
import type { Observed } from './records.js';
import { localWasmEngine, recordAllows, recordFields, streamRecords } from './record-stream.js';
import { countOther, describe, sideChain, streamFlows, type FlowStreamOptions, type PendingFlow, type ReplayInput, type ReplayStreamOptions } from './replay.js';
import type { RuleHits } from './rule-hits.js';

/** Both answers for a batch, one each per flow, in order. */
export interface ComparedBatch {
  readonly verdicts: readonly (Verdict | FlowError)[];
  readonly baseline: readonly (Verdict | FlowError)[];
}

/** What decides a batch with both bundles: two deciders, or a service's compare API. */
export interface ComparingDecider {
  decideBoth(flows: readonly Flow[]): Promise<ComparedBatch>;
  /** Two engines side by side (the new bundle's, the baseline's): local ones decide flow records. */
  readonly engines?: readonly [Pick<Engine, 'decideBatch'>, Pick<Engine, 'decideBatch'>];
}

/** Two engines side by side: the same flows go to both, at the same time. */
export function sideBySide(next: Pick<Engine, 'decideBatch'>, baseline: Pick<Engine, 'decideBatch'>): ComparingDecider {
  return {
    engines: [next, baseline],
    async decideBoth(flows) {
      const [verdicts, other] = await Promise.all([next.decideBatch(flows), baseline.decideBatch(flows)]);
      return { verdicts, baseline: other };
    },
  };
}

/** `out` gets one line per flow with both verdicts; `directory` is the new bundle's, when local. */
export interface BaselineReplayOptions extends ReplayStreamOptions {
  readonly decider: ComparingDecider;
  readonly summary: BaselineSummary;
  /** The new bundle's rule hits. */
  readonly rules: RuleHits;
}

export async function replayAgainstBaseline(inputs: readonly ReplayInput[], options: BaselineReplayOptions): Promise<void> {
  const { summary } = options;
  const stream: FlowStreamOptions<ComparedBatch> = {
    ...options,
    other: (record, file) => countOther(record, file, summary),
    decide: (flows) => options.decider.decideBoth(flows),
    settle: async (items, answer, from, to) => {
      const lines: string[] | undefined = options.out ? [] : undefined;
      for (let i = from; i < to; i++) settlePair(items[i]!, answer.verdicts[i]!, answer.baseline[i]!, options, lines);
      if (options.out && lines && lines.length > 0) await options.out(lines.join('\n'));
    },
  };
  // Local mode on the core: records first, both bundles deciding each batch (record-stream.ts).
  const engines = options.directory === undefined ? undefined : options.decider.engines?.map(localWasmEngine);
  const [next, baseline] = engines ?? [];
  if (next === undefined || baseline === undefined) await streamFlows(inputs, stream);
  else {
    const runs = new ServiceRuns();
    await streamRecords(inputs, stream, { engines: [next, baseline], tables: options.endpointTables, settle: (batch, from, to) => settleRecordPairs(batch, from, to, next, baseline, options, runs) });
  }
}

/**
 * settlePair for fast flows [from, to) of a batch, from both engines' verdict records: the flows
 * of one service and observed verdict counted at a few places (service-runs.ts), one --out line per flow.
 */
async function settleRecordPairs(batch: FlowRecordBatch, from: number, to: number, next: WasmEngine, baseline: WasmEngine, options: BaselineReplayOptions, runs: ServiceRuns): Promise<void> {
  // Flow i's verdict records: records verdictIndex(i, 0) (the new bundle's) and verdictIndex(i, 1) of its table's.
  const verdictsByTable = batch.verdictsOf();
  const { summary, rules } = options;
  if (options.out) {
    const lines: string[] = [];
    for (let i = from; i < to; i++) {
      const verdicts = verdictsByTable[batch.tableIndexes[i]!]!;
      const at = batch.verdictIndex(i, 0);
      const baselineAt = batch.verdictIndex(i, 1);
      const allowed = recordAllows(verdicts, at);
      const out: Record<string, unknown> = { file: batch.fileOf(i), line: batch.lines[i]!, ...recordFields(verdicts, at), baseline: recordFields(verdicts, baselineAt) };
      if (recordAllows(verdicts, baselineAt) !== allowed) out.change = allowed ? 'open' : 'break';
      const observed = OBSERVED_OF_CODE[batch.observed[i]!];
      if (observed) out.observed = observed;
      lines.push(JSON.stringify(out));
    }
    if (lines.length > 0) await options.out(lines.join('\n'));
  }
  for (let i = from; i < to; i++) runs.add(batch, i);
  // The flow at place p: one object for the whole batch, its names made only as needed.
  const listing = {
    at: 0,
    verdicts: verdictsByTable[0]!,
    file: '',
    line: 0,
    time: undefined as number | undefined,
    timeEnd: undefined as number | undefined,
    key: (observed?: Observed): string => batch.groupKeyOf(listing.at, observed === undefined ? KEY.CHANGE : observed === 'allowed' ? KEY.ALLOWED : KEY.DENIED),
    name: (): ChangeName => ({ ...batch.labelsOf(listing.at), protocol: PROTOCOL_NAMES[batch.protocolOf(listing.at)]!, port: batch.portOf(listing.at) }),
    why: () => ({
      old: ruleText(baseline.verdictOfRecord(listing.verdicts, batch.verdictIndex(listing.at, 1))),
      new: ruleText(next.verdictOfRecord(listing.verdicts, batch.verdictIndex(listing.at, 0))),
    }),
  };
  let allowedFlows = 0;
  let baselineAllowedFlows = 0;
  let observedAny = false;
  const places = runs.places();
  for (let p = 0; p < places; p++) {
    const i = runs.placeAt(p);
    const flows = runs.countAt(p);
    const verdicts = verdictsByTable[batch.tableIndexes[i]!]!;
    const at = batch.verdictIndex(i, 0);
    const allowed = recordAllows(verdicts, at);
    const baselineAllowed = recordAllows(verdicts, batch.verdictIndex(i, 1));
    const observed = OBSERVED_OF_CODE[batch.observed[i]!];
    if (allowed) allowedFlows += flows;
    if (baselineAllowed) baselineAllowedFlows += flows;
    if (observed !== undefined) observedAny = true;
    const file = batch.fileOf(i);
    const line = batch.lines[i]!;
    const time = batch.timeOf(i);
    const timeEnd = batch.timeEndOf(i);
    if (BaselineSummary.isListed(allowed, baselineAllowed, observed)) {
      listing.at = i;
      listing.verdicts = verdicts;
      listing.file = file;
      listing.line = line;
      listing.time = time;
      listing.timeEnd = timeEnd;
      summary.list(allowed, baselineAllowed, observed, listing, flows);
    }
    rules.countRecord(next, verdicts, at, flows, file, line, time, timeEnd);
  }
  summary.countJudgedRun(to - from, allowedFlows, baselineAllowedFlows, observedAny);
}

function settlePair(
  item: PendingFlow,
  verdict: Verdict | FlowError,
  baseline: Verdict | FlowError,
  options: BaselineReplayOptions,
  out: string[] | undefined,
): void {
  const { record, flow, file } = item;
  if (verdict instanceof Error || baseline instanceof Error) {
    const message = unresolvedMessage(verdict, baseline);
    options.summary.countUnresolved(file, record.line, message);
    out?.push(JSON.stringify({ file, line: record.line, error: message }));
    return;
  }
  // Most flows change nothing and are listed nowhere: they build no names.
  const src = record.srcLabel ?? describe(flow.src);
  const dst = record.dstLabel ?? describe(flow.dst);
  const listing: ListedFlow | undefined = BaselineSummary.isListed(verdict.allowed, baseline.allowed, record.observed)
    ? {
        file,
        line: record.line,
        time: record.time,
        timeEnd: record.timeEnd,
        key: (observed) => changeKey(src, dst, flow.protocol, flow.port, observed),
        name: () => ({ src, dst, protocol: flow.protocol, port: flow.port }),
        why: () => ({ old: ruleText(baseline), new: ruleText(verdict) }),
      }
    : undefined;
  options.summary.countJudged(verdict.allowed, baseline.allowed, record.observed, listing);
  options.rules.count(verdict, file, record.line, record.time, record.timeEnd);
  if (out) {
    const line: Record<string, unknown> = { file, line: record.line, ...verdictFields(verdict), baseline: verdictFields(baseline) };
    if (baseline.allowed !== verdict.allowed) line.change = verdict.allowed ? 'open' : 'break';
    if (record.observed) line.observed = record.observed;
    out.push(JSON.stringify(line));
  }
}

function verdictFields(verdict: Verdict): Record<string, unknown> {
  return verdict.allowed ? { allowed: true, reason: verdict.reason } : { allowed: false, reason: verdict.reason, deniedBy: verdict.deniedBy };
}

/**
 * What decided a flow on each side a policy had a say on, tier chain included: when denied, the
 * denying sides; when allowed, every side a rule allowed (`egress: ...; ingress: ...`).
 */
function ruleText(verdict: Verdict): string {
  if (verdict.reason === 'loopback') return 'loopback';
  const sides = [verdict.egress, verdict.ingress].filter((side) => side !== undefined);
  const deciding = verdict.allowed
    ? sides.filter((s) => s.decidedBy !== undefined || s.allowedBy !== undefined || s.passedBy !== undefined)
    : sides.filter((s) => !s.allowed);
  return deciding.length === 0 ? 'no policy' : deciding.map(sideChain).join('; ');
}

function unresolvedMessage(verdict: Verdict | FlowError, baseline: Verdict | FlowError): string {
  if (verdict instanceof Error && baseline instanceof Error && verdict.message === baseline.message) return verdict.message;
  const parts: string[] = [];
  if (verdict instanceof Error) parts.push(`new bundle: ${verdict.message}`);
  if (baseline instanceof Error) parts.push(`baseline: ${baseline.message}`);
  return parts.join('; ');
}
