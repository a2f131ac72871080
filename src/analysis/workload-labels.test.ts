import { describe, expect, it } from 'vitest';
import { ingestSources } from '../ingest/bundle.js';
import { groupWorkloads } from './endpoints.js';
import { describeWorkloads } from './workload-labels.js';

const pod = (name: string, labels: string, ip: string, owner = '') => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: a, labels: ${labels}${owner}}
spec: {containers: [{name: c, image: x}]}
status: {phase: Running, podIP: ${ip}, podIPs: [{ip: ${ip}}]}
`;

describe('workload labels', () => {
  it('lists every workload, connected or not, with the labels all its pods share and its namespace labels', () => {
    const owner = (rs: string) => `, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: ${rs}, uid: u1}]`;
    const yaml =
      `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {team: blue}}\n` +
      pod('web-1', '{app: web, pod-template-hash: h1, extra: x}', '10.0.0.1', owner('web-h1')) +
      pod('web-2', '{app: web, pod-template-hash: h2}', '10.0.0.2', owner('web-h2')) +
      pod('lone', '{}', '10.0.0.3') +
      // Denies everything into and out of namespace a: no workload has a connection left.
      `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: a}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n`;
    const bundle = ingestSources([{ name: 'test.yaml', text: yaml }]).bundle!;
    const described = describeWorkloads(bundle, groupWorkloads(bundle));
    const namespaceLabels = { 'kubernetes.io/metadata.name': 'a', team: 'blue' };
    expect(described.map((w) => ({ ...w, labels: { ...w.labels }, namespaceLabels: { ...w.namespaceLabels } }))).toEqual([
      { kind: 'Pod', namespace: 'a', name: 'lone', labels: {}, namespaceLabels },
      { kind: 'Deployment', namespace: 'a', name: 'web', labels: { app: 'web' }, namespaceLabels },
    ]);
  });

  it('keeps label keys like constructor as data', () => {
    const bundle = ingestSources([{ name: 't.yaml', text: pod('p', '{constructor: c1, toString: t1}', '10.0.0.1') }]).bundle!;
    const [only] = describeWorkloads(bundle, groupWorkloads(bundle));
    expect(JSON.parse(JSON.stringify(only!.labels))).toEqual({ constructor: 'c1', toString: 't1' });
  });
});
