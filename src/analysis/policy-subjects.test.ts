/**
 * @module Which policies have a pod as a subject (policy-subjects.ts), on a small hand-made bundle:
 * NetworkPolicies by namespace, pod selector and direction, in bundle order; cluster-wide subjects
 * by namespace and pod selectors, whole-namespace subjects, and only for a direction with rules; a
 * namespace without a Namespace object labelled by its name.
 */
import { describe, expect, it } from 'vitest';
import { ingestObjects } from '../ingest/bundle.js';
import type { Bundle, Pod } from '../model/bundle.js';
import { PolicySubjects } from './policy-subjects.js';

const pod = (name: string, namespace: string, labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'c' }] },
  status: { phase: 'Running', podIPs: [{ ip: `10.0.0.${name.length}` }] },
});

const networkPolicy = (name: string, namespace: string, app: string | undefined, policyTypes: string[]) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace },
  spec: { podSelector: app === undefined ? {} : { matchLabels: { app } }, policyTypes },
});

const admin = (name: string, subject: unknown, rules: { ingress?: boolean; egress?: boolean }) => ({
  apiVersion: 'policy.networking.k8s.io/v1alpha1',
  kind: 'AdminNetworkPolicy',
  metadata: { name },
  spec: {
    priority: 1,
    subject,
    ...(rules.ingress ? { ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] } : {}),
    ...(rules.egress ? { egress: [{ action: 'Deny', to: [{ namespaces: {} }] }] } : {}),
  },
});

function setUp(objects: unknown[]): { bundle: Bundle; subjects: PolicySubjects; pod: (name: string) => Pod } {
  const bundle = ingestObjects(objects).bundle!;
  return { bundle, subjects: new PolicySubjects(bundle), pod: (name) => bundle.pods.find((p) => p.name === name)! };
}

describe('policy subjects', () => {
  const pods = [pod('web', 'alpha', { app: 'web' }), pod('db', 'alpha', { app: 'db' }), pod('other', 'beta', { app: 'web' })];

  it('lists the NetworkPolicies of the namespace selecting the pod for the direction, in bundle order', () => {
    const { subjects, pod: named } = setUp([
      ...pods,
      networkPolicy('all-in', 'alpha', undefined, ['Ingress']),
      networkPolicy('web-both', 'alpha', 'web', ['Ingress', 'Egress']),
      networkPolicy('db-out', 'alpha', 'db', ['Egress']),
    ]);
    const names = (p: string, direction: 'egress' | 'ingress') => subjects.selecting(named(p), direction).map((policy) => policy.name);
    expect(names('web', 'ingress').sort()).toEqual(['all-in', 'web-both']);
    expect(names('web', 'egress')).toEqual(['web-both']);
    expect(names('db', 'ingress')).toEqual(['all-in']);
    expect(names('db', 'egress')).toEqual(['db-out']);
    expect(names('other', 'ingress')).toEqual([]); // same labels, another namespace
    expect(subjects.selected(named('other'), 'ingress')).toBe(false);
    expect(subjects.selected(named('db'), 'egress')).toBe(true);
  });

  it('has a pod as a cluster-wide subject by both selectors, or its namespace alone, for a direction with rules', () => {
    const { subjects, pod: named } = setUp([
      ...pods,
      admin('web-in-alpha', { pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'alpha' } }, podSelector: { matchLabels: { app: 'web' } } } }, { ingress: true }),
      admin('beta-out', { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'beta' } } }, { egress: true }),
    ]);
    expect(subjects.clusterSubject(named('web'), 'ingress')).toBe(true);
    expect(subjects.clusterSubject(named('web'), 'egress')).toBe(false); // that policy has no egress rules
    expect(subjects.clusterSubject(named('db'), 'ingress')).toBe(false);
    expect(subjects.clusterSubject(named('other'), 'ingress')).toBe(false);
    expect(subjects.clusterSubject(named('other'), 'egress')).toBe(true);
  });

  it('labels a namespace without a Namespace object by its name only', () => {
    const { bundle } = setUp([...pods]);
    const bare: Bundle = { ...bundle, namespaces: bundle.namespaces.filter((ns) => ns.name !== 'beta') };
    const subjects = new PolicySubjects(bare);
    expect({ ...subjects.namespaceLabels('beta') }).toEqual({ 'kubernetes.io/metadata.name': 'beta' });
    expect(subjects.namespaceLabels('alpha')).toBe(bundle.namespaces.find((ns) => ns.name === 'alpha')!.labels);
  });
});
