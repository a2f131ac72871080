/**
 * @module Cluster-wide tiers as semantics.md orders them: AdminNetworkPolicy (and Admin-tier
 * ClusterNetworkPolicy) rules first, by priority and rule order, Allow/Deny deciding and Pass
 * handing over; NetworkPolicies next; the baseline tier only for pods no NetworkPolicy selects.
 */
import type { BundleCase, CaseGroup } from './suite.js';

const cluster = `
apiVersion: v1
kind: Namespace
metadata: {name: prod, labels: {env: prod}}
---
apiVersion: v1
kind: Namespace
metadata: {name: dev, labels: {env: dev}}
---
apiVersion: v1
kind: Node
metadata: {name: node-a, labels: {role: worker}}
status: {addresses: [{type: InternalIP, address: 192.168.1.1}, {type: Hostname, address: node-a}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: prod, labels: {app: api}}
spec: {containers: [{name: api, ports: [{name: http, containerPort: 8080}]}]}
status: {podIP: 10.0.0.10, hostIP: 192.168.1.1}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: prod, labels: {app: db}}
spec: {containers: [{name: db, ports: [{name: sql, containerPort: 5432}]}]}
status: {podIP: 10.0.0.20, hostIP: 192.168.1.2}
---
apiVersion: v1
kind: Pod
metadata: {name: tool, namespace: dev, labels: {app: tool}}
spec: {containers: [{name: sh}]}
status: {podIP: 10.0.1.10, hostIP: 192.168.1.2}
`;

const anp = (name: string, priority: number, body: string): string =>
  `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: ${name}}\nspec:\n  priority: ${priority}\n${indent(body)}`;
const banp = (body: string): string =>
  `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\nspec:\n${indent(body)}`;
const np = (namespace: string, name: string, body: string): string =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec:\n${indent(body)}`;

function indent(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function scenario(name: string, policies: string[], flows: BundleCase['flows']): BundleCase {
  return { name, source: 'semantics.md, cluster-wide tiers', manifests: [cluster, ...policies], flows };
}

const prodSubject = 'subject: {namespaces: {matchLabels: {env: prod}}}';

export const tierCases: CaseGroup = {
  name: 'cluster-wide tiers',
  cases: [
    scenario('an admin Deny overrides a NetworkPolicy that allows', [
      np('prod', 'allow-all', 'podSelector: {}\ningress: [{}]'),
      anp('deny-dev', 10, `${prodSubject}\ningress:\n- name: no-dev\n  action: Deny\n  from: [{namespaces: {matchLabels: {env: dev}}}]`),
    ], [
      { src: 'dev/tool', dst: 'prod/api', port: 8080, allowed: false, ingress: 'admin-denied', deniedBy: ['ingress'] },
      { src: 'prod/db', dst: 'prod/api', port: 8080, allowed: true, ingress: 'allowed-by-rule' },
    ]),
    scenario('an admin Allow overrides a NetworkPolicy that isolates', [
      np('prod', 'deny-all', 'podSelector: {}\npolicyTypes: [Ingress]'),
      anp('allow-db-port', 10, `${prodSubject}\ningress:\n- action: Allow\n  from: [{namespaces: {}}]\n  ports: [{portNumber: {port: 5432}}]`),
    ], [
      { src: 'dev/tool', dst: 'prod/db', port: 5432, allowed: true, ingress: 'admin-allowed', reason: 'allowed' },
      { src: 'dev/tool', dst: 'prod/db', port: 5433, allowed: false, ingress: 'no-rule-matched' },
    ]),
    scenario('priorities: the lower number decides first; rules in order within a policy', [
      anp('b-allow', 20, `${prodSubject}\ningress:\n- action: Allow\n  from: [{namespaces: {}}]`),
      anp('a-deny', 10, `${prodSubject}\ningress:\n- action: Deny\n  from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: tool}}}}]\n- action: Allow\n  from: [{namespaces: {}}]`),
    ], [
      { src: 'dev/tool', dst: 'prod/api', port: 80, allowed: false, ingress: 'admin-denied' },
      { src: 'prod/db', dst: 'prod/api', port: 80, allowed: true, ingress: 'admin-allowed' },
    ]),
    scenario('Pass hands the flow to NetworkPolicies, then to the baseline', [
      anp('pass-dev', 10, `${prodSubject}\ningress:\n- action: Pass\n  from: [{namespaces: {matchLabels: {env: dev}}}]`),
      np('prod', 'db-from-api', 'podSelector: {matchLabels: {app: db}}\ningress: [{from: [{podSelector: {matchLabels: {app: api}}}]}]'),
      banp(`${prodSubject}\ningress:\n- action: Deny\n  from: [{namespaces: {matchLabels: {env: dev}}}]`),
    ], [
      // db is selected by a NetworkPolicy: it decides (denied), the baseline does not.
      { src: 'dev/tool', dst: 'prod/db', port: 5432, allowed: false, ingress: 'no-rule-matched' },
      // api is selected by no NetworkPolicy: the baseline decides.
      { src: 'dev/tool', dst: 'prod/api', port: 8080, allowed: false, ingress: 'baseline-denied' },
      // No tier matches prod->prod for api: allowed, no-policy.
      { src: 'prod/db', dst: 'prod/api', port: 8080, allowed: true, reason: 'no-policy', ingress: 'not-isolated' },
    ]),
    scenario('the baseline Allows pods no NetworkPolicy selects', [
      banp(`subject: {namespaces: {}}\negress:\n- action: Allow\n  to: [{networks: [203.0.113.0/24]}]\n- action: Deny\n  to: [{networks: [0.0.0.0/0]}]`),
    ], [
      { src: 'dev/tool', dst: '203.0.113.9', port: 443, allowed: true, egress: 'baseline-allowed' },
      { src: 'dev/tool', dst: '198.51.100.1', port: 443, allowed: false, egress: 'baseline-denied' },
      // networks peers match pod IPs too.
      { src: 'dev/tool', dst: 'prod/api', port: 8080, allowed: false, egress: 'baseline-denied' },
    ]),
    scenario('nodes peers match the addresses of the selected nodes', [
      anp('no-kubelet', 5, `subject: {namespaces: {matchLabels: {env: dev}}}\negress:\n- action: Deny\n  to: [{nodes: {matchLabels: {role: worker}}}]\n  ports: [{portNumber: {protocol: TCP, port: 10250}}]`),
    ], [
      { src: 'dev/tool', dst: '192.168.1.1', port: 10250, allowed: false, egress: 'admin-denied' },
      { src: 'dev/tool', dst: '192.168.1.1', port: 10255, allowed: true },
      { src: 'dev/tool', dst: '192.168.1.9', port: 10250, allowed: true },
    ]),
    scenario('a pod\'s own node: the baseline may deny it, NetworkPolicies always allow it', [
      banp(`subject: {namespaces: {}}\negress:\n- action: Deny\n  to: [{nodes: {matchLabels: {role: worker}}}]`),
      np('prod', 'api-egress', 'podSelector: {matchLabels: {app: api}}\npolicyTypes: [Egress]'),
    ], [
      // db (on 192.168.1.2) is selected by no NetworkPolicy: the baseline denies node-a...
      { src: 'prod/db', dst: '192.168.1.1', port: 10250, allowed: false, egress: 'baseline-denied' },
      // ...and api, isolated by a NetworkPolicy, may always reach its own node, node-a.
      { src: 'prod/api', dst: '192.168.1.1', port: 10250, allowed: true, egress: 'node' },
    ]),
    scenario('named ports and port ranges', [
      anp('ports', 1, `${prodSubject}\ningress:\n- action: Deny\n  from: [{namespaces: {}}]\n  ports: [{namedPort: sql}, {portRange: {protocol: UDP, start: 1000, end: 2000}}]`),
    ], [
      { src: 'dev/tool', dst: 'prod/db', port: 5432, allowed: false },
      { src: 'dev/tool', dst: 'prod/api', port: 5432, allowed: true },
      { src: 'dev/tool', dst: 'prod/api', protocol: 'UDP', port: 2000, allowed: false },
      { src: 'dev/tool', dst: 'prod/api', protocol: 'TCP', port: 1500, allowed: true },
    ]),
    scenario('v1alpha2 ClusterNetworkPolicy: Accept, Deny and the Baseline tier', [
      `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: admin-accept-db}
spec:
  tier: Admin
  priority: 3
  subject: {pods: {namespaceSelector: {matchLabels: {env: prod}}, podSelector: {matchLabels: {app: db}}}}
  ingress:
  - name: api-only
    action: Accept
    from: [{pods: {namespaceSelector: {matchLabels: {env: prod}}, podSelector: {matchLabels: {app: api}}}}]
    protocols: [{tcp: {destinationPort: {number: 5432}}}]
  - action: Deny
    from: [{namespaces: {}}]`,
      `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: baseline-dev}
spec:
  tier: Baseline
  priority: 0
  subject: {namespaces: {matchLabels: {env: dev}}}
  egress:
  - action: Deny
    to: [{namespaces: {matchLabels: {env: prod}}}]`,
    ], [
      { src: 'prod/api', dst: 'prod/db', port: 5432, allowed: true, ingress: 'admin-allowed' },
      { src: 'prod/api', dst: 'prod/db', port: 5433, allowed: false, ingress: 'admin-denied' },
      { src: 'dev/tool', dst: 'prod/api', port: 8080, allowed: false, egress: 'baseline-denied' },
    ]),
  ],
};
