/**
 * @module One explained decision, as the CLI's --explain prints it: the verdict in words and
 * colour, the summary, both sides with their tiers (the admin rule that passed the flow on, the
 * rule or policy that decided), and the explanation's lines.
 */
import { html } from '../html.js';
import type { ClusterRuleRef, ExplainedDecision, PolicyRef, SideVerdict } from '../model/types.js';
import { shortVersion } from './versions.js';

const policy = (p: PolicyRef): string => `${p.namespace}/${p.name}`;
const clusterRule = (r: ClusterRuleRef): string => `${r.kind} ${r.name} rule ${r.rule}${r.ruleName ? ` "${r.ruleName}"` : ''}: ${r.action}`;

/** The tiers a side went through, top down: admin Pass, then what decided. */
function tiers(side: SideVerdict): string[] {
  const steps: string[] = [];
  if (side.passedBy) steps.push(`${clusterRule(side.passedBy)} (passed to the tiers below)`);
  if (side.decidedBy) steps.push(clusterRule(side.decidedBy));
  if (side.allowedBy) steps.push(`NetworkPolicy ${policy(side.allowedBy.policy)} ${side.direction} rule ${side.allowedBy.rule} allows it`);
  if (!side.allowed && side.reason === 'no-rule-matched') {
    steps.push(`isolated by NetworkPolicy ${side.isolatedBy.map(policy).join(', ')}; no rule allows it`);
  }
  if (steps.length === 0) steps.push(side.reason.replace(/-/g, ' '));
  return steps;
}

export function Verdict(props: { allowed: boolean }) {
  return html`<span class=${`verdict ${props.allowed ? 'allowed' : 'denied'}`}>${props.allowed ? '✓ allowed' : '✗ denied'}</span>`;
}

export function Explanation(props: { decision: ExplainedDecision; caption?: string }) {
  const { decision } = props;
  const sides = [decision.explanation.egress, decision.explanation.ingress].filter((s): s is SideVerdict => s !== undefined);
  return html`<section class="explanation" aria-label="Explanation">
    <p class="verdict-line"><${Verdict} allowed=${decision.allowed} /> <span class="summary">${decision.explanation.summary}</span></p>
    ${sides.length > 0 &&
    html`<table class="sides">
      <caption>${props.caption ?? 'Each side of the flow'}</caption>
      <thead><tr><th scope="col">Side</th><th scope="col">Verdict</th><th scope="col">Reason</th><th scope="col">Isolated by</th><th scope="col">Deciding rules, by tier</th></tr></thead>
      <tbody>
        ${sides.map(
          (side) => html`<tr>
            <th scope="row">${side.direction}</th>
            <td><${Verdict} allowed=${side.allowed} /></td>
            <td>${side.reason}</td>
            <td>${side.isolatedBy.length > 0 ? side.isolatedBy.map(policy).join(', ') : '—'}</td>
            <td><ol class="tiers">${tiers(side).map((step) => html`<li>${step}</li>`)}</ol></td>
          </tr>`,
        )}
      </tbody>
    </table>`}
    <pre class="explain-text">${decision.explanation.text.join('\n')}</pre>
    <p class="hint">Answered by version <code>${shortVersion(decision.version)}</code>, decision ${decision.decisionId}.</p>
  </section>`;
}
