/**
 * @module Audit mode: a bundle version published with `?mode=audit` is decided as usual, but a
 * denial is answered `allowed: true` with `"audit": "would-deny"` and written as one JSON
 * decision-log line (console.log, so Workers Logs and `wrangler tail` collect it). The log line has
 * the flow, the bundle, the version, the decision id and the deciding rules; never a header or a
 * token.
 */
import type { Decision, Direction, Verdict } from '../src/model/decision.js';
import type { FlowError } from '../src/model/errors.js';
import type { Flow } from '../src/model/flow.js';
import type { Engine } from '../src/engine/engine.js';
import { ApiError } from './errors.js';

export const MODES = ['enforce', 'audit'] as const;
export type Mode = (typeof MODES)[number];

/** `?mode=` of a publish or a mode change; undefined when not given. */
export function parseMode(value: string | undefined): Mode | undefined {
  if (value === undefined) return undefined;
  if (!(MODES as readonly string[]).includes(value)) {
    throw new ApiError(400, 'invalid-mode', `mode ${JSON.stringify(value)}: use ${MODES.join(' or ')}`);
  }
  return value as Mode;
}

/** What denied a side: the policies that isolate it (no rule of theirs allows) or the tier rule. */
export interface DenyingRule {
  readonly direction: Direction;
  readonly reason: string;
  readonly isolatedBy?: readonly { namespace: string; name: string }[];
  readonly decidedBy?: { kind: string; name: string; rule: number; ruleName: string; action: string };
}

export function denyingRules(decision: Decision): DenyingRule[] {
  const rules: DenyingRule[] = [];
  for (const side of [decision.egress, decision.ingress]) {
    if (!side || side.allowed) continue;
    rules.push({
      direction: side.direction,
      reason: side.reason,
      ...(side.isolatedBy.length > 0 ? { isolatedBy: side.isolatedBy } : {}),
      ...(side.decidedBy ? { decidedBy: side.decidedBy } : {}),
    });
  }
  return rules;
}

export interface WouldDeny {
  readonly bundle: string;
  readonly version: string;
  readonly decisionId: string;
  readonly flow: Flow;
  readonly decision: Decision;
}

/** One decision-log line for a would-deny. */
export function logWouldDeny(entry: WouldDeny): void {
  console.log(
    JSON.stringify({
      event: 'netpol-edge.would-deny',
      time: new Date().toISOString(),
      bundle: entry.bundle,
      version: entry.version,
      decisionId: entry.decisionId,
      flow: entry.flow,
      deniedBy: entry.decision.deniedBy,
      rules: denyingRules(entry.decision),
    }),
  );
}

/**
 * The batch path in audit mode: a decider that logs each denial it answers (explaining it for its
 * rules) and remembers their decision ids in answer order, and a rewrite of the verdict lines that
 * turns each `{"allowed":false,` into an audited allow carrying the next of those ids.
 */
export class BatchAudit {
  private readonly ids: string[] = [];

  constructor(
    private readonly bundle: string,
    private readonly version: string,
  ) {}

  engine(inner: Engine): Engine {
    const note = async (flow: Flow, verdict: Verdict | Decision): Promise<void> => {
      if (verdict.allowed) return;
      const decisionId = crypto.randomUUID();
      this.ids.push(decisionId);
      const decision = 'egress' in verdict && verdict.egress && 'isolatedBy' in verdict.egress ? (verdict as Decision) : await inner.explain(flow);
      logWouldDeny({ bundle: this.bundle, version: this.version, decisionId, flow, decision });
    };
    return {
      kind: inner.kind,
      version: inner.version,
      explain: async (flow) => {
        const decision = await inner.explain(flow);
        await note(flow, decision);
        return decision;
      },
      decide: async (flow) => {
        const verdict = await inner.decide(flow);
        await note(flow, verdict);
        return verdict;
      },
      decideBatch: async (flows) => {
        const answers = await inner.decideBatch(flows);
        // In answer order: rewrite() hands the ids out line by line.
        for (let i = 0; i < answers.length; i++) {
          const answer = answers[i]!;
          if (!isFlowError(answer)) await note(flows[i]!, answer);
        }
        return answers;
      },
      // Verdict records have no room for the audit flag: the binary batch refuses audit-mode versions.
      decideRecords: (records) => inner.decideRecords(records),
    };
  }

  /** Rewrites verdict lines (verdictJSON always writes `allowed` first, at the start of a line). */
  rewrite(text: string): string {
    return text.replace(/^\{"allowed":false,/gm, () => `{"allowed":true,"audit":"would-deny","decisionId":"${this.ids.shift() ?? ''}",`);
  }

  /** The verdict text of a whole batch, rewritten as it streams. */
  async *rewriteAll(texts: AsyncIterable<string>): AsyncGenerator<string> {
    for await (const text of texts) yield this.rewrite(text);
  }
}

function isFlowError(answer: Verdict | FlowError): answer is FlowError {
  return answer instanceof Error;
}
