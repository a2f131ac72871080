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
    return `${name(r)} < ${r.shadowedBy.map(name).join(' + ')}`;
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

const banp = (subject: string, ingress: string) => `---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: ${subject}
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
      banp(NS1, '  - {name: b-web, action: Allow, from: [{namespaces: {matchExpressions: [{key: team, operator: In, values: [b]}]}}], ports: [{portNumber: {protocol: TCP, port: 80}}]}\n');
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
      banp(NS1, '  - {name: deny, action: Deny, from: [{namespaces: {}}]}\n');
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


const tcp = (start: number, end: number) => `{portRange: {protocol: TCP, start: ${start}, end: ${end}}}`;

describe('shadowed jointly by several earlier rules', () => {
  it('found: an ANP range behind two ranges of a lower priority number that meet', () => {
    const yaml =
      NAMESPACES +
      anp('low', 10, ALL_NAMESPACES, [
        `  - {name: a, action: Deny, from: [{namespaces: {}}], ports: [${tcp(80, 85)}]}`,
        `  - {name: b, action: Pass, from: [{namespaces: {matchLabels: {team: b}}}], ports: [${tcp(86, 90)}]}`,
        '',
      ].join('\n')) +
      anp('high', 20, NS1, `  - {name: web, action: Allow, from: [{namespaces: {matchLabels: {team: b}}}], ports: [${tcp(80, 90)}]}\n`);
    expect(shadowed(yaml)).toEqual(['high ingress 0 < low ingress 0 + low ingress 1']);
  });

  it('found: peers covered piece by piece (In values, address ranges around an except)', () => {
    const yaml =
      NAMESPACES +
      anp('low', 10, ALL_NAMESPACES, [
        '  - {name: a, action: Deny, from: [{namespaces: {matchLabels: {team: a}}}]}',
        '  - {name: b, action: Deny, from: [{namespaces: {matchLabels: {team: b}}}]}',
        '',
      ].join('\n')) +
      anp('high', 20, ALL_NAMESPACES, '  - {name: ab, action: Allow, from: [{namespaces: {matchExpressions: [{key: team, operator: In, values: [a, b]}]}}]}\n') +
      np('x', '{}', [
        '  - from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.128.0/17]}}]',
        '  - from: [{ipBlock: {cidr: 10.0.128.0/17}}]',
        '  - from: [{ipBlock: {cidr: 10.0.0.0/16}}]',
        '',
      ].join('\n'));
    expect(shadowed(yaml)).toEqual(['ns1/x ingress 2 < ns1/x ingress 0 + ns1/x ingress 1', 'high ingress 0 < low ingress 0 + low ingress 1']);
  });

  it('not found: the two ranges leave one port, the peers of one range are narrower', () => {
    const yaml =
      NAMESPACES +
      anp('low', 10, ALL_NAMESPACES, [
        `  - {name: a, action: Deny, from: [{namespaces: {}}], ports: [${tcp(80, 84)}]}`,
        `  - {name: b, action: Deny, from: [{namespaces: {}}], ports: [${tcp(86, 90)}]}`,
        `  - {name: c, action: Deny, from: [{namespaces: {matchLabels: {team: a}}}], ports: [${tcp(100, 105)}]}`,
        `  - {name: d, action: Deny, from: [{namespaces: {matchLabels: {team: b}}}], ports: [${tcp(106, 110)}]}`,
        '',
      ].join('\n')) +
      anp('high', 20, NS1, [
        `  - {name: gap, action: Allow, from: [{namespaces: {}}], ports: [${tcp(80, 90)}]}`,
        // team a on 100-105 and team b on 106-110 do not cover both teams on 100-110.
        `  - {name: cross, action: Allow, from: [{namespaces: {matchExpressions: [{key: team, operator: In, values: [a, b]}]}}], ports: [${tcp(100, 110)}]}`,
        '',
      ].join('\n'));
    expect(shadowed(yaml)).toEqual([]);
  });

  it('not found: a NetworkPolicy covered by two allows except one namespace, or except an except hole', () => {
    const yaml =
      NAMESPACES +
      np('a', '{}', [
        '  - from: [{namespaceSelector: {matchLabels: {team: a}}}]',
        '  - from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.5.0/24]}}]',
        '',
      ].join('\n')) +
      np('b', '{}', [
        '  - from: [{namespaceSelector: {matchExpressions: [{key: team, operator: In, values: [a, c]}]}}]',
        '  - from: [{ipBlock: {cidr: 10.0.0.0/17}}]',
        '',
      ].join('\n'));
    expect(shadowed(yaml)).toEqual([]);
  });
});

describe('NetworkPolicy rules behind admin rules', () => {
  const web = np('web', '{matchLabels: {app: web}}', '  - from: [{namespaceSelector: {matchLabels: {team: b}}}]\n    ports: [{port: 80}, {port: 443}]\n');
  it('found: admin Allow and Deny select its pods and cover its peers and ports', () => {
    const yaml =
      NAMESPACES +
      anp('a', 10, NS1, `  - {name: http, action: Allow, from: [{namespaces: {}}], ports: [{portNumber: {protocol: TCP, port: 80}}]}\n`) +
      anp('b', 20, '{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}', `  - {name: https, action: Deny, from: [{namespaces: {matchLabels: {team: b}}}], ports: [${tcp(400, 500)}]}\n`) +
      web;
    expect(shadowed(yaml)).toEqual(['ns1/web ingress 0 < a ingress 0 + b ingress 0']);
  });

  it('not found: a Pass in front, a subject of fewer pods, one port left, an admin named port', () => {
    const pass = anp('pass', 5, '{pods: {namespaceSelector: {}, podSelector: {matchLabels: {tier: x}}}}', '  - {name: p, action: Pass, from: [{namespaces: {matchLabels: {team: b}}}]}\n');
    const deny = anp('deny', 10, NS1, '  - {name: all, action: Deny, from: [{namespaces: {}}]}\n');
    expect(shadowed(NAMESPACES + pass + deny + web)).toEqual([]);
    // The same without the Pass: found. A Pass whose subject cannot select app=web pods is no hole.
    expect(shadowed(NAMESPACES + deny + web)).toEqual(['ns1/web ingress 0 < deny ingress 0']);
    const otherPass = anp('pass', 5, '{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: db}}}}', '  - {name: p, action: Pass, from: [{namespaces: {}}]}\n');
    expect(shadowed(NAMESPACES + otherPass + deny + web)).toEqual(['ns1/web ingress 0 < deny ingress 0']);
    const fewer = anp('fewer', 10, '{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web, tier: x}}}}', '  - {name: all, action: Deny, from: [{namespaces: {}}]}\n');
    expect(shadowed(NAMESPACES + fewer + web)).toEqual([]);
    const onePort = anp('one', 10, NS1, '  - {name: http, action: Deny, from: [{namespaces: {}}], ports: [{portNumber: {protocol: TCP, port: 80}}]}\n');
    expect(shadowed(NAMESPACES + onePort + web)).toEqual([]);
    // Another namespace's labels: team b is ns2, the admin rule covers team a only.
    const teamA = anp('team-a', 10, NS1, '  - {name: a, action: Deny, from: [{namespaces: {matchLabels: {team: a}}}]}\n');
    expect(shadowed(NAMESPACES + teamA + web)).toEqual([]);
  });

  it('named ports: the same name is covered, a number is not (a name resolves differently per pod)', () => {
    const named = np('named', '{}', '  - from: [{podSelector: {}}]\n    ports: [{port: http}]\n');
    const byName = anp('by-name', 10, NS1, '  - {name: h, action: Allow, from: [{namespaces: {}}], ports: [{namedPort: http}]}\n');
    const byNumber = anp('by-number', 10, NS1, '  - {name: h, action: Allow, from: [{namespaces: {}}], ports: [{portNumber: {protocol: TCP, port: 8080}}]}\n');
    expect(shadowed(NAMESPACES + byName + named)).toEqual(['ns1/named ingress 0 < by-name ingress 0']);
    expect(shadowed(NAMESPACES + byNumber + named)).toEqual([]);
    // `from` absent matches every endpoint, pods and outside addresses: admin namespaces peers do not.
    expect(shadowed(NAMESPACES + byName + np('every', '{}', '  - ports: [{port: http}]\n'))).toEqual([]);
    const numbered = np('a', '{}', '  - from: [{podSelector: {}}]\n    ports: [{port: 8080}]\n');
    expect(shadowed(NAMESPACES + numbered + np('b', '{}', '  - from: [{podSelector: {}}]\n    ports: [{port: http}]\n'))).toEqual([]);
    expect(shadowed(NAMESPACES + named + np('z', '{}', '  - from: [{podSelector: {}}]\n    ports: [{port: http}]\n'))).toEqual(['ns1/z ingress 0 < ns1/named ingress 0']);
  });

  it('a baseline rule behind an admin Deny with a Pass in front of it is not shadowed', () => {
    const yaml =
      NAMESPACES +
      anp('pass', 5, NS1, '  - {name: p, action: Pass, from: [{namespaces: {matchLabels: {team: b}}}]}\n') +
      anp('deny', 10, ALL_NAMESPACES, '  - {name: d, action: Deny, from: [{namespaces: {}}]}\n') +
      banp(NS1, '  - {name: b, action: Allow, from: [{namespaces: {matchLabels: {team: b}}}]}\n');
    expect(shadowed(yaml)).toEqual([]);
  });
});

describe('NetworkPolicy allows of the same pods: the later of two rules covering each other', () => {
  it('lists only the later one, in policy order then rule order', () => {
    const same = '  - from: [{podSelector: {}}]\n    ports: [{port: 80}]\n';
    expect(shadowed(NAMESPACES + np('a', '{}', same) + np('b', '{}', same))).toEqual(['ns1/b ingress 0 < ns1/a ingress 0']);
    expect(shadowed(NAMESPACES + np('a', '{}', same + same))).toEqual(['ns1/a ingress 1 < ns1/a ingress 0']);
  });
});
