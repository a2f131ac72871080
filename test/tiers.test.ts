import { describe, expect, it } from 'vitest';
import { ingestSources } from '../src/ingest/bundle.js';
import { ENGINES } from './cases/engine.js';
import { describeFlow, runCaseGroups } from './cases/suite.js';
import { decodeFlow } from '../src/flow/decode.js';
import { tierCases } from './cases/tiers.js';

for (const engine of ENGINES) runCaseGroups(engine, [tierCases]);

describe('both engines explain tiered decisions alike', () => {
  for (const testCase of tierCases.cases) {
    it(testCase.name, async () => {
      const bundle = ingestSources(testCase.manifests.map((text, i) => ({ name: `${i}.yaml`, text }))).bundle!;
      const [reference, ...others] = await Promise.all(ENGINES.map((engine) => engine.load(bundle)));
      for (const flowCase of testCase.flows) {
        const flow = decodeFlow(flowCase);
        for (const other of others) expect(await other!.explain(flow), describeFlow(flowCase)).toEqual(await reference!.explain(flow));
      }
    });
  }
});

describe('cluster-wide policies in ingest', () => {
  const read = (text: string) => ingestSources([{ name: 'tiers.yaml', text }]);

  it('warns about equal priorities and breaks the tie by name', () => {
    const anp = (name: string) =>
      `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: ${name}}\nspec:\n  priority: 7\n  subject: {namespaces: {}}\n  ingress: [{action: Deny, from: [{namespaces: {}}]}]\n`;
    const result = read(`${anp('zeta')}---\n${anp('alpha')}`);
    expect(result.bundle!.clusterPolicies.map((p) => p.name)).toEqual(['alpha', 'zeta']);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'warning', object: { kind: 'AdminNetworkPolicy', name: 'zeta' }, path: 'spec.priority' }),
    );
  });

  it('validates as the CRDs do', () => {
    const result = read(`apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: bad}
spec:
  priority: 1001
  subject: {namespaces: {}, pods: {namespaceSelector: {}, podSelector: {}}}
  ingress:
  - action: Reject
    from: []
    ports: [{portRange: {start: 90, end: 80}}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: not-default}
spec: {subject: {namespaces: {}}}
`);
    expect(result.bundle).toBeUndefined();
    const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.path);
    expect(errors).toEqual(expect.arrayContaining(['spec.priority', 'spec.subject', 'spec.ingress[0].action', 'spec.ingress[0].from', 'metadata.name']));
    // v1alpha1 enforces no order on a port range: a reversed one is a warning.
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ severity: 'warning', path: 'spec.ingress[0].ports[0].portRange.end' }));
  });

  it('validates v1alpha2 as its CRD does: 25 rules, destinationPort required, start < end', () => {
    const rules = Array.from({ length: 26 }, () => '  - {action: Deny, to: [{namespaces: {}}]}').join('\n');
    const result = read(`apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: many}
spec:
  tier: Admin
  priority: 1
  subject: {namespaces: {}}
  egress:
${rules}
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: ports}
spec:
  tier: Baseline
  priority: 1
  subject: {pods: {podSelector: {}}}
  ingress:
  - action: Accept
    from: [{pods: {podSelector: {}}}]
    protocols: [{tcp: {}}, {udp: {destinationPort: {range: {start: 80, end: 80}}}}]
`);
    const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.object?.name, d.path]);
    expect(errors).toEqual(
      expect.arrayContaining([
        ['many', 'spec.egress'],
        ['ports', 'spec.ingress[0].protocols[0].tcp.destinationPort'],
        ['ports', 'spec.ingress[0].protocols[1].udp.destinationPort.range'],
      ]),
    );
  });

  it('fails closed on a peer a newer API version adds', () => {
    const result = read(`apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: future}
spec:
  tier: Admin
  priority: 1
  subject: {namespaces: {}}
  egress:
  - {action: Deny, to: [{domainNames: [example.com]}]}
  - {action: Accept, to: [{domainNames: [example.com]}]}
`);
    const rule = result.bundle!.clusterPolicies[0]!.egress;
    expect(rule.map((r) => r.unrecognisedPeers)).toEqual([1, 1]);
  });
});
