/**
 * @module One case per point of semantics.md that the upstream suites do not pin down: the
 * project's own choices (ipBlockMatchesPods, named ports on the destination, hostNetwork, node
 * traffic, address families, ad-hoc pods, workloads) and the empty-versus-absent rules.
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
kind: Pod
metadata: {name: api, namespace: prod, labels: {app: api}}
spec:
  containers:
  - name: api
    ports:
    - {name: http, containerPort: 8080}
    - {name: dns-udp, containerPort: 5353, protocol: UDP}
status: {podIP: 10.0.0.10, podIPs: [{ip: 10.0.0.10}, {ip: "fd00::10"}], hostIP: 192.168.1.1}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: prod, labels: {app: db}}
spec:
  containers:
  - name: db
    ports:
    - {name: http, containerPort: 9000}
status: {podIP: 10.0.0.20, podIPs: [{ip: 10.0.0.20}, {ip: "fd00::20"}], hostIP: 192.168.1.2}
---
apiVersion: v1
kind: Pod
metadata: {name: tool, namespace: dev, labels: {app: tool, tier: debug}}
spec: {containers: [{name: sh}]}
status: {podIP: 10.0.1.10, podIPs: [{ip: 10.0.1.10}], hostIP: 192.168.1.1}
---
apiVersion: v1
kind: Pod
metadata: {name: pending, namespace: dev, labels: {app: pending}}
spec: {containers: [{name: sh}]}
---
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: prod, labels: {app: agent}}
spec: {hostNetwork: true, containers: [{name: agent, ports: [{name: metrics, containerPort: 9100}]}]}
status: {podIP: 192.168.1.2, podIPs: [{ip: 192.168.1.2}], hostIP: 192.168.1.2}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        ports: [{name: http, containerPort: 80}]
`;

const policy = (namespace: string, name: string, spec: string): string => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${namespace}}
spec:
${spec
  .trim()
  .split('\n')
  .map((line) => `  ${line}`)
  .join('\n')}
`;

function scenario(name: string, policies: string[], flows: BundleCase['flows'], options?: BundleCase['options']): BundleCase {
  return { name, source: 'semantics.md', manifests: [cluster, ...policies], flows, options };
}

const denyAllIngressProd = policy('prod', 'deny-ingress', `podSelector: {}\npolicyTypes: [Ingress]`);

export const semanticsCases: CaseGroup = {
  name: 'semantics.md',
  cases: [
    scenario('no policy: everything is allowed, reason no-policy', [], [
      { src: 'dev/tool', dst: 'prod/api', port: 8080, allowed: true, reason: 'no-policy', egress: 'not-isolated', ingress: 'not-isolated' },
      { src: '198.51.100.1', dst: '198.51.100.2', port: 1, allowed: true, reason: 'no-policy', egress: 'outside-cluster', ingress: 'outside-cluster' },
    ]),
    scenario('loopback is allowed even when isolated, by name or by IP', [denyAllIngressProd], [
      { src: 'prod/api', dst: 'prod/api', port: 8080, allowed: true, reason: 'loopback' },
      { src: '10.0.0.10', dst: 'prod/api', port: 8080, allowed: true, reason: 'loopback' },
      { src: { namespace: 'prod', labels: { app: 'api' } }, dst: 'prod/api', port: 8080, allowed: false },
    ]),
    scenario('policyTypes absent with `egress: []` restricts only ingress', [
      policy('prod', 'empty-egress', `podSelector: {matchLabels: {app: api}}\ningress: [{from: [{podSelector: {matchLabels: {app: db}}}]}]\negress: []`),
    ], [
      { src: 'prod/api', dst: '203.0.113.1', port: 443, allowed: true, egress: 'not-isolated' },
      { src: 'prod/db', dst: 'prod/api', port: 8080, allowed: true, ingress: 'allowed-by-rule' },
      { src: 'dev/tool', dst: 'prod/api', port: 8080, allowed: false, deniedBy: ['ingress'] },
    ]),
    scenario('policyTypes absent with egress rules adds Egress', [
      policy('prod', 'egress-to-db', `podSelector: {matchLabels: {app: api}}\negress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]`),
    ], [
      { src: 'prod/api', dst: 'prod/db', port: 9000, allowed: true, allowedByEgress: 'prod/egress-to-db#0' },
      { src: 'prod/api', dst: 'dev/tool', port: 22, allowed: false, deniedBy: ['egress'] },
      // ...and Ingress, with no ingress rules: api accepts nothing.
      { src: 'prod/db', dst: 'prod/api', port: 8080, allowed: false, deniedBy: ['ingress'] },
    ]),
    scenario('Egress listed with no rules denies all egress; both sides can deny', [
      policy('prod', 'deny-all', `podSelector: {}\npolicyTypes: [Ingress, Egress]`),
    ], [
      { src: 'prod/api', dst: 'prod/db', port: 9000, allowed: false, deniedBy: ['egress', 'ingress'] },
      { src: 'prod/api', dst: '203.0.113.1', port: 443, allowed: false, deniedBy: ['egress'] },
    ]),
    scenario('a rule with from absent matches every peer, inside or outside the cluster', [
      policy('prod', 'any-peer-8080', `podSelector: {matchLabels: {app: api}}\ningress: [{ports: [{port: 8080}]}]`),
    ], [
      { src: '203.0.113.1', dst: 'prod/api', port: 8080, allowed: true },
      { src: 'dev/tool', dst: 'prod/api', port: 8080, allowed: true },
      { src: 'dev/tool', dst: 'prod/api', protocol: 'UDP', port: 8080, allowed: false },
    ]),
    scenario('a port entry without port matches every port of its protocol only', [
      policy('prod', 'udp-any', `podSelector: {matchLabels: {app: api}}\ningress: [{ports: [{protocol: UDP}]}]`),
    ], [
      { src: 'dev/tool', dst: 'prod/api', protocol: 'UDP', port: 65535, allowed: true },
      { src: 'dev/tool', dst: 'prod/api', protocol: 'TCP', port: 8080, allowed: false },
      { src: 'dev/tool', dst: 'prod/api', protocol: 'SCTP', port: 1, allowed: false },
    ]),
    scenario('endPort makes an inclusive range', [
      policy('prod', 'range', `podSelector: {matchLabels: {app: api}}\ningress: [{ports: [{port: 32000, endPort: 32768}]}]`),
    ], [
      { src: 'dev/tool', dst: 'prod/api', port: 31999, allowed: false },
      { src: 'dev/tool', dst: 'prod/api', port: 32000, allowed: true },
      { src: 'dev/tool', dst: 'prod/api', port: 32768, allowed: true },
      { src: 'dev/tool', dst: 'prod/api', port: 32769, allowed: false },
    ]),
    scenario('peer forms: podSelector only is the own namespace; both in one peer are ANDed', [
      policy('prod', 'peers', `podSelector: {matchLabels: {app: api}}
ingress:
- from: [{podSelector: {matchLabels: {app: tool}}}]
- from: [{namespaceSelector: {matchLabels: {env: dev}}, podSelector: {matchLabels: {tier: debug}}}]
  ports: [{port: 22}]`),
    ], [
      // app=tool lives in dev, not prod: the podSelector-only peer does not match it.
      { src: 'dev/tool', dst: 'prod/api', port: 8080, allowed: false },
      { src: 'dev/tool', dst: 'prod/api', port: 22, allowed: true, allowedByIngress: 'prod/peers#1' },
      { src: { namespace: 'prod', labels: { app: 'tool' } }, dst: 'prod/api', port: 8080, allowed: true, allowedByIngress: 'prod/peers#0' },
      { src: { namespace: 'dev', labels: { app: 'tool' } }, dst: 'prod/api', port: 22, allowed: false },
    ]),
    scenario('NotIn matches pods that lack the key; DoesNotExist and Exists test presence', [
      policy('prod', 'exprs', `podSelector: {matchLabels: {app: api}}
ingress:
- from:
  - namespaceSelector: {}
    podSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [debug]}]}
  ports: [{port: 8080}]
- from:
  - namespaceSelector: {}
    podSelector: {matchExpressions: [{key: tier, operator: Exists}, {key: app, operator: In, values: [tool, x]}]}
  ports: [{port: 9999}]`),
    ], [
      { src: 'prod/db', dst: 'prod/api', port: 8080, allowed: true },
      { src: 'dev/tool', dst: 'prod/api', port: 8080, allowed: false },
      { src: { namespace: 'dev', labels: { tier: 'prod' } }, dst: 'prod/api', port: 8080, allowed: true },
      { src: 'dev/tool', dst: 'prod/api', port: 9999, allowed: true },
      { src: 'prod/db', dst: 'prod/api', port: 9999, allowed: false },
    ]),
    scenario('every namespace carries kubernetes.io/metadata.name, implicit ones too', [
      policy('prod', 'by-name', `podSelector: {matchLabels: {app: api}}
ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: staging}}}]}]`),
    ], [
      { src: { namespace: 'staging', labels: {} }, dst: 'prod/api', port: 8080, allowed: true },
      { src: 'dev/tool', dst: 'prod/api', port: 8080, allowed: false },
    ]),
    scenario('ipBlock: cidr minus except, union across peers, families never mix', [
      policy('prod', 'blocks', `podSelector: {matchLabels: {app: api}}
ingress:
- from:
  - ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}
  - ipBlock: {cidr: 203.0.113.192/26}
  - ipBlock: {cidr: "2001:db8::/32", except: ["2001:db8:bad::/48"]}`),
    ], [
      { src: '203.0.113.1', dst: 'prod/api', port: 8080, allowed: true },
      { src: '203.0.113.129', dst: 'prod/api', port: 8080, allowed: false },
      { src: '203.0.113.200', dst: 'prod/api', port: 8080, allowed: true },
      { src: '198.51.100.1', dst: 'prod/api', port: 8080, allowed: false },
      { src: '2001:db8::1', dst: 'fd00::10', port: 8080, allowed: true },
      { src: '2001:db8:bad::1', dst: 'fd00::10', port: 8080, allowed: false },
    ]),
    scenario('ipBlockMatchesPods true: an ipBlock matches a pod by the IP of the flow family', [
      policy('prod', 'pod-cidr', `podSelector: {matchLabels: {app: api}}\ningress: [{from: [{ipBlock: {cidr: 10.0.1.0/24}}]}]`),
      policy('prod', 'pod-cidr6', `podSelector: {matchLabels: {app: db}}\ningress: [{from: [{ipBlock: {cidr: "fd00::/64"}}]}]`),
    ], [
      { src: 'dev/tool', dst: 'prod/api', port: 8080, allowed: true },
      { src: '10.0.1.10', dst: 'prod/api', port: 8080, allowed: true },
      // A pod without an IP, or an ad-hoc pod, is never matched by an ipBlock.
      { src: 'dev/pending', dst: 'prod/api', port: 8080, allowed: false },
      { src: { namespace: 'dev', labels: { app: 'tool' } }, dst: 'prod/api', port: 8080, allowed: false },
      // Named pods: the flow uses the destination's primary family (IPv4), so prod/api's IPv6
      // address is not what db sees...
      { src: 'prod/api', dst: 'prod/db', port: 9000, allowed: false },
      // ...unless the flow is addressed in IPv6.
      { src: 'prod/api', dst: 'fd00::20', port: 9000, allowed: true },
      { src: 'fd00::10', dst: 'prod/db', port: 9000, allowed: true },
    ]),
    scenario(
      'ipBlockMatchesPods false: an ipBlock matches only addresses outside the cluster',
      [policy('prod', 'pod-cidr', `podSelector: {matchLabels: {app: api}}\ningress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]`)],
      [
        { src: 'dev/tool', dst: 'prod/api', port: 8080, allowed: false },
        { src: '10.0.1.10', dst: 'prod/api', port: 8080, allowed: false },
        { src: '10.9.9.9', dst: 'prod/api', port: 8080, allowed: true },
      ],
      { ipBlockMatchesPods: false },
    ),
    scenario('named ports resolve on the destination pod, for ingress and egress', [
      policy('prod', 'named-in', `podSelector: {matchLabels: {app: api}}\ningress: [{ports: [{port: http}, {port: dns-udp, protocol: UDP}]}]`),
      policy('dev', 'named-out', `podSelector: {matchLabels: {app: tool}}\negress: [{ports: [{port: http}]}]`),
    ], [
      { src: 'prod/db', dst: 'prod/api', port: 8080, allowed: true },
      { src: 'prod/db', dst: 'prod/api', port: 80, allowed: false },
      { src: 'prod/db', dst: 'prod/api', protocol: 'UDP', port: 5353, allowed: true },
      { src: 'prod/db', dst: 'prod/api', protocol: 'TCP', port: 5353, allowed: false },
      // Egress from tool: `http` is 8080 on api, 9000 on db, 80 on the web workload.
      { src: 'dev/tool', dst: 'prod/db', port: 9000, allowed: true, allowedByEgress: 'dev/named-out#0' },
      { src: 'dev/tool', dst: 'prod/db', port: 8080, allowed: false, deniedBy: ['egress'] },
      { src: 'dev/tool', dst: 'prod/web', port: 80, allowed: true },
      // A destination outside the cluster never matches a named port.
      { src: 'dev/tool', dst: '203.0.113.1', port: 80, allowed: false },
      // An ad-hoc destination resolves named ports against the ports it was given.
      { src: 'dev/tool', dst: { namespace: 'prod', labels: {}, ports: [{ name: 'http', port: 3000 }] }, port: 3000, allowed: true },
      { src: 'dev/tool', dst: { namespace: 'prod', labels: {} }, port: 3000, allowed: false },
    ]),
    scenario('hostNetwork pods are never selected; ipBlocks see their node IP', [
      policy('prod', 'deny-all', `podSelector: {}\npolicyTypes: [Ingress, Egress]`),
      policy('prod', 'api-to-metrics', `podSelector: {matchLabels: {app: api}}\negress: [{ports: [{port: metrics}]}]`),
      policy('prod', 'from-selected', `podSelector: {matchLabels: {app: api}}\ningress: [{from: [{podSelector: {}}], ports: [{port: 8080}]}]`),
      policy('prod', 'from-nodes', `podSelector: {matchLabels: {app: api}}\ningress: [{from: [{ipBlock: {cidr: 192.168.1.0/24}}], ports: [{port: 9999}]}]`),
    ], [
      { src: 'prod/agent', dst: '203.0.113.1', port: 443, allowed: true, egress: 'host-network' },
      { src: 'dev/tool', dst: 'prod/agent', port: 9100, allowed: true, ingress: 'host-network' },
      // Named ports never resolve on a hostNetwork pod, by name or by its node IP alike.
      { src: 'prod/api', dst: 'prod/agent', port: 9100, allowed: false, deniedBy: ['egress'] },
      { src: 'prod/api', dst: '192.168.1.2', port: 9100, allowed: false, deniedBy: ['egress'] },
      // As a peer, `podSelector: {}` does not match the hostNetwork agent...
      { src: 'prod/agent', dst: 'prod/api', port: 8080, allowed: false, deniedBy: ['ingress'] },
      // ...but an ipBlock over the node range does.
      { src: 'prod/agent', dst: 'prod/api', port: 9999, allowed: true, allowedByIngress: 'prod/from-nodes#0' },
    ]),
    scenario('traffic between a pod and its own node is always allowed', [
      policy('prod', 'deny-all', `podSelector: {}\npolicyTypes: [Ingress, Egress]`),
    ], [
      { src: '192.168.1.1', dst: 'prod/api', port: 8080, allowed: true, ingress: 'node' },
      { src: 'prod/api', dst: '192.168.1.1', port: 10250, allowed: true, egress: 'node' },
      // Another node is not the pod's own.
      { src: '192.168.1.3', dst: 'prod/api', port: 8080, allowed: false, ingress: 'no-rule-matched' },
      // The hostNetwork agent's IP is db's node: the node rule applies to it too.
      { src: 'prod/agent', dst: 'prod/db', port: 9000, allowed: true, ingress: 'node' },
    ]),
    scenario('workloads: a representative pod, by name or by kind/name', [
      policy('prod', 'web-from-api', `podSelector: {matchLabels: {app: web}}\ningress: [{from: [{podSelector: {matchLabels: {app: api}}}]}]`),
    ], [
      { src: 'prod/api', dst: 'prod/web', port: 80, allowed: true },
      { src: 'prod/api', dst: 'prod/deployment/web', port: 80, allowed: true },
      { src: 'prod/db', dst: 'prod/web', port: 80, allowed: false },
      // The representative pod stands for every replica: to itself is replica to replica.
      { src: 'prod/web', dst: 'prod/web', port: 80, allowed: false, deniedBy: ['ingress'] },
    ]),
    scenario('policies are additive: one allowing rule of any selecting policy suffices', [
      denyAllIngressProd,
      policy('prod', 'allow-db', `podSelector: {matchLabels: {app: api}}\ningress: [{from: [{podSelector: {matchLabels: {app: db}}}]}]`),
    ], [
      { src: 'prod/db', dst: 'prod/api', port: 8080, allowed: true, allowedByIngress: 'prod/allow-db#0' },
      { src: 'dev/tool', dst: 'prod/api', port: 8080, allowed: false },
    ]),
  ],
};
