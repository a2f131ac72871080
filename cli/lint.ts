/** @module `netpol-edge lint`: rules that can never decide (shadowed) and validate's warnings. */
import { findShadowedRules } from '../src/analysis/shadowed-rules.js';
import { formatDiagnostic } from '../src/ingest/diagnostics.js';
import { describeRule } from '../src/replay/rule-hits.js';
import { INPUT_LIMIT_HELP, readStrict } from './manifests.js';
import { EXIT } from './usage.js';

/** Exit code when the bundle is valid but something was found: CI can gate on it. */
export const EXIT_FINDINGS = 3;

export const LINT_HELP = `netpol-edge lint: find rules that can never decide, and policies that probably do not do what was meant.

Usage:
  netpol-edge lint [-n NS] [--json] MANIFEST...

Reports every warning of netpol-edge validate (egress isolation without DNS, rules of a direction
policyTypes does not list, ...) and every shadowed rule: a rule that never decides a flow itself,
because earlier rules always decide first. One earlier rule or several together may do it (TCP 80-85
and 86-90 cover 80-90; team In [a, b] is covered by team=a and team=b; an ipBlock by blocks around
its excepts):
  - an AdminNetworkPolicy/BaselineAdminNetworkPolicy/ClusterNetworkPolicy rule behind rules of a
    lower priority number (or earlier in the same policy) that apply to all its subjects; a
    baseline rule also behind admin Allow and Deny rules;
  - a NetworkPolicy rule behind admin Allow and Deny rules that select all its pods, or behind
    earlier allow rules (policy order, then rule order) of policies selecting at least its pods;
    of two NetworkPolicy rules covering each other only the later one is listed.
An admin Pass that may apply hands flows down, so the admin rules behind it shadow nothing below.
Coverage is proved from the selectors, addresses and ports, never guessed: a rule is listed only
when it can never decide (a rule covered for all ports but one, all namespaces but one, or a
named port that resolves differently per pod, is not listed).

Exit code: 0 nothing found, 3 warnings or shadowed rules found, 1 the bundle has errors,
2 unreadable input or bad usage.

Options:
  -n, --namespace NS      namespace for objects that name none (default: default)
  --json                  print {"valid", "shadowedRules", "diagnostics"} as JSON
${INPUT_LIMIT_HELP}
  -h, --help              this help

Example:
  netpol-edge lint test/fixtures/flowlogs/cluster.yaml test/fixtures/flowlogs/staged-change.yaml`;

export async function runLint(argv: readonly string[]): Promise<number> {
  const read = await readStrict(argv, LINT_HELP);
  if (!read) return EXIT.ok;
  const { result, valid } = read;
  const shadowed = valid ? findShadowedRules(result.bundle!) : [];
  const code = !valid ? EXIT.invalid : shadowed.length > 0 || result.diagnostics.length > 0 ? EXIT_FINDINGS : EXIT.ok;
  if (read.json) {
    process.stdout.write(`${JSON.stringify({ valid, shadowedRules: shadowed, diagnostics: result.diagnostics })}\n`);
    return code;
  }
  for (const diagnostic of result.diagnostics) process.stdout.write(`${formatDiagnostic(diagnostic)}\n`);
  for (const rule of shadowed) {
    const by = rule.shadowedBy.map(describeRule);
    const verb = by.length === 1 ? 'always decides' : 'together always decide';
    process.stdout.write(`shadowed: ${describeRule(rule)} never decides: ${by.join(' and ')} ${verb} first\n`);
  }
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning').length;
  const summary = valid
    ? `${shadowed.length} shadowed rule${shadowed.length === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`
    : 'invalid: fix the errors above (lint looks for shadowed rules in valid bundles only)';
  process.stdout.write(`${summary}\n`);
  return code;
}
