/**
 * @module Scenarios transcribed from the upstream e2e suite (kubernetes/kubernetes
 * test/e2e/network/netpol/network_policy.go): each keeps the upstream test's title, its policies
 * as YAML, and its full truth table for every port and protocol the test probes.
 *
 * The truth tables are those of the 3x3 version of the suite (every test probes all nine pods
 * x/a ... z/c); the current upstream file starts only the pods a test needs but keeps the same
 * Expect/ExpectPeer calls. Upstream ignores loopback (ignoreLoopback = true); our engine always
 * allows it, so every table ends with allowLoopback(). Upstream's namespaces get generated names;
 * here they are literally x, y and z, so a selector on `kubernetes.io/metadata.name: <nsY>` reads
 * `kubernetes.io/metadata.name: y`.
 *
 * Policy builders (policies.go / network_policy.go helpers): GenNetworkPolicyWithNameAndPodSelector
 * and ...AndPodMatchLabel set the name and spec.podSelector; SetSpecIngressRules(...) appends the
 * rules and adds `Ingress` to policyTypes, SetSpecEgressRules(...) likewise with `Egress`; with no
 * rule it leaves an empty list, i.e. "isolated, nothing allowed".
 *
 * Tests that change the cluster between two validations (UpdatePolicy, AddPodLabels, a second
 * CreatePolicy, cleanNetworkPolicies) are one case per state: "(before update)" / "(after update)".
 * The ipBlock tests, which upstream builds from the pod's status.podIP (/32 or /128), have an
 * IPv4 case (pods addressed by name: their primary IP is IPv4) and an "(IPv6)" case that builds the
 * CIDRs from the pods' IPv6 addresses and addresses the pods by those.
 */
import type { BundleCase, CaseGroup, FlowCase } from '../cases/suite.js';
import { clusterManifest, podIPv4, podIPv6, Reachability, type ClusterChanges, type Protocol } from './cluster.js';

const SOURCE = 'kubernetes/kubernetes test/e2e/network/netpol/network_policy.go';
const CONTEXT_TCP = 'NetworkPolicy between server and client';
const CONTEXT_UDP = 'NetworkPolicy between server and client using UDP';
const CONTEXT_SCTP = 'NetworkPolicy between server and client using SCTP';

interface ScenarioOptions {
  /** Labels the test adds to namespaces or pods before this state is validated. */
  readonly cluster?: ClusterChanges;
  /** The ginkgo.Context the test sits in; TCP's unless given. */
  readonly context?: string;
}

/** One validated state of an upstream test: its policies (YAML documents) and its probes. */
function scenario(
  name: string,
  policies: readonly string[],
  probes: readonly FlowCase[],
  options: ScenarioOptions = {},
): BundleCase {
  return {
    name,
    source: `${SOURCE} (${options.context ?? CONTEXT_TCP})`,
    manifests: [clusterManifest(options.cluster), ...policies],
    flows: probes,
  };
}

/** `ValidateOrFail(k8s, &TestCase{ToPort, Protocol, Reachability})`, loopback ignored as upstream does. */
function probe(reachability: Reachability, port: number, protocol: Protocol = 'TCP'): FlowCase[] {
  return reachability.allowLoopback().flows(port, protocol);
}

/** The same probes, every pod addressed by its IPv6 address. */
function overIPv6(flows: readonly FlowCase[]): FlowCase[] {
  return flows.map((flow) => ({ ...flow, src: podIPv6(flow.src as string), dst: podIPv6(flow.dst as string) }));
}

/** Strips the common leading indentation of a template literal, so YAML reads naturally in code. */
function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((out, part, i) => out + part + (i < values.length ? String(values[i]) : ''), '');
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** upstream makeLargeCIDRForIP: the /4 that contains the IP. */
function makeLargeCIDRForIP(ip: string): string {
  if (ip.includes(':')) {
    const first = parseInt(ip.split(':')[0]!, 16) & 0xf000;
    return `${first.toString(16)}::/4`;
  }
  const first = Number(ip.split('.')[0]) & 0xf0;
  return `${first}.0.0.0/4`;
}

/** `fmt.Sprintf("%s/%d", pod.Status.PodIP, hostMask)` */
function hostCIDR(ip: string): string {
  return `${ip}/${ip.includes(':') ? 128 : 32}`;
}

const NS_NAME = 'kubernetes.io/metadata.name';

// ---------------------------------------------------------------------------------------------
// Policies used by several tests.

/** GenNetworkPolicyWithNameAndPodSelector(name, metav1.LabelSelector{}, SetSpecIngressRules()) */
const denyIngressX = (name: string, ns = 'x'): string => yaml`
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: ${name}
    namespace: "${ns}"
  spec:
    podSelector: {}
    policyTypes:
    - Ingress
`;

/** ... SetSpecIngressRules(), SetSpecEgressRules() */
const denyAllX = yaml`
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: deny-all
    namespace: x
  spec:
    podSelector: {}
    policyTypes:
    - Ingress
    - Egress
`;

/** Ingress to x/a only from namespace y, on one port and protocol. */
const allowFromNsYOnPort = (name: string, port: number | string, protocol: Protocol): string => yaml`
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: ${name}
    namespace: x
  spec:
    podSelector:
      matchLabels:
        pod: a
    policyTypes:
    - Ingress
    ingress:
    - from:
      - namespaceSelector:
          matchLabels:
            ${NS_NAME}: "y"
      ports:
      - port: ${port}
        protocol: ${protocol}
`;

/** Ingress to x/a only from y/a (namespaceSelector AND podSelector in one peer). */
const allowFromYAOnly = yaml`
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: allow-ns-y-pod-a-via-namespace-pod-selector
    namespace: x
  spec:
    podSelector:
      matchLabels:
        pod: a
    policyTypes:
    - Ingress
    ingress:
    - from:
      - namespaceSelector:
          matchLabels:
            ${NS_NAME}: "y"
        podSelector:
          matchLabels:
            pod: a
`;

/** Ingress to x/a from namespace y (matchLabels on the namespace name label). */
const allowXAFromNsY = (name: string): string => yaml`
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: ${name}
    namespace: x
  spec:
    podSelector:
      matchLabels:
        pod: a
    policyTypes:
    - Ingress
    ingress:
    - from:
      - namespaceSelector:
          matchLabels:
            ${NS_NAME}: "y"
`;

/** Egress from x/a to one ipBlock (cidr, except). */
const egressXAToIPBlock = (cidr: string, except: readonly string[] = []): string => {
  const exceptLines = except.length === 0 ? '' : `\n        except:\n${except.map((e) => `        - ${e}`).join('\n')}`;
  return (
    yaml`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: allow-client-a-via-cidr-egress-rule
      namespace: x
    spec:
      podSelector:
        matchLabels:
          pod: a
      policyTypes:
      - Egress
      egress:
      - to:
        - ipBlock:
            cidr: ${cidr}` + exceptLines
  );
};

// ---------------------------------------------------------------------------------------------
// Truth tables used by several tests.

/** ExpectPeer(&Peer{}, &Peer{Namespace: nsX}, false) */
const nothingIntoX = (): Reachability => new Reachability(true).expectPeer({}, { namespace: 'x' }, false);

/** ExpectPeer(x -> x/a, false), ExpectPeer(z -> x/a, false): only namespace y reaches x/a. */
const onlyNsYIntoXA = (): Reachability =>
  new Reachability(true)
    .expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false)
    .expectPeer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false);

/** ExpectAllIngress(x/a, false), Expect(y/a, x/a, true) */
const onlyYAIntoXA = (): Reachability => new Reachability(true).expectAllIngress('x/a', false).expect('y/a', 'x/a', true);

// ---------------------------------------------------------------------------------------------
// The scenarios, in upstream's order.

const ipBlockScenarios = (family: 'IPv4' | 'IPv6'): BundleCase[] => {
  const ip = family === 'IPv4' ? podIPv4 : podIPv6;
  const addressed = (flows: FlowCase[]): FlowCase[] => (family === 'IPv4' ? flows : overIPv6(flows));
  const suffix = family === 'IPv4' ? '' : ' (IPv6)';
  const exceptXB = egressXAToIPBlock(makeLargeCIDRForIP(ip('x/b')), [hostCIDR(ip('x/b'))]);
  return [
    // podServerCIDR := y/b's podIP/32
    scenario(
      `should allow egress access to server in CIDR block${suffix}`,
      [egressXAToIPBlock(hostCIDR(ip('y/b')))],
      addressed(probe(new Reachability(true).expectAllEgress('x/a', false).expect('x/a', 'y/b', true), 80)),
    ),
    // cidr: makeLargeCIDRForIP(x/b), except: [x/b/32]
    scenario(
      `should enforce except clause while egress access to server in CIDR block${suffix}`,
      [exceptXB],
      addressed(probe(new Reachability(true).expect('x/a', 'x/b', false), 80)),
    ),
    scenario(
      `should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed (before update)${suffix}`,
      [exceptXB],
      addressed(probe(new Reachability(true).expect('x/a', 'x/b', false), 80)),
    ),
    // UpdatePolicy with the same name: the policy now allows only x/b/32.
    scenario(
      `should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed (after update)${suffix}`,
      [egressXAToIPBlock(hostCIDR(ip('x/b')))],
      addressed(probe(new Reachability(true).expectAllEgress('x/a', false).expect('x/a', 'x/b', true), 80)),
    ),
  ];
};

const tcpScenarios: BundleCase[] = [
  scenario("should support a 'default-deny-ingress' policy", [denyIngressX('deny-ingress')], probe(nothingIntoX(), 80)),

  scenario(
    "should support a 'default-deny-all' policy",
    [denyAllX],
    probe(nothingIntoX().expectPeer({ namespace: 'x' }, {}, false), 80),
  ),

  scenario(
    'should enforce policy to allow traffic from pods within server namespace based on PodSelector',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: x-a-allows-x-b
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
        ingress:
        - from:
          - podSelector:
              matchLabels:
                pod: b
      `,
    ],
    probe(new Reachability(true).expectAllIngress('x/a', false).expect('x/b', 'x/a', true), 80),
  ),

  scenario(
    'should enforce policy to allow ingress traffic for a target',
    [
      denyIngressX('deny-all'),
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-all-to-a
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
        ingress:
        - from:
          - podSelector: {}
            namespaceSelector: {}
      `,
    ],
    probe(
      new Reachability(true)
        .expectAllIngress('x/a', true)
        .expectAllIngress('x/b', false)
        .expectAllIngress('x/c', false),
      80,
    ),
  ),

  scenario(
    'should enforce policy to allow ingress traffic from pods in all namespaces',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-from-another-ns
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
        ingress:
        - from:
          - namespaceSelector:
              matchLabels: {}
      `,
    ],
    probe(new Reachability(true), 80),
  ),

  scenario(
    'should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector',
    [allowXAFromNsY('allow-client-a-via-ns-selector')],
    probe(onlyNsYIntoXA(), 80),
  ),

  scenario(
    'should enforce policy based on PodSelector with MatchExpressions',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: x-a-allows-x-b
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
        ingress:
        - from:
          - podSelector:
              matchExpressions:
              - key: pod
                operator: In
                values:
                - b
      `,
    ],
    probe(new Reachability(true).expectAllIngress('x/a', false).expect('x/b', 'x/a', true), 80),
  ),

  scenario(
    'should enforce policy based on NamespaceSelector with MatchExpressions',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-ns-y-match-selector
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
        ingress:
        - from:
          - namespaceSelector:
              matchExpressions:
              - key: ${NS_NAME}
                operator: In
                values:
                - "y"
      `,
    ],
    probe(onlyNsYIntoXA(), 80),
  ),

  // Two peers in one rule: ORed.
  scenario(
    'should enforce policy based on PodSelector or NamespaceSelector',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-ns-y-match-selector
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
        ingress:
        - from:
          - namespaceSelector:
              matchExpressions:
              - key: ${NS_NAME}
                operator: NotIn
                values:
                - x
          - podSelector:
              matchLabels:
                pod: b
      `,
    ],
    probe(new Reachability(true).expect('x/a', 'x/a', false).expect('x/c', 'x/a', false), 80),
  ),

  // Both selectors in one peer: ANDed.
  scenario(
    'should enforce policy based on PodSelector and NamespaceSelector',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-ns-y-podselector-and-nsselector
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
        ingress:
        - from:
          - namespaceSelector:
              matchExpressions:
              - key: ${NS_NAME}
                operator: NotIn
                values:
                - x
            podSelector:
              matchLabels:
                pod: b
      `,
    ],
    probe(
      new Reachability(true).expectAllIngress('x/a', false).expect('y/b', 'x/a', true).expect('z/b', 'x/a', true),
      80,
    ),
  ),

  scenario(
    'should enforce policy based on Multiple PodSelectors and NamespaceSelectors',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-ns-y-z-pod-b-c
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
        ingress:
        - from:
          - namespaceSelector:
              matchExpressions:
              - key: ${NS_NAME}
                operator: NotIn
                values:
                - x
            podSelector:
              matchExpressions:
              - key: pod
                operator: In
                values:
                - b
                - c
      `,
    ],
    probe(
      new Reachability(true)
        .expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false)
        .expect('y/a', 'x/a', false)
        .expect('z/a', 'x/a', false),
      80,
    ),
  ),

  scenario(
    'should enforce policy based on any PodSelectors',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-ns-x-pod-b-c
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
        ingress:
        - from:
          - podSelector:
              matchLabels:
                pod: b
          - podSelector:
              matchLabels:
                pod: c
      `,
    ],
    probe(
      new Reachability(true).expectAllIngress('x/a', false).expect('x/b', 'x/a', true).expect('x/c', 'x/a', true),
      80,
    ),
  ),

  scenario(
    'should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector',
    [allowFromYAOnly],
    probe(onlyYAIntoXA(), 80),
  ),

  scenario(
    'should enforce policy based on Ports',
    [allowFromNsYOnPort('allow-client-a-via-ns-selector', 81, 'TCP')],
    probe(onlyNsYIntoXA().expectPeer({ namespace: 'y' }, { namespace: 'x', pod: 'a' }, true), 81),
  ),

  scenario(
    'should enforce multiple, stacked policies with overlapping podSelectors (before update)',
    [allowFromNsYOnPort('allow-client-a-via-ns-selector', 81, 'TCP')],
    [
      ...probe(onlyNsYIntoXA().expectPeer({ namespace: 'y' }, { namespace: 'x', pod: 'a' }, true), 81),
      ...probe(new Reachability(true).expectAllIngress('x/a', false), 80),
    ],
  ),
  // CreatePolicy(allowPort80Policy): a second policy opens port 80 to namespace y.
  scenario(
    'should enforce multiple, stacked policies with overlapping podSelectors (after update)',
    [
      allowFromNsYOnPort('allow-client-a-via-ns-selector', 81, 'TCP'),
      allowFromNsYOnPort('allow-client-a-via-ns-selector-80', 80, 'TCP'),
    ],
    probe(onlyNsYIntoXA().expectPeer({ namespace: 'y' }, { namespace: 'x', pod: 'a' }, true), 80),
  ),

  scenario(
    'should support allow-all policy',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-all
        namespace: x
      spec:
        podSelector: {}
        policyTypes:
        - Ingress
        ingress:
        - {}
      `,
    ],
    [...probe(new Reachability(true), 80), ...probe(new Reachability(true), 81)],
  ),

  scenario(
    'should allow ingress access on one named port',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-all
        namespace: x
      spec:
        podSelector: {}
        policyTypes:
        - Ingress
        ingress:
        - ports:
          - port: serve-81-tcp
      `,
    ],
    [...probe(new Reachability(true), 81), ...probe(nothingIntoX(), 80)],
  ),

  scenario(
    'should allow ingress access from namespace on one named port',
    [allowFromNsYOnPort('allow-client-a-via-ns-selector-80', 'serve-80-tcp', 'TCP')],
    [...probe(onlyNsYIntoXA(), 80), ...probe(new Reachability(true).expectAllIngress('x/a', false), 81)],
  ),

  scenario(
    'should allow egress access on one named port',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-egress
        namespace: x
      spec:
        podSelector: {}
        policyTypes:
        - Egress
        egress:
        - ports:
          - port: serve-80-tcp
      `,
    ],
    [...probe(new Reachability(true), 80), ...probe(new Reachability(true).expectPeer({ namespace: 'x' }, {}, false), 81)],
  ),

  scenario(
    'should enforce updated policy (before update)',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-all-mutate-to-deny-all
        namespace: x
      spec:
        podSelector: {}
        policyTypes:
        - Ingress
        ingress:
        - {}
      `,
    ],
    probe(new Reachability(true), 81),
  ),
  // policy.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{}; UpdatePolicy
  scenario(
    'should enforce updated policy (after update)',
    [denyIngressX('allow-all-mutate-to-deny-all')],
    probe(nothingIntoX(), 81),
  ),

  ...(() => {
    const policy = yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-client-a-via-ns-selector
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
        ingress:
        - from:
          - namespaceSelector:
              matchLabels:
                ns2: updated
    `;
    return [
      scenario(
        'should allow ingress access from updated namespace (before update)',
        [policy],
        probe(new Reachability(true).expectAllIngress('x/a', false), 80),
      ),
      // AddNamespaceLabel(ctx, k8s, nsY, "ns2", "updated")
      scenario(
        'should allow ingress access from updated namespace (after update)',
        [policy],
        probe(new Reachability(true).expectAllIngress('x/a', false).expectPeer({ namespace: 'y' }, {}, true), 80),
        { cluster: { namespaceLabels: { y: { ns2: 'updated' } } } },
      ),
    ];
  })(),

  ...(() => {
    const policy = yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-client-a-via-pod-selector
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
        ingress:
        - from:
          - podSelector:
              matchLabels:
                pod: b
                pod2: updated
    `;
    return [
      scenario(
        'should allow ingress access from updated pod (before update)',
        [policy],
        probe(new Reachability(true).expectAllIngress('x/a', false), 80),
      ),
      // AddPodLabels(ctx, k8s, nsX, "b", {"pod": "b", "pod2": "updated"})
      scenario(
        'should allow ingress access from updated pod (after update)',
        [policy],
        probe(new Reachability(true).expectAllIngress('x/a', false).expect('x/b', 'x/a', true), 80),
        { cluster: { podLabels: { 'x/b': { pod: 'b', pod2: 'updated' } } } },
      ),
    ];
  })(),

  scenario(
    'should deny ingress from pods on other namespaces',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: deny-empty-policy
        namespace: x
      spec:
        podSelector: {}
        policyTypes:
        - Ingress
        ingress:
        - from:
          - podSelector:
              matchLabels: {}
      `,
    ],
    probe(
      new Reachability(true)
        .expectPeer({ namespace: 'y' }, { namespace: 'x' }, false)
        .expectPeer({ namespace: 'z' }, { namespace: 'x' }, false),
      80,
    ),
  ),

  ...(() => {
    const policy = yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: deny-ingress-via-label-selector
        namespace: x
      spec:
        podSelector:
          matchLabels:
            target: isolated
        policyTypes:
        - Ingress
    `;
    return [
      scenario('should deny ingress access to updated pod (before update)', [policy], probe(new Reachability(true), 80)),
      // AddPodLabels(ctx, k8s, nsX, "a", {"target": "isolated"})
      scenario(
        'should deny ingress access to updated pod (after update)',
        [policy],
        probe(new Reachability(true).expectAllIngress('x/a', false), 80),
        { cluster: { podLabels: { 'x/a': { target: 'isolated' } } } },
      ),
    ];
  })(),

  scenario(
    'should deny egress from pods based on PodSelector',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: deny-egress-pod-a
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Egress
      `,
    ],
    probe(new Reachability(true).expectAllEgress('x/a', false), 80),
  ),

  scenario(
    'should deny egress from all pods in a namespace',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: deny-egress-ns-x
        namespace: x
      spec:
        podSelector: {}
        policyTypes:
        - Egress
      `,
    ],
    probe(new Reachability(true).expectPeer({ namespace: 'x' }, {}, false), 80),
  ),

  scenario(
    'should work with Ingress, Egress specified together',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-client-a-via-pod-selector
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Egress
        - Ingress
        ingress:
        - from:
          - podSelector:
              matchLabels:
                pod: b
        egress:
        - ports:
          - port: 80
      `,
    ],
    [
      ...probe(new Reachability(true).expectAllIngress('x/a', false).expect('x/b', 'x/a', true), 80),
      ...probe(
        new Reachability(true)
          .expectAllIngress('x/a', false)
          .expectAllEgress('x/a', false)
          .expect('x/b', 'x/a', true),
        81,
      ),
    ],
  ),

  scenario(
    'should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-to-ns-y-pod-a
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Egress
        egress:
        - to:
          - namespaceSelector:
              matchLabels:
                ${NS_NAME}: "y"
            podSelector:
              matchLabels:
                pod: a
      `,
      ...['a', 'b'].map(
        (target) => yaml`
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: allow-from-xa-on-y${target}-match-selector
          namespace: "y"
        spec:
          podSelector:
            matchLabels:
              pod: ${target}
          policyTypes:
          - Ingress
          ingress:
          - from:
            - namespaceSelector:
                matchLabels:
                  ${NS_NAME}: x
              podSelector:
                matchLabels:
                  pod: a
        `,
      ),
    ],
    probe(
      new Reachability(true)
        .expectPeer({ namespace: 'x', pod: 'a' }, {}, false)
        .expectPeer({}, { namespace: 'y', pod: 'a' }, false)
        .expectPeer({ namespace: 'x', pod: 'a' }, { namespace: 'y', pod: 'a' }, true)
        .expectPeer({}, { namespace: 'y', pod: 'b' }, false),
      80,
    ),
  ),

  scenario(
    'should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-to-ns-y-pod-a
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Egress
        egress:
        - to:
          - namespaceSelector:
              matchLabels:
                ${NS_NAME}: "y"
            podSelector:
              matchLabels:
                pod: a
      `,
    ],
    probe(new Reachability(true).expectAllEgress('x/a', false).expect('x/a', 'y/a', true), 80),
  ),

  scenario(
    'should enforce ingress policy allowing any port traffic to a server on a specific protocol',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-ingress-by-proto
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
        ingress:
        - ports:
          - protocol: TCP
      `,
    ],
    [
      ...probe(new Reachability(true), 80, 'TCP'),
      ...probe(new Reachability(true).expectPeer({}, { namespace: 'x', pod: 'a' }, false), 80, 'UDP'),
    ],
  ),

  ...(() => {
    const allowOnlyPort80 = yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-ingress-port-80
        namespace: x
      spec:
        podSelector: {}
        policyTypes:
        - Ingress
        ingress:
        - ports:
          - port: 80
    `;
    const allowAll = yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-ingress
        namespace: x
      spec:
        podSelector: {}
        policyTypes:
        - Ingress
        ingress:
        - {}
    `;
    return [
      scenario(
        'should enforce multiple ingress policies with ingress allow-all policy taking precedence (before update)',
        [allowOnlyPort80],
        probe(nothingIntoX(), 81),
      ),
      scenario(
        'should enforce multiple ingress policies with ingress allow-all policy taking precedence (after update)',
        [allowOnlyPort80, allowAll],
        probe(new Reachability(true), 81),
      ),
    ];
  })(),

  ...(() => {
    const allowPort80 = yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-egress-port-80
        namespace: x
      spec:
        podSelector: {}
        policyTypes:
        - Egress
        egress:
        - ports:
          - port: 80
    `;
    const allowAll = yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-egress
        namespace: x
      spec:
        podSelector: {}
        policyTypes:
        - Egress
        egress:
        - {}
    `;
    return [
      scenario(
        'should enforce multiple egress policies with egress allow-all policy taking precedence (before update)',
        [allowPort80],
        probe(new Reachability(true).expectPeer({ namespace: 'x' }, {}, false), 81),
      ),
      scenario(
        'should enforce multiple egress policies with egress allow-all policy taking precedence (after update)',
        [allowPort80, allowAll],
        probe(new Reachability(true), 81),
      ),
    ];
  })(),

  scenario(
    'should stop enforcing policies after they are deleted (before update)',
    [denyAllX],
    probe(new Reachability(true).expectPeer({ namespace: 'x' }, {}, false).expectPeer({}, { namespace: 'x' }, false), 80),
  ),
  // k8s.cleanNetworkPolicies(ctx): no policy left.
  scenario('should stop enforcing policies after they are deleted (after update)', [], probe(new Reachability(true), 80)),

  ...ipBlockScenarios('IPv4'),
  ...ipBlockScenarios('IPv6'),

  ...(() => {
    const allowEgressForTarget = yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-egress-for-target
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Egress
        egress:
        - {}
    `;
    const denyIngressForTarget = yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: deny-ingress-via-label-selector
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
    `;
    return [
      scenario(
        'should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector (before update)',
        [allowEgressForTarget],
        probe(new Reachability(true), 80),
      ),
      scenario(
        'should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector (after update)',
        [allowEgressForTarget, denyIngressForTarget],
        probe(new Reachability(true).expectAllIngress('x/a', false), 80),
      ),
    ];
  })(),

  scenario(
    "should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP",
    [
      denyIngressX('deny-ingress'),
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-only-sctp-ingress-on-port-81
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
        ingress:
        - ports:
          - port: 81
            protocol: SCTP
      `,
    ],
    probe(nothingIntoX(), 81),
  ),

  scenario(
    "should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP",
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-only-sctp-ingress-on-port-80
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
        ingress:
        - ports:
          - port: 80
            protocol: SCTP
      `,
    ],
    probe(new Reachability(true).expectAllIngress('x/a', false), 81),
  ),

  scenario(
    'should not allow access by TCP when a policy specifies only UDP',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-only-udp-ingress-on-port-81
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Ingress
        ingress:
        - ports:
          - port: 81
            protocol: UDP
      `,
    ],
    probe(new Reachability(true).expectAllIngress('x/a', false), 81),
  ),

  scenario(
    'should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label',
    [allowXAFromNsY('allow-client-a-via-ns-selector-for-immutable-ns-label')],
    probe(onlyNsYIntoXA(), 80),
  ),

  scenario(
    'should enforce policy based on NamespaceSelector with MatchExpressions using default ns label',
    [
      yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: allow-ns-y-match-selector-for-immutable-ns-label
        namespace: x
      spec:
        podSelector:
          matchLabels:
            pod: a
        policyTypes:
        - Egress
        egress:
        - to:
          - namespaceSelector:
              matchExpressions:
              - key: ${NS_NAME}
                operator: NotIn
                values:
                - "y"
      `,
    ],
    probe(new Reachability(true).expectPeer({ namespace: 'x', pod: 'a' }, { namespace: 'y' }, false), 80),
  ),
];

/** The UDP and SCTP contexts run the same three tests; the name says which protocol. */
const otherProtocolScenarios = (protocol: 'UDP' | 'SCTP'): BundleCase[] => {
  const context = protocol === 'UDP' ? CONTEXT_UDP : CONTEXT_SCTP;
  return [
    scenario(
      `should support a 'default-deny-ingress' policy (${protocol})`,
      [denyIngressX('deny-all')],
      probe(nothingIntoX(), 80, protocol),
      { context },
    ),
    scenario(
      `should enforce policy based on Ports (${protocol})`,
      [allowFromNsYOnPort('allow-ingress-on-port-81-ns-x', 81, protocol)],
      probe(onlyNsYIntoXA(), 81, protocol),
      { context },
    ),
    scenario(
      `should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector (${protocol})`,
      [allowFromYAOnly],
      probe(onlyYAIntoXA(), 80, protocol),
      { context },
    ),
  ];
};

export const upstreamE2E: CaseGroup = {
  name: 'upstream e2e netpol',
  cases: [...tcpScenarios, ...otherProtocolScenarios('UDP'), ...otherProtocolScenarios('SCTP')],
};
