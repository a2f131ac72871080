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

/** Writes flow records one at a time into a growing buffer. */
export class RecordWriter {
  private bytes = new Uint8Array(FLOW_RECORD_BYTES * 1024);
  private view = new DataView(this.bytes.buffer);
  count = 0;

  add(src: RecordEndpoint, dst: RecordEndpoint, protocol: Protocol, port: number): void {
    if ((this.count + 1) * FLOW_RECORD_BYTES > this.bytes.length) this.grow();
    const at = this.count++ * FLOW_RECORD_BYTES;
    this.bytes.fill(0, at, at + FLOW_RECORD_BYTES);
    this.view.setUint8(at + FLOW_RECORD.PROTOCOL, PROTOCOL_CODE[protocol]);
    this.view.setUint16(at + FLOW_RECORD.PORT, port, true);
    this.view.setUint8(at + FLOW_RECORD.SRC_KIND, this.endpoint(src, at + FLOW_RECORD.SRC));
    this.view.setUint8(at + FLOW_RECORD.DST_KIND, this.endpoint(dst, at + FLOW_RECORD.DST));
  }

  records(): Uint8Array {
    return this.bytes.subarray(0, this.count * FLOW_RECORD_BYTES);
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
  const at = i * VERDICT_RECORD_BYTES;
  const status = verdicts[at + VERDICT_RECORD.STATUS]!;
  if (status !== STATUS.OK) throw new Error(`the core refused an analysis flow (status ${status}); this is a bug`);
  return verdicts[at + VERDICT_RECORD.DECISION] !== DECISION_CODE.DENIED;
}
