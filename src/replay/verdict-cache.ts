/**
 * @module Verdict reuse for repeated conversations: an Engine that wraps another and answers
 * a flow it has answered before from memory. Real flow logs repeat a few conversations over and
 * over; the readers hand out one endpoint object per distinct endpoint text (intern.ts), so a
 * repeated conversation is the same (src object, dst object, protocol, port) again.
 *
 * It cannot be wrong: the key is everything a verdict depends on besides the bundle, and the
 * bundle is the wrapped engine's own, fixed for its lifetime (local replay: one engine, one
 * image). Endpoints are keyed by identity, and endpoint specs are immutable, so equal keys mean
 * equal flows; equal flows that are different objects merely miss. Refusals are remembered too:
 * a FlowError depends on the flow and the bundle alone, and is reported by its message with each
 * line it refuses (a log may repeat a refused conversation as often as any other, and refusing an
 * IPv6 address again costs a bigint parse). Memory is bounded: past `maxEntries` remembered flows
 * the table starts over.
 */
import type { Engine } from '../engine/engine.js';
import type { Decision, Verdict } from '../model/decision.js';
import type { FlowError } from '../model/errors.js';
import type { EndpointSpec, Flow } from '../model/flow.js';

/** Remembered flows before the table starts over: ~100 bytes each, so a few MiB at most. */
export const DEFAULT_MAX_ENTRIES = 1 << 16;

const PROTOCOL_INDEX = { TCP: 0, UDP: 1, SCTP: 2 } as const;

export class VerdictCache implements Engine {
  private readonly bySrc = new Map<EndpointSpec, Map<EndpointSpec, Map<number, Verdict | FlowError>>>();
  private entries = 0;
  /** Flows answered from memory, and flows passed on: for tests and the benchmark. */
  hits = 0;
  misses = 0;

  /** `inner` must answer from one fixed bundle (a local engine), never a service that may change. */
  constructor(
    private readonly inner: Engine,
    private readonly maxEntries = DEFAULT_MAX_ENTRIES,
  ) {}

  /** The engine it answers for (the records path decides with it directly). */
  get wrapped(): Engine {
    return this.inner;
  }

  get kind(): Engine['kind'] {
    return this.inner.kind;
  }

  get version(): string | null {
    return this.inner.version;
  }

  explain(flow: Flow): Promise<Decision> {
    return this.inner.explain(flow);
  }

  decide(flow: Flow): Promise<Verdict> {
    return this.inner.decide(flow);
  }

  decideRecords(records: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    return this.inner.decideRecords(records);
  }

  async decideBatch(flows: readonly Flow[]): Promise<(Verdict | FlowError)[]> {
    const verdicts: (Verdict | FlowError)[] = new Array(flows.length);
    const missed: Flow[] = [];
    const slots: number[] = [];
    for (let i = 0; i < flows.length; i++) {
      const flow = flows[i]!;
      const known = this.bySrc.get(flow.src)?.get(flow.dst)?.get(serviceOf(flow));
      if (known !== undefined) verdicts[i] = known;
      else {
        missed.push(flow);
        slots.push(i);
      }
    }
    this.hits += flows.length - missed.length;
    this.misses += missed.length;
    if (missed.length === 0) return verdicts;
    const answers = await this.inner.decideBatch(missed);
    for (let k = 0; k < missed.length; k++) {
      const answer = answers[k]!;
      verdicts[slots[k]!] = answer;
      this.remember(missed[k]!, answer);
    }
    return verdicts;
  }

  private remember(flow: Flow, verdict: Verdict | FlowError): void {
    if (this.entries >= this.maxEntries) {
      this.bySrc.clear();
      this.entries = 0;
    }
    let byDst = this.bySrc.get(flow.src);
    if (byDst === undefined) this.bySrc.set(flow.src, (byDst = new Map()));
    let byService = byDst.get(flow.dst);
    if (byService === undefined) byDst.set(flow.dst, (byService = new Map()));
    if (!byService.has(serviceOf(flow))) this.entries++;
    byService.set(serviceOf(flow), verdict);
  }
}

/** Protocol and port as one number. */
function serviceOf(flow: Flow): number {
  return flow.port * 4 + PROTOCOL_INDEX[flow.protocol];
}
