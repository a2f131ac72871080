import { describe, expect, it } from 'vitest';
import type { SideVerdict, Verdict } from '../model/decision.js';
import { FlowError } from '../model/errors.js';
import type { Flow } from '../model/flow.js';
import { replayAgainstBaseline, sideBySide } from './baseline.js';
import { BaselineSummary } from './baseline-summary.js';
import type { Engine } from '../engine/engine.js';
import { RuleHits } from './rule-hits.js';
import { chunked } from './test-support.js';

type Side = Omit<SideVerdict, 'isolatedBy'>;
const allowedBy = (name: string, rule: number): Side => ({
  direction: 'ingress', allowed: true, reason: 'allowed-by-rule', allowedBy: { policy: { namespace: 'ns', name }, rule },
});
const denied: Side = { direction: 'ingress', allowed: false, reason: 'no-rule-matched' };
const verdict = (ingress: Side): Verdict => ({ allowed: ingress.allowed, reason: ingress.allowed ? 'allowed' : 'denied', deniedBy: ingress.allowed ? [] : ['ingress'], ingress });

/** A decider answering by port: what each bundle says about port N. */
function byPort(answers: Record<number, Verdict | string>, seen: Flow[][] = []): Pick<Engine, 'decideBatch'> {
  return {
    decideBatch: async (flows) => {
      seen.push([...flows]);
      return flows.map((f) => { const a = answers[f.port]!; return typeof a === 'string' ? new FlowError(a) : a; });
    },
  };
}

const csv = (rows: string[]) => chunked(`src,dst,protocol,port,verdict\n${rows.join('\n')}\n`);

describe('replayAgainstBaseline', () => {
  it('reads each flow once and gives the same flows to both bundles', async () => {
    const newSeen: Flow[][] = [];
    const oldSeen: Flow[][] = [];
    const next = byPort({ 80: verdict(allowedBy('p', 0)), 81: verdict(denied) }, newSeen);
    const old = byPort({ 80: verdict(allowedBy('p', 1)), 81: verdict(allowedBy('p', 1)) }, oldSeen);
    const summary = new BaselineSummary();
    const rules = new RuleHits();
    const out: string[] = [];
    await replayAgainstBaseline([{ name: 'log.csv', bytes: csv(['a/x,b/y,TCP,80,allowed', 'a/x,b/y,TCP,81,', 'a/x,b/y,TCP,81,']) }], {
      decider: sideBySide(next, old), summary, rules, batchSize: 2, out: (lines) => void out.push(...lines.split('\n')),
    });
    expect(newSeen).toEqual(oldSeen);
    expect(newSeen.map((b) => b.length)).toEqual([2, 1]);
    const report = summary.toJSON({ rules: rules.toJSON(), unusedRules: null, shadowedRules: null, otherRuleFlows: 0 });
    expect(report.changes.break).toMatchObject({ flows: 2, groups: [{ src: 'a/x', dst: 'b/y', protocol: 'TCP', port: 81, flows: 2,
      old: 'ingress: NetworkPolicy ns/p rule 1', new: 'ingress: no NetworkPolicy rule allows it', firstSeen: { line: 3 }, lastSeen: { line: 4 } }] });
    expect(report.baselineDisagreesWithLog).toEqual({ flows: 0, groups: [], otherFlows: 0 });
    expect(rules.toJSON().map((r) => [r.name, r.rule, r.flows])).toEqual([['p', 0, 1]]);
    expect(out.map((l) => JSON.parse(l) as { change?: string }).map((l) => l.change)).toEqual([undefined, 'break', 'break']);
  });

  it('counts a flow either bundle cannot answer as unresolved, saying which', async () => {
    const summary = new BaselineSummary();
    await replayAgainstBaseline([{ name: 'log.csv', bytes: csv(['a/x,b/y,TCP,80,']) }], {
      decider: sideBySide(byPort({ 80: verdict(denied) }), byPort({ 80: 'no pod "a/x"' })), summary, rules: new RuleHits(),
    });
    expect(summary.totals).toMatchObject({ flows: 1, judged: 0, unresolved: 1 });
    expect(summary.toJSON({ rules: [], unusedRules: null, shadowedRules: null, otherRuleFlows: 0 }).problems).toEqual([
      { file: 'log.csv', line: 2, message: 'baseline: no pod "a/x"' },
    ]);
  });

  it('keeps at most the bound of groups, counts the rest, and says the bound was reached', async () => {
    const summary = new BaselineSummary(2);
    const rows = Array.from({ length: 5 }, (_, i) => `a/x${i},b/y,TCP,80,`);
    await replayAgainstBaseline([{ name: 'log.csv', bytes: csv(rows) }], {
      decider: sideBySide(byPort({ 80: verdict(denied) }), byPort({ 80: verdict(allowedBy('p', 0)) })), summary, rules: new RuleHits(),
    });
    const report = summary.toJSON({ rules: [], unusedRules: null, shadowedRules: null, otherRuleFlows: 0 });
    expect(report.changes.break).toMatchObject({ flows: 5, otherFlows: 3 });
    expect(report.changes.break.groups).toHaveLength(2);
    expect(report.bounds).toMatchObject({ groupsPerList: 2, reached: ['would-break groups'] });
    expect(summary.toText({ rules: [], unusedRules: null, shadowedRules: null, otherRuleFlows: 0 })).toContain('bounds reached (counted, not listed): would-break groups');
  });
});
