/**
 * @module The reference evaluator (the oracle) behind the Engine interface: every path answers
 * with the spec-literal evaluator, after the one endpoint resolution (endpoints.ts). Its binary
 * path reads flow records and writes verdict records as the core does (records.ts), so that the
 * core's batch path can be checked against it byte for byte.
 */
import { VERDICT_RECORD_BYTES, STATUS } from '../compile/layout.js';
import type { Bundle } from '../model/bundle.js';
import { verdictOf, type Decision, type Verdict } from '../model/decision.js';
import { FlowError } from '../model/errors.js';
import type { Flow } from '../model/flow.js';
import type { ResolvedFlow } from '../model/pod-index.js';
import { EndpointRefusal } from '../reference/endpoints.js';
import { decide } from '../reference/evaluator.js';
import type { Engine } from './engine.js';
import { EndpointResolver } from './endpoints.js';
import { readFlowRecord, recordCount, RuleNumbering, writeVerdictRecord } from './records.js';

export class ReferenceEngine implements Engine {
  readonly kind = 'reference';
  readonly resolver: EndpointResolver;
  private numbering: RuleNumbering | undefined;

  constructor(
    private readonly bundle: Bundle,
    readonly version: string | null = null,
  ) {
    this.resolver = new EndpointResolver(bundle.pods);
  }

  /** The answer now, for in-process callers that never wait (test oracles, the benchmark's baseline). */
  explainNow(flow: Flow): Decision {
    return decide(this.bundle, this.resolver.resolve(flow));
  }

  async explain(flow: Flow): Promise<Decision> {
    return this.explainNow(flow);
  }

  async decide(flow: Flow): Promise<Verdict> {
    return verdictOf(this.explainNow(flow));
  }

  async decideBatch(flows: readonly Flow[]): Promise<(Verdict | FlowError)[]> {
    return flows.map((flow) => {
      try {
        return verdictOf(this.explainNow(flow));
      } catch (error) {
        if (error instanceof FlowError) return error;
        throw error;
      }
    });
  }

  async decideRecords(records: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    const count = recordCount(records);
    this.numbering ??= new RuleNumbering(this.bundle);
    const input = new DataView(records.buffer, records.byteOffset, records.byteLength);
    const verdicts = new Uint8Array(count * VERDICT_RECORD_BYTES);
    const output = new DataView(verdicts.buffer);
    for (let i = 0; i < count; i++) {
      const flow = readFlowRecord(input, i, this.bundle.pods.length);
      writeVerdictRecord(output, i, typeof flow === 'number' ? flow : this.statusOrDecision(flow), this.numbering);
    }
    return verdicts;
  }

  private statusOrDecision(flow: ResolvedFlow): Decision | number {
    try {
      return decide(this.bundle, flow);
    } catch (error) {
      if (!(error instanceof EndpointRefusal)) throw error;
      if (error.refusal === 'families') return STATUS.FAMILY_MISMATCH;
      return error.field === 'src' ? STATUS.AMBIGUOUS_SRC : STATUS.AMBIGUOUS_DST;
    }
  }
}
