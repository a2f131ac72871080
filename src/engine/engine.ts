/**
 * @module The one interface every engine implements: the reference evaluator (the oracle), the
 * WASM core, and a running service over HTTP. Front ends (CLI, Worker, replay, analysis) and the
 * shared test suites talk to engines only through it. Methods are async because the remote engine
 * is; the in-process engines answer synchronously inside them.
 *
 * Implementations: ReferenceEngine (reference-engine.ts), WasmEngine (wasm-engine.ts), RemoteEngine
 * (remote-engine.ts).
 */
import type { Decision, Verdict } from '../model/decision.js';
import type { FlowError } from '../model/errors.js';
import type { Flow } from '../model/flow.js';
import type { EndpointResolver } from './endpoints.js';
import type { FlowLineScanner } from './flow-line-scanner.js';

export type EngineKind = 'reference' | 'wasm' | 'remote';

export interface Engine {
  readonly kind: EngineKind;
  /** The bundle version (canonical content hash) it answers for, when it knows it. */
  readonly version: string | null;
  /** One flow with the full explanation. Rejects with FlowError for a flow it cannot answer. */
  explain(flow: Flow): Promise<Decision>;
  /** One flow's verdict, without the isolating-policy lists: the sidecar's path, cheaper than explain. */
  decide(flow: Flow): Promise<Verdict>;
  /** Many flows, in order: a Verdict each, or the FlowError that refused that flow. */
  decideBatch(flows: readonly Flow[]): Promise<(Verdict | FlowError)[]>;
  /**
   * The binary path: N flow records in, N verdict records out (src/compile/layout.ts), endpoints
   * already resolved (pods by index). Rejects with FlowError when the bytes are not whole records.
   */
  decideRecords(records: Uint8Array): Promise<Uint8Array<ArrayBuffer>>;
  /**
   * How an in-process engine names pods in records (pod indexes of its bundle): callers that write
   * flow records themselves (NDJSON lines, src/engine/line-records.ts) resolve through it. Absent
   * for an engine whose pods are not here (remote) or that must see every Flow (wrappers).
   */
  readonly resolver?: EndpointResolver;
  /**
   * The WASM core's scanner of compact flow lines, which writes their records for endpoints
   * resolved through `resolver` and handed over (flow-line-scanner.ts); absent for other engines.
   */
  flowLines?(): FlowLineScanner;
}
