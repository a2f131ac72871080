/** `GET /v1/bundles/:name/rules` in workerd: a stored version's rules and shadowed rules. */
import { describe, expect, it } from 'vitest';
import cluster from '../examples/demo-cluster.yaml';
import { ingestSources } from '../src/ingest/bundle.js';
import { ruleListOf } from '../src/format/rule-list.js';
import { call, publish, QUERY } from './test-support.js';

const get = (path: string) => call(path, { headers: QUERY });

/** An admin Deny for TCP 80-85 and a Pass for 86-90 together shadow an Allow for 80-90. */
const shadowing = `${cluster}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: front}
spec:
  priority: 10
  subject: {namespaces: {}}
  ingress:
  - {name: low, action: Deny, from: [{namespaces: {}}], ports: [{portRange: {protocol: TCP, start: 80, end: 85}}]}
  - {name: high, action: Pass, from: [{namespaces: {}}], ports: [{portRange: {protocol: TCP, start: 86, end: 90}}]}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: behind}
spec:
  priority: 20
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: ns1}}}
  ingress:
  - {name: web, action: Allow, from: [{namespaces: {}}], ports: [{portRange: {protocol: TCP, start: 80, end: 90}}]}
`;

interface RulesJSON {
  version: string;
  rules: { kind: string; namespace?: string; name: string; direction: string; rule: number; ruleName?: string }[];
  shadowedRules: { kind: string; name: string; rule: number; shadowedBy: { name: string; rule: number }[] }[];
}

async function versionOf(response: Response): Promise<string> {
  expect(response.status).toBeLessThan(300);
  return ((await response.json()) as { version: string }).version;
}

describe('GET /v1/bundles/:name/rules', () => {
  it('lists every rule and the shadowed ones, as the CLI computes them from the manifests', async () => {
    const old = await versionOf(await publish('rules-a', cluster));
    const version = await versionOf(await publish('rules-a', shadowing));
    const response = await get('/v1/bundles/rules-a/rules');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-netpol-edge-version')).toBe(version);
    const list = (await response.json()) as RulesJSON;
    const local = ruleListOf(ingestSources([{ name: 'b.yaml', text: shadowing }]).bundle!);
    expect(list).toEqual(JSON.parse(JSON.stringify({ version, ...local })));
    expect(list.shadowedRules.map((r) => `${r.name} ${r.rule} < ${r.shadowedBy.map((b) => `${b.name} ${b.rule}`).join(' + ')}`)).toEqual(['behind 0 < front 0 + front 1']);
    expect(list.rules).toContainEqual({ kind: 'AdminNetworkPolicy', name: 'behind', direction: 'ingress', rule: 0, ruleName: 'web' });

    // An older version by ?version=: its own rules, nothing shadowed; asked twice, the same answer.
    for (let i = 0; i < 2; i++) {
      const before = (await (await get(`/v1/bundles/rules-a/rules?version=${old}`)).json()) as RulesJSON;
      expect(before.version).toBe(old);
      expect(before.shadowedRules).toEqual([]);
      expect(before.rules.some((r) => r.name === 'behind')).toBe(false);
      expect(before.rules.length).toBe(list.rules.length - 3);
    }
  });

  it('refuses an unknown version or bundle (404) and reads without a token (401, 403)', async () => {
    await publish('rules-b', cluster);
    const unknown = await get('/v1/bundles/rules-b/rules?version=sha256:0000');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('no-version');
    expect((await get('/v1/bundles/no-such-bundle/rules')).status).toBe(404);
    expect((await call('/v1/bundles/rules-b/rules')).status).toBe(401);
    expect((await call('/v1/bundles/rules-b/rules', { headers: { authorization: 'Bearer wrong' } })).status).toBe(403);
  });
});
