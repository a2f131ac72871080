/**
 * @module Replay: flow-log records in, verdicts and an impact report out. Records stream through
 * in batches; at most `concurrency` batches are in flight (remote mode) and results are taken in
 * input order, so memory is bounded by the batch size whatever the log's size.
 */
import type { Engine } from '../engine/engine.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import type { FlowError } from '../model/errors.js';
import type { ClusterRuleRef, Verdict } from '../model/decision.js';
import type { EndpointSpec, Flow } from '../model/flow.js';
import { resolveEndpoint, type EndpointDirectory } from './endpoint-directory.js';
import { readFlowLogBytes, type FlowLogFormat, type LogPart, type LogRecord } from './index.js';
import type { FlowRecordBatch } from './flow-record-batch.js';
import { OBSERVED_CODE, OBSERVED_OF_CODE, type EndpointRecords, type EndpointTables } from './flow-records.js';
import { ListedFlows, type ServiceCounts } from './listed-flows.js';
import { localWasmEngine, recordAllows, recordFields, streamRecords } from './record-stream.js';
import { RuleHits } from './rule-hits.js';
import { ServiceRuns } from './service-runs.js';
import { ServiceTally } from './service-tally.js';
import type { RecordTally } from './record-tally.js';
import { LIST, ReplaySummary } from './summary.js';

export interface ReplayInput {
  readonly name: string;
  readonly bytes: AsyncIterable<Uint8Array>;
  /** When the bytes are a part of the log `name` (replay --jobs): where it starts, and its headers. */
  readonly part?: LogPart;
}

/** What every replay mode takes besides its deciders and its report. */
export interface ReplayStreamOptions {
  /** Local mode: who the bundle knows, for the resolution order (see resolveEndpoint). */
  readonly directory?: EndpointDirectory;
  /** Local mode on the core: endpoint tables kept from the previous replay with the same engines (see EndpointTables). */
  readonly endpointTables?: EndpointTables;
  readonly format?: FlowLogFormat;
  readonly batchSize?: number;
  readonly concurrency?: number;
  /** NDJSON lines, one per replayed flow, several per call (joined by newlines, no trailing one). */
  readonly out?: (lines: string) => void | Promise<void>;
  /** Bytes read so far of the current input, and flows so far; for a progress bar. */
  readonly onProgress?: (bytes: number, flows: number) => void;
}

export interface ReplayOptions extends ReplayStreamOptions {
  /** What answers each batch: an in-process engine, or a running service (RemoteEngine). */
  readonly engine: Engine;
  readonly summary: ReplaySummary;
  /** Counts the rules that decided each judged flow, when given. */
  readonly rules?: RuleHits;
  /** `summary`'s lists on the records path, kept from an earlier replay into it (a thread's parts of a log, replay --jobs). */
  readonly listed?: ListedFlows;
  /**
   * The per-service counts of the records path, kept from an earlier replay into the same
   * `summary` and `listed` (with the same endpoint tables), so that a part's repeated flows are
   * counted per service from its first line; unused when lines are reported one by one.
   */
  readonly tally?: ServiceTally;
  /**
   * With `listed` and `tally` kept: leave the counts they hold at the end in them, not added to
   * `summary` (they add up in any order), for a later replay into the same three, or
   * settleHeldCounts, to add. A replay --jobs thread adds its parts' once per log, not per part.
   */
  readonly holdCounts?: boolean;
}

/** A flow read from a log and resolved, waiting for its answer. */
export interface PendingFlow {
  readonly file: string;
  readonly record: LogRecord;
  readonly flow: Flow;
}

const DEFAULT_BATCH = 4096;

/** How flows stream from the logs to whatever answers and counts them. */
export interface FlowStreamOptions<Answer> {
  readonly directory?: EndpointDirectory;
  readonly format?: FlowLogFormat;
  readonly batchSize?: number;
  readonly concurrency?: number;
  readonly onProgress?: (bytes: number, flows: number) => void;
  /**
   * A record that is not a flow to judge: a reply, out of scope, or malformed. Malformed lines are
   * taken in input order with the flows around them (after the flows before them are settled), so
   * that problems (malformed lines, unresolved flows) are listed by line, however batches fall.
   */
  readonly other: (record: LogRecord, file: string) => void;
  readonly decide: (flows: readonly Flow[]) => Promise<Answer>;
  /** Takes one batch's answer for items[from, to); batches are settled in input order, one at a time. */
  readonly settle: (items: readonly PendingFlow[], answer: Answer, from: number, to: number) => void | Promise<void>;
}

/** A malformed record, held until the flows read before it (`at` of its batch's) are settled. */
interface HeldError {
  readonly at: number;
  readonly record: LogRecord;
  readonly file: string;
}

/**
 * Reads every input once, resolves each flow and hands batches to `decide`; at most `concurrency`
 * batches are in flight, and their answers are settled in input order.
 */
export async function streamFlows<Answer>(inputs: readonly ReplayInput[], options: FlowStreamOptions<Answer>): Promise<void> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const inFlight: Promise<void>[] = [];
  let flows = 0;
  let batch: PendingFlow[] = [];
  let errors: HeldError[] = [];

  const settleInOrder = async (items: readonly PendingFlow[], answer: Answer | undefined, held: readonly HeldError[]): Promise<void> => {
    let from = 0;
    for (const error of held) {
      if (error.at > from) await options.settle(items, answer!, from, error.at);
      from = error.at;
      options.other(error.record, error.file);
    }
    if (from < items.length) await options.settle(items, answer!, from, items.length);
  };

  const dispatch = async (): Promise<void> => {
    if (batch.length === 0 && errors.length === 0) return;
    const items = batch;
    const held = errors;
    batch = [];
    errors = [];
    const answer = items.length === 0 ? undefined : options.decide(items.map((p) => p.flow));
    // Results are taken in order: the oldest batch is settled before a newer one is written.
    const previous = inFlight[inFlight.length - 1];
    inFlight.push(
      (async () => {
        const value = await answer;
        await previous;
        await settleInOrder(items, value, held);
      })(),
    );
    if (inFlight.length >= concurrency) await inFlight.shift();
  };

  for (const input of inputs) {
    let bytes = 0;
    const counted = countBytes(input.bytes, (n) => (bytes += n));
    for await (const records of readFlowLogBytes(counted, { format: options.format, part: input.part })) {
      for (const record of records) {
        if (record.kind === 'flow' && record.flow) {
          batch.push({ file: input.name, record, flow: resolveFlow(record, options.directory) });
          flows++;
          if (batch.length + errors.length >= batchSize) await dispatch();
        } else if (record.kind === 'error') {
          errors.push({ at: batch.length, record, file: input.name });
          if (batch.length + errors.length >= batchSize) await dispatch();
        } else {
          options.other(record, input.name);
        }
      }
      options.onProgress?.(bytes, flows);
    }
  }
  await dispatch();
  await Promise.all(inFlight);
}

export async function replay(inputs: readonly ReplayInput[], options: ReplayOptions): Promise<void> {
  // Engines hand out shared verdict objects: what decided one is worked out once per object.
  const whys = new WeakMap<Verdict, string | undefined>();
  const why = (verdict: Verdict): string | undefined => {
    if (whys.has(verdict)) return whys.get(verdict);
    const text = whyOf(verdict);
    whys.set(verdict, text);
    return text;
  };
  const stream: FlowStreamOptions<(Verdict | FlowError)[]> = {
    ...options,
    other: (record, file) => countOther(record, file, options.summary),
    decide: (flows) => options.engine.decideBatch(flows),
    settle: async (items, verdicts, from, to) => {
      const lines: string[] = [];
      for (let i = from; i < to; i++) {
        const item = items[i]!;
        const verdict = verdicts[i]!;
        settle(item, verdict, options.summary, options.out ? lines : undefined, why);
        if (options.rules && !(verdict instanceof Error)) options.rules.count(verdict, item.file, item.record.line, item.record.time, item.record.timeEnd);
      }
      if (options.out && lines.length > 0) await options.out(lines.join('\n'));
    },
  };
  // Local mode on the core: records first (record-stream.ts); the object path for any other engine.
  const wasm = options.directory === undefined ? undefined : localWasmEngine(options.engine);
  if (wasm === undefined) await streamFlows(inputs, stream);
  else {
    const listed = options.listed ?? new ListedFlows(options.summary);
    // Lines reported one by one (--out, --rules) are never counted per service.
    const tally = options.out || options.rules ? undefined : (options.tally ?? new ServiceTally());
    // Rule hits are counted at a few places per service and observed verdict in each batch (service-runs.ts).
    const runs = options.rules ? new ServiceRuns() : undefined;
    await streamRecords(inputs, stream, {
      engines: [wasm],
      tables: options.endpointTables,
      tally,
      settle: (batch, from, to) => settleRecords(batch, from, to, wasm, listed, options, tally, runs),
      settleTally: () => tally && settleTallied(tally, listed, options.summary),
      holdLastTally: options.holdCounts,
    });
    if (!options.holdCounts) listed.flush();
  }
}

/** Adds to `summary` the counts replays with holdCounts left in `tally` and `listed`. */
export function settleHeldCounts(tally: ServiceTally, listed: ListedFlows, summary: ReplaySummary): void {
  settleTallied(tally, listed, summary);
  listed.flush();
}

/**
 * `settle` for fast flows [from, to) of a batch, from their verdict records: totals counted here,
 * the summary's lists per distinct flow (`listed`).
 */
async function settleRecords(
  batch: FlowRecordBatch,
  from: number,
  to: number,
  engine: WasmEngine,
  listed: ListedFlows,
  options: ReplayOptions,
  tally: ServiceTally | undefined,
  runs: ServiceRuns | undefined,
): Promise<void> {
  // Flow i's verdict record: record verdictIndex(i, 0) of its table's (flow-record-batch.ts).
  const verdictsByTable = batch.verdictsOf();
  const engines = batch.engines;
  const lines: string[] | undefined = options.out ? [] : undefined;
  const { rules, summary } = options;
  const codes = batch.observed;
  const services = batch.services;
  const tables = batch.tableIndexes;
  const counts = Array.from({ length: batch.tableCount }, (_, t) => listed.of(batch.table(t)));
  const tallies = tally && Array.from({ length: batch.tableCount }, (_, t) => tally.of(batch.table(t)));
  // What decided flow `at`, asked only for a flow that starts a group: one object for the whole run.
  const group = { verdicts: verdictsByTable[0]!, at: 0, why: (): string | undefined => whyOf(engine.verdictOfRecord(group.verdicts, group.at)) };
  let allowedFlows = 0;
  let observedAny = false;
  for (let i = from; i < to; i++) {
    const table = tables[i]!;
    const service = services[i]!;
    const verdicts = verdictsByTable[table]!;
    const at = service * engines;
    const allowed = recordAllows(verdicts, at);
    const observed = codes[i]!;
    if (observed !== OBSERVED_CODE.NONE) observedAny = true;
    if (allowed) {
      allowedFlows++;
      if (observed === OBSERVED_CODE.DENIED) {
        group.verdicts = verdicts;
        group.at = at;
        listed.count(counts[table]!, LIST.OPEN, service, group);
      }
    } else {
      group.verdicts = verdicts;
      group.at = at;
      listed.count(counts[table]!, LIST.DENIED, service, group);
      if (observed === OBSERVED_CODE.ALLOWED) listed.count(counts[table]!, LIST.BREAK, service, group);
    }
    if (tallies) tally!.settled(tallies[table]!, service, observed);
    if (runs) runs.add(batch, i);
    if (lines) {
      const { reason, deniedBy } = recordFields(verdicts, at);
      const out: Record<string, unknown> = { file: batch.fileOf(i), line: batch.lines[i]!, allowed, reason };
      if (!allowed) out.deniedBy = deniedBy;
      if (observed !== OBSERVED_CODE.NONE) out.observed = OBSERVED_OF_CODE[observed];
      lines.push(JSON.stringify(out));
    }
  }
  summary.countJudgedRun(allowedFlows, to - from - allowedFlows, observedAny);
  if (runs) {
    const places = runs.places();
    for (let p = 0; p < places; p++) {
      const i = runs.placeAt(p);
      rules!.countRecord(engine, verdictsByTable[tables[i]!]!, services[i]! * engines, runs.countAt(p), batch.fileOf(i), batch.lines[i]!, batch.timeOf(i), batch.timeEndOf(i));
    }
  }
  if (lines && lines.length > 0) await options.out!(lines.join('\n'));
}

/** The flows `tally` counted since the last batch, as settleRecords would have counted them one by one (their groups are listed already). */
function settleTallied(tally: ServiceTally, listed: ListedFlows, summary: ReplaySummary): void {
  let allowedFlows = 0;
  let deniedFlows = 0;
  let observedAny = false;
  let table: EndpointRecords | undefined;
  let verdicts: Uint8Array = new Uint8Array(0);
  let counts: ServiceCounts | undefined;
  tally.settle((from, service, observed, flows) => {
    if (from !== table) {
      table = from;
      verdicts = from.services.verdictBytes();
      counts = listed.of(from);
    }
    if (observed !== OBSERVED_CODE.NONE) observedAny = true;
    // One engine: a service's verdict record is record `service`.
    if (recordAllows(verdicts, service)) {
      allowedFlows += flows;
      if (observed === OBSERVED_CODE.DENIED) listed.countMore(counts!, LIST.OPEN, service, flows);
    } else {
      deniedFlows += flows;
      listed.countMore(counts!, LIST.DENIED, service, flows);
      if (observed === OBSERVED_CODE.ALLOWED) listed.countMore(counts!, LIST.BREAK, service, flows);
    }
  });
  if (allowedFlows + deniedFlows > 0) summary.countJudgedRun(allowedFlows, deniedFlows, observedAny);
}

export function countOther(record: LogRecord, file: string, summary: RecordTally): void {
  if (record.kind === 'reply') summary.countReply();
  else if (record.kind === 'error') summary.countMalformed(file, record.line, record.error ?? 'malformed line');
  else summary.countNotApplicable();
}

/** Counts one answered flow, and adds its --out line when there is an `out`. */
function settle(
  item: PendingFlow,
  verdict: Verdict | FlowError,
  summary: ReplaySummary,
  out: string[] | undefined,
  why: (verdict: Verdict) => string | undefined,
): void {
  const { record, flow, file } = item;
  if (verdict instanceof Error) {
    summary.countUnresolved(file, record.line, verdict.message);
    out?.push(JSON.stringify({ file, line: record.line, error: verdict.message }));
    return;
  }
  const group = ReplaySummary.isListed(verdict.allowed, record.observed)
    ? {
        src: record.srcLabel ?? describe(flow.src),
        dst: record.dstLabel ?? describe(flow.dst),
        service: `${flow.protocol}/${flow.port}`,
        why: () => why(verdict),
      }
    : undefined;
  summary.countJudged(verdict.allowed, record.observed, group);
  if (out) {
    const line: Record<string, unknown> = { file, line: record.line, allowed: verdict.allowed, reason: verdict.reason };
    if (!verdict.allowed) line.deniedBy = verdict.deniedBy;
    if (record.observed) line.observed = record.observed;
    out.push(JSON.stringify(line));
  }
}

export function resolveFlow(record: LogRecord, directory: EndpointDirectory | undefined): Flow {
  const flow = record.flow!;
  const src = resolveEndpoint(flow.src, record.srcIP, record.srcAdhoc, directory);
  const dst = resolveEndpoint(flow.dst, record.dstIP, record.dstAdhoc, directory);
  return src === flow.src && dst === flow.dst ? flow : { ...flow, src, dst };
}

/**
 * What decided a flow, for the report: the denying side's chain when denied, else the side a rule
 * allowed (`[AdminNetworkPolicy a rule 2] Pass -> NetworkPolicy ns/p rule 0`).
 */
export function whyOf(verdict: Verdict): string | undefined {
  const sides = [verdict.egress, verdict.ingress].filter((side) => side !== undefined);
  const side = sides.find((s) => !s.allowed) ?? sides.find((s) => s.decidedBy !== undefined || s.allowedBy !== undefined);
  return side ? sideChain(side) : undefined;
}

/** One side's tier chain: `ingress: [AdminNetworkPolicy a rule 2] Pass -> NetworkPolicy ns/p rule 0`. */
export function sideChain(side: NonNullable<Verdict['egress']>): string {
  const rule = (r: ClusterRuleRef): string => `[${r.kind} ${r.name} rule ${r.rule}]`;
  let outcome: string;
  if (side.decidedBy) outcome = `${rule(side.decidedBy)} ${side.decidedBy.action}`;
  else if (side.allowedBy) outcome = `NetworkPolicy ${side.allowedBy.policy.namespace}/${side.allowedBy.policy.name} rule ${side.allowedBy.rule}`;
  else if (side.reason === 'no-rule-matched') outcome = 'no NetworkPolicy rule allows it';
  else outcome = side.reason;
  const chain = side.passedBy ? `${rule(side.passedBy)} Pass -> ${outcome}` : outcome;
  return `${side.direction}: ${chain}`;
}

export function describe(spec: EndpointSpec): string {
  if (spec.kind === 'ref') return spec.ref;
  if (spec.kind === 'ip') return spec.ip;
  return `${spec.pod.namespace}:${Object.entries(spec.pod.labels).map(([k, v]) => `${k}=${v}`).join(',')}`;
}

/** The chunks of `source`, telling `add` each one's size. */
export async function* countBytes(source: AsyncIterable<Uint8Array>, add: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    add(chunk.length);
    yield chunk;
  }
}
