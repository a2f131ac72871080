/** @module Decisions as text for people: one line for `check`, a few for `--explain`. */
import type { ClusterRuleRef, Decision, PolicyRef, SideVerdict } from '../model/decision.js';

export interface FlowLabels {
  readonly src: string;
  readonly dst: string;
  /** `TCP/80` */
  readonly service: string;
}

const policyName = (p: PolicyRef): string => `${p.namespace}/${p.name}`;

function listPolicies(policies: readonly PolicyRef[]): string {
  return policies.map(policyName).join(', ');
}

/** Why one side decided as it did, in a sentence fragment. */
export function describeSide(side: SideVerdict, flow: FlowLabels): string {
  const at = side.direction === 'egress' ? flow.src : flow.dst;
  const peer = side.direction === 'egress' ? flow.dst : flow.src;
  switch (side.reason) {
    case 'outside-cluster':
      return `${at} is outside the cluster: no ${side.direction} policy applies`;
    case 'host-network':
      return `${at} uses the host network: no policy selects it`;
    case 'node':
      return `${peer} is the node ${at} runs on: node traffic is always allowed`;
    case 'not-isolated':
      return `no ${side.direction} policy selects ${at}`;
    case 'allowed-by-rule': {
      const by = side.allowedBy!;
      return `NetworkPolicy ${policyName(by.policy)} ${side.direction} rule ${by.rule} allows it`;
    }
    case 'no-rule-matched':
      return (
        `${at} is isolated for ${side.direction} by ${listPolicies(side.isolatedBy)} and no rule allows ` +
        `${side.direction === 'egress' ? 'to' : 'from'} ${peer} on ${flow.service}`
      );
    case 'admin-allowed':
    case 'admin-denied':
    case 'baseline-allowed':
    case 'baseline-denied':
      return `${clusterRule(side.decidedBy!)} ${side.decidedBy!.action}`;
  }
}

function clusterRule(ref: ClusterRuleRef): string {
  return `[${ref.kind} ${ref.name} ${ref.ruleName ? `rule ${ref.rule} "${ref.ruleName}"` : `rule ${ref.rule}`}]`;
}

/** The chain of tiers a side went through: `[AdminNetworkPolicy a rule 2] Pass -> ...`. */
export function describeChain(side: SideVerdict, flow: FlowLabels): string {
  const outcome = describeSide(side, flow);
  return side.passedBy ? `${clusterRule(side.passedBy)} Pass -> ${outcome}` : outcome;
}

/** One line: what decided the flow. */
export function summarizeDecision(decision: Decision, flow: FlowLabels): string {
  if (decision.reason === 'loopback') return 'a pod may always talk to itself';
  const sides = [decision.egress!, decision.ingress!];
  if (!decision.allowed) {
    return sides
      .filter((s) => !s.allowed)
      .map((s) => `${s.direction} denied: ${describeChain(s, flow)}`)
      .join('; ');
  }
  if (decision.reason === 'no-policy') return 'no policy isolates either end';
  return sides
    .filter((s) => s.reason === 'allowed-by-rule' || s.reason === 'node' || s.decidedBy !== undefined)
    .map((s) => describeChain(s, flow))
    .join('; ');
}

/** Several lines: both sides, isolation and the deciding rule. */
export function explainDecision(decision: Decision, flow: FlowLabels): string[] {
  const lines = [`flow: ${flow.src} -> ${flow.dst} ${flow.service}`];
  if (decision.reason === 'loopback') {
    lines.push('verdict: allowed (loopback: a pod may always talk to itself)');
    return lines;
  }
  for (const side of [decision.egress!, decision.ingress!]) {
    const isolation =
      side.isolatedBy.length > 0 ? `isolated by ${listPolicies(side.isolatedBy)}` : 'not isolated';
    lines.push(
      `${side.direction.padEnd(7)} ${side.allowed ? 'allowed' : 'DENIED '} (${isolation}): ${describeChain(side, flow)}`,
    );
  }
  lines.push(`verdict: ${decision.allowed ? 'allowed' : 'denied'} (${decision.reason})`);
  return lines;
}
