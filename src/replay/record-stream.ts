/**
 * @module The records-first replay stream, for local WASM engines: the readers' fast paths write
 * flow records (flow-records.ts), each batch is decided by the core into verdict records (one set
 * per engine: the new bundle's, and the baseline's), and the report counts them from the record
 * codes. Lines the fast paths do not take, and flows a core refuses (an ambiguous address,
 * families that differ), go the object path of streamFlows (replay.ts) and are settled in their
 * place among the others, so reports, problems and --out lines are the same, in the same order.
 */
import { DECISION_CODE, SIDE_CODE, VERDICT_RECORD, VERDICT_RECORD_BYTES } from '../compile/layout.js';
import type { Engine } from '../engine/engine.js';
import { WasmEngine } from '../engine/wasm-engine.js';
import { DENYING_REASONS, type Direction } from '../model/decision.js';
import { readFlowLogRecords } from './byte-lines.js';
import type { LogRecord } from './index.js';
import { FlowRecordBatch } from './flow-record-batch.js';
import { EndpointRecords, type EndpointTables, OBSERVED_OF_CODE, PROTOCOL_NAMES, type EndpointDecoder } from './flow-records.js';
import type { RecordSink } from './records.js';
import { countBytes, resolveFlow, type FlowStreamOptions, type PendingFlow, type ReplayInput } from './replay.js';
import type { ServiceTally } from './service-tally.js';
import { VerdictCache } from './verdict-cache.js';

/** The engines that decide every fast flow (the new bundle's first), and how their verdicts are counted. */
export interface RecordPath {
  readonly engines: readonly WasmEngine[];
  /** Tables kept from an earlier replay with the same engines (ReplayStreamOptions.endpointTables). */
  readonly tables?: EndpointTables;
  /** Settles fast flows [from, to) of `batch`, in order; none of them was refused by any engine. */
  settle(batch: FlowRecordBatch, from: number, to: number): void | Promise<void>;
  /**
   * When no line is reported on its own: repeated fast flows counted per service instead of a
   * batch entry each (service-tally.ts), and settled after each batch by `settleTally`.
   */
  readonly tally?: ServiceTally;
  settleTally?(): void;
  /**
   * Leave the counts `tally` took since the last batch in it after the inputs' last batch, unless
   * the services are numbered again then: for a later replay with the same tally to settle.
   */
  readonly holdLastTally?: boolean;
}

/** The in-process WASM engine behind `engine` (itself, or under verdict reuse); undefined for any other. */
export function localWasmEngine(engine: Engine | Pick<Engine, 'decideBatch'>): WasmEngine | undefined {
  if (engine instanceof WasmEngine) return engine;
  return engine instanceof VerdictCache && engine.wrapped instanceof WasmEngine ? engine.wrapped : undefined;
}

/** A line the fast path did not take, in its place: a flow for the object path, or a malformed line. */
interface SlowItem {
  /** Fast flows read before it. */
  readonly at: number;
  /** Its index among the batch's object-path flows; -1 for a malformed line. */
  readonly flow: number;
  readonly record: LogRecord;
  readonly file: string;
}

const REPLY: LogRecord = { line: 0, kind: 'reply' };
/**
 * Flows per batch. Larger batches count a kind of flow's repeats at fewer places when lines are
 * reported one by one (service-runs.ts): 16,384 rather than 4,096 made the baseline replay's bench
 * row (1,000 conversations) about 10% faster, for about 2 MB more per replay.
 */
const DEFAULT_BATCH = 16384;
/**
 * The first batch's size, each next one four times the last up to the batch size: a kind of flow
 * is tallied (service-tally.ts) only once a batch has settled its first flow, so until then every
 * flow takes a batch entry. A first batch of 16,384 sent most of a replay --jobs part (about 28,000
 * CSV lines) down that path. A part after a thread's first of a log counts into a tally that
 * knows the earlier parts' kinds, and starts at the full size: fewer settles per part (in memory,
 * 2M Zipf CSV flows, --jobs 2: 3.8-4.2M flows/s against 3.3-3.9M, alternating).
 */
const FIRST_BATCH = 256;

/** streamFlows for local WASM engines: see the module comment. */
export async function streamRecords<Answer>(inputs: readonly ReplayInput[], options: FlowStreamOptions<Answer>, path: RecordPath): Promise<void> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  let batchLimit = path.tally?.started ? batchSize : Math.min(FIRST_BATCH, batchSize);
  const resolvers = path.engines.map((engine) => engine.resolver);
  const tables = path.tables ?? new Map<EndpointDecoder, EndpointRecords>();
  const batch = new FlowRecordBatch(path.engines.length);
  let slow: SlowItem[] = [];
  let pending: PendingFlow[] = [];
  let file = '';
  let flows = 0;
  let lastDecode: EndpointDecoder | undefined;
  let lastTable: EndpointRecords | undefined;
  const tally = path.tally;

  const sink: RecordSink = {
    directory: options.directory,
    tally,
    endpoints(decode) {
      if (decode === lastDecode) return lastTable!;
      let table = tables.get(decode);
      if (table !== undefined && !table.resolvesWith(resolvers)) throw new Error('replay bug: endpoint tables kept for other engines');
      if (table === undefined) tables.set(decode, (table = new EndpointRecords(decode, resolvers)));
      lastDecode = decode;
      return (lastTable = table);
    },
    flow(table, src, dst, protocol, port, line, observed, time, timeEnd) {
      flows++;
      const service = table.services.find(src, dst, protocol, port);
      if (tally === undefined || !tally.take(table, service, observed)) batch.add(file, table, service, line, observed, time, timeEnd);
    },
    serviceFlow(table, service, line, observed, time, timeEnd) {
      flows++;
      if (tally !== undefined && tally.take(table, service, observed)) return true;
      batch.add(file, table, service, line, observed, time, timeEnd);
      return false;
    },
    tallied(table, indexes) {
      if (tally === undefined) throw new Error('replay bug: flows tallied without a tally');
      flows += indexes.length;
      tally.takeTallied(table, indexes);
    },
    reply() {
      options.other(REPLY, file);
    },
    record(record) {
      if (record.kind === 'flow' && record.flow) {
        slow.push({ at: batch.size, flow: pending.length, record, file });
        pending.push({ file, record, flow: resolveFlow(record, options.directory) });
        flows++;
      } else if (record.kind === 'error') {
        slow.push({ at: batch.size, flow: -1, record, file });
      } else {
        options.other(record, file);
      }
    },
  };

  /** Decides and settles the batch; `last`: the inputs' last batch. */
  const dispatch = async (last = false): Promise<void> => {
    const size = batch.size;
    const refused = batch.decide(path.engines);
    const refusedFlows = refused.map((i) => {
      pending.push(pendingOf(batch, i));
      return pending.length - 1;
    });
    const answer = pending.length > 0 ? await options.decide(pending.map((p) => p.flow)) : undefined;
    let from = 0;
    let r = 0;
    const settleFastTo = async (to: number): Promise<void> => {
      while (from < to) {
        const next = r < refused.length && refused[r]! < to ? refused[r]! : to;
        if (next > from) await path.settle(batch, from, next);
        if (next === to) {
          from = to;
          break;
        }
        await options.settle(pending, answer!, refusedFlows[r]!, refusedFlows[r]! + 1);
        r++;
        from = next + 1;
      }
    };
    for (const item of slow) {
      await settleFastTo(item.at);
      if (item.flow >= 0) await options.settle(pending, answer!, item.flow, item.flow + 1);
      else options.other(item.record, item.file);
    }
    await settleFastTo(size);
    // Counts settle in any order, but before trim may number the services again.
    const hold = last && path.holdLastTally === true && ![...tables.values()].some((table) => table.startsOver);
    if (!hold) path.settleTally?.();
    batch.clear();
    slow = [];
    pending = [];
    for (const table of tables.values()) table.trim();
    tally?.renumbered();
  };

  for (const input of inputs) {
    file = input.name;
    let bytes = 0;
    const counted = countBytes(input.bytes, (n) => (bytes += n));
    for await (const _ of readFlowLogRecords(counted, { format: options.format, part: input.part, sink })) {
      if (batch.size + slow.length >= batchLimit) {
        await dispatch();
        batchLimit = Math.min(batchLimit * 4, batchSize);
      }
      options.onProgress?.(bytes, flows);
    }
  }
  await dispatch(true);
}

/** Fast flow i as the object path would have read it. */
function pendingOf(batch: FlowRecordBatch, i: number): PendingFlow {
  const table = batch.tableOf(i);
  const src = batch.srcOf(i);
  const dst = batch.dstOf(i);
  const record: LogRecord = {
    line: batch.lines[i]!,
    kind: 'flow',
    observed: OBSERVED_OF_CODE[batch.observed[i]!],
    time: batch.timeOf(i),
    timeEnd: batch.timeEndOf(i),
    srcLabel: table.texts[src],
    dstLabel: table.texts[dst],
    flow: { src: table.specs[src]!, dst: table.specs[dst]!, protocol: PROTOCOL_NAMES[batch.protocolOf(i)]!, port: batch.portOf(i) },
  };
  return { file: batch.fileOf(i), record, flow: record.flow! };
}

/** Side codes whose side denies (DENYING_REASONS, by code). */
const DENYING_SIDE = new Uint8Array(16);
for (const [name, code] of Object.entries(SIDE_CODE)) {
  if (DENYING_REASONS.has(name.toLowerCase().replaceAll('_', '-') as never)) DENYING_SIDE[code] = 1;
}

/** Whether verdict record i (status OK) allows its flow, as its Verdict's `allowed` says. */
export function recordAllows(verdicts: Uint8Array, i: number): boolean {
  const at = i * VERDICT_RECORD_BYTES;
  if (verdicts[at + VERDICT_RECORD.DECISION] === DECISION_CODE.LOOPBACK) return true;
  return (DENYING_SIDE[verdicts[at + VERDICT_RECORD.EGRESS_REASON]!]! | DENYING_SIDE[verdicts[at + VERDICT_RECORD.INGRESS_REASON]!]!) === 0;
}

const DECISION_REASONS = ['loopback', 'no-policy', 'allowed', 'denied'] as const;

/** The --out fields of verdict record i: allowed, reason, and when denied the sides that denied. */
export function recordFields(verdicts: Uint8Array, i: number): { allowed: boolean; reason: string; deniedBy?: Direction[] } {
  const at = i * VERDICT_RECORD_BYTES;
  const reason = DECISION_REASONS[verdicts[at + VERDICT_RECORD.DECISION]!]!;
  if (recordAllows(verdicts, i)) return { allowed: true, reason };
  const deniedBy: Direction[] = [];
  if (DENYING_SIDE[verdicts[at + VERDICT_RECORD.EGRESS_REASON]!]) deniedBy.push('egress');
  if (DENYING_SIDE[verdicts[at + VERDICT_RECORD.INGRESS_REASON]!]) deniedBy.push('ingress');
  return { allowed: false, reason, deniedBy };
}
