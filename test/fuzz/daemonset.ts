/**
 * @module A random bundle (arbitraries.ts) with a hostNetwork DaemonSet on three nodes added,
 * some pods moved to the third node, and replicas of its pods spread over the nodes (same labels
 * and ports, addresses of their own or, now and then, one another's): many pods node-related to
 * the DaemonSet's pods, of few class keys, for the focus scope to group (focus-relations.ts).
 */
import fc from 'fast-check';
import { bundleObjectsArbitrary, type K8sObject } from './arbitraries.js';

/** The arbitraries' two nodes, and a third that only this module's pods run on. */
const NODES = [
  { v4: '192.168.1.1', v6: 'fd00:1::1' },
  { v4: '192.168.1.2', v6: 'fd00:1::2' },
  { v4: '192.168.1.3', v6: 'fd00:1::3' },
] as const;

export const DAEMONSET = { namespace: 'alpha', name: 'agent' } as const;

interface Spread {
  /** Per node, whether the DaemonSet's pod there reports both families (else IPv4 only). */
  readonly dualStack: readonly boolean[];
  /** Per pod of the bundle (in order, as far as given): move it to the third node. */
  readonly moves: readonly boolean[];
  /** Replicas: which pod (index among the pods), on which node, with which address slot (slots collide now and then). */
  readonly replicas: readonly { readonly of: number; readonly node: number; readonly slot: number }[];
}

const spreadArbitrary: fc.Arbitrary<Spread> = fc.record({
  dualStack: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  moves: fc.array(fc.boolean(), { maxLength: 10 }),
  replicas: fc.array(fc.record({ of: fc.nat(9), node: fc.nat(2), slot: fc.nat(11) }), { maxLength: 8 }),
});

export function daemonSetBundleArbitrary(tiers: boolean): fc.Arbitrary<K8sObject[]> {
  return fc.tuple(bundleObjectsArbitrary({ tiers, maxPods: 8 }), spreadArbitrary).map(([objects, spread]) => spreadOut(objects, spread));
}

function spreadOut(objects: readonly K8sObject[], spread: Spread): K8sObject[] {
  const pods = objects.filter((o) => o.kind === 'Pod');
  let podIndex = 0;
  const moved = objects.map((o) => (o.kind === 'Pod' && spread.moves[podIndex++] ? onNode(o, 2) : o));
  const placed = moved.filter((o) => o.kind === 'Pod');
  const replicas = spread.replicas.flatMap(({ of, node, slot }, i) => {
    const pod = placed[of % Math.max(1, pods.length)];
    if (!pod) return [];
    const metadata = pod.metadata as K8sObject;
    const copy = { ...pod, metadata: { ...metadata, name: `${metadata.name as string}-r${i}` } };
    return [onNode(withAddress(copy, slot), node)];
  });
  const daemonSet: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: DAEMONSET.name, namespace: DAEMONSET.namespace },
    spec: {
      selector: { matchLabels: { app: DAEMONSET.name } },
      template: { metadata: { labels: { app: DAEMONSET.name } }, spec: { hostNetwork: true, containers: [{ name: 'agent', ports: [{ name: 'metrics', containerPort: 9100 }] }] } },
    },
  };
  const agents = NODES.map((node, n) => {
    const ips = spread.dualStack[n] ? [node.v4, node.v6] : [node.v4];
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${DAEMONSET.name}-n${n}`, namespace: DAEMONSET.namespace, labels: { app: DAEMONSET.name }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: DAEMONSET.name, controller: true }] },
      spec: { hostNetwork: true, containers: [{ name: 'agent', ports: [{ name: 'metrics', containerPort: 9100 }] }] },
      status: { phase: 'Running', hostIP: ips[0], hostIPs: ips.map((ip) => ({ ip })), podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) },
    };
  });
  return [...moved, ...replicas, daemonSet, ...agents];
}

/** The pod on node n: its node addresses (and a hostNetwork pod's own) rewritten, families kept. */
function onNode(pod: K8sObject, n: number): K8sObject {
  const status = pod.status as K8sObject | undefined;
  if (!status?.hostIP) return pod;
  const node = NODES[n]!;
  const swap = (ip: string): string => (ip.includes(':') ? node.v6 : node.v4);
  const hostNetwork = (pod.spec as K8sObject).hostNetwork === true;
  const list = (value: unknown) => (value as { ip: string }[] | undefined)?.map(({ ip }) => ({ ip: swap(ip) }));
  return {
    ...pod,
    status: clean({
      ...status,
      hostIP: swap(status.hostIP as string),
      hostIPs: list(status.hostIPs),
      podIP: hostNetwork && status.podIP ? swap(status.podIP as string) : status.podIP,
      podIPs: hostNetwork ? list(status.podIPs) : status.podIPs,
    }),
  };
}

/** A replica's own addresses (same families), in a range of its own: 10.0.0.201.. and fd00::c9... */
function withAddress(pod: K8sObject, slot: number): K8sObject {
  const status = pod.status as K8sObject | undefined;
  if (!status || (pod.spec as K8sObject).hostNetwork === true) return pod;
  const swap = (ip: string): string => (ip.includes(':') ? `fd00::${(201 + slot).toString(16)}` : `10.0.0.${201 + slot}`);
  const list = (value: unknown) => (value as { ip: string }[] | undefined)?.map(({ ip }) => ({ ip: swap(ip) }));
  return { ...pod, status: clean({ ...status, podIP: status.podIP ? swap(status.podIP as string) : undefined, podIPs: list(status.podIPs) }) };
}

/** Drops undefined entries (objects as parsed YAML has them). */
function clean(record: K8sObject): K8sObject {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
