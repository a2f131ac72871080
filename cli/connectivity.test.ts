/** @module `list`, `diff` and `exposure` as a user runs them: outputs, exit codes, errors. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin', 'netpol-edge.js');
const DEMO = 'examples/demo-cluster.yaml';
const ARTICLE_5 = 'examples/article/5-ns1-from-ns3-tcp-80.yaml';

function run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', cwd: join(import.meta.dirname, '..') });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('netpol-edge list', () => {
  it('prints one line per connection, and the JSON interface with exactly its names', () => {
    const txt = run(['list', DEMO, ARTICLE_5]);
    expect(txt.code).toBe(0);
    expect(txt.stdout).toContain('ns3/frontend[Pod] => ns1/web[Pod] : TCP 80\n');
    const json = JSON.parse(run(['list', '--output', 'json', DEMO, ARTICLE_5]).stdout);
    expect(Object.keys(json)).toEqual(['version', 'connections', 'workloads']);
    expect(json.version).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(json.connections).toContainEqual({
      src: { kind: 'Pod', namespace: 'ns3', name: 'frontend' },
      dst: { kind: 'Pod', namespace: 'ns1', name: 'web' },
      all: false,
      ports: { TCP: [[80, 80]], UDP: [], SCTP: [] },
    });
    expect(json.workloads).toContainEqual({
      kind: 'Pod',
      namespace: 'ns1',
      name: 'web',
      labels: { app: 'web', tier: 'frontend' },
      namespaceLabels: { env: 'prod', 'kubernetes.io/metadata.name': 'ns1', team: 'payments' },
    });
  });

  it('--focus keeps only the connections of one workload; --explain names the allowing rule', () => {
    const out = run(['list', '--focus', 'ns1/web', '--explain', DEMO, ARTICLE_5]);
    expect(out.code).toBe(0);
    for (const line of out.stdout.split('\n').filter((l) => l.includes('=>'))) expect(line).toContain('ns1/web[Pod]');
    expect(out.stdout).toContain('ingress: NetworkPolicy ns1/test-network-policy ingress rule 0');
  });

  it('--include-self lists a bare pod to itself (loopback)', () => {
    expect(run(['list', DEMO]).stdout).not.toContain('ns1/web[Pod] => ns1/web[Pod]');
    expect(run(['list', '--include-self', DEMO]).stdout).toContain('ns1/web[Pod] => ns1/web[Pod] : all ports');
  });

  it('refuses an unknown output, an unknown focus and the reference engine, with exit code 2', () => {
    expect(run(['list', '--output', 'xml', DEMO])).toMatchObject({ code: 2, stderr: expect.stringContaining('--output xml') });
    expect(run(['list', '--focus', 'ns1/nope', DEMO])).toMatchObject({ code: 2, stderr: expect.stringContaining('no workload or pod') });
    expect(run(['list', '--engine', 'reference', DEMO])).toMatchObject({ code: 2, stderr: expect.stringContaining('WASM core') });
  });
});

describe('netpol-edge diff', () => {
  it('exits 0 when nothing differs, 1 when something does, 2 on error', () => {
    expect(run(['diff', DEMO, DEMO])).toMatchObject({ code: 0, stdout: 'no differences\n' });
    const changed = run(['diff', '--output', 'json', '--old', DEMO, '--new', DEMO, '--new', ARTICLE_5]);
    expect(changed.code).toBe(1);
    const json = JSON.parse(changed.stdout);
    expect(Object.keys(json)).toEqual(['old', 'new', 'changes']);
    expect(json.changes).toContainEqual({
      change: 'changed',
      src: { kind: 'Pod', namespace: 'ns3', name: 'frontend' },
      dst: { kind: 'Pod', namespace: 'ns1', name: 'web' },
      old: { all: true, ports: { TCP: [[1, 65535]], UDP: [[1, 65535]], SCTP: [[1, 65535]] } },
      new: { all: false, ports: { TCP: [[80, 80]], UDP: [], SCTP: [] } },
    });
    expect(run(['diff', DEMO])).toMatchObject({ code: 2 });
    expect(run(['diff', '-', '-'])).toMatchObject({ code: 2 });
  });

  it('notes a workload that exists on one side only', () => {
    const extra = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ns2}
spec:
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {app: api}}, spec: {containers: [{name: c, image: x}]}}
`;
    const both = run(['diff', '--old', DEMO, '--new', DEMO, '--new', '-'], extra);
    expect(both.code).toBe(1);
    expect(both.stdout).toContain('ns2/api[Deployment] exists only in the new version');
  });
});

describe('netpol-edge exposure', () => {
  it('names what is open to everyone, as text and JSON', () => {
    const txt = run(['exposure', DEMO, ARTICLE_5]);
    expect(txt.code).toBe(0);
    expect(txt.stdout).toContain('ns3/frontend[Pod]\n  ingress from every namespace: all ports');
    const json = JSON.parse(run(['exposure', '--output', 'json', DEMO, ARTICLE_5]).stdout);
    expect(Object.keys(json)).toEqual(['version', 'workloads', 'futureRules']);
  });
});
