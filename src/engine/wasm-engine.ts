/**
 * @module The WASM engine: one compiled image in one core instance, behind the Engine interface:
 * - `decide(flow)`: one flow, its Verdict (the sidecar's path: one call into the core);
 * - `explain(flow)`: one flow, the full Decision, isolating policies included (the reference's shape);
 * - `decideBatch(flows)`: many flows, a Verdict (or the FlowError that refused it) each;
 * - `decideRecords(records)`: the binary path, flow records in, verdict records out (layout.ts),
 *   with no crossing between JavaScript and WASM per flow.
 * The core answers synchronously inside the async methods. Any failure inside the core throws (the
 * promise rejects): an error is never an answer.
 */
import type { CompiledBundle, ImageMetadata } from '../compile/compile.js';
import { FORMAT_ID, formatIdText } from '../compile/format-id.js';
import { readImageHeader } from '../compile/image-header.js';
import {
  COUNT,
  DECISION_CODE,
  FLOW_RECORD,
  FLOW_RECORD_BYTES,
  HEADER,
  HEADER_BYTES,
  ISOLATING_LIST,
  LOAD_ERROR,
  NONE,
  SECTION,
  SECTION_ENTRY,
  SECTION_ENTRY_BYTES,
  SIDE_CODE,
  STATUS,
  VERDICT_RECORD,
  VERDICT_RECORD_BYTES,
} from '../compile/layout.js';
import {
  combineSides,
  DENYING_REASONS,
  LOOPBACK_DECISION,
  type ClusterRuleRef,
  type Decision,
  type DecisionReason,
  type Direction,
  type PolicyRef,
  type RuleRef,
  type SideReason,
  type SideVerdict,
  type Verdict,
} from '../model/decision.js';
import type { Flow } from '../model/flow.js';
import { FlowError } from '../model/errors.js';
import { formatIP, parseIP } from '../net/ip.js';
import type { Engine } from './engine.js';
import type { EndpointResolver } from './endpoints.js';
import { FlowLineScanner, type FlowLineExports } from './flow-line-scanner.js';
import { AdhocTable, encodeFlowRecords, FlowEncoder } from './flow-encoder.js';
import { recordCount } from './records.js';

interface CoreExports extends FlowLineExports {
  readonly memory: WebAssembly.Memory;
  allocate(bytes: number): number;
  load(image: number, length: number): number;
  adhocTable(base: number, count: number): void;
  decide(flow: number, verdict: number): number;
  decideBatch(flows: number, count: number, verdicts: number): void;
  explain(flow: number, verdict: number, isolating: number): number;
}

/** An image the core refused, or a core that failed: never turned into an answer. */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

const LOAD_ERROR_TEXT: Readonly<Record<number, string>> = {
  [LOAD_ERROR.TOO_SHORT]: 'truncated (shorter than its header, or not whole words)',
  [LOAD_ERROR.BAD_MAGIC]: 'not a netpol-edge image (bad magic)',
  [LOAD_ERROR.BAD_FORMAT]: 'an image of another format than this core reads (recompile it from its bundle)',
  [LOAD_ERROR.BAD_LENGTH]: 'truncated or padded (length differs from its header)',
  [LOAD_ERROR.BAD_CHECKSUM]: 'corrupted (checksum mismatch)',
  [LOAD_ERROR.BAD_SECTION_TABLE]: 'corrupted (bad section table)',
  [LOAD_ERROR.MISSING_SECTION]: 'incomplete (a section is missing)',
  [LOAD_ERROR.BAD_SECTION_SIZE]: 'corrupted (a section has the wrong size)',
  [LOAD_ERROR.BAD_REFERENCE]: 'corrupted (an index points outside its table)',
};

const SIDE_REASONS: readonly SideReason[] = [
  'outside-cluster',
  'host-network',
  'node',
  'not-isolated',
  'allowed-by-rule',
  'no-rule-matched',
  'admin-allowed',
  'admin-denied',
  'baseline-allowed',
  'baseline-denied',
];
const DECISION_REASONS: readonly DecisionReason[] = ['loopback', 'no-policy', 'allowed', 'denied'];

/** Flows per call of the core's batch loop; buffers are sized for it once. */
const BATCH_CAPACITY = 4096;
/** Distinct verdicts remembered (see verdictAt); the cache starts over past this. */
const VERDICT_CACHE_SIZE = 65_536;
/** Distinct ad-hoc pods per batch call; a batch with more is split. */
const ADHOC_CAPACITY = 256;

export class WasmEngine implements Engine {
  readonly kind = 'wasm';
  readonly metadata: ImageMetadata;
  private readonly core: CoreExports;
  private readonly encoder: FlowEncoder;
  private readonly flowsPtr: number;
  private readonly verdictsPtr: number;
  private readonly isolatingPtr: number;
  private readonly adhocPtr: number;
  private readonly adhocs = new AdhocTable();
  private readonly verdicts = new Map<number, Verdict>();
  private view!: DataView;
  private bytes!: Uint8Array;

  /**
   * Instantiates the core and loads `image`; throws EngineError when the core refuses it.
   * `version` is the bundle version the image was compiled from, when the caller knows it.
   */
  constructor(
    module: WebAssembly.Module,
    image: Uint8Array,
    metadata?: ImageMetadata,
    readonly version: string | null = null,
  ) {
    const instance = new WebAssembly.Instance(module, {});
    this.core = instance.exports as unknown as CoreExports;
    const imagePtr = this.call(() => this.core.allocate(image.length));
    new Uint8Array(this.core.memory.buffer, imagePtr, image.length).set(image);
    const status = this.core.load(imagePtr, image.length);
    if (status !== 0) throw new EngineError(`image refused: ${LOAD_ERROR_TEXT[-status] ?? `error ${status}`}${formatDetail(status, image)}`);
    this.metadata = metadata ?? readMetadata(image);
    const counts = readSection(image, SECTION.COUNTS);
    const labelWords = new DataView(counts.buffer, counts.byteOffset).getUint32(COUNT.LABEL_WORDS * Uint32Array.BYTES_PER_ELEMENT, true);
    const policyCount = this.metadata.policies.length;
    this.encoder = new FlowEncoder(this.metadata, labelWords);
    // Memory the core cannot grow to is an engine failure, never an answer.
    this.flowsPtr = this.call(() => this.core.allocate(BATCH_CAPACITY * FLOW_RECORD_BYTES));
    this.verdictsPtr = this.call(() => this.core.allocate(BATCH_CAPACITY * VERDICT_RECORD_BYTES));
    this.isolatingPtr = this.call(() => this.core.allocate(8 + 8 * policyCount));
    this.adhocPtr = this.call(() => this.core.allocate(ADHOC_CAPACITY * this.encoder.adhocStride));
    this.refreshViews();
  }

  get resolver(): EndpointResolver {
    return this.encoder.resolver;
  }

  /**
   * The core's NDJSON flow line scanner, its memory (about 1 MiB) taken on first use: callers
   * that write flow records from lines (src/format/ndjson-bytes.ts) hand it the endpoints they
   * resolve through `resolver`.
   */
  flowLines(): FlowLineScanner {
    const scanner = this.call(() => FlowLineScanner.of(this.core));
    if (this.bytes.buffer !== this.core.memory.buffer) this.refreshViews();
    return scanner;
  }

  static fromCompiled(module: WebAssembly.Module, compiled: CompiledBundle, version: string | null = null): WasmEngine {
    return new WasmEngine(module, compiled.image, compiled.metadata, version);
  }

  async decide(flow: Flow): Promise<Verdict> {
    return this.decideOne(flow);
  }

  async explain(flow: Flow): Promise<Decision> {
    return this.explainOne(flow);
  }

  async decideBatch(flows: readonly Flow[]): Promise<(Verdict | FlowError)[]> {
    return this.decideBatchNow(flows);
  }

  async decideRecords(records: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    return this.decideRecordsNow(records);
  }

  /** One flow's verdict. Throws FlowError for a flow it cannot answer. */
  private decideOne(flow: Flow): Verdict {
    this.adhocs.clear();
    this.encoder.encode(flow, this.view, this.flowsPtr, this.adhocs);
    this.writeAdhocs();
    const status = this.call(() => this.core.decide(this.flowsPtr, this.verdictsPtr));
    if (status !== STATUS.OK) throw this.statusError(status, flow);
    return this.verdictAt(0);
  }

  /** One flow with the full explanation. Throws FlowError for a flow it cannot answer. */
  private explainOne(flow: Flow): Decision {
    this.adhocs.clear();
    this.encoder.encode(flow, this.view, this.flowsPtr, this.adhocs);
    this.writeAdhocs();
    const status = this.call(() => this.core.explain(this.flowsPtr, this.verdictsPtr, this.isolatingPtr));
    if (status !== STATUS.OK) throw this.statusError(status, flow);
    const at = this.verdictsPtr;
    if (this.view.getUint8(at + VERDICT_RECORD.DECISION) === DECISION_CODE.LOOPBACK) return LOOPBACK_DECISION;
    const egressPolicies = this.readPolicies(this.isolatingPtr);
    const ingressPolicies = this.readPolicies(this.isolatingPtr + 4 * (ISOLATING_LIST.IDS + egressPolicies.length));
    return combineSides(
      this.side('egress', at, egressPolicies),
      this.side('ingress', at, ingressPolicies),
    );
  }

  /**
   * Many flows: each answer is a Verdict, or the FlowError that refused that flow. Synchronous, for
   * in-process callers that make many calls in one computation (the connectivity analysis).
   */
  decideBatchNow(flows: readonly Flow[]): (Verdict | FlowError)[] {
    const results: (Verdict | FlowError)[] = new Array(flows.length);
    let start = 0;
    while (start < flows.length) {
      this.adhocs.clear();
      const errors = new Map<number, FlowError>();
      let count = 0;
      while (start + count < flows.length && count < BATCH_CAPACITY && this.adhocs.size <= ADHOC_CAPACITY - 2) {
        const offset = this.flowsPtr + count * FLOW_RECORD_BYTES;
        try {
          this.encoder.encode(flows[start + count]!, this.view, offset, this.adhocs);
        } catch (error) {
          if (!(error instanceof FlowError)) throw error;
          errors.set(count, error);
          this.view.setUint8(offset + FLOW_RECORD.SRC_KIND, 0xff); // an endpoint kind the core refuses: no answer here
        }
        count++;
      }
      this.writeAdhocs();
      this.call(() => this.core.decideBatch(this.flowsPtr, count, this.verdictsPtr));
      for (let i = 0; i < count; i++) {
        const status = this.view.getUint8(this.verdictsPtr + i * VERDICT_RECORD_BYTES + VERDICT_RECORD.STATUS);
        results[start + i] =
          errors.get(i) ?? (status === STATUS.OK ? this.verdictAt(i) : this.statusError(status, flows[start + i]!));
      }
      start += count;
    }
    return results;
  }

  /**
   * The binary path: `records` holds N flow records (pods by index, or IPs), the answer N verdict
   * records. Ad-hoc endpoints are not available here (they need the dictionary). Synchronous, as
   * decideBatchNow.
   */
  decideRecordsNow(records: Uint8Array): Uint8Array<ArrayBuffer> {
    const verdicts = new Uint8Array(recordCount(records) * VERDICT_RECORD_BYTES);
    this.decideRecordsInto(records, verdicts);
    return verdicts;
  }

  /**
   * `decideRecordsNow` into the caller's `verdicts` (exactly one verdict record per flow record),
   * for callers that decide batch after batch: a fresh buffer of a megabyte per call costs more in
   * page faults than deciding its flows.
   */
  decideRecordsInto(records: Uint8Array, verdicts: Uint8Array): void {
    const total = recordCount(records);
    if (verdicts.length !== total * VERDICT_RECORD_BYTES) {
      throw new RangeError(`${verdicts.length} bytes cannot hold the verdicts of ${total} flow records (${total * VERDICT_RECORD_BYTES} bytes)`);
    }
    this.core.adhocTable(this.adhocPtr, 0);
    for (let start = 0; start < total; start += BATCH_CAPACITY) {
      const count = Math.min(BATCH_CAPACITY, total - start);
      this.bytes.set(records.subarray(start * FLOW_RECORD_BYTES, (start + count) * FLOW_RECORD_BYTES), this.flowsPtr);
      this.call(() => this.core.decideBatch(this.flowsPtr, count, this.verdictsPtr));
      verdicts.set(this.bytes.subarray(this.verdictsPtr, this.verdictsPtr + count * VERDICT_RECORD_BYTES), start * VERDICT_RECORD_BYTES);
    }
  }

  /** Encodes flows into records (the binary path's input), for callers that ship them elsewhere. */
  encodeRecords(flows: readonly Flow[]): Uint8Array {
    return encodeFlowRecords(this.encoder.resolver, flows);
  }

  /**
   * Verdict records answered for this image, by any engine (the reference's binary path, a
   * service's binary batch), read back: a Verdict per record, or its status when it was refused.
   */
  readVerdicts(verdicts: Uint8Array): (Verdict | number)[] {
    const total = Math.floor(verdicts.length / VERDICT_RECORD_BYTES);
    const answers: (Verdict | number)[] = [];
    for (let start = 0; start < total; start += BATCH_CAPACITY) {
      const count = Math.min(BATCH_CAPACITY, total - start);
      this.bytes.set(verdicts.subarray(start * VERDICT_RECORD_BYTES, (start + count) * VERDICT_RECORD_BYTES), this.verdictsPtr);
      for (let i = 0; i < count; i++) {
        const status = this.view.getUint8(this.verdictsPtr + i * VERDICT_RECORD_BYTES + VERDICT_RECORD.STATUS);
        answers.push(status === STATUS.OK ? this.verdictAt(i) : status);
      }
    }
    return answers;
  }

  /**
   * The Verdict of verdict record i of `verdicts` (status OK), answered by this engine: the same
   * object decideBatch gives for it. For callers that count records and build objects only for
   * the few flows they list.
   */
  verdictOfRecord(verdicts: Uint8Array, i: number): Verdict {
    const at = i * VERDICT_RECORD_BYTES;
    this.bytes.set(verdicts.subarray(at, at + VERDICT_RECORD_BYTES), this.verdictsPtr);
    return this.verdictAt(0);
  }

  /** The NetworkPolicy rule of a verdict record's rule id (a side allowed by a rule), as a Verdict names it. */
  networkRuleRef(rule: number): RuleRef {
    const [policy, , index] = this.metadata.rules[rule]!;
    return { policy: this.policyRef(policy), rule: index };
  }

  /** A core trap (a bug, or memory exhausted) becomes an EngineError: fail closed. */
  private call<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) throw new EngineError(`the WASM core failed: ${error.message}`);
      throw error;
    }
  }

  private writeAdhocs(): void {
    const wordsPer = this.encoder.adhocStride / 4;
    this.adhocs.pods.forEach((pod, i) => {
      const words = new Uint32Array(this.core.memory.buffer, this.adhocPtr + i * this.encoder.adhocStride, wordsPer);
      this.encoder.writeAdhoc(pod, words);
    });
    this.core.adhocTable(this.adhocPtr, this.adhocs.size);
  }

  private refreshViews(): void {
    this.view = new DataView(this.core.memory.buffer);
    this.bytes = new Uint8Array(this.core.memory.buffer);
  }

  /** An ISOLATING_LIST at `at`: its policy ids. */
  private readPolicies(at: number): number[] {
    const count = this.view.getUint32(at + 4 * ISOLATING_LIST.COUNT, true);
    const ids: number[] = [];
    for (let i = 0; i < count; i++) ids.push(this.view.getUint32(at + 4 * (ISOLATING_LIST.IDS + i), true));
    return ids;
  }

  private policyRef(index: number): PolicyRef {
    const { namespace, name } = this.metadata.policies[index]!;
    return { namespace, name };
  }

  /** One side of a verdict record at `at` (egress or ingress), with the isolating policies given. */
  private side(direction: Direction, at: number, isolating: readonly number[]): SideVerdict {
    const egress = direction === 'egress';
    const code = this.view.getUint8(at + (egress ? VERDICT_RECORD.EGRESS_REASON : VERDICT_RECORD.INGRESS_REASON));
    const rule = this.view.getUint32(at + (egress ? VERDICT_RECORD.EGRESS_RULE : VERDICT_RECORD.INGRESS_RULE), true);
    const passed = this.view.getUint32(at + (egress ? VERDICT_RECORD.EGRESS_PASSED : VERDICT_RECORD.INGRESS_PASSED), true);
    const reason = SIDE_REASONS[code]!;
    let verdict: SideVerdict = {
      direction,
      allowed: !DENYING_REASONS.has(reason),
      reason,
      isolatedBy: isolating.map((p) => this.policyRef(p)),
    };
    if (rule !== NONE && code === SIDE_CODE.ALLOWED_BY_RULE) {
      verdict = { ...verdict, allowedBy: this.networkRuleRef(rule) };
    } else if (rule !== NONE) {
      verdict = { ...verdict, decidedBy: this.clusterRuleRef(rule) };
    }
    return passed === NONE ? verdict : { ...verdict, passedBy: this.clusterRuleRef(passed) };
  }

  /** The cluster rule of a verdict record's rule id (deciding or passing), as a Verdict names it. */
  clusterRuleRef(rule: number): ClusterRuleRef {
    const [policy, , index, ruleName, action] = this.metadata.clusterRules[rule]!;
    const { kind, name } = this.metadata.clusterPolicies[policy]!;
    return { kind, name, rule: index, ruleName, action };
  }

  /**
   * The Verdict of verdict record i. Verdicts are immutable and few distinct ones occur (reason
   * codes and allowing rules), so equal records share one object: a batch builds almost nothing.
   */
  private verdictAt(i: number): Verdict {
    const at = this.verdictsPtr + i * VERDICT_RECORD_BYTES;
    const decision = this.view.getUint8(at + VERDICT_RECORD.DECISION);
    if (decision === DECISION_CODE.LOOPBACK) return LOOPBACK_DECISION;
    // A number, not a string: decision and side codes, then both rules (NONE as `rules`), when no
    // rule passed the flow on (passing is rare: those verdicts are built every time).
    const passed =
      this.view.getUint32(at + VERDICT_RECORD.EGRESS_PASSED, true) !== NONE || this.view.getUint32(at + VERDICT_RECORD.INGRESS_PASSED, true) !== NONE;
    if (passed) return this.buildVerdict(at, decision);
    const rules = Math.max(this.metadata.rules.length, this.metadata.clusterRules.length) + 1;
    const egressRule = Math.min(this.view.getUint32(at + VERDICT_RECORD.EGRESS_RULE, true), rules - 1);
    const ingressRule = Math.min(this.view.getUint32(at + VERDICT_RECORD.INGRESS_RULE, true), rules - 1);
    const codes =
      decision * 256 + this.view.getUint8(at + VERDICT_RECORD.EGRESS_REASON) * 16 + this.view.getUint8(at + VERDICT_RECORD.INGRESS_REASON);
    const key = (codes * rules + egressRule) * rules + ingressRule;
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      if (this.verdicts.size >= VERDICT_CACHE_SIZE) this.verdicts.clear();
      verdict = this.buildVerdict(at, decision);
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  private buildVerdict(at: number, decision: number): Verdict {
    const egress = this.side('egress', at, []);
    const ingress = this.side('ingress', at, []);
    const deniedBy: Direction[] = [];
    if (!egress.allowed) deniedBy.push('egress');
    if (!ingress.allowed) deniedBy.push('ingress');
    const strip = ({ isolatedBy: _, ...rest }: SideVerdict) => rest;
    return {
      allowed: deniedBy.length === 0,
      reason: DECISION_REASONS[decision]!,
      deniedBy,
      egress: strip(egress),
      ingress: strip(ingress),
    };
  }

  private statusError(status: number, flow: Flow): FlowError {
    const ambiguous = (field: 'src' | 'dst'): FlowError => {
      const spec = flow[field];
      const text = spec.kind === 'ip' ? formatIP(parseIP(spec.ip)!) : '';
      const owners = this.metadata.ambiguousIPs[text] ?? [];
      return new FlowError(`${field}: IP ${text} is claimed by ${owners.length} pods (${owners.join(', ')}); name the pod instead`);
    };
    switch (status) {
      case STATUS.FAMILY_MISMATCH:
        return new FlowError('src and dst are addresses of different families (IPv4 and IPv6)');
      case STATUS.AMBIGUOUS_SRC:
        return ambiguous('src');
      case STATUS.AMBIGUOUS_DST:
        return ambiguous('dst');
      default:
        return new FlowError(`the core refused the flow (status ${status})`);
    }
  }
}

function readSection(image: Uint8Array, id: number): Uint8Array {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const count = view.getUint32(HEADER.SECTION_COUNT, true);
  for (let i = 0; i < count; i++) {
    const entry = HEADER_BYTES + i * SECTION_ENTRY_BYTES;
    if (view.getUint32(entry + SECTION_ENTRY.ID, true) !== id) continue;
    const offset = view.getUint32(entry + SECTION_ENTRY.OFFSET, true);
    return image.subarray(offset, offset + view.getUint32(entry + SECTION_ENTRY.LENGTH, true));
  }
  throw new EngineError(`image refused: section ${id} is missing`);
}

/** For an image of another format: which one it is, and who wrote it. */
function formatDetail(status: number, image: Uint8Array): string {
  const header = readImageHeader(image);
  if (-status !== LOAD_ERROR.BAD_FORMAT || !header) return '';
  return `: format ${formatIdText(header.formatId)} (compiled by netpol-edge ${header.compilerVersion}), this core reads ${formatIdText(FORMAT_ID)}`;
}

/** The names the core does not need, stored in the image's META section. */
export function readMetadata(image: Uint8Array): ImageMetadata {
  return JSON.parse(new TextDecoder().decode(readSection(image, SECTION.META))) as ImageMetadata;
}
