/**
 * @module The binary path for an engine that is not the core: flow records (layout.ts) read back
 * into resolved flows, and Decisions written as verdict records, with rules numbered as the
 * compiled image numbers them (compile.ts: NetworkPolicy rules by policy, ingress then egress;
 * cluster rules likewise by cluster policy), so that any reader of the image's metadata reads
 * them. Statuses are the core's (core-as/assembly/decide.ts) for the same malformed record.
 */
import {
  DECISION_CODE,
  ENDPOINT_BYTES,
  ENDPOINT_KIND,
  FLOW_RECORD,
  FLOW_RECORD_BYTES,
  NONE,
  SIDE_CODE,
  STATUS,
  VERDICT_RECORD,
  VERDICT_RECORD_BYTES,
} from '../compile/layout.js';
import type { Bundle, Protocol } from '../model/bundle.js';
import { DENYING_REASONS, type ClusterRuleRef, type Decision, type DecisionReason, type Direction, type RuleRef, type SideReason, type SideVerdict } from '../model/decision.js';
import { FlowError } from '../model/errors.js';
import type { ResolvedEndpoint, ResolvedFlow } from '../model/pod-index.js';

const PROTOCOLS: readonly (Protocol | undefined)[] = [undefined, 'TCP', 'UDP', 'SCTP'];
const DECISION_CODES: Readonly<Record<DecisionReason, number>> = {
  loopback: DECISION_CODE.LOOPBACK,
  'no-policy': DECISION_CODE.NO_POLICY,
  allowed: DECISION_CODE.ALLOWED,
  denied: DECISION_CODE.DENIED,
};
const SIDE_CODES: Readonly<Record<SideReason, number>> = {
  'outside-cluster': SIDE_CODE.OUTSIDE_CLUSTER,
  'host-network': SIDE_CODE.HOST_NETWORK,
  node: SIDE_CODE.NODE,
  'not-isolated': SIDE_CODE.NOT_ISOLATED,
  'allowed-by-rule': SIDE_CODE.ALLOWED_BY_RULE,
  'no-rule-matched': SIDE_CODE.NO_RULE_MATCHED,
  'admin-allowed': SIDE_CODE.ADMIN_ALLOWED,
  'admin-denied': SIDE_CODE.ADMIN_DENIED,
  'baseline-allowed': SIDE_CODE.BASELINE_ALLOWED,
  'baseline-denied': SIDE_CODE.BASELINE_DENIED,
};

const DECISION_REASON_OF_CODE = reasonsByCode(DECISION_CODES);
const SIDE_REASON_OF_CODE = reasonsByCode(SIDE_CODES);

function reasonsByCode<R extends string>(codes: Readonly<Record<R, number>>): (R | undefined)[] {
  const reasons: (R | undefined)[] = [];
  for (const reason of Object.keys(codes) as R[]) reasons[codes[reason]] = reason;
  return reasons;
}

/** What a verdict line says without rules: allowed, the reason, the sides that denied (egress first). */
export interface VerdictOutline {
  readonly allowed: boolean;
  readonly reason: DecisionReason;
  readonly deniedBy: readonly Direction[];
}

/**
 * The outline of verdict record i (status OK), as every engine's Verdict of the same record has
 * it: a loopback flow denies on no side; otherwise a side denies when its reason is a denying one.
 */
export function verdictOutline(view: DataView, i: number): VerdictOutline {
  const at = i * VERDICT_RECORD_BYTES;
  const decision = view.getUint8(at + VERDICT_RECORD.DECISION);
  const reason = DECISION_REASON_OF_CODE[decision]!;
  if (decision === DECISION_CODE.LOOPBACK) return { allowed: true, reason, deniedBy: [] };
  const deniedBy: Direction[] = [];
  if (DENYING_REASONS.has(SIDE_REASON_OF_CODE[view.getUint8(at + VERDICT_RECORD.EGRESS_REASON)]!)) deniedBy.push('egress');
  if (DENYING_REASONS.has(SIDE_REASON_OF_CODE[view.getUint8(at + VERDICT_RECORD.INGRESS_REASON)]!)) deniedBy.push('ingress');
  return { allowed: deniedBy.length === 0, reason, deniedBy };
}

/** Throws FlowError unless `records` is a whole number of flow records. */
export function recordCount(records: Uint8Array): number {
  if (records.length % FLOW_RECORD_BYTES !== 0) {
    throw new FlowError(`the flow records are ${records.length} bytes, not a multiple of ${FLOW_RECORD_BYTES}`);
  }
  return records.length / FLOW_RECORD_BYTES;
}

/**
 * Flow record i as a resolved flow, or the status the core gives it when it is malformed. Pod
 * indexes are checked against `podCount`; ad-hoc endpoints never come in records (they need the
 * batch's ad-hoc table), so they are BAD_ENDPOINT, as in the core.
 */
export function readFlowRecord(view: DataView, i: number, podCount: number): ResolvedFlow | number {
  const at = i * FLOW_RECORD_BYTES;
  const protocol = PROTOCOLS[view.getUint8(at + FLOW_RECORD.PROTOCOL)];
  const port = view.getUint16(at + FLOW_RECORD.PORT, true);
  if (protocol === undefined) return STATUS.BAD_PROTOCOL;
  if (port === 0) return STATUS.BAD_PORT;
  const src = readEndpoint(view, view.getUint8(at + FLOW_RECORD.SRC_KIND), at + FLOW_RECORD.SRC, podCount);
  if (typeof src === 'number') return src;
  const dst = readEndpoint(view, view.getUint8(at + FLOW_RECORD.DST_KIND), at + FLOW_RECORD.DST, podCount);
  if (typeof dst === 'number') return dst;
  return { src, dst, protocol, port };
}

function readEndpoint(view: DataView, kind: number, at: number, podCount: number): ResolvedEndpoint | number {
  switch (kind) {
    case ENDPOINT_KIND.POD: {
      const index = view.getUint32(at, true);
      return index < podCount ? { kind: 'pod', index } : STATUS.BAD_POD;
    }
    case ENDPOINT_KIND.IPV4:
      return { kind: 'ipv4', value: view.getUint32(at, true) };
    case ENDPOINT_KIND.IPV6: {
      let value = 0n;
      for (let w = 0; w < ENDPOINT_BYTES; w += 4) value = (value << 32n) | BigInt(view.getUint32(at + w, true));
      return { kind: 'ipv6', value };
    }
    default:
      return STATUS.BAD_ENDPOINT;
  }
}

/** Rule ids as the image numbers them, looked up from the references a Decision carries. */
export class RuleNumbering {
  /** `namespace/name` -> [id of ingress rule 0, id of egress rule 0]. */
  private readonly policyStarts = new Map<string, [number, number]>();
  /** `kind/name` -> the same, for cluster policies. */
  private readonly clusterStarts = new Map<string, [number, number]>();

  constructor(bundle: Bundle) {
    let id = 0;
    for (const policy of bundle.policies) {
      this.policyStarts.set(`${policy.namespace}/${policy.name}`, [id, id + policy.ingress.length]);
      id += policy.ingress.length + policy.egress.length;
    }
    id = 0;
    for (const policy of bundle.clusterPolicies) {
      this.clusterStarts.set(`${policy.kind}/${policy.name}`, [id, id + policy.ingress.length]);
      id += policy.ingress.length + policy.egress.length;
    }
  }

  rule(ref: RuleRef, direction: Direction): number {
    return this.policyStarts.get(`${ref.policy.namespace}/${ref.policy.name}`)![direction === 'ingress' ? 0 : 1] + ref.rule;
  }

  clusterRule(ref: ClusterRuleRef, direction: Direction): number {
    return this.clusterStarts.get(`${ref.kind}/${ref.name}`)![direction === 'ingress' ? 0 : 1] + ref.rule;
  }
}

/** Writes verdict record i: the status alone when it is not OK, else the decision. */
export function writeVerdictRecord(view: DataView, i: number, answer: Decision | number, rules: RuleNumbering): void {
  const at = i * VERDICT_RECORD_BYTES;
  const decision = typeof answer === 'number' ? undefined : answer;
  view.setUint8(at + VERDICT_RECORD.STATUS, decision ? STATUS.OK : (answer as number));
  view.setUint8(at + VERDICT_RECORD.DECISION, decision ? DECISION_CODES[decision.reason] : 0);
  writeSide(view, at, decision?.egress, 'egress', rules);
  writeSide(view, at, decision?.ingress, 'ingress', rules);
}

function writeSide(view: DataView, at: number, side: SideVerdict | undefined, direction: Direction, rules: RuleNumbering): void {
  const egress = direction === 'egress';
  let rule = NONE;
  if (side?.allowedBy) rule = rules.rule(side.allowedBy, direction);
  else if (side?.decidedBy) rule = rules.clusterRule(side.decidedBy, direction);
  view.setUint8(at + (egress ? VERDICT_RECORD.EGRESS_REASON : VERDICT_RECORD.INGRESS_REASON), side ? SIDE_CODES[side.reason] : 0);
  view.setUint32(at + (egress ? VERDICT_RECORD.EGRESS_RULE : VERDICT_RECORD.INGRESS_RULE), rule, true);
  view.setUint32(at + (egress ? VERDICT_RECORD.EGRESS_PASSED : VERDICT_RECORD.INGRESS_PASSED), side?.passedBy ? rules.clusterRule(side.passedBy, direction) : NONE, true);
}
