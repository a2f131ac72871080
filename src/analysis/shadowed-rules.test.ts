import { describe, expect, it } from 'vitest';
import { ingestSources } from '../ingest/bundle.js';
import { EMPTY_SELECTOR } from '../model/selector.js';
import type { Selector } from '../model/bundle.js';
import { findShadowedRules, selectorContains } from './shadowed-rules.js';

function shadowed(yaml: string): string[] {
  const result = ingestSources([{ name: 'test.yaml', text: yaml }]);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return findShadowedRules(result.bundle!).map((r) => {
    const name = (ref: { namespace?: string; name: string; direction: string; rule: number }) =>
      `${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} ${ref.direction} ${ref.rule}`;
    return `${name(r)} < ${name(r.shadowedBy)}`;
  });
}

const anp = (name: string, priority: number, subject: string, ingress: string) => `---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: ${name}}
spec:
  priority: ${priority}
  subject: ${subject}
  ingress:
${ingress}`;

const np = (name: string, podSelector: string, ingress: string, namespace = 'ns1') => `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  podSelector: ${podSelector}
  ingress:
${ingress}`;

const ALL_NAMESPACES = '{namespaces: {}}';
const NS1 = '{namespaces: {matchLabels: {kubernetes.io/metadata.name: ns1}}}';
const NAMESPACES = `apiVersion: v1
kind: Namespace
metadata: {name: ns1, labels: {team: a}}
---
apiVersion: v1
kind: Namespace
metadata: {name: ns2, labels: {team: b}}
`;

describe('shadowed AdminNetworkPolicy rules: found', () => {
  it('behind a broader rule of a lower priority number that applies to every subject', () => {
    const yaml =
      NAMESPACES +
      anp('wide', 10, ALL_NAMESPACES, '  - {name: deny-all, action: Deny, from: [{namespaces: {}}]}\n') +
      anp('narrow', 20, NS1, '  - {name: web, action: Allow, from: [{namespaces: {matchLabels: {team: b}}}], ports: [{portNumber: {protocol: TCP, port: 80}}]}\n');
    expect(shadowed(yaml)).toEqual(['narrow ingress 0 < wide ingress 0']);
  });

  it('behind an earlier rule of the same policy whose port range covers its ports', () => {
    const yaml =
      NAMESPACES +
      anp('p', 10, NS1, [
        '  - {name: low, action: Pass, from: [{pods: {namespaceSelector: {}, podSelector: {}}}], ports: [{portRange: {protocol: TCP, start: 1, end: 1024}}]}',
        '  - {name: web, action: Deny, from: [{pods: {namespaceSelector: {matchLabels: {team: b}}, podSelector: {matchLabels: {app: x}}}}], ports: [{portNumber: {protocol: TCP, port: 80}}, {portRange: {protocol: TCP, start: 440, end: 450}}]}',
        '',
      ].join('\n'));
    expect(shadowed(yaml)).toEqual(['p ingress 1 < p ingress 0']);
  });

  it('a baseline rule behind an admin Deny for all its subjects', () => {
    const yaml =
      NAMESPACES +
      anp('guard', 10, ALL_NAMESPACES, '  - {name: no-b, action: Deny, from: [{namespaces: {matchLabels: {team: b}}}]}\n') +
      `---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: ${NS1}
  ingress:
  - {name: b-web, action: Allow, from: [{namespaces: {matchExpressions: [{key: team, operator: In, values: [b]}]}}], ports: [{portNumber: {protocol: TCP, port: 80}}]}
`;
    expect(shadowed(yaml)).toEqual(['default ingress 0 < guard ingress 0']);
  });
});

describe('shadowed AdminNetworkPolicy rules: near misses, not reported', () => {
  it('shadowed for some of its ports only', () => {
    const yaml =
      NAMESPACES +
      anp('p', 10, NS1, [
        '  - {name: a, action: Deny, from: [{namespaces: {}}], ports: [{portNumber: {protocol: TCP, port: 80}}]}',
        '  - {name: b, action: Allow, from: [{namespaces: {}}], ports: [{portNumber: {protocol: TCP, port: 80}}, {portNumber: {protocol: TCP, port: 443}}]}',
        '  - {name: c, action: Allow, from: [{namespaces: {}}], ports: [{portNumber: {protocol: UDP, port: 80}}]}',
        '',
      ].join('\n'));
    expect(shadowed(yaml)).toEqual([]);
  });

  it('behind a rule whose policy applies to fewer subjects', () => {
    const yaml =
      NAMESPACES +
      anp('ns1-only', 10, NS1, '  - {name: deny-all, action: Deny, from: [{namespaces: {}}]}\n') +
      anp('everyone', 20, ALL_NAMESPACES, '  - {name: x, action: Deny, from: [{namespaces: {matchLabels: {team: b}}}]}\n');
    expect(shadowed(yaml)).toEqual([]);
  });

  it('a broad rule of a higher priority number behind a narrow one of a lower number', () => {
    const yaml =
      NAMESPACES +
      anp('late', 30, ALL_NAMESPACES, '  - {name: deny-all, action: Deny, from: [{namespaces: {}}]}\n') +
      anp('early', 20, NS1, '  - {name: x, action: Allow, from: [{namespaces: {matchLabels: {team: b}}}]}\n');
    expect(shadowed(yaml)).toEqual([]);
  });

  it('a baseline rule behind an admin Pass, which hands flows down to it', () => {
    const yaml =
      NAMESPACES +
      anp('pass', 10, ALL_NAMESPACES, '  - {name: p, action: Pass, from: [{namespaces: {}}]}\n') +
      `---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: ${NS1}
  ingress:
  - {name: deny, action: Deny, from: [{namespaces: {}}]}
`;
    expect(shadowed(yaml)).toEqual([]);
  });

  it('peers only partly covered, and selectors whose containment cannot be proved', () => {
    const yaml =
      NAMESPACES +
      anp('p', 10, NS1, [
        '  - {name: a, action: Deny, from: [{namespaces: {matchLabels: {team: b}}}]}',
        '  - {name: b, action: Deny, from: [{namespaces: {matchLabels: {team: b}}}, {namespaces: {matchLabels: {team: c}}}]}',
        '  - {name: c, action: Deny, from: [{namespaces: {matchExpressions: [{key: team, operator: NotIn, values: [a]}]}}]}',
        '',
      ].join('\n'));
    expect(shadowed(yaml)).toEqual([]);
  });
});

describe('shadowed NetworkPolicy rules', () => {
  it('found: contained in an earlier allow of a policy selecting the same pods', () => {
    const yaml =
      NAMESPACES +
      np('a-all', '{}', '  - from: [{podSelector: {}}]\n    ports: [{port: 80, endPort: 90}]\n') +
      np('b-web', '{matchLabels: {app: web}}', [
        '  - from: [{podSelector: {matchLabels: {app: client}}}]',
        '    ports: [{port: 80}]',
        '  - from: [{ipBlock: {cidr: 10.2.0.0/16}}]',
        '  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ns1}}, podSelector: {matchLabels: {app: client}}}]',
        '    ports: [{port: 85}]',
        '',
      ].join('\n')) +
      np('c-web', '{matchLabels: {app: web, tier: x}}', '  - from: [{ipBlock: {cidr: 10.2.3.0/24}}]\n    ports: [{port: 22}]\n') +
      np('d-open', '{matchLabels: {app: web}}', '  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]\n', 'ns1');
    // b-web 1 (10.2.0.0/16, every port) comes before d-open's wider block: d-open is not shadowed.
    expect(shadowed(yaml)).toEqual(['ns1/b-web ingress 0 < ns1/a-all ingress 0', 'ns1/b-web ingress 2 < ns1/a-all ingress 0', 'ns1/c-web ingress 0 < ns1/b-web ingress 1']);
  });

  it('not found: for some ports only, later in order, fewer pods, a hole in the block, another namespace', () => {
    const yaml =
      NAMESPACES +
      np('a', '{matchLabels: {app: web}}', '  - from: [{podSelector: {}}]\n    ports: [{port: 80}]\n') +
      // Ports 80 and 443: only 80 is covered.
      np('b', '{matchLabels: {app: web}}', '  - from: [{podSelector: {}}]\n    ports: [{port: 80}, {port: 443}]\n') +
      // Selects every pod: a and b select only app=web.
      np('c', '{}', '  - from: [{podSelector: {matchLabels: {app: x}}}]\n    ports: [{port: 80}]\n') +
      // A named port is not proved to be 80.
      np('d', '{matchLabels: {app: web}}', '  - from: [{podSelector: {}}]\n    ports: [{port: http}]\n') +
      np('e', '{matchLabels: {app: web}}', '  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.2.3.0/24]}}]\n') +
      np('f', '{matchLabels: {app: web}}', '  - from: [{ipBlock: {cidr: 10.2.0.0/16}}]\n') +
      // Another namespace's policy never shadows: it selects other pods.
      np('g', '{matchLabels: {app: web}}', '  - from: [{podSelector: {}}]\n    ports: [{port: 80}]\n', 'ns2') +
      // Every peer and port: nothing before it covers that much.
      np('z', '{matchLabels: {app: web}}', '  - {}\n');
    expect(shadowed(yaml)).toEqual([]);
  });
});

describe('selectorContains', () => {
  const sel = (matchLabels: Record<string, string>, matchExpressions: Selector['matchExpressions'] = []): Selector => ({ matchLabels, matchExpressions });
  it('proves containment term by term', () => {
    expect(selectorContains(EMPTY_SELECTOR, sel({ a: '1' }))).toBe(true);
    expect(selectorContains(sel({ a: '1' }), sel({ a: '1', b: '2' }))).toBe(true);
    expect(selectorContains(sel({}, [{ key: 'a', operator: 'In', values: ['1', '2'] }]), sel({ a: '1' }))).toBe(true);
    expect(selectorContains(sel({}, [{ key: 'a', operator: 'Exists', values: [] }]), sel({ a: '1' }))).toBe(true);
    expect(selectorContains(sel({}, [{ key: 'a', operator: 'NotIn', values: ['2'] }]), sel({ a: '1' }))).toBe(true);
    expect(selectorContains(sel({}, [{ key: 'a', operator: 'NotIn', values: ['2'] }]), sel({}, [{ key: 'a', operator: 'DoesNotExist', values: [] }]))).toBe(true);
  });
  it('refuses what it cannot prove', () => {
    expect(selectorContains(sel({ a: '1' }), EMPTY_SELECTOR)).toBe(false);
    expect(selectorContains(sel({ a: '1' }), sel({}, [{ key: 'a', operator: 'In', values: ['1', '2'] }]))).toBe(false);
    expect(selectorContains(sel({}, [{ key: 'a', operator: 'NotIn', values: ['2'] }]), EMPTY_SELECTOR)).toBe(false);
    expect(selectorContains(sel({}, [{ key: 'a', operator: 'Exists', values: [] }]), sel({}, [{ key: 'a', operator: 'NotIn', values: ['1'] }]))).toBe(false);
  });
});
