/**
 * `netpol-edge replay --baseline`, end to end: the flow-log fixtures of test/fixtures/flowlogs
 * replayed with cluster.yaml as the baseline and cluster.yaml + staged-change.yaml as the new
 * bundle (staged-change.yaml's header says which flows it breaks and opens, and why).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BaselineReportJSON } from '../src/replay/baseline-summary.js';
import type { ChangeGroup } from '../src/replay/change-groups.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'netpol-edge.js');
const LOGS = 'test/fixtures/flowlogs';
const NEW = ['--bundle', `${LOGS}/cluster.yaml`, '--bundle', `${LOGS}/staged-change.yaml`];
const OLD = ['--baseline', `${LOGS}/cluster.yaml`];
const TMP = mkdtempSync(join(tmpdir(), 'netpol-edge-baseline-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', cwd: ROOT });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function compare(args: string[], bundles = [...NEW, ...OLD]): { code: number | null; report: BaselineReportJSON } {
  const { code, stdout, stderr } = run(['replay', ...bundles, '--summary', 'json', ...args]);
  expect(stderr).toBe('');
  return { code, report: JSON.parse(stdout) as BaselineReportJSON };
}

/** A group as the report names it: where, how many, and what decided on each side. */
const group = (src: string, dst: string, service: string, flows: number, old: string, next: string): Partial<ChangeGroup> => {
  const [protocol, port] = service.split('/');
  return { src, dst, protocol: protocol as ChangeGroup['protocol'], port: Number(port), flows, old, new: next };
};
const names = (groups: readonly ChangeGroup[]) => groups.map(({ firstSeen: _f, lastSeen: _l, ...rest }) => rest);

const FREEZE = 'ingress: [AdminNetworkPolicy http-freeze rule 0] Deny';
/** Both sides a rule allowed, in the baseline. */
const FRONTEND_TO_BACKEND = 'egress: NetworkPolicy prod/frontend-egress rule 1; ingress: NetworkPolicy prod/backend rule 0';

describe('replay --baseline: what the staged change breaks and opens, in every format', () => {
  it('CSV: breaks the frontend -> backend call, opens the job-runner to the AMF', () => {
    const { code, report } = compare([`${LOGS}/flows.csv`]);
    expect(code).toBe(3);
    expect(report).toMatchObject({ flows: 7, judged: 7 });
    expect(names(report.changes.break.groups)).toEqual([
      group('prod/frontend', 'prod/backend', 'TCP/8080', 1, FRONTEND_TO_BACKEND, FREEZE),
    ]);
    expect(report.changes.break.groups[0]!.firstSeen).toEqual({ file: `${LOGS}/flows.csv`, line: 2, time: '2024-05-14T09:21:07.000Z' });
    expect(names(report.changes.open.groups)).toEqual([
      group('{"namespace":"staging","labels":{"app":"job-runner"}}', 'telecom/amf-0', 'SCTP/38412', 1,
        'ingress: no NetworkPolicy rule allows it', 'ingress: [AdminNetworkPolicy ran-from-data rule 0] Allow'),
    ]);
    // The baseline is cluster.yaml, whose own disagreements with this log cli/replay.test.ts lists.
    expect(report.baselineDisagreesWithLog!.flows).toBe(3);
  });

  it('NDJSON: breaks the frontend -> backend call, opens VPC addresses to payments', () => {
    const { code, report } = compare([`${LOGS}/flows.ndjson`]);
    expect(code).toBe(3);
    expect(names(report.changes.break.groups)).toEqual([
      group('prod/frontend', 'prod/backend', 'TCP/8080', 1, FRONTEND_TO_BACKEND, FREEZE),
    ]);
    expect(names(report.changes.open.groups)).toEqual([
      group('10.0.3.7', 'prod/payments', 'TCP/9090', 1, 'ingress: no NetworkPolicy rule allows it', 'ingress: NetworkPolicy prod/payments-from-vpc rule 0'),
    ]);
    expect(report.totals.unresolved).toBe(1);
  });

  it('Hubble: breaks two groups (first and last seen), opens the job-runner to the AMF', () => {
    const { code, report } = compare([`${LOGS}/hubble-observe.jsonl`]);
    expect(code).toBe(3);
    expect(report.changes.break.flows).toBe(3);
    expect(names(report.changes.break.groups)).toEqual([
      group('prod/frontend', 'prod/backend', 'TCP/8080', 2, FRONTEND_TO_BACKEND, FREEZE),
      group('staging/job-runner', 'prod/backend', 'TCP/8080', 1, 'ingress: NetworkPolicy prod/backend rule 1', FREEZE),
    ]);
    expect(report.changes.break.groups[0]).toMatchObject({
      firstSeen: { file: `${LOGS}/hubble-observe.jsonl`, line: 1 },
      lastSeen: { file: `${LOGS}/hubble-observe.jsonl`, line: 3 },
    });
    expect(names(report.changes.open.groups)).toEqual([
      group('staging/job-runner', 'telecom/amf', 'SCTP/38412', 1, 'ingress: no NetworkPolicy rule allows it', 'ingress: [AdminNetworkPolicy ran-from-data rule 0] Allow'),
    ]);
  });

  it('VPC: breaks the gateway -> ledger call, opens the partner range to the gateway; v5 changes nothing', () => {
    const { code, report } = compare([`${LOGS}/vpc-default-v2.txt`]);
    expect(code).toBe(3);
    expect(names(report.changes.break.groups)).toEqual([
      group('10.0.1.23', '10.0.2.45', 'TCP/8080', 1, 'egress: NetworkPolicy billing/gateway rule 0; ingress: NetworkPolicy billing/ledger rule 0', FREEZE),
    ]);
    expect(names(report.changes.open.groups)).toEqual([
      group('198.51.100.7', '10.0.1.23', 'TCP/443', 1, 'ingress: no NetworkPolicy rule allows it', 'ingress: NetworkPolicy billing/partner-to-gateway rule 0'),
    ]);
    const v5 = compare([`${LOGS}/vpc-custom-v5.txt`]);
    expect(v5.code).toBe(0);
    expect(v5.report.changes).toEqual({ break: { flows: 0, groups: [], otherFlows: 0 }, open: { flows: 0, groups: [], otherFlows: 0 } });
  });

  it('counts rule hits, lists unused and shadowed rules with the issue\'s RULEREF shape', () => {
    const { report } = compare([`${LOGS}/hubble-observe.jsonl`]);
    expect(report.rules[0]).toEqual({
      kind: 'AdminNetworkPolicy', name: 'http-freeze', direction: 'ingress', rule: 0, ruleName: 'deny-http', flows: 3,
      firstSeen: { file: `${LOGS}/hubble-observe.jsonl`, line: 1, time: '2024-05-14T09:21:07.412Z' },
      lastSeen: { file: `${LOGS}/hubble-observe.jsonl`, line: 11, time: '2024-05-14T09:21:13.044Z' },
    });
    expect(report.rules).toContainEqual(expect.objectContaining({ kind: 'NetworkPolicy', namespace: 'prod', name: 'frontend-egress', direction: 'egress', rule: 2, flows: 2 }));
    expect(report.unusedRules).toContainEqual({ kind: 'NetworkPolicy', namespace: 'billing', name: 'ledger', direction: 'ingress', rule: 0 });
    expect(report.unusedRules).toContainEqual({ kind: 'AdminNetworkPolicy', name: 'http-freeze', direction: 'ingress', rule: 1, ruleName: 'deny-http-from-prod' });
    // A used rule is never unused.
    for (const hit of report.rules) expect(report.unusedRules).not.toContainEqual(expect.objectContaining({ name: hit.name, direction: hit.direction, rule: hit.rule, kind: hit.kind }));
    expect(report.shadowedRules).toEqual([
      {
        kind: 'AdminNetworkPolicy', name: 'http-freeze', direction: 'ingress', rule: 1, ruleName: 'deny-http-from-prod',
        shadowedBy: [{ kind: 'AdminNetworkPolicy', name: 'http-freeze', direction: 'ingress', rule: 0, ruleName: 'deny-http' }],
      },
    ]);
    expect(report.bounds).toEqual({ groupsPerList: 100_000, rules: 100_000, reached: [] });
  });

  it('prints the text report: groups with both sides, then rules', () => {
    const { code, stdout } = run(['replay', ...NEW, ...OLD, `${LOGS}/hubble-observe.jsonl`]);
    expect(code).toBe(3);
    expect(stdout).toContain('WOULD BREAK: the baseline allows, the new bundle denies (3 flows)');
    expect(stdout).toContain(
      `  2  prod/frontend -> prod/backend : TCP/8080  [2024-05-14T09:21:07.412Z ${LOGS}/hubble-observe.jsonl:1 .. 2024-05-14T09:21:07.413Z ${LOGS}/hubble-observe.jsonl:3]`,
    );
    expect(stdout).toContain(`\n     new:      ${FREEZE}\n`);
    expect(stdout).toContain('baseline disagrees with the log');
    expect(stdout).toMatch(/shadowed rules: an earlier rule always decides first \(1\)\n  AdminNetworkPolicy http-freeze ingress rule 1 \(deny-http-from-prod\), behind/);
  });
});

describe('replay --baseline: logs, --out and usage', () => {
  it('says so when the log records no verdicts, and still reports the change', () => {
    const log = join(TMP, 'no-verdicts.csv');
    writeFileSync(log, 'src,dst,protocol,port\nprod/frontend,prod/backend,TCP,8080\nprod/frontend,prod/backend,TCP,8080\n');
    const { code, report } = compare([log]);
    expect(code).toBe(3);
    expect(report.baselineDisagreesWithLog).toBeNull();
    expect(report.changes.break).toMatchObject({ flows: 2, groups: [{ flows: 2, firstSeen: { line: 2 }, lastSeen: { line: 3 } }] });
    const text = run(['replay', ...NEW, ...OLD, log]).stdout;
    expect(text).toContain('the log records no verdicts, so the baseline cannot be checked against it');
  });

  it('writes both verdicts per flow to --out', () => {
    const out = join(TMP, 'both.ndjson');
    expect(run(['replay', ...NEW, ...OLD, '--out', out, `${LOGS}/flows.ndjson`]).code).toBe(3);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({
      file: `${LOGS}/flows.ndjson`, line: 1, allowed: false, reason: 'denied', deniedBy: ['ingress'],
      baseline: { allowed: true, reason: 'allowed' }, change: 'break', observed: 'allowed',
    });
    expect(lines[1]).toMatchObject({ line: 2, allowed: true, baseline: { allowed: false }, change: 'open', observed: 'denied' });
    expect(lines.find((l) => l.line === 5)).toMatchObject({ error: expect.stringMatching(/telecom\/statefulset\/amf/) });
  });

  it('exits 0 when the bundles agree, and 2 on bad combinations', () => {
    const same = compare([`${LOGS}/flows.csv`], ['--bundle', `${LOGS}/cluster.yaml`, ...OLD]);
    expect(same.code).toBe(0);
    expect(same.report.changes.break.flows + same.report.changes.open.flows).toBe(0);
    const twice = run(['replay', ...NEW, ...OLD, '--baseline-url', 'http://127.0.0.1:1/v1/bundles/x', `${LOGS}/flows.csv`]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/one of --baseline, --baseline-url and --baseline-version/);
    const version = run(['replay', ...NEW, '--baseline-version', 'sha256:00', `${LOGS}/flows.csv`]);
    expect(version.code).toBe(2);
    expect(version.stderr).toMatch(/--baseline-version V compares with a stored version: it needs --url/);
  });
});

describe('replay --baseline: an AdminNetworkPolicy Allow turned into a Pass', () => {
  // ns1/web's own NetworkPolicy allows port 80 only. The baseline's ANP allows ns2 outright; the
  // staged one passes ns2 to the NetworkPolicies, which now decide: 80 stays open, 8080 breaks.
  const pods = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: ns1, labels: {app: web}}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: ns2, labels: {app: client}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: ns1}
spec:
  podSelector: {}
  ingress:
  - ports: [{port: 80}]
`;
  const anp = (action: string) => `---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: ns2-to-ns1}
spec:
  priority: 5
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: ns1}}}
  ingress:
  - name: from-ns2
    action: ${action}
    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: ns2}}}]
`;

  it('reports which NetworkPolicy now decides, and the flows that break', () => {
    const oldFile = join(TMP, 'pass-old.yaml');
    const newFile = join(TMP, 'pass-new.yaml');
    const log = join(TMP, 'pass.csv');
    writeFileSync(oldFile, pods + anp('Allow'));
    writeFileSync(newFile, pods + anp('Pass'));
    writeFileSync(log, 'src,dst,protocol,port\nns2/client,ns1/web,TCP,80\nns2/client,ns1/web,TCP,8080\n');
    const { code, report } = compare([log], ['-q', '--bundle', newFile, '--baseline', oldFile]);
    expect(code).toBe(3);
    expect(names(report.changes.break.groups)).toEqual([
      group('ns2/client', 'ns1/web', 'TCP/8080', 1, 'ingress: [AdminNetworkPolicy ns2-to-ns1 rule 0] Allow',
        'ingress: [AdminNetworkPolicy ns2-to-ns1 rule 0] Pass -> no NetworkPolicy rule allows it'),
    ]);
    expect(report.changes.open.flows).toBe(0);
    // Port 80: the Pass (counted for both flows) hands it to ns1/web's rule 0, which now decides.
    expect(report.rules.map((r) => [r.kind, r.name, r.rule, r.flows])).toEqual([
      ['AdminNetworkPolicy', 'ns2-to-ns1', 0, 2],
      ['NetworkPolicy', 'web', 0, 1],
    ]);
    expect(report.unusedRules).toEqual([]);
  });
});

describe('replay --rules (single bundle)', () => {
  it('adds the rule report after today\'s report, which stays as it is', () => {
    const plain = run(['replay', '--bundle', `${LOGS}/cluster.yaml`, '--summary', 'json', `${LOGS}/flows.csv`]);
    const withRules = run(['replay', '--bundle', `${LOGS}/cluster.yaml`, '--summary', 'json', '--rules', `${LOGS}/flows.csv`]);
    expect(withRules.code).toBe(plain.code);
    const report = JSON.parse(withRules.stdout) as Record<string, unknown>;
    const { rules, unusedRules, shadowedRules, otherRuleFlows, ...rest } = report;
    expect(rest).toEqual(JSON.parse(plain.stdout));
    expect(rules).toContainEqual(expect.objectContaining({ kind: 'NetworkPolicy', namespace: 'prod', name: 'frontend-egress', rule: 1, flows: 1 }));
    expect(unusedRules).toContainEqual({ kind: 'NetworkPolicy', namespace: 'billing', name: 'ledger', direction: 'ingress', rule: 0 });
    expect(shadowedRules).toEqual([]);
    expect(otherRuleFlows).toBe(0);
    const text = run(['replay', '--bundle', `${LOGS}/cluster.yaml`, '--rules', `${LOGS}/flows.csv`]).stdout;
    expect(text.startsWith(run(['replay', '--bundle', `${LOGS}/cluster.yaml`, `${LOGS}/flows.csv`]).stdout.trimEnd())).toBe(true);
    expect(text).toContain('unused rules: no replayed flow was decided by them');
  });
});
