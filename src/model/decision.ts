/**
 * @module The answer to a flow and why, as data. Both evaluators produce exactly this shape, so
 * their answers can be compared field by field; renderers turn it into text.
 */

export type Direction = 'egress' | 'ingress';

export interface PolicyRef {
  readonly namespace: string;
  readonly name: string;
}

/** A rule of a NetworkPolicy: `rule` indexes spec.ingress or spec.egress, per `direction`. */
export interface RuleRef {
  readonly policy: PolicyRef;
  readonly rule: number;
}

/** Why one side of a flow was allowed or denied, in the order the evaluator checks them. */
export type SideReason =
  /** The endpoint is not a pod of the cluster: no policy of its own applies. */
  | 'outside-cluster'
  /** hostNetwork pods are never selected by a policy. */
  | 'host-network'
  /** Traffic between a pod and the node it runs on is always allowed. */
  | 'node'
  /** No policy of this direction selects the pod. */
  | 'not-isolated'
  /** The pod is isolated and a rule of a selecting policy allows the flow. */
  | 'allowed-by-rule'
  /** The pod is isolated and no rule of the selecting policies allows the flow. */
  | 'no-rule-matched'
  /** An AdminNetworkPolicy rule (or an Admin-tier ClusterNetworkPolicy rule) decided. */
  | 'admin-allowed'
  | 'admin-denied'
  /** No admin rule decided, no NetworkPolicy selects the pod, and the baseline tier decided. */
  | 'baseline-allowed'
  | 'baseline-denied';

/** A rule of a cluster-wide policy: `rule` indexes its spec.ingress or spec.egress. */
export interface ClusterRuleRef {
  readonly kind: 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy' | 'ClusterNetworkPolicy';
  readonly name: string;
  readonly rule: number;
  readonly ruleName: string;
  readonly action: 'Allow' | 'Deny' | 'Pass';
}

export interface SideVerdict {
  readonly direction: Direction;
  readonly allowed: boolean;
  readonly reason: SideReason;
  /** The policies of this direction that select the pod, sorted; empty when not isolated. */
  readonly isolatedBy: readonly PolicyRef[];
  /** With `allowed-by-rule`: the first allowing rule, by policy order then rule order. */
  readonly allowedBy?: RuleRef;
  /** With the admin-* and baseline-* reasons: the cluster-wide rule that decided. */
  readonly decidedBy?: ClusterRuleRef;
  /** The admin rule that passed the flow on to the tiers below, when one did. */
  readonly passedBy?: ClusterRuleRef;
}

/** Sides that end denied. */
export const DENYING_REASONS: ReadonlySet<SideReason> = new Set(['no-rule-matched', 'admin-denied', 'baseline-denied']);

/**
 * - `loopback`: a pod talking to itself, always allowed;
 * - `no-policy`: allowed, and neither side is isolated by a policy;
 * - `allowed`: allowed by the rules of the policies that isolate one side or both;
 * - `denied`: at least one side denied it (see `deniedBy`).
 */
export type DecisionReason = 'loopback' | 'no-policy' | 'allowed' | 'denied';

export interface Decision {
  readonly allowed: boolean;
  readonly reason: DecisionReason;
  /** The sides that denied the flow, egress first; empty when allowed. */
  readonly deniedBy: readonly Direction[];
  /** Absent for loopback, which is decided before either side is judged. */
  readonly egress?: SideVerdict;
  readonly ingress?: SideVerdict;
}

/** The flow's verdict from its two sides: allowed = egress AND ingress (semantics.md). */
export function combineSides(egress: SideVerdict, ingress: SideVerdict): Decision {
  const deniedBy: Direction[] = [];
  if (!egress.allowed) deniedBy.push('egress');
  if (!ingress.allowed) deniedBy.push('ingress');
  // A side some policy had a say on, of any tier: isolated by a NetworkPolicy or decided by a tier.
  const isolated = [egress, ingress].some((side) => side.isolatedBy.length > 0 || side.decidedBy !== undefined);
  const reason: DecisionReason = deniedBy.length > 0 ? 'denied' : isolated ? 'allowed' : 'no-policy';
  return { allowed: deniedBy.length === 0, reason, deniedBy, egress, ingress };
}

/**
 * A decision without the isolating-policy lists: what the batch path returns, cheaper to build.
 * Every field it has is equal to the full Decision's.
 */
export interface Verdict {
  readonly allowed: boolean;
  readonly reason: DecisionReason;
  readonly deniedBy: readonly Direction[];
  readonly egress?: Omit<SideVerdict, 'isolatedBy'>;
  readonly ingress?: Omit<SideVerdict, 'isolatedBy'>;
}

export const LOOPBACK_DECISION: Decision = {
  allowed: true,
  reason: 'loopback',
  deniedBy: [],
};

/** A Decision as the batch paths answer it: the same, without the isolating-policy lists. */
export function verdictOf(decision: Decision): Verdict {
  if (!decision.egress || !decision.ingress) return decision;
  const strip = ({ isolatedBy: _, ...rest }: SideVerdict) => rest;
  const { allowed, reason, deniedBy } = decision;
  return { allowed, reason, deniedBy, egress: strip(decision.egress), ingress: strip(decision.ingress) };
}
