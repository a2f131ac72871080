import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { upstreamE2E } from '../test/conformance/upstream-e2e.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'netpol-edge.js');
const DEMO = ['examples/demo-cluster.yaml', 'examples/article/5-ns1-from-ns3-tcp-80.yaml'];

function run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', cwd: join(import.meta.dirname, '..') });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('netpol-edge check', () => {
  it('says yes from ns3 to ns1 on TCP 80, exit 0', () => {
    const { code, stdout } = run(['check', '--from', 'ns3/frontend', '--to', 'ns1/web', '--port', '80', ...DEMO]);
    expect(code).toBe(0);
    expect(stdout).toBe('yes - NetworkPolicy ns1/test-network-policy ingress rule 0 allows it\n');
  });

  it('says no from ns2, exit 1, naming the isolating policy', () => {
    const { code, stdout } = run(['check', '--from', 'ns2/search', '--to', 'ns1/web', '--port', '80', ...DEMO]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^no - ingress denied: ns1\/web is isolated for ingress by ns1\/test-network-policy/);
  });

  it('explains both directions with --explain, and is silent with -q', () => {
    const explained = run(['check', '--explain', '--from', 'ns3:app=x', '--to', '10.1.1.10', '--port', '80', ...DEMO]);
    expect(explained.code).toBe(0);
    expect(explained.stdout.split('\n')).toEqual([
      'yes',
      '  flow: ns3:app=x -> 10.1.1.10 TCP/80',
      '  egress  allowed (not isolated): no egress policy selects ns3:app=x',
      '  ingress allowed (isolated by ns1/test-network-policy): NetworkPolicy ns1/test-network-policy ingress rule 0 allows it',
      '  verdict: allowed (allowed)',
      '',
    ]);
    const quiet = run(['check', '-q', '--from', 'ns2/search', '--to', 'ns1/web', '--port', '80', ...DEMO]);
    expect(quiet).toMatchObject({ code: 1, stdout: '', stderr: '' });
  });

  it('exits 2 with a clear message on bad input', () => {
    expect(run(['check', '--from', 'ns3/frontend', '--to', 'ns1/web', '--port', '0', ...DEMO])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--port: "0" is not a port/),
    });
    expect(run(['check', '--from', 'ns3/nope', '--to', 'ns1/web', '--port', '80', ...DEMO])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/no pod or workload "ns3\/nope"/),
    });
    expect(run(['check', '--from', 'ns3/frontend', '--to', 'ns1/web', '--port', '80', 'missing.yaml'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/missing.yaml: no such file/),
    });
    expect(run(['check', '--bogus'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/Unknown option '--bogus'/) });
  });

  it('refuses an invalid bundle, printing every error with its place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-edge-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: ns1}\nspec:\n  ingress:\n  - ports:\n    - {port: 80, endPort: 70}\n    - {protocol: ICMP}\n',
    );
    const { code, stderr } = run(['check', '--from', '1.2.3.4', '--to', '5.6.7.8', '--port', '80', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:7:18 (document 1): error: NetworkPolicy ns1/bad: spec.ingress[0].ports[0].endPort`);
    expect(stderr).toContain('spec.ingress[0].ports[1].protocol: Unsupported value: "ICMP"');
  });
});

describe('cluster-wide tiers in the CLI', () => {
  it('answers tiered bundles, explaining the deciding cluster-wide rule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-edge-tiers-'));
    const file = join(dir, 'anp.yaml');
    writeFileSync(
      file,
      'apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: no-ns2}\nspec:\n  priority: 1\n' +
        '  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: ns1}}}\n' +
        '  ingress: [{name: block-ns2, action: Deny, from: [{namespaces: {matchLabels: {team: search}}}]}]\n',
    );
    const { code, stdout, stderr } = run(['check', '--from', 'ns2/search', '--to', 'ns1/db', '--port', '5432', 'examples/demo-cluster.yaml', file]);
    expect(code).toBe(1);
    expect(stdout).toBe('no - ingress denied: [AdminNetworkPolicy no-ns2 rule 0 "block-ns2"] Deny\n');
    expect(stderr).toBe('');
  });
});

describe('the README tiers example', () => {
  const bundle = [...DEMO, 'examples/tiers/admin-guard.yaml'];
  it('passes ns3 to the namespace owners, denies ns2, and the baseline keeps the metadata endpoint closed', () => {
    expect(run(['check', '--from', 'ns3/frontend', '--to', 'ns1/web', '--port', '80', ...bundle])).toMatchObject({
      code: 0,
      stdout: 'yes - [AdminNetworkPolicy protect-ns1 rule 1 "frontend-to-owners"] Pass -> NetworkPolicy ns1/test-network-policy ingress rule 0 allows it\n',
    });
    expect(run(['check', '--from', 'ns2/search', '--to', 'ns1/db', '--port', '5432', ...bundle])).toMatchObject({
      code: 1,
      stdout: 'no - ingress denied: [AdminNetworkPolicy protect-ns1 rule 0 "no-search"] Deny\n',
    });
    expect(run(['check', '-q', '--from', 'default/client', '--to', '169.254.169.254', '--port', '80', ...bundle]).code).toBe(1);
  });
});

describe('netpol-edge eval', () => {
  it('answers each NDJSON line in order, with an error line in place of a bad one', () => {
    const input = [
      '{"src":"ns3/frontend","dst":"ns1/web","port":80}',
      '{"src":"ns2/search","dst":"ns1/web","protocol":"TCP","port":80}',
      'not json',
      '',
      '{"src":{"namespace":"ns3","labels":{"app":"x"}},"dst":"10.1.1.20","port":80}',
      '{"src":"ns3/frontend","dst":"ns1/web","port":70000}',
      '{"src":"ns1/web","dst":"ns1/web","port":80}',
    ].join('\n');
    const { code, stdout } = run(['eval', '--flows', '-', ...DEMO], input);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { allowed: true, reason: 'allowed' },
      { allowed: false, reason: 'denied', deniedBy: ['ingress'] },
      { error: 'line 3: not valid JSON' },
      { allowed: true, reason: 'allowed' },
      { error: 'line 6: port: 70000 is not a port; use a whole number from 1 to 65535' },
      { allowed: true, reason: 'loopback' },
    ]);
  });

  it('answers the same with the WASM engine (default) and the reference', () => {
    const input = [
      '{"src":"ns3/frontend","dst":"ns1/web","port":80}',
      '{"src":"10.1.2.10","dst":"ns1/db","protocol":"UDP","port":5432}',
      '{"src":{"namespace":"ns3","labels":{"app":"x"}},"dst":"10.1.1.20","port":80}',
      '{"src":"ns1/web","dst":"203.0.113.5","port":443}',
      '{"src":"ns9/nope","dst":"ns1/web","port":80}',
    ].join('\n');
    for (const explain of [[], ['--explain']]) {
      const wasm = run(['eval', ...explain, '--flows', '-', ...DEMO], input);
      const reference = run(['eval', ...explain, '--engine', 'reference', '--flows', '-', ...DEMO], input);
      expect(wasm.code).toBe(0);
      expect(wasm.stdout.split('\n')).toHaveLength(6);
      expect(wasm.stdout).toBe(reference.stdout);
    }
  });

  it('answers every upstream conformance scenario as its truth table says', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-edge-conformance-'));
    // A sample across the suite: default deny, selectors, named ports, CIDRs, UDP and SCTP.
    const cases = upstreamE2E.cases.filter((_, i) => i % 8 === 0);
    expect(cases.length).toBeGreaterThan(5);
    for (const testCase of cases) {
      const files = testCase.manifests.map((text, i) => {
        const file = join(dir, `${i}.yaml`);
        writeFileSync(file, text);
        return file;
      });
      const input = testCase.flows.map((f) => JSON.stringify({ src: f.src, dst: f.dst, protocol: f.protocol, port: f.port })).join('\n');
      const { code, stdout } = run(['eval', '-q', '--flows', '-', ...files], input);
      expect(code, testCase.name).toBe(0);
      const allowed = stdout.trim().split('\n').map((line) => (JSON.parse(line) as { allowed: boolean }).allowed);
      expect(allowed, testCase.name).toEqual(testCase.flows.map((f) => f.allowed));
    }
  });

  it('adds both sides with --explain', () => {
    const { stdout } = run(['eval', '--explain', '--flows', '-', ...DEMO], '{"src":"ns2/search","dst":"ns1/web","port":80}\n');
    expect(JSON.parse(stdout)).toMatchObject({
      allowed: false,
      egress: { reason: 'not-isolated' },
      ingress: { reason: 'no-rule-matched', isolatedBy: [{ namespace: 'ns1', name: 'test-network-policy' }] },
    });
  });
});

describe('netpol-edge validate', () => {
  it('warns about the article example 4 and exits 0', () => {
    const { code, stdout } = run(['validate', 'examples/article/4-allow-all-egress-as-printed.yaml']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/4-allow-all-egress-as-printed.yaml:11:3 \(document 1\): warning: .*policyTypes does not list Ingress/);
    expect(stdout).toMatch(/^valid: .*sha256:[0-9a-f]{64} \(0 errors, 2 warnings\)$/m);
  });

  it('exits 1 on errors and prints JSON with --json', () => {
    const { code, stdout } = run(['validate', '--json', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\n');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      valid: false,
      diagnostics: [{ severity: 'error', path: 'metadata.name', object: { kind: 'Pod', namespace: 'default', name: 'Bad_Name' } }],
    });
  });

  it('prints help for every command', () => {
    for (const command of ['check', 'eval', 'validate']) {
      const { code, stdout } = run([command, '--help']);
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^netpol-edge ${command}:[\\s\\S]*Example`));
    }
    expect(run(['--help']).stdout).toMatch(/Usage:/);
  });
});

describe('directory scans and --skip-invalid', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-cli-scan-'));
  writeFileSync(join(dir, 'cluster.yaml'), readFileSync(join(import.meta.dirname, '..', DEMO[0]!)));
  writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [cluster.yaml]\n');
  const bad = join(tmpdir(), `netpol-cli-bad-${process.pid}.yaml`);
  writeFileSync(bad, 'apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name, namespace: ns1}\n');
  const flow = ['--from', 'ns3/frontend', '--to', 'ns1/web', '--port', '80'];

  it('skips a scanned file with no Kubernetes object with a warning, and refuses it named explicitly', () => {
    const scanned = run(['check', ...flow, dir]);
    expect(scanned.code).toBe(0);
    expect(scanned.stderr).toMatch(/kustomization\.yaml: warning: no Kubernetes object in this file/);
    expect(run(['check', ...flow, join(dir, 'kustomization.yaml'), join(dir, 'cluster.yaml')]).code).toBe(2);
  });

  it('drops an invalid object with --skip-invalid, and validate stays strict', () => {
    expect(run(['check', ...flow, dir, bad]).code).toBe(2);
    const skipped = run(['eval', '--skip-invalid', '--flows', '-', dir, bad], '{"src":"ns3/frontend","dst":"ns1/web","port":80}\n');
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toBe('{"allowed":true,"reason":"no-policy"}\n');
    expect(skipped.stderr).toMatch(/warning: Pod ns1\/Bad_Name: metadata\.name: .*\(object skipped: --skip-invalid\)/);
    expect(run(['validate', '--skip-invalid', bad]).code).toBe(2);
  });
});
