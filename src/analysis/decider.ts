/**
 * @module The one seam between the analysis and an engine: flow records in, verdict records out
 * (compile/layout.ts), plus full verdicts for explanations. It is the in-process WasmEngine's
 * synchronous batch paths: the analysis makes many calls in one computation.
 */
import { compileBundle } from '../compile/compile.js';
import {
  DECISION_CODE,
  ENDPOINT_KIND,
  FLOW_RECORD,
  FLOW_RECORD_BYTES,
  PROTOCOL_CODE,
  SIDE_CODE,
  STATUS,
  VERDICT_RECORD,
  VERDICT_RECORD_BYTES,
} from '../compile/layout.js';
import type { Bundle, Protocol } from '../model/bundle.js';
import type { Verdict } from '../model/decision.js';
import type { Flow } from '../model/flow.js';
import { ipv6Words, type IP } from '../net/ip.js';
import { WasmEngine } from '../engine/wasm-engine.js';

export interface Decider {
  /** Verdict records for flow records; throws when the core fails. */
  decideRecords(records: Uint8Array): Uint8Array;
  /** Full verdicts (allowing rules included), for explanations. */
  decideFlows(flows: readonly Flow[]): Verdict[];
}

export function wasmDecider(module: WebAssembly.Module, bundle: Bundle): Decider {
  const engine = WasmEngine.fromCompiled(module, compileBundle(bundle));
  return {
    decideRecords: (records) => engine.decideRecordsNow(records),
    decideFlows: (flows) =>
      engine.decideBatchNow(flows).map((answer) => {
        if (answer instanceof Error) throw answer;
        return answer;
      }),
  };
}

/** An endpoint of a flow record: a pod by index, or an address. */
export type RecordEndpoint = { readonly pod: number } | { readonly ip: IP };

// The layout's numbers read once: the hot loops below run for millions of records.
const RECORD_BYTES = FLOW_RECORD_BYTES;
const AT_PROTOCOL = FLOW_RECORD.PROTOCOL;
const AT_PORT = FLOW_RECORD.PORT;
const AT_SRC_KIND = FLOW_RECORD.SRC_KIND;
const AT_DST_KIND = FLOW_RECORD.DST_KIND;
const AT_SRC = FLOW_RECORD.SRC;
const AT_DST = FLOW_RECORD.DST;
const VERDICT_BYTES = VERDICT_RECORD_BYTES;
const AT_STATUS = VERDICT_RECORD.STATUS;
const AT_DECISION = VERDICT_RECORD.DECISION;
const AT_EGRESS_REASON = VERDICT_RECORD.EGRESS_REASON;
const AT_INGRESS_REASON = VERDICT_RECORD.INGRESS_REASON;
const DENIED = DECISION_CODE.DENIED;
const OK = STATUS.OK;

/** Writes flow records into a growing buffer. */
export class RecordWriter {
  private bytes = new Uint8Array(RECORD_BYTES * 1024);
  private view = new DataView(this.bytes.buffer);
  count = 0;

  add(src: RecordEndpoint, dst: RecordEndpoint, protocol: Protocol, port: number): void {
    this.addIntervals(src, dst, [{ protocol, from: port }]);
  }

  /** One record per interval, at its first port: the endpoints are encoded once and copied. */
  addIntervals(src: RecordEndpoint, dst: RecordEndpoint, intervals: readonly { readonly protocol: Protocol; readonly from: number }[]): void {
    while ((this.count + intervals.length) * RECORD_BYTES > this.bytes.length) this.grow();
    const first = this.count * RECORD_BYTES;
    this.bytes.fill(0, first, first + RECORD_BYTES);
    this.bytes[first + AT_SRC_KIND] = this.endpoint(src, first + AT_SRC);
    this.bytes[first + AT_DST_KIND] = this.endpoint(dst, first + AT_DST);
    for (let i = 0; i < intervals.length; i++) {
      const at = first + i * RECORD_BYTES;
      if (i > 0) this.bytes.copyWithin(at, first, first + RECORD_BYTES);
      this.bytes[at + AT_PROTOCOL] = PROTOCOL_CODE[intervals[i]!.protocol];
      this.view.setUint16(at + AT_PORT, intervals[i]!.from, true);
    }
    this.count += intervals.length;
  }

  records(): Uint8Array {
    return this.bytes.subarray(0, this.count * RECORD_BYTES);
  }

  clear(): void {
    this.count = 0;
  }

  private endpoint(endpoint: RecordEndpoint, at: number): number {
    if ('pod' in endpoint) {
      this.view.setUint32(at, endpoint.pod, true);
      return ENDPOINT_KIND.POD;
    }
    if (endpoint.ip.family === 4) {
      this.view.setUint32(at, Number(endpoint.ip.value), true);
      return ENDPOINT_KIND.IPV4;
    }
    ipv6Words(endpoint.ip.value).forEach((word, i) => this.view.setUint32(at + 4 * i, word, true));
    return ENDPOINT_KIND.IPV6;
  }

  private grow(): void {
    const bigger = new Uint8Array(this.bytes.length * 2);
    bigger.set(this.bytes);
    this.bytes = bigger;
    this.view = new DataView(bigger.buffer);
  }
}

/** Whether verdict record i allows its flow; a record the core refused fails the whole analysis. */
export function recordAllows(verdicts: Uint8Array, i: number): boolean {
  return (recordSides(verdicts, i) & ALLOWED) !== 0;
}

/** Bits of recordSides: the flow passes; its egress side allows it; its ingress side does. */
export const ALLOWED = 1;
export const EGRESS_ALLOWS = 2;
export const INGRESS_ALLOWS = 4;

/**
 * What verdict record i allows, as ALLOWED | EGRESS_ALLOWS | INGRESS_ALLOWS bits. A flow passes
 * exactly when both sides allow it (the analysis decides sides apart on that ground); a record
 * that says otherwise, or that the core refused, fails the whole analysis.
 */
export function recordSides(verdicts: Uint8Array, i: number): number {
  const at = i * VERDICT_BYTES;
  const status = verdicts[at + AT_STATUS]!;
  if (status !== OK) throw new Error(`the core refused an analysis flow (status ${status}); this is a bug`);
  const allowed = verdicts[at + AT_DECISION] !== DENIED;
  const egress = sideAllows(verdicts[at + AT_EGRESS_REASON]!);
  const ingress = sideAllows(verdicts[at + AT_INGRESS_REASON]!);
  if (allowed !== (egress && ingress)) throw new Error('analysis bug: a verdict whose sides disagree with its decision');
  return (allowed ? ALLOWED : 0) | (egress ? EGRESS_ALLOWS : 0) | (ingress ? INGRESS_ALLOWS : 0);
}

/** Per side reason (a byte): 1 when the side denies the flow. */
const SIDE_DENIES = new Uint8Array(256);
for (const reason of [SIDE_CODE.NO_RULE_MATCHED, SIDE_CODE.ADMIN_DENIED, SIDE_CODE.BASELINE_DENIED]) SIDE_DENIES[reason] = 1;

function sideAllows(reason: number): boolean {
  return SIDE_DENIES[reason] === 0;
}
