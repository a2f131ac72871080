/**
 * @module The examples of the Kubernetes NetworkPolicy concept page (kubernetes/website
 * content/en/docs/concepts/services-networking/network-policies.md, with its example files under
 * content/en/examples/service/networking/), each turned into a case: the page's policy as YAML,
 * a small cluster of namespaces and pods for it to act on, and flows that check what the page says
 * the policy does. Examples the page shows without a namespace (the default policies) go to
 * `default`, as `kubectl apply` would put them; snippets shown with `...` get the smallest
 * metadata and podSelector that make them whole.
 */
import type { BundleCase, CaseGroup, FlowCase } from '../cases/suite.js';

const PAGE = 'kubernetes/website content/en/docs/concepts/services-networking/network-policies.md';
const EXAMPLES = 'kubernetes/website content/en/examples/service/networking';

/** The node every pod runs on, except the hostNetwork pod. */
const NODE = '172.18.0.2';
/** Another node: the hostNetwork pod default/host-agent runs there and has its IP. */
const OTHER_NODE = '172.18.0.3';

interface PodSpec {
  readonly ref: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ip: string;
  readonly ports?: readonly { name: string; port: number; protocol?: string }[];
  readonly hostNetwork?: boolean;
}

const NAMESPACES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  default: {},
  myproject: { project: 'myproject' },
  other: {},
  alice: { user: 'alice' },
  bob: { user: 'bob' },
  // "kubectl label namespace frontend namespace=frontend" (Targeting multiple namespaces by label)
  frontend: { namespace: 'frontend' },
  backend: { namespace: 'backend' },
};

/** Pod IPs are in 10.1.0.0/16: outside every CIDR the page's examples use. */
const PODS: readonly PodSpec[] = [
  { ref: 'default/db', labels: { role: 'db' }, ip: '10.1.0.10', ports: [{ name: 'redis', port: 6379 }] },
  { ref: 'default/frontend', labels: { role: 'frontend' }, ip: '10.1.0.11', ports: [{ name: 'http', port: 80 }] },
  { ref: 'default/client', labels: { role: 'client' }, ip: '10.1.0.12' },
  { ref: 'default/myapp', labels: { app: 'myapp' }, ip: '10.1.0.13' },
  { ref: 'myproject/web', labels: { role: 'web' }, ip: '10.1.1.10' },
  { ref: 'other/frontend', labels: { role: 'frontend' }, ip: '10.1.2.10' },
  { ref: 'alice/client', labels: { role: 'client' }, ip: '10.1.3.10' },
  { ref: 'alice/server', labels: { role: 'server' }, ip: '10.1.3.11' },
  { ref: 'bob/client', labels: { role: 'client' }, ip: '10.1.4.10' },
  { ref: 'frontend/web', labels: { app: 'web' }, ip: '10.1.5.10' },
  { ref: 'backend/api', labels: { app: 'api' }, ip: '10.1.6.10' },
  // "NetworkPolicy and hostNetwork pods": same labels as default/client, but on the host network.
  { ref: 'default/host-agent', labels: { role: 'client' }, ip: OTHER_NODE, hostNetwork: true },
];

function labelBlock(labels: Readonly<Record<string, string>>, indent: string): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `\n${indent}labels:\n${entries.map(([k, v]) => `${indent}  ${k}: ${JSON.stringify(v)}`).join('\n')}`;
}

/** Namespaces and pods for the page's examples; `namespaceLabels` replaces a namespace's labels. */
function conceptCluster(namespaceLabels: Readonly<Record<string, Readonly<Record<string, string>>>> = {}): string {
  const docs: string[] = [];
  for (const [name, labels] of Object.entries({ ...NAMESPACES, ...namespaceLabels })) {
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}${labelBlock(labels, '  ')}`);
  }
  for (const pod of PODS) {
    const [namespace, name] = pod.ref.split('/') as [string, string];
    const ports = (pod.ports ?? [])
      .map((p) => `\n    - name: ${p.name}\n      containerPort: ${p.port}\n      protocol: ${p.protocol ?? 'TCP'}`)
      .join('');
    docs.push(
      `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}${labelBlock(pod.labels, '  ')}
spec:${pod.hostNetwork ? '\n  hostNetwork: true' : ''}
  containers:
  - name: main
    image: registry.k8s.io/e2e-test-images/agnhost:2.53${ports ? `\n    ports:${ports}` : ''}
status:
  phase: Running
  hostIP: ${pod.hostNetwork ? OTHER_NODE : NODE}
  podIP: ${pod.ip}`,
    );
  }
  return docs.join('\n---\n');
}

const cluster = conceptCluster();

function example(
  name: string,
  source: string,
  policies: readonly string[],
  flows: readonly FlowCase[],
  clusterText: string = cluster,
): BundleCase {
  return { name, source, manifests: [clusterText, ...policies], flows };
}

type FlowExtras = Omit<FlowCase, 'src' | 'dst' | 'port' | 'allowed'>;

function allow(src: string, dst: string, port: number, extras: FlowExtras = {}): FlowCase {
  return { src, dst, port, allowed: true, ...extras };
}

function deny(src: string, dst: string, port: number, extras: FlowExtras = {}): FlowCase {
  return { src, dst, port, allowed: false, ...extras };
}

// ---------------------------------------------------------------------------------------------
// The page's policies, block style.

/** networkpolicy.yaml, "The NetworkPolicy resource". */
const testNetworkPolicy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: test-network-policy
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except:
        - 172.17.1.0/24
    - namespaceSelector:
        matchLabels:
          project: myproject
    - podSelector:
        matchLabels:
          role: frontend
    ports:
    - protocol: TCP
      port: 6379
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24
    ports:
    - protocol: TCP
      port: 5978`;

/** network-policy-default-deny-ingress.yaml */
const defaultDenyIngress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-ingress
spec:
  podSelector: {}
  policyTypes:
  - Ingress`;

/** network-policy-allow-all-ingress.yaml */
const allowAllIngress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-all-ingress
spec:
  podSelector: {}
  ingress:
  - {}
  policyTypes:
  - Ingress`;

/** network-policy-default-deny-egress.yaml */
const defaultDenyEgress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-egress
spec:
  podSelector: {}
  policyTypes:
  - Egress`;

/** network-policy-allow-all-egress.yaml */
const allowAllEgress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-all-egress
spec:
  podSelector: {}
  egress:
  - {}
  policyTypes:
  - Egress`;

/** network-policy-default-deny-all.yaml */
const defaultDenyAll = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-all
spec:
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress`;

/** network-policy-allow-all-egress-deny-all-ingress.yaml */
const allowEgressDenyIngress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-egress-deny-ingress
spec:
  podSelector: {}
  policyTypes:
  - Egress
  - Ingress
  egress:
  - {}
  ingress: [] # Removing this line also works`;

/** networkpolicy-multiport-egress.yaml, "Targeting a range of ports". */
const multiPortEgress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: multi-port-egress
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Egress
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24
    ports:
    - protocol: TCP
      port: 32000
      endPort: 32768`;

/** "Targeting multiple namespaces by label". */
const egressNamespaces = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: egress-namespaces
spec:
  podSelector:
    matchLabels:
      app: myapp
  policyTypes:
  - Egress
  egress:
  - to:
    - namespaceSelector:
        matchExpressions:
        - key: namespace
          operator: In
          values:
          - frontend
          - backend`;

/** The "Behavior of to and from selectors" snippets, made whole around `ingress`. */
const aliceClients = (from: string): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-alice-clients
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  ingress:
  - from:
${from}`;

// ---------------------------------------------------------------------------------------------

export const conceptPage: CaseGroup = {
  name: 'NetworkPolicy concept page',
  cases: [
    example(
      'The NetworkPolicy resource: test-network-policy isolates role=db pods for ingress and egress',
      `${PAGE} #networkpolicy-resource; ${EXAMPLES}/networkpolicy.yaml`,
      [testNetworkPolicy],
      [
        // Ingress on TCP 6379 from any pod in "default" with role=frontend ...
        allow('default/frontend', 'default/db', 6379, { allowedByIngress: 'default/test-network-policy#0' }),
        deny('default/frontend', 'default/db', 6380, { deniedBy: ['ingress'] }),
        deny('default/frontend', 'default/db', 6379, { protocol: 'UDP' }),
        deny('default/client', 'default/db', 6379, { ingress: 'no-rule-matched' }),
        // ... the podSelector peer means pods of the policy's own namespace only ...
        deny('other/frontend', 'default/db', 6379),
        // ... any pod in a namespace with project=myproject ...
        allow('myproject/web', 'default/db', 6379),
        deny('myproject/web', 'default/db', 5978),
        // ... and 172.17.0.0-172.17.0.255, 172.17.2.0-172.17.255.255.
        allow('172.17.0.0', 'default/db', 6379),
        allow('172.17.0.255', 'default/db', 6379),
        deny('172.17.1.0', 'default/db', 6379),
        deny('172.17.1.255', 'default/db', 6379),
        allow('172.17.2.0', 'default/db', 6379),
        allow('172.17.255.255', 'default/db', 6379),
        deny('172.16.255.255', 'default/db', 6379),
        deny('172.18.0.1', 'default/db', 6379),
        // Egress from role=db only to 10.0.0.0/24 on TCP 5978.
        allow('default/db', '10.0.0.5', 5978, { allowedByEgress: 'default/test-network-policy#0', ingress: 'outside-cluster' }),
        allow('default/db', '10.0.0.255', 5978),
        deny('default/db', '10.0.1.5', 5978, { deniedBy: ['egress'] }),
        deny('default/db', '10.0.0.5', 5979),
        deny('default/db', '10.0.0.5', 5978, { protocol: 'UDP' }),
        deny('default/db', 'default/frontend', 80, { deniedBy: ['egress'] }),
        // An egress rule allows nothing inbound.
        deny('10.0.0.5', 'default/db', 5978, { deniedBy: ['ingress'] }),
        // Pods the policy does not select keep accepting and sending everything.
        allow('default/frontend', 'default/client', 80, { reason: 'no-policy' }),
        allow('alice/client', 'default/frontend', 80, { reason: 'no-policy' }),
        allow('default/client', '172.17.1.5', 443, { reason: 'no-policy' }),
      ],
    ),

    example(
      'Behavior of to and from selectors: namespaceSelector and podSelector in one from element',
      `${PAGE} #behavior-of-to-and-from-selectors`,
      [
        aliceClients(`    - namespaceSelector:
        matchLabels:
          user: alice
      podSelector:
        matchLabels:
          role: client`),
      ],
      [
        // Pods with role=client in namespaces with user=alice, nothing else.
        allow('alice/client', 'default/db', 6379),
        deny('alice/server', 'default/db', 6379),
        deny('bob/client', 'default/db', 6379),
        deny('default/client', 'default/db', 6379),
        // No policyTypes and no egress rule: egress is not restricted.
        allow('default/db', '10.9.9.9', 443, { egress: 'not-isolated' }),
      ],
    ),

    example(
      'Behavior of to and from selectors: namespaceSelector and podSelector as two from elements',
      `${PAGE} #behavior-of-to-and-from-selectors`,
      [
        aliceClients(`    - namespaceSelector:
        matchLabels:
          user: alice
    - podSelector:
        matchLabels:
          role: client`),
      ],
      [
        // Pods in the local namespace with role=client, or any pod in a namespace with user=alice.
        allow('alice/client', 'default/db', 6379),
        allow('alice/server', 'default/db', 6379),
        allow('default/client', 'default/db', 6379),
        deny('bob/client', 'default/db', 6379),
        deny('default/frontend', 'default/db', 6379),
        deny('other/frontend', 'default/db', 6379),
      ],
    ),

    example(
      'Default deny all ingress traffic',
      `${PAGE} #default-deny-all-ingress-traffic; ${EXAMPLES}/network-policy-default-deny-ingress.yaml`,
      [defaultDenyIngress],
      [
        deny('default/frontend', 'default/db', 6379, { ingress: 'no-rule-matched' }),
        deny('myproject/web', 'default/frontend', 80),
        deny('172.17.0.5', 'default/db', 6379),
        // Only TCP, UDP and SCTP are defined; all three are denied.
        deny('alice/client', 'default/db', 6379, { protocol: 'UDP' }),
        deny('alice/client', 'default/db', 6379, { protocol: 'SCTP' }),
        // Egress isolation does not change.
        allow('default/db', 'myproject/web', 80, { egress: 'not-isolated' }),
        allow('default/db', '8.8.8.8', 53, { protocol: 'UDP' }),
        // Other namespaces are not affected.
        allow('myproject/web', 'alice/client', 80, { reason: 'no-policy' }),
        // A hostNetwork pod is never selected, even by podSelector {}.
        allow('myproject/web', 'default/host-agent', 9100, { ingress: 'host-network' }),
      ],
    ),

    example(
      'Allow all ingress traffic',
      `${PAGE} #allow-all-ingress-traffic; ${EXAMPLES}/network-policy-allow-all-ingress.yaml`,
      // "no additional policy or policies can cause any incoming connection to those pods to be denied"
      [allowAllIngress, defaultDenyIngress, testNetworkPolicy],
      [
        allow('default/client', 'default/db', 6379),
        allow('default/client', 'default/db', 9999, { protocol: 'UDP' }),
        allow('172.17.1.5', 'default/db', 6379),
        allow('other/frontend', 'default/frontend', 80, { allowedByIngress: 'default/allow-all-ingress#0' }),
        // "This policy has no effect on isolation for egress from any pod."
        deny('default/db', 'default/frontend', 80, { deniedBy: ['egress'] }),
      ],
    ),

    example(
      'Default deny all egress traffic',
      `${PAGE} #default-deny-all-egress-traffic; ${EXAMPLES}/network-policy-default-deny-egress.yaml`,
      [defaultDenyEgress],
      [
        deny('default/db', 'default/frontend', 80, { deniedBy: ['egress'], ingress: 'not-isolated' }),
        deny('default/frontend', '8.8.8.8', 53, { protocol: 'UDP' }),
        deny('default/client', 'alice/server', 443),
        // Ingress isolation does not change.
        allow('myproject/web', 'default/db', 6379, { ingress: 'not-isolated' }),
        allow('myproject/web', '8.8.8.8', 53, { protocol: 'UDP', reason: 'no-policy' }),
      ],
    ),

    example(
      'Allow all egress traffic',
      `${PAGE} #allow-all-egress-traffic; ${EXAMPLES}/network-policy-allow-all-egress.yaml`,
      [allowAllEgress, defaultDenyEgress, testNetworkPolicy],
      [
        allow('default/db', '8.8.8.8', 443),
        allow('default/db', 'default/frontend', 80, { allowedByEgress: 'default/allow-all-egress#0' }),
        allow('default/frontend', '10.0.1.5', 5978),
        // "This policy has no effect on isolation for ingress to any pod."
        deny('default/client', 'default/db', 6379, { deniedBy: ['ingress'] }),
      ],
    ),

    example(
      'Default deny all ingress and all egress traffic',
      `${PAGE} #default-deny-all-ingress-and-all-egress-traffic; ${EXAMPLES}/network-policy-default-deny-all.yaml`,
      [defaultDenyAll],
      [
        deny('default/frontend', 'default/db', 6379, { deniedBy: ['egress', 'ingress'] }),
        deny('myproject/web', 'default/db', 6379, { deniedBy: ['ingress'] }),
        deny('default/db', 'myproject/web', 80, { deniedBy: ['egress'] }),
        deny('default/db', '8.8.8.8', 53, { protocol: 'UDP' }),
        allow('myproject/web', 'alice/client', 80, { reason: 'no-policy' }),
      ],
    ),

    example(
      'Allow all egress and deny all ingress traffic (allow-egress-deny-ingress)',
      `${EXAMPLES}/network-policy-allow-all-egress-deny-all-ingress.yaml`,
      [allowEgressDenyIngress],
      [
        allow('default/db', 'myproject/web', 80, { egress: 'allowed-by-rule' }),
        allow('default/db', '8.8.8.8', 53, { protocol: 'UDP' }),
        deny('myproject/web', 'default/db', 6379, { deniedBy: ['ingress'] }),
        deny('default/frontend', 'default/db', 6379, { deniedBy: ['ingress'] }),
      ],
    ),

    example(
      'Targeting a range of ports: multi-port-egress',
      `${PAGE} #targeting-a-range-of-ports; ${EXAMPLES}/networkpolicy-multiport-egress.yaml`,
      [multiPortEgress],
      [
        // TCP to 10.0.0.0/24, ports 32000 to 32768 inclusive.
        allow('default/db', '10.0.0.5', 32000),
        allow('default/db', '10.0.0.5', 32500),
        allow('default/db', '10.0.0.5', 32768),
        deny('default/db', '10.0.0.5', 31999),
        deny('default/db', '10.0.0.5', 32769),
        deny('default/db', '10.0.0.5', 32000, { protocol: 'UDP' }),
        deny('default/db', '10.0.1.5', 32000),
        deny('default/db', 'default/frontend', 32000),
        // Egress only: ingress to role=db and other pods' egress are not restricted.
        allow('default/client', 'default/db', 6379, { reason: 'no-policy' }),
        allow('default/frontend', '10.0.0.5', 31999, { reason: 'no-policy' }),
      ],
    ),

    example(
      'Targeting multiple namespaces by label: egress-namespaces',
      `${PAGE} #targeting-multiple-namespaces-by-label`,
      [egressNamespaces],
      [
        allow('default/myapp', 'frontend/web', 80),
        allow('default/myapp', 'backend/api', 8080),
        deny('default/myapp', 'other/frontend', 80),
        deny('default/myapp', 'default/db', 6379),
        deny('default/myapp', '10.0.0.5', 80),
        allow('default/db', 'other/frontend', 80, { reason: 'no-policy' }),
        allow('frontend/web', 'default/myapp', 8080, { ingress: 'not-isolated' }),
      ],
    ),

    example(
      'Targeting a Namespace by its name: the kubernetes.io/metadata.name label',
      `${PAGE} #targeting-a-namespace-by-its-name`,
      [
        `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-from-namespace-frontend
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Ingress
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: frontend`,
      ],
      [
        // The control plane sets the label on every namespace; none of these manifests has it.
        allow('frontend/web', 'default/db', 6379),
        deny('myproject/web', 'default/db', 6379),
        // "immutable": backend's manifest claims the name frontend, the control plane says backend.
        deny('backend/api', 'default/db', 6379),
      ],
      conceptCluster({ backend: { namespace: 'backend', 'kubernetes.io/metadata.name': 'frontend' } }),
    ),

    example(
      'policyTypes: Egress is set when the policy has egress rules',
      `${PAGE} #networkpolicy-resource (policyTypes)`,
      [
        `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-egress-rules-only
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24`,
      ],
      [
        // "by default Ingress will always be set": no ingress rule, so nothing comes in.
        deny('default/frontend', 'default/db', 6379, { deniedBy: ['ingress'] }),
        allow('default/db', '10.0.0.5', 80),
        deny('default/db', '10.0.1.5', 80, { deniedBy: ['egress'] }),
      ],
    ),

    example(
      'policyTypes: Ingress only when the policy has no egress rule',
      `${PAGE} #networkpolicy-resource (policyTypes)`,
      [
        `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-ingress-rules-only
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  ingress:
  - from:
    - podSelector:
        matchLabels:
          role: frontend`,
      ],
      [
        allow('default/frontend', 'default/db', 6379),
        deny('default/client', 'default/db', 6379),
        allow('default/db', '8.8.8.8', 443, { egress: 'not-isolated' }),
      ],
    ),

    example(
      'A pod cannot block access to itself; traffic to and from its node is always allowed',
      `${PAGE} (overview: exceptions to "other pods" and "IP blocks")`,
      [defaultDenyAll],
      [
        allow('default/db', 'default/db', 6379, { reason: 'loopback' }),
        allow(NODE, 'default/db', 6379, { ingress: 'node' }),
        allow('default/db', NODE, 10250, { egress: 'node' }),
        // Another node is just an address.
        deny(OTHER_NODE, 'default/db', 6379, { deniedBy: ['ingress'] }),
        deny('default/db', OTHER_NODE, 10250, { deniedBy: ['egress'] }),
        deny('default/host-agent', 'default/db', 6379, { deniedBy: ['ingress'] }),
      ],
    ),

    example(
      'NetworkPolicy and hostNetwork pods: a hostNetwork pod selected by spec.podSelector',
      `${PAGE} #networkpolicy-and-hostnetwork-pods`,
      [
        `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: isolate-clients
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: client
  policyTypes:
  - Ingress
  - Egress`,
      ],
      [
        // default/client is isolated; default/host-agent, with the same labels, is not.
        deny('default/frontend', 'default/client', 80, { deniedBy: ['ingress'] }),
        allow('default/frontend', 'default/host-agent', 9100, { ingress: 'host-network' }),
        allow('default/host-agent', 'default/frontend', 80, { egress: 'host-network' }),
      ],
    ),

    example(
      'NetworkPolicy and hostNetwork pods: a hostNetwork pod as a peer of a rule',
      `${PAGE} #networkpolicy-and-hostnetwork-pods`,
      [
        `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-from-clients
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  ingress:
  - from:
    - podSelector:
        matchLabels:
          role: client
    - namespaceSelector: {}
      podSelector: {}`,
      ],
      [
        allow('default/client', 'default/db', 6379),
        allow('bob/client', 'default/db', 6379),
        // Neither podSelector nor namespaceSelector matches a hostNetwork pod.
        deny('default/host-agent', 'default/db', 6379, { deniedBy: ['ingress'] }),
        deny(OTHER_NODE, 'default/db', 6379),
      ],
    ),

    example(
      'NetworkPolicy and hostNetwork pods: allowing a hostNetwork pod with an ipBlock rule',
      `${PAGE} #networkpolicy-and-hostnetwork-pods`,
      [
        `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-from-other-node
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  ingress:
  - from:
    - ipBlock:
        cidr: ${OTHER_NODE}/32`,
      ],
      [
        // "their connections will be treated as node connections"
        allow('default/host-agent', 'default/db', 6379, { allowedByIngress: 'default/db-from-other-node#0' }),
        allow(OTHER_NODE, 'default/db', 6379),
        deny('default/client', 'default/db', 6379),
      ],
    ),
  ],
};
